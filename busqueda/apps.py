from django.apps import AppConfig


class BusquedaConfig(AppConfig):
    name = "busqueda"
    verbose_name = "Búsqueda del personal"

    def ready(self) -> None:
        from oficialia.salud import feature_register

        from . import receivers  # noqa: F401
        from .ocr import ocr_health

        feature_register("ocr", ocr_health)
