"""Webhooks after the Standard Webhooks specification: each event is an Entrega row written in
the transaction of the step it reports, sent by a Celery task with `webhook-id`,
`webhook-timestamp` and `webhook-signature` (HMAC-SHA256, the `standardwebhooks` package),
tried again with exponential backoff, and paused for a target that keeps failing."""

import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook as Signer

from correspondencia.models import Escrito, EscritoState, Transicion

from .models import Entrega, EntregaState, Evento, Intento, Webhook

logger = logging.getLogger(__name__)
# A queued attempt may start this much before its time (clock skew between workers).
EARLY = timedelta(seconds=2)

# The escrito's own steps that an institution can follow.
EVENTO_DE_ESTADO = {
    EscritoState.RECIBIDO: Evento.RECIBIDO,
    EscritoState.TURNADO: Evento.TURNADO,
    EscritoState.PREVENIDO: Evento.PREVENIDO,
    EscritoState.RESPONDIDO: Evento.RESPONDIDO,
    EscritoState.CONCLUIDO: Evento.CONCLUIDO,
}


class UnsafeTarget(ValueError):
    """A webhook URL that points inside the ayuntamiento's own network."""


def check_target(url: str) -> None:
    """Refuse a URL whose host resolves to a loopback, private, link-local or reserved
    address (an institution must not make the server call its own network), unless
    WEBHOOK_ALLOW_PRIVATE says so. Checked when registered and again before each send."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("La dirección debe empezar con https:// (o http://) y tener un dominio.")
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"No se encontró el dominio {parts.hostname}.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise UnsafeTarget(
                f"{parts.hostname} apunta a una dirección interna ({address}); use una pública."
            )


def new_secret() -> str:
    import base64
    import secrets

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _payload(escrito: Escrito, evento: str, transicion: Transicion | None) -> dict:
    return {
        "type": evento,
        "timestamp": (transicion.at if transicion else timezone.now()).isoformat(),
        "data": {
            "folio": escrito.folio,
            "numero_oficio": escrito.numero_oficio,
            "estado": escrito.state,
            "estado_texto": EscritoState(escrito.state).label,
            "descripcion": transicion.description if transicion else "",
            "url": settings.PUBLIC_BASE_URL
            + reverse("api-v1:escrito_detalle", args=[escrito.folio]),
        },
    }


def event_record(*, escrito: Escrito, evento: str, transicion: Transicion | None) -> list[Entrega]:
    """Write one Entrega per webhook of the escrito's institution that wants `evento`, in the
    caller's transaction, and send them after commit. A lost send is found by the relay."""
    link = getattr(escrito, "institucional", None)
    if link is None:
        return []
    entregas = []
    for webhook in Webhook.objects.filter(
        institucion_id=link.institucion_id, activo=True, paused_at__isnull=True
    ):
        if evento not in webhook.eventos:
            continue
        entrega, created = Entrega.objects.get_or_create(
            webhook=webhook,
            transicion_id=transicion.pk if transicion else None,
            evento=evento,
            defaults={
                "msg_id": f"msg_{uuid.uuid4().hex}",
                "escrito": escrito,
                "payload": _payload(escrito, evento, transicion),
                "next_attempt_at": timezone.now(),
            },
        )
        if created:
            entregas.append(entrega)
    ids = [e.pk for e in entregas]
    if ids:
        transaction.on_commit(lambda: [entrega_queue(entrega_id=i) for i in ids])
    return entregas


def entrega_queue(*, entrega_id: int, countdown: float = 0) -> bool:
    """Hand the delivery to the worker; never raises (the relay sends what is left)."""
    try:
        deliver_webhook.apply_async((entrega_id,), countdown=countdown)
    except Exception:
        logger.exception("could not queue webhook delivery %s; the relay will", entrega_id)
        return False
    return True


def backoff(attempts: int) -> timedelta:
    """Exponential: base, twice the base, four times… up to the cap."""
    seconds = settings.WEBHOOK_BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.WEBHOOK_BACKOFF_MAX))


