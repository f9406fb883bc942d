"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .services.acuses import generate_acuse, relay_pending_acuses, send_acuse_email

__all__ = ["generate_acuse", "relay_pending_acuses", "send_acuse_email"]
