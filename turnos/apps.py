from django.apps import AppConfig


class TurnosConfig(AppConfig):
    name = "turnos"
    verbose_name = "Turnos"

    def ready(self) -> None:
        from . import signals  # noqa: F401
