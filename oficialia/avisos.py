"""Staff notices: a line in the app for each person, emailed after commit, once."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .colas import RETRY
from .models import Notificacion
from .roles import SECRETARIA_ROLES, Role

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
    created = Notificacion.objects.bulk_create(
        Notificacion(user=user, texto=texto[:300], url=url, created_at=now) for user in users
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
                    subject=f"Oficialía de Partes: {notificacion.texto[:80]}",
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


def unread_count(user) -> int:
    return Notificacion.objects.filter(user=user, read_at__isnull=True).count()
