from django.apps import AppConfig


class NotificacionesConfig(AppConfig):
    """Electronic notification with proof: the first time the petitioner opens an answer or a
    prevención (in the account or through /consulta/) a signed acuse de notificación
    electrónica is made. Sits above turnos; the portal calls it."""

    name = "notificaciones"
    verbose_name = "Notificaciones al peticionario"

    def ready(self) -> None:
        from correspondencia import verificacion

        from . import practica  # noqa: F401  (its receiver records each act's notification)
        from .services import issued_lookup

        verificacion.lookup_register(issued_lookup)
