"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .avisos import notify_petitioner, relay_petitioner_notices
from .services import (
    send_account_exists_email,
    send_arco_reminders,
    send_arco_resolution_email,
    send_verification_email,
)

__all__ = [
    "notify_petitioner",
    "relay_petitioner_notices",
    "send_account_exists_email",
    "send_arco_reminders",
    "send_arco_resolution_email",
    "send_verification_email",
]
