"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .services.recordatorios import send_reminders

__all__ = ["send_reminders"]
