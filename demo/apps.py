from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Data for trying the product and for the benchmarks; never for production."""

    name = "demo"
    verbose_name = "Datos de demostración"
