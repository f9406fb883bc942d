"""The citizen account's emails, through an outbox (`CorreoCuenta`), like the acuses and the
staff notices: the use case writes a row in its own transaction; after commit the worker
sends it and marks it, once; a relay (beat, every OUTBOX_RELAY_SECONDS) queues again what the
broker never got (Redis down), what a killed worker dropped, or what the mail server refused
more times than the task retries. Each email is made when it is sent and checks again that it
is still wanted (the address confirmed meanwhile, the account cancelled)."""

import json
import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from oficialia.colas import RETRY

from .models import (
    ArcoKind,
    ArcoState,
    ConfirmacionVinculo,
    CorreoCuenta,
    CorreoKind,
    Cuenta,
    SolicitudArco,
)
from .tokens import email_verification_token

logger = logging.getLogger(__name__)


def email_queue(kind: CorreoKind, /, **params) -> CorreoCuenta:
    """Put an email in the outbox, in the caller's transaction; it goes to the worker after
    commit. Never raises for the broker: the relay queues it again."""
    correo = CorreoCuenta.objects.create(kind=kind, params=params, created_at=timezone.now())
    transaction.on_commit(lambda: _queue(correo.pk))
    return correo


def _queue(correo_id: int) -> bool:
    try:
        send_account_email.delay(correo_id)
    except Exception:
        logger.exception("could not queue account email %s; the relay will", correo_id)
        return False
    return True


@shared_task(name="cuentas.tasks.send_account_email", **RETRY)
def send_account_email(correo_id: int) -> bool:
    return account_email_send(correo_id=correo_id)


