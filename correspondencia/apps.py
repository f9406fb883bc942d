from django.apps import AppConfig


class CorrespondenciaConfig(AppConfig):
    name = "correspondencia"
    verbose_name = "Correspondencia"

    def ready(self) -> None:
        from oficialia.auditoria import audit_changes_of

        from .models import Area, Secretaria, Tramite

        audit_changes_of(Secretaria, Area, Tramite)
