from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The petitioner's pages about an escrito (no models): above correspondencia, turnos and
    cuentas, which it reads and calls."""

    name = "portal"
    verbose_name = "Portal del peticionario"
