from django.apps import AppConfig


class InteroperabilidadConfig(AppConfig):
    """Other government offices: the REST API, their webhooks, and the email intake."""

    name = "interoperabilidad"
    verbose_name = "Interoperabilidad"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
