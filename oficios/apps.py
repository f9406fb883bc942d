from django.apps import AppConfig


class OficiosConfig(AppConfig):
    """The answer's oficio: an enlace drafts it, the titular returns it with comments or
    approves and signs it with their e.firma, and only then does it reach the petitioner.
    Sits above turnos (it ends in turnos.services.turno_answer)."""

    name = "oficios"
    verbose_name = "Oficios de respuesta"
