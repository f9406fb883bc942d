from django.apps import AppConfig


class OficialiaConfig(AppConfig):
    name = "oficialia"
    verbose_name = "Oficialía de Partes"

    def ready(self) -> None:
        from . import auditoria

        auditoria.connect()
