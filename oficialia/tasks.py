"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .archivos import sweep_orphan_files
from .avisos import email_notifications
from .bitacora import publish_bitacora_head
from .dias_inhabiles import warn_missing_calendar

__all__ = [
    "email_notifications",
    "publish_bitacora_head",
    "sweep_orphan_files",
    "warn_missing_calendar",
]