def _post(entrega: Entrega) -> tuple[int | None, str]:
    try:
        check_target(entrega.webhook.url)
    except UnsafeTarget as exc:
        return None, str(exc)[:300]
    body = json.dumps(entrega.payload, ensure_ascii=False, separators=(",", ":"))
    sent_at = timezone.now()
    signature = Signer(entrega.webhook.secret).sign(entrega.msg_id, sent_at, body)
    request = urllib.request.Request(
        entrega.webhook.url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Oficialia-Webhooks/1",
            "webhook-id": entrega.msg_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def entrega_send(*, entrega_id: int) -> Entrega:
    """One attempt. Safe to run twice: a delivered or failed Entrega is left alone, and the
    row lock keeps two workers from sending the same attempt."""
    with transaction.atomic():
        entrega = (
            Entrega.objects.select_for_update(of=("self",))
            .select_related("webhook__institucion")
            .get(pk=entrega_id)
        )
        webhook = entrega.webhook
        if entrega.state != EntregaState.PENDIENTE:
            return entrega
        if webhook.paused_at or not webhook.activo:
            return entrega
        if entrega.next_attempt_at and entrega.next_attempt_at > timezone.now() + EARLY:
            return entrega  # a second copy of the task (relay and retry): not due yet
        started = time.monotonic()
        status, error = _post(entrega)
        now = timezone.now()
        Intento.objects.create(
            entrega=entrega,
            at=now,
            status=status,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        entrega.attempts += 1
        entrega.last_status = status
        entrega.last_error = error
        if status is not None and 200 <= status < 300:
            entrega.state = EntregaState.ENTREGADA
            entrega.delivered_at = now
            entrega.next_attempt_at = None
            webhook.consecutive_failures = 0
        else:
            webhook.consecutive_failures += 1
            if entrega.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
                entrega.state = EntregaState.FALLIDA
                entrega.next_attempt_at = None
            else:
                entrega.next_attempt_at = now + backoff(entrega.attempts)
            if webhook.consecutive_failures >= settings.WEBHOOK_PAUSE_AFTER:
                webhook.paused_at = now
                transaction.on_commit(lambda: webhook_paused_notify(webhook_id=webhook.pk))
        entrega.save()
        # An update, not a save: the failure count is delivery bookkeeping, not a change of
        # the catalogue the bitácora audits.
        Webhook.objects.filter(pk=webhook.pk).update(
            consecutive_failures=webhook.consecutive_failures, paused_at=webhook.paused_at
        )
    if entrega.state == EntregaState.PENDIENTE and not settings.CELERY_TASK_ALWAYS_EAGER:
        # With a worker the retry waits in the broker; in-process (no broker) the relay
        # picks it up when it falls due, instead of retrying at once in this request.
        entrega_queue(entrega_id=entrega.pk, countdown=backoff(entrega.attempts).total_seconds())
    return entrega


def entrega_resend(*, entrega_id: int) -> Entrega:
    """From the admin: send again (a delivered one too), with the same msg id."""
    with transaction.atomic():
        entrega = Entrega.objects.select_for_update().get(pk=entrega_id)
        entrega.state = EntregaState.PENDIENTE
        entrega.attempts = 0
        entrega.next_attempt_at = timezone.now()
        entrega.save(update_fields=["state", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: entrega_queue(entrega_id=entrega.pk))
    return entrega


@transaction.atomic
def webhook_register(*, institucion, url: str, eventos: list[str]) -> Webhook:
    """An institution registers a URL for the events it wants; the secret that signs the
    deliveries is made here and returned once with the webhook."""
    check_target(url)
    return Webhook.objects.create(
        institucion=institucion, url=url, eventos=sorted(set(eventos)), secret=new_secret()
    )


def webhook_resume(*, webhook_id: int) -> None:
    """Un-pause a webhook (saved, so the bitácora records who); its pending deliveries go
    out with the next relay."""
    webhook = Webhook.objects.get(pk=webhook_id)
    webhook.paused_at = None
    webhook.consecutive_failures = 0
    webhook.save(update_fields=["paused_at", "consecutive_failures"])


def webhook_paused_notify(*, webhook_id: int) -> None:
    webhook = Webhook.objects.select_related("institucion").get(pk=webhook_id)
    send_mail(
        subject=f"Webhook pausado: {webhook.url}",
        message=(
            f"La dirección {webhook.url} de {webhook.institucion.nombre} falló "
            f"{webhook.consecutive_failures} veces seguidas y dejamos de enviarle avisos.\n\n"
            "Cuando vuelva a responder con un código 2xx, pida a la Oficialía de Partes que la "
            "reactive; los avisos pendientes se enviarán entonces. Mientras tanto puede "
            "consultar el estado de sus escritos en la API (GET /api/v1/escritos)."
        ),
        from_email=None,
        recipient_list=[webhook.institucion.correo_contacto],
    )


def entregas_relay(*, now=None) -> int:
    """Queue the deliveries that fell due and are not in the broker (lost at commit, made
    while the broker was down, or retried with no worker)."""
    now = now or timezone.now()
    due = Entrega.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        state=EntregaState.PENDIENTE,
        webhook__paused_at__isnull=True,
        webhook__activo=True,
    )
    queued = 0
    for entrega_id in due.values_list("pk", flat=True)[:500]:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            entrega_send(entrega_id=entrega_id)
            queued += 1
        else:
            queued += entrega_queue(entrega_id=entrega_id)
    return queued


@shared_task(acks_late=True)
def deliver_webhook(entrega_id: int) -> None:
    entrega_send(entrega_id=entrega_id)


@shared_task(acks_late=True)
def relay_webhooks() -> int:
    return entregas_relay()
