from django.apps import AppConfig


class InteroperabilidadConfig(AppConfig):
    """Other government offices: the REST API, their webhooks, and the email intake."""

    name = "interoperabilidad"
    verbose_name = "Interoperabilidad"

    def ready(self) -> None:
        from oficialia.auditoria import audit_changes_of

        from . import receivers  # noqa: F401
        from .models import Institucion, TokenApi, Webhook

        # Who was given access, with which scopes, and when it was taken away. The token's
        # hash and the webhook's secret are not editable fields, so they are never copied.
        audit_changes_of(Institucion, TokenApi, Webhook)
