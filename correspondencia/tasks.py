"""Background work. Tasks take primary keys, load again, and call a service; every one is
idempotent because late acks can deliver a task twice."""

import logging

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": settings.TASK_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@shared_task(**RETRY)
def generate_acuse(acuse_id: int) -> None:
    services.acuse_generate(acuse_id=acuse_id)


@shared_task(**RETRY)
def send_acuse_email(acuse_id: int) -> None:
    services.acuse_send_email(acuse_id=acuse_id)


@shared_task(**RETRY)
def notify_petitioner(transicion_id: int) -> None:
    services.petitioner_notify(transicion_id=transicion_id)


@shared_task(acks_late=True)
def relay_pending_acuses() -> int:
    return services.acuses_relay()


@shared_task(acks_late=True)
def sweep_orphan_files() -> int:
    from .maintenance import sweep_orphan_files as sweep

    return sweep()