def account_email_send(*, correo_id: int) -> bool:
    """Send one email of the outbox, once even if its task is delivered twice: the row is
    locked while it is sent and marked in the same transaction. A failure (the mail server
    down) leaves it unsent, counts the attempt and raises, so the task retries; after that,
    the relay."""
    try:
        with transaction.atomic():
            correo = (
                CorreoCuenta.objects.select_for_update(skip_locked=True)
                .filter(pk=correo_id, sent_at__isnull=True)
                .first()
            )
            if correo is None:
                return False
            sent = SENDERS[correo.kind](**correo.params)
            correo.sent_at = timezone.now()
            correo.params = {}  # a token or an address: not kept once used
            correo.last_error = ""
            correo.save(update_fields=["sent_at", "params", "last_error"])
            return sent
    except Exception as exc:
        CorreoCuenta.objects.filter(pk=correo_id, sent_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise


@shared_task(name="cuentas.tasks.relay_account_emails", acks_late=True)
def relay_account_emails() -> int:
    return account_emails_relay()


def account_emails_relay(*, now: datetime | None = None) -> int:
    """Queue again the emails still unsent after OUTBOX_REQUEUE_SECONDS. Returns how many."""
    stale = (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
    ids = CorreoCuenta.objects.filter(sent_at__isnull=True, created_at__lt=stale).order_by("pk")
    return sum(_queue(pk) for pk in ids.values_list("pk", flat=True)[:500])


# Each kind of email, made at the moment it is sent ----------------------------------------


def _send(*, to: str, subject: str, body: str, attachments=()) -> None:
    EmailMessage(subject=subject, body=body, to=[to], attachments=list(attachments)).send()


def confirmation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.PUBLIC_BASE_URL + reverse("cuenta_confirmar", args=[uid, token])


def verification_email_send(*, cuenta_id: int) -> bool:
    """Email the confirmation link, unless the address is already confirmed."""
    cuenta = Cuenta.objects.select_related("user").get(pk=cuenta_id)
    if cuenta.is_verified or cuenta.cancelled_at or not cuenta.email:
        return False
    context = {
        "link": confirmation_link(cuenta.user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    _send(
        to=cuenta.email,
        subject="Confirme su correo · Oficialía de Partes",
        body=render_to_string("cuentas/email/confirmar.txt", context),
    )
    return True


def account_exists_email_send(*, cuenta_id: int) -> bool:
    """Someone tried to register an address that has an account: tell its owner."""
    cuenta = Cuenta.objects.select_related("user").get(pk=cuenta_id)
    if cuenta.cancelled_at or not cuenta.email:
        return False
    context = {
        "entrar": settings.PUBLIC_BASE_URL + reverse("cuenta_entrar"),
        "restablecer": settings.PUBLIC_BASE_URL + reverse("cuenta_password_reset"),
        "confirmed": cuenta.is_verified,
    }
    _send(
        to=cuenta.email,
        subject="Su cuenta de la Oficialía de Partes",
        body=render_to_string("cuentas/email/ya_registrada.txt", context),
    )
    return True


def text_email_send(*, to: str, subject: str, body: str) -> bool:
    """A message made when it was queued: Django's password reset (its link holds a one-time
    token), or the ventanilla's reply to an email it rejected."""
    _send(to=to, subject=subject, body=body)
    return True


def link_confirmation_email_send(*, confirmacion_id: int, token: str) -> bool:
    """Send the confirmation link to the email written on the escrito (never to the account
    that asked, which may not be the petitioner's)."""
    confirmacion = ConfirmacionVinculo.objects.select_related("escrito__peticionario").get(
        pk=confirmacion_id
    )
    address = confirmacion.escrito.peticionario.email
    if confirmacion.confirmed_at or not address:
        return False
    context = {
        "folio": confirmacion.escrito.folio,
        "link": settings.PUBLIC_BASE_URL + reverse("cuenta_escrito_confirmar", args=[token]),
        "hours": settings.LINK_CONFIRMATION_HOURS,
    }
    _send(
        to=address,
        subject=f"Confirme que agrega el escrito {confirmacion.escrito.folio} a una cuenta",
        body=render_to_string("cuentas/email/confirmar_vinculo.txt", context),
    )
    return True


LINK_NOTICE_SUBJECTS = {
    "perdido": "El escrito {folio} ya no está en su cuenta",
    "reclamado": "El escrito {folio} quedó en su cuenta",
    "desvinculado": "La Oficialía quitó el escrito {folio} de su cuenta",
}


def link_notice_email_send(*, cuenta_id: int, folio: str, kind: str, reason: str = "") -> bool:
    """Tell an account that an escrito moved into or out of it."""
    cuenta = Cuenta.objects.get(pk=cuenta_id)
    if cuenta.cancelled_at or not cuenta.email:
        return False
    _send(
        to=cuenta.email,
        subject=LINK_NOTICE_SUBJECTS[kind].format(folio=folio),
        body=render_to_string(
            "cuentas/email/vinculo_cambiado.txt",
            {
                "folio": folio,
                "kind": kind,
                "reason": reason,
                "entrar": settings.PUBLIC_BASE_URL + reverse("cuenta_entrar"),
            },
        ),
    )
    return True


def arco_resolution_email_send(*, solicitud_id: int, address: str) -> bool:
    """The answer to an ARCO request made from an account. The address is given, not read: a
    cancellation has erased it from the account. An access request carried out delivers the
    data itself: the same export the account downloads, as PDF and JSON."""
    from . import arco

    solicitud = SolicitudArco.objects.select_related("cuenta__user").get(pk=solicitud_id)
    attachments = []
    delivers = (
        solicitud.kind == ArcoKind.ACCESO
        and solicitud.state == ArcoState.ATENDIDA
        and solicitud.cuenta is not None
        and solicitud.cuenta.cancelled_at is None
    )
    if delivers:
        data = arco.personal_data(solicitud.cuenta)
        day = f"{timezone.localdate():%Y%m%d}"
        attachments = [
            (f"mis-datos-{day}.pdf", arco.personal_data_pdf(data), "application/pdf"),
            (
                f"mis-datos-{day}.json",
                json.dumps(data, ensure_ascii=False, indent=2),
                "application/json",
            ),
        ]
    _send(
        to=address,
        subject=f"Su solicitud {solicitud.folio} de "
        f"{solicitud.get_kind_display().lower()} de datos personales",
        body=render_to_string(
            "cuentas/email/arco_resuelta.txt",
            {
                "solicitud": solicitud,
                "delivers": delivers,
                "privacidad": settings.PUBLIC_BASE_URL + reverse("cuenta_privacidad"),
            },
        ),
        attachments=attachments,
    )
    return True


SENDERS = {
    CorreoKind.CONFIRMAR: verification_email_send,
    CorreoKind.YA_REGISTRADA: account_exists_email_send,
    CorreoKind.CONTRASENA: text_email_send,
    CorreoKind.CONFIRMAR_VINCULO: link_confirmation_email_send,
    CorreoKind.VINCULO: link_notice_email_send,
    CorreoKind.ARCO: arco_resolution_email_send,
    CorreoKind.RESPUESTA_CORREO: text_email_send,
}


# Tasks queued before the outbox existed still find their names; they send directly.
@shared_task(name="cuentas.tasks.send_verification_email", **RETRY)
def send_verification_email(cuenta_id: int) -> None:
    verification_email_send(cuenta_id=cuenta_id)


@shared_task(name="cuentas.tasks.send_account_exists_email", **RETRY)
def send_account_exists_email(cuenta_id: int) -> None:
    account_exists_email_send(cuenta_id=cuenta_id)


@shared_task(name="cuentas.tasks.send_arco_resolution_email", **RETRY)
def send_arco_resolution_email(solicitud_id: int, address: str) -> None:
    arco_resolution_email_send(solicitud_id=solicitud_id, address=address)


@shared_task(name="cuentas.tasks.send_link_confirmation_email", **RETRY)
def send_link_confirmation_email(confirmacion_id: int, token: str) -> None:
    link_confirmation_email_send(confirmacion_id=confirmacion_id, token=token)


@shared_task(name="cuentas.tasks.send_link_notice_email", **RETRY)
def send_link_notice_email(cuenta_id: int, folio: str, kind: str) -> None:
    link_notice_email_send(cuenta_id=cuenta_id, folio=folio, kind=kind)


@shared_task(name="cuentas.tasks.send_unlink_notice_email", **RETRY)
def send_unlink_notice_email(cuenta_id: int, folio: str, reason: str) -> None:
    link_notice_email_send(cuenta_id=cuenta_id, folio=folio, kind="desvinculado", reason=reason)
