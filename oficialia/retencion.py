"""Retention of the personal records that only serve security for a while (LGPDPPSO: data is
kept only as long as its purpose needs): the client addresses kept beside the bitácora,
django-axes' failed sign-in records, and expired sessions. Run daily by beat."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from .models import BitacoraIP


def expired_records_purge(*, now=None) -> dict[str, int]:
    """Delete what is past its retention; returns how many of each were deleted."""
    now = now or timezone.now()
    login_cutoff = now - timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS)
    deleted = {
        "direcciones_bitacora": BitacoraIP.objects.filter(expires_at__lte=now).delete()[0],
        "intentos": AccessAttempt.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "intentos_registro": AccessFailureLog.objects.filter(
            attempt_time__lt=login_cutoff
        ).delete()[0],
        "accesos": AccessLog.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "sesiones": Session.objects.filter(expire_date__lt=now).delete()[0],
    }
    return deleted


@shared_task(name="oficialia.tasks.purge_expired_records")
def purge_expired_records() -> dict[str, int]:
    return expired_records_purge()
