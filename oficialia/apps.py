from django.apps import AppConfig


class OficialiaConfig(AppConfig):
    name = "oficialia"
    verbose_name = "Oficialía de Partes"

    def ready(self) -> None:
        from . import auditoria

        auditoria.connect()

        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from . import replica, roles

        m2m_changed.connect(
            roles.forget_roles,
            sender=get_user_model().groups.through,
            dispatch_uid="oficialia-forget-roles",
        )
        if replica.configured():
            replica.install()

        from django.conf import settings
        from PIL import Image

        # Pillow warns at 89 megapixels and refuses only at twice that; every image the
        # product opens (uploads, PDFs drawn from them) stops at the product's own limit.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
