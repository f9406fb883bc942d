"""How background work is retried. Every task is idempotent (late acks can deliver one
twice), takes primary keys and loads again."""

from django.conf import settings

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": settings.TASK_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}
