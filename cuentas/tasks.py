"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .avisos import notify_petitioner, relay_petitioner_notices
from .correos import (
    relay_account_emails,
    send_account_email,
    send_account_exists_email,
    send_arco_resolution_email,
    send_link_confirmation_email,
    send_link_notice_email,
    send_unlink_notice_email,
    send_verification_email,
)
from .services import send_arco_reminders

__all__ = [
    "notify_petitioner",
    "relay_account_emails",
    "relay_petitioner_notices",
    "send_account_email",
    "send_account_exists_email",
    "send_arco_reminders",
    "send_arco_resolution_email",
    "send_link_confirmation_email",
    "send_link_notice_email",
    "send_unlink_notice_email",
    "send_verification_email",
]
