from django.apps import AppConfig


class ArchivoConfig(AppConfig):
    name = "archivo"
    verbose_name = "Archivo"

    def ready(self) -> None:
        from oficialia.auditoria import audit_changes_of

        from . import receivers  # noqa: F401
        from .models import Fondo, Seccion

        audit_changes_of(Fondo, Seccion)
