"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .services import refresh_statistics

__all__ = ["refresh_statistics"]
