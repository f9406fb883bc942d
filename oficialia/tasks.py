from celery import shared_task

from . import bitacora


@shared_task(acks_late=True)
def publish_bitacora_head() -> str:
    return bitacora.publish_head().last_hash
