"""Notices to the petitioner: an email for each public change of the escrito's state, once,
unless the citizen's account switched that kind off. Correspondencia announces the change
(`paso_publico_registrado`, on commit); this module listens, and a relay catches what a
broker outage lost."""

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from correspondencia.models import EscritoState, Transicion
from correspondencia.services.acuses import REQUEUE_AFTER
from correspondencia.signals import paso_publico_registrado
from oficialia.colas import RETRY

from .selectors import email_notice_wanted

logger = logging.getLogger(__name__)


@shared_task(name="correspondencia.tasks.notify_petitioner", **RETRY)
def notify_petitioner(transicion_id: int) -> None:
    petitioner_notify(transicion_id=transicion_id)


@shared_task(name="cuentas.tasks.relay_petitioner_notices", acks_late=True)
def relay_petitioner_notices() -> int:
    return petitioner_notices_relay()


@receiver(paso_publico_registrado, dispatch_uid="cuentas-aviso-peticionario")
def _tell_the_petitioner(sender, transicion_id: int, **kwargs) -> None:
    petitioner_notification_queue(transicion_id=transicion_id)


def petitioner_notification_queue(*, transicion_id: int) -> bool:
    """Hand the notice to the worker; never raises (the relay queues it again)."""
    try:
        notify_petitioner.delay(transicion_id)
    except Exception:
        logger.exception("could not queue notice %s; the relay will", transicion_id)
        return False
    return True


def petitioner_notify(*, transicion_id: int) -> bool:
    """Email the petitioner that their escrito changed state; once."""
    with transaction.atomic():
        transicion = (
            Transicion.objects.select_for_update(of=("self",))
            .select_related("escrito__peticionario")
            .get(pk=transicion_id)
        )
        escrito = transicion.escrito
        if transicion.notified_at or not escrito.peticionario.email:
            return False
        if not email_notice_wanted(
            escrito_id=escrito.pk, state=transicion.target, action=transicion.action
        ):
            # The citizen's account switched this kind of notice off (it is still listed in
            # the account). Marked as handled, or the relay would queue it again forever.
            transicion.notified_at = timezone.now()
            transicion.save(update_fields=["notified_at"])
            return False
        context = {
            "escrito": escrito,
            "transicion": transicion,
            "state": EscritoState(transicion.target).label,
            "consulta_url": f"{settings.PUBLIC_BASE_URL}/consulta/",
        }
        EmailMessage(
            subject=f"Su escrito {escrito.folio}: {context['state']}",
            body=render_to_string("correspondencia/email/cambio_estado.txt", context),
            to=[escrito.peticionario.email],
        ).send()
        transicion.notified_at = timezone.now()
        transicion.save(update_fields=["notified_at"])
    return True


def petitioner_notices_relay(*, now: datetime | None = None) -> int:
    """Queue again the notices not sent: changes made while the broker was down, or whose
    task was lost. Returns how many were queued."""
    stale = (now or timezone.now()) - REQUEUE_AFTER
    unnotified = (
        Transicion.objects.filter(
            at__lt=stale, notified_at__isnull=True, public=True, turno_id__isnull=True
        )
        .exclude(target="")
        .exclude(action="recibir")
        .exclude(escrito__peticionario__email="")
    )
    queued = 0
    for transicion_id in unnotified.values_list("pk", flat=True)[:500]:
        queued += petitioner_notification_queue(transicion_id=transicion_id)
    return queued
