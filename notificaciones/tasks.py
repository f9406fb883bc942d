"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .services import generate_acuse_notificacion

__all__ = ["generate_acuse_notificacion"]
