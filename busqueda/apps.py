from django.apps import AppConfig


class BusquedaConfig(AppConfig):
    name = "busqueda"
    verbose_name = "Búsqueda del personal"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
