"""Staff notices: a line in the app for each person, emailed after commit, once."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .colas import RETRY
from .models import Notificacion
from .roles import SECRETARIA_ROLES, Role
from .text import shorten

logger = logging.getLogger(__name__)


def users_with_roles(*roles: Role):
    User = get_user_model()
    return User.objects.filter(is_active=True, groups__name__in=[str(r) for r in roles]).distinct()


def staff_of_secretaria(secretaria_id: int, roles=SECRETARIA_ROLES):
    """The active staff of a secretaría who hold one of `roles` (titular and enlace by
    default: the people who work its turnos)."""
    User = get_user_model()
    return User.objects.filter(
        is_active=True,
        perfil__secretaria_id=secretaria_id,
        groups__name__in=[str(r) for r in roles],
    ).distinct()


def staff_notify(users, texto: str, url: str = "") -> list[Notificacion]:
    """An in-app notification for each user, emailed after commit."""
    now = timezone.now()
    # One notice per person and event, however many of the lists a person is on (the
    # titular who is also the one who asked, the archivist who borrowed the expediente).
    recipients = {user.pk: user for user in users}
    # Whoever is away is replaced by their suplente, told on whose behalf.
    from .suplencias import stand_ins

    lines: dict[int, tuple] = {}
    absent = stand_ins(list(recipients.values()))
    for user in recipients.values():
        suplencia = absent.get(user.pk)
        if suplencia is None:
            lines.setdefault(user.pk, (user, texto))
        else:
            who = suplencia.ausente.get_full_name() or suplencia.ausente.get_username()
            lines[suplencia.suplente_id] = (
                suplencia.suplente,
                f"Por ausencia de {who}: {texto}",
            )
    created = Notificacion.objects.bulk_create(
        Notificacion(user=user, texto=shorten(line, 300), url=url, created_at=now)
        for user, line in lines.values()
    )
    ids = [n.pk for n in created if n.pk]
    if ids:
        transaction.on_commit(lambda: _queue_emails(ids))
    return created


def _queue_emails(ids: list[int]) -> None:
    try:
        email_notifications.delay(ids)
    except Exception:
        logger.exception("could not queue staff emails %s", ids)


def notifications_email(*, ids: list[int]) -> int:
    """Email each notification once, even if the task is delivered twice."""
    sent = 0
    for notificacion_id in ids:
        with transaction.atomic():
            notificacion = (
                Notificacion.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("user")
                .filter(pk=notificacion_id, emailed_at__isnull=True)
                .first()
            )
            if notificacion is None:
                continue
            if notificacion.user.email:
                link = settings.PUBLIC_BASE_URL + notificacion.url if notificacion.url else ""
                send_mail(
                    subject=f"Oficialía de Partes: {shorten(notificacion.texto, 80)}",
                    message=f"{notificacion.texto}\n\n{link}\n",
                    from_email=None,
                    recipient_list=[notificacion.user.email],
                )
                sent += 1
            notificacion.emailed_at = timezone.now()
            notificacion.save(update_fields=["emailed_at"])
    return sent


# Its name from when it lived in turnos: queued messages still find it.
@shared_task(name="turnos.tasks.email_notifications", **RETRY)
def email_notifications(ids: list[int]) -> int:
    return notifications_email(ids=ids)


def notifications_relay(*, now=None) -> int:
    """Queue again the emails of notices that were never sent: made while the broker was
    down, or whose task a killed worker dropped. Sending is idempotent, so a notice queued
    twice is still emailed once."""
    stale = (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
    ids = list(
        Notificacion.objects.filter(emailed_at__isnull=True, created_at__lt=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    if not ids:
        return 0
    try:
        email_notifications.delay(ids)
    except Exception:
        logger.exception("could not queue %s staff emails; the next relay will", len(ids))
        return 0
    return len(ids)


@shared_task(name="oficialia.tasks.relay_staff_notifications", acks_late=True)
def relay_staff_notifications() -> int:
    return notifications_relay()


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark `user`'s notices read: those of `ids`, or every unread one. Returns how many."""
    unread = Notificacion.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notificacion.objects.filter(user=user, read_at__isnull=True).count()
