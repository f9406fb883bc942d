"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .archivos import sweep_orphan_files
from .avisos import email_notifications
from .bitacora import publish_bitacora_head

__all__ = ["email_notifications", "publish_bitacora_head", "sweep_orphan_files"]
