from django.apps import AppConfig


class NotificacionesConfig(AppConfig):
    """Electronic notification with proof: the first time the petitioner opens an answer or a
    prevención (in the account or through /consulta/) a signed acuse de notificación
    electrónica is made. Sits above turnos; the portal calls it."""

    name = "notificaciones"
    verbose_name = "Notificaciones electrónicas"

    def ready(self) -> None:
        from correspondencia import verificacion

        from .services import issued_lookup

        verificacion.lookup_register(issued_lookup)
