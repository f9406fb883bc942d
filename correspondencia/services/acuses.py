"""The acuse de recibo: made once by the worker, emailed once, and queued again by the relay
when the broker was down or a task was lost. Each task sits beside the service it calls; their
names are the ones they had in correspondencia.tasks, so queued messages still find them."""

import hashlib
import logging
import threading
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from firmas.constancias import constancia_request
from firmas.models import Constancia
from oficialia import firma
from oficialia.colas import RETRY

from ..models import Acuse
from ..signals import documento_emitido

logger = logging.getLogger(__name__)

# An acuse queued this long ago and still not made is queued again by the relay: a worker
# killed mid-task leaves it at most this long plus one relay interval (OUTBOX_RELAY_SECONDS).
REQUEUE_AFTER = timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)


@shared_task(name="correspondencia.tasks.generate_acuse", **RETRY)
def generate_acuse(acuse_id: int) -> None:
    acuse_generate(acuse_id=acuse_id)


@shared_task(name="correspondencia.tasks.send_acuse_email", **RETRY)
def send_acuse_email(acuse_id: int) -> None:
    acuse_send_email(acuse_id=acuse_id)


@shared_task(name="correspondencia.tasks.relay_pending_acuses", acks_late=True)
def relay_pending_acuses() -> int:
    return acuses_relay()


def acuse_queue(*, acuse_id: int, marked: bool = False) -> bool:
    """Hand the acuse to the worker. Never raises: if the broker is unreachable the acuse
    stays pending and the relay queues it again; the filing has already been saved.
    `marked`: the caller already set queued_at in its own transaction (a filing does, to
    spare a second transaction); it is cleared if the task could not be queued."""
    try:
        generate_acuse.delay(acuse_id)
    except Exception:
        logger.exception("could not queue acuse %s; the relay will try again", acuse_id)
        if marked:
            Acuse.objects.filter(pk=acuse_id, generated_at__isnull=True).update(queued_at=None)
        return False
    if not marked:
        Acuse.objects.filter(pk=acuse_id, generated_at__isnull=True).update(
            queued_at=timezone.now()
        )
    return True


_local = threading.local()


def _font_config():
    """One WeasyPrint FontConfiguration per thread, kept for the life of the process: making
    one reads the system's fonts again (about 20 ms, more than laying out the acuse). The
    acuse declares no @font-face, so nothing accumulates in it and the output of a render
    does not depend on the ones before (tests check two renders are byte-identical)."""
    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        fonts = _local.fonts = FontConfiguration()
    return fonts


def acuse_render_pdf(acuse: Acuse) -> bytes:
    from oficialia.pdf import render_pdf

    from ..acuse import acuse_context

    return render_pdf(
        render_to_string("correspondencia/acuse.html", acuse_context(acuse)),
        font_config=_font_config(),
    )


def acuse_generate(*, acuse_id: int) -> Acuse:
    """Make the acuse PDF once. Safe to run twice (late acks redeliver): the second run
    finds it made and does nothing."""
    with transaction.atomic():
        acuse = (
            Acuse.objects.select_for_update(of=("self",))
            .select_related("escrito__peticionario", "escrito__tramite")
            .get(pk=acuse_id)
        )
        if acuse.is_ready and default_storage.exists(acuse.pdf.name):
            return acuse
        escrito = acuse.escrito
        content = firma.sign_pdf(
            acuse_render_pdf(acuse),
            reason=f"Acuse de recibo del escrito {escrito.folio}",
            location=settings.INSTITUTION_NAME,
        )
        # An acuse issued again after a correction gets a name of its own: the superseded
        # one keeps its file.
        version = escrito.acuses_anteriores.count() + 1
        suffix = f"-v{version}" if version > 1 else ""
        name = f"acuses/{escrito.year}/{escrito.folio}{suffix}.pdf"
        if default_storage.exists(name):
            default_storage.delete(name)
        acuse.pdf.name = default_storage.save(name, ContentFile(content))
        acuse.pdf_sha256 = hashlib.sha256(content).hexdigest()
        acuse.generated_at = timezone.now()
        acuse.save(update_fields=["pdf", "pdf_sha256", "generated_at"])
        logger.info("acuse of %s made (%s bytes)", escrito.folio, len(content))
        digest, folio = acuse.pdf_sha256, escrito.folio
        transaction.on_commit(
            lambda: constancia_request(documento="acuse", referencia=folio, sha256=digest)
        )
        if escrito.peticionario.email:
            transaction.on_commit(lambda: acuse_email_queue(acuse_id=acuse.pk))
        escrito_id = escrito.pk
        transaction.on_commit(
            lambda: documento_emitido.send(sender=Acuse, escrito_id=escrito_id, documento="acuse")
        )
    return acuse


def acuse_email_queue(*, acuse_id: int) -> bool:
    try:
        send_acuse_email.delay(acuse_id)
    except Exception:
        logger.exception("could not queue the email of acuse %s; the relay will", acuse_id)
        return False
    return True


def acuse_send_email(*, acuse_id: int) -> bool:
    """Email the acuse to the petitioner once; returns whether it was sent now."""
    with transaction.atomic():
        acuse = (
            Acuse.objects.select_for_update(of=("self",))
            .select_related("escrito__peticionario")
            .get(pk=acuse_id)
        )
        escrito = acuse.escrito
        petitioner = escrito.peticionario
        if acuse.email_sent_at or not acuse.is_ready or not petitioner.email:
            return False
        if petitioner.is_blocked:  # ARCO cancellation: the data is out of every use
            return False
        context = {"escrito": escrito, "consulta_url": f"{settings.PUBLIC_BASE_URL}/consulta/"}
        message = EmailMessage(
            subject=f"Acuse de recibo {escrito.folio}",
            body=render_to_string("correspondencia/email/acuse.txt", context),
            to=[escrito.peticionario.email],
        )
        with acuse.pdf.open("rb") as pdf:
            message.attach(f"acuse-{escrito.folio}.pdf", pdf.read(), "application/pdf")
        message.send()
        acuse.email_sent_at = timezone.now()
        acuse.save(update_fields=["email_sent_at"])
    return True


def acuses_relay(*, now: datetime | None = None) -> int:
    """Queue again what was not made or sent: acuses filed while the broker was down, or
    whose task was lost. Returns how many were queued."""
    now = now or timezone.now()
    stale = now - REQUEUE_AFTER
    pending = Acuse.objects.filter(generated_at__isnull=True).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=stale)
    )
    queued = 0
    for acuse_id in pending.values_list("pk", flat=True)[:500]:
        queued += acuse_queue(acuse_id=acuse_id)
    unsent = Acuse.objects.filter(generated_at__lt=stale, email_sent_at__isnull=True).exclude(
        escrito__peticionario__email=""
    )
    for acuse_id in unsent.values_list("pk", flat=True)[:500]:
        queued += acuse_email_queue(acuse_id=acuse_id)
    # An acuse whose NOM-151 constancia was not issued (the provider was down) asks again.
    without = (
        Acuse.objects.filter(generated_at__lt=stale)
        .exclude(pdf_sha256__in=Constancia.objects.filter(documento="acuse").values("sha256"))
        .values_list("escrito__folio", "pdf_sha256")[:100]
    )
    for folio, digest in without:
        constancia_request(documento="acuse", referencia=folio, sha256=digest)
    return queued
