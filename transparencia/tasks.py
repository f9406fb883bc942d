from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def refresh_statistics() -> int:
    """Every 30 s from beat: consume what the Transicion log gained. A run that finds another
    one at work returns at once (the lock is taken with SKIP LOCKED)."""
    return services.statistics_refresh().rows
