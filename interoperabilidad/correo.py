"""Email intake: the beat reads the IMAP mailbox and makes each new message a draft for the
ventanilla's review queue.

A message is read once: the folder's UIDVALIDITY and the last UID turned into a draft are
kept (Buzon) and advanced in the same transaction that writes the draft, so a worker that
dies mid-message leaves nothing behind and the next run reads that message again. The
mailbox is opened read-only and nothing in it is changed or deleted. If the server renumbers
the folder (a new UIDVALIDITY), the reader starts again from the first UID and skips the
messages it already has, by Message-ID and the SHA-256 of the whole message."""

import contextlib
import email
import hashlib
import imaplib
import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.utils import parseaddr, parsedate_to_datetime

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from oficialia.adjuntos import inspect

from .models import Buzon, CorreoAdjunto, CorreoEntrante

logger = logging.getLogger(__name__)

# How many messages one run reads at most; the rest wait for the next run.
BATCH = 50
FOLDER = "correo"


@dataclass
class Parsed:
    message_id: str
    remitente: str
    remitente_nombre: str
    asunto: str
    cuerpo: str
    fecha: datetime | None
    adjuntos: list[tuple[str, str, bytes]]  # (name, declared type, content)


def parse(raw: bytes) -> Parsed:
    message = email.message_from_bytes(raw, policy=policy.default)
    nombre, direccion = parseaddr(str(message.get("From", "")))
    body_part = message.get_body(preferencelist=("plain", "html"))
    cuerpo = ""
    if body_part is not None:
        try:
            cuerpo = body_part.get_content()
        except (LookupError, UnicodeError):
            cuerpo = body_part.get_payload(decode=True).decode("utf-8", "replace")
        if body_part.get_content_type() == "text/html":
            cuerpo = strip_tags(cuerpo)
    adjuntos = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        name = part.get_filename() or f"adjunto-{len(adjuntos) + 1}"
        adjuntos.append((name, part.get_content_type(), content))
    try:
        fecha = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        fecha = None
    return Parsed(
        message_id=str(message.get("Message-ID", "")).strip()[:300],
        remitente=direccion[:254],
        remitente_nombre=nombre[:250],
        asunto=" ".join(str(message.get("Subject", "")).split())[:250],
        cuerpo=cuerpo.strip(),
        fecha=fecha,
        adjuntos=adjuntos,
    )


def _store_attachment(
    correo: CorreoEntrante, name: str, declared: str, content: bytes, stored: list[str]
) -> CorreoAdjunto:
    """Check the attachment like any upload; keep the file only if it passes."""
    upload = SimpleUploadedFile(name[:255], content, content_type=declared)
    common = {
        "correo": correo,
        "original_name": name[:255],
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    try:
        item = inspect(upload)
    except ValidationError as exc:
        return CorreoAdjunto.objects.create(
            **common, content_type=declared[:100], error=" ".join(exc.messages)[:400]
        )
    local = timezone.localtime(correo.leido_en)
    name = default_storage.save(
        f"{FOLDER}/{local:%Y/%m}/{uuid.uuid4().hex}.{item.extension}", ContentFile(content)
    )
    stored.append(name)
    return CorreoAdjunto.objects.create(
        **common, file=name, content_type=item.content_type, pages=item.pages
    )


def message_ingest(
    *, buzon_id: int, uidvalidity: int, uid: int, raw: bytes, arrived: datetime | None
) -> CorreoEntrante | None:
    """Turn one message into a draft and advance the mailbox past it, all or nothing.
    Returns None when the message was already read (by this run or a concurrent one)."""
    stored: list[str] = []
    try:
        return _ingest(buzon_id, uidvalidity, uid, raw, arrived, stored)
    except BaseException:
        # Django keeps a saved file when the transaction that refers to it rolls back.
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _ingest(buzon_id, uidvalidity, uid, raw, arrived, stored) -> CorreoEntrante | None:
    buzon = Buzon.objects.select_for_update().get(pk=buzon_id)
    if buzon.uidvalidity != uidvalidity or uid <= buzon.last_uid:
        return None
    buzon.last_uid = uid
    buzon.save(update_fields=["last_uid"])
    parsed = parse(raw)
    digest = hashlib.sha256(raw).hexdigest()
    if CorreoEntrante.objects.filter(buzon=buzon, raw_sha256=digest).exists():
        return None  # the same message under a new UIDVALIDITY
    now = timezone.now()
    correo = CorreoEntrante.objects.create(
        buzon=buzon,
        uidvalidity=uidvalidity,
        uid=uid,
        message_id=parsed.message_id,
        raw_sha256=digest,
        remitente=parsed.remitente,
        remitente_nombre=parsed.remitente_nombre,
        asunto=parsed.asunto,
        cuerpo=parsed.cuerpo,
        recibido_en=arrived or parsed.fecha or now,
        leido_en=now,
    )
    for name, declared, content in parsed.adjuntos:
        _store_attachment(correo, name, declared, content, stored)
    return correo


def _connect() -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4
    conn = cls(settings.IMAP_HOST, settings.IMAP_PORT, timeout=settings.IMAP_TIMEOUT)
    conn.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    return conn


def _uidvalidity(conn: imaplib.IMAP4) -> int:
    _typ, data = conn.response("UIDVALIDITY")
    if data and data[0]:
        return int(data[0])
    _typ, data = conn.status(_quote(settings.IMAP_FOLDER), "(UIDVALIDITY)")
    return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


_FETCHED = re.compile(rb"UID (\d+)")


def mailbox_read(*, limit: int = BATCH) -> int:
    """Read the new messages of the mailbox into drafts; returns how many were made."""
    if not settings.IMAP_HOST:
        return 0
    clave = f"{settings.IMAP_USER}@{settings.IMAP_HOST}:{settings.IMAP_PORT}/{settings.IMAP_FOLDER}"
    made = 0
    conn = _connect()
    try:
        typ, _data = conn.select(_quote(settings.IMAP_FOLDER), readonly=True)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open {settings.IMAP_FOLDER}")
        uidvalidity = _uidvalidity(conn)
        buzon, _ = Buzon.objects.get_or_create(clave=clave)
        with transaction.atomic():
            buzon = Buzon.objects.select_for_update().get(pk=buzon.pk)
            if buzon.uidvalidity != uidvalidity:
                if buzon.uidvalidity is not None:
                    logger.warning(
                        "%s: UIDVALIDITY changed; reading it again from the start", clave
                    )
                buzon.uidvalidity = uidvalidity
                buzon.last_uid = 0
            buzon.checked_at = timezone.now()
            buzon.save()
        _typ, data = conn.uid("SEARCH", None, f"UID {buzon.last_uid + 1}:*")
        # "N:*" always includes the highest UID, even when it is below N.
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > buzon.last_uid)
        for uid in uids[:limit]:
            _typ, fetched = conn.uid("FETCH", str(uid), "(BODY.PEEK[] INTERNALDATE)")
            parts = [p for p in fetched if isinstance(p, tuple)]
            if not parts:
                continue
            header, raw = parts[0]
            arrived = None
            if (when := imaplib.Internaldate2tuple(header)) is not None:
                arrived = datetime.fromtimestamp(time.mktime(when), tz=UTC)
            if message_ingest(
                buzon_id=buzon.pk, uidvalidity=uidvalidity, uid=uid, raw=raw, arrived=arrived
            ):
                made += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return made


@shared_task(acks_late=True)
def read_mailbox() -> int:
    return mailbox_read()


def reply_send(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send()
