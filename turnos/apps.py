from django.apps import AppConfig


class TurnosConfig(AppConfig):
    name = "turnos"
    verbose_name = "Turnos"

    def ready(self) -> None:
        from oficialia.auditoria import audit_changes_of

        from . import signals  # noqa: F401
        from .models import Perfil
        from .services import acuerdo  # noqa: F401  (its /verificar/ lookup)

        audit_changes_of(Perfil)
