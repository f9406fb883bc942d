from django.apps import AppConfig


class CuentasConfig(AppConfig):
    name = "cuentas"
    verbose_name = "Cuentas ciudadanas"

    def ready(self) -> None:
        from . import avisos  # noqa: F401  (listens to correspondencia's announcements)
