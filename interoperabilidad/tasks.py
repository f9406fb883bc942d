"""Celery's autodiscovery only: each task lives beside the service it calls."""

from .correo import read_mailbox  # noqa: F401
from .webhooks import deliver_webhook, relay_webhooks  # noqa: F401
