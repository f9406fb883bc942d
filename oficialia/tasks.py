"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .archivos import sweep_orphan_files
from .avisos import email_notifications
from .bitacora import publish_bitacora_head
from .dias_inhabiles import warn_missing_calendar
from .retencion import purge_expired_records

__all__ = [
    "email_notifications",
    "publish_bitacora_head",
    "purge_expired_records",
    "sweep_orphan_files",
    "warn_missing_calendar",
]
