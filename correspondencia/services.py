"""Use cases that write: filing an escrito, making and sending its acuse."""

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from oficialia import access_codes, bitacora
from oficialia.folios import allocate_folio

from .attachments import InspectedFile
from .models import (
    Acuse,
    Adjunto,
    Channel,
    Escrito,
    EscritoState,
    Peticionario,
    Secretaria,
    Tramite,
    Transicion,
)

logger = logging.getLogger(__name__)

FOLIO_SERIES = "OP"
# An acuse queued this long ago and still not made is queued again by the relay.
REQUEUE_AFTER = timedelta(minutes=5)


@dataclass
class PetitionerData:
    tipo: str
    nombre: str
    email: str = ""
    telefono: str = ""
    curp: str = ""
    rfc: str = ""
    genero: str = ""
    domicilio: str = ""


@dataclass
class EscritoData:
    peticionario: PetitionerData
    asunto: str
    texto: str = ""
    numero_oficio: str = ""
    tramite: Tramite | None = None
    secretaria_destino: Secretaria | None = None
    fojas: int | None = None
    anexos: int | None = None
    anexos_descripcion: str = ""
    ubicacion_original: str = ""
    adjuntos: list[InspectedFile] = field(default_factory=list)


@dataclass
class FilingResult:
    escrito: Escrito
    access_code: str
    created: bool


def _submission_digest(escrito: Escrito, adjuntos: list[InspectedFile]) -> str:
    """SHA-256 of a canonical JSON of everything the petitioner submitted."""
    p = escrito.peticionario
    payload = {
        "folio": escrito.folio,
        "recibido": escrito.received_at.isoformat(),
        "medio": escrito.channel,
        "peticionario": {
            "tipo": p.tipo,
            "nombre": p.nombre,
            "email": p.email,
            "telefono": p.telefono,
            "curp": p.curp,
            "rfc": p.rfc,
            "genero": p.genero,
            "domicilio": p.domicilio,
        },
        "numero_oficio": escrito.numero_oficio,
        "asunto": escrito.asunto,
        "texto": escrito.texto,
        "tramite": escrito.tramite.nombre if escrito.tramite else None,
        "dirigido_a": escrito.secretaria_destino.nombre if escrito.secretaria_destino else None,
        "fojas": escrito.fojas,
        "anexos": escrito.anexos,
        "adjuntos": [{"nombre": a.name, "bytes": a.size, "sha256": a.sha256} for a in adjuntos],
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_files(files: list[InspectedFile], moment: datetime) -> list[str]:
    """Write the uploads under names the server makes up; return the stored names."""
    local = timezone.localtime(moment)
    stored: list[str] = []
    try:
        for item in files:
            name = f"adjuntos/{local:%Y/%m}/{uuid.uuid4().hex}.{item.extension}"
            item.upload.seek(0)
            stored.append(default_storage.save(name, item.upload))
    except Exception:
        delete_files(stored)
        raise
    return stored


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete %s; the orphan sweeper will", name)


class _AlreadyFiled(Exception):
    pass


def _existing_filing(token: uuid.UUID | None) -> FilingResult | None:
    if token is None:
        return None
    escrito = Escrito.objects.filter(submission_token=token).first()
    if escrito is None:
        return None
    return FilingResult(escrito, access_codes.unseal(escrito.access_code_sealed), created=False)


def escrito_file(
    *,
    data: EscritoData,
    channel: Channel,
    captured_by=None,
    submission_token: uuid.UUID | None = None,
    received_at: datetime | None = None,
    queue_acuse: bool = True,
) -> FilingResult:
    """File an escrito: folio, access code, attachments and a pending acuse, all or nothing.

    A second call with the same `submission_token` returns the escrito the first one made.
    With `queue_acuse=False` the acuse is left to the relay (or made when first downloaded).
    """
    if (existing := _existing_filing(submission_token)) is not None:
        return existing
    moment = received_at or timezone.now()
    stored = store_files(data.adjuntos, moment)
    try:
        result = _escrito_create(
            data=data,
            channel=channel,
            captured_by=captured_by,
            submission_token=submission_token,
            moment=moment,
            stored=stored,
            queue_acuse=queue_acuse,
        )
    except (_AlreadyFiled, IntegrityError) as exc:
        delete_files(stored)
        existing = _existing_filing(submission_token)
        if existing is None:
            raise exc if isinstance(exc, IntegrityError) else RuntimeError("lost filing") from exc
        return existing
    except BaseException:
        # Django leaves files on disk when the transaction that referenced them rolls back.
        delete_files(stored)
        raise
    return result


@transaction.atomic
def _escrito_create(
    *,
    data: EscritoData,
    channel: Channel,
    captured_by,
    submission_token: uuid.UUID | None,
    moment: datetime,
    stored: list[str],
    queue_acuse: bool,
) -> FilingResult:
    folio = allocate_folio(series=FOLIO_SERIES, moment=moment)
    # Every filing queues on the folio lock, so this check cannot race with a twin request.
    if submission_token and Escrito.objects.filter(submission_token=submission_token).exists():
        raise _AlreadyFiled
    p = data.peticionario
    peticionario = Peticionario.objects.create(
        tipo=p.tipo,
        nombre=p.nombre,
        email=p.email,
        telefono=p.telefono,
        curp=p.curp,
        rfc=p.rfc,
        genero=p.genero,
        domicilio=p.domicilio,
    )
    code = access_codes.generate()
    escrito = Escrito(
        folio=str(folio),
        year=folio.year,
        number=folio.number,
        channel=channel,
        received_at=moment,
        peticionario=peticionario,
        numero_oficio=data.numero_oficio,
        asunto=data.asunto,
        texto=data.texto,
        tramite=data.tramite,
        secretaria_destino=data.secretaria_destino,
        fojas=data.fojas,
        anexos=data.anexos,
        anexos_descripcion=data.anexos_descripcion,
        ubicacion_original=data.ubicacion_original,
        captured_by=captured_by,
        privacy_accepted_at=moment,
        submission_token=submission_token,
        access_code_hash=access_codes.hash_code(code),
        access_code_sealed=access_codes.seal(code),
    )
    escrito.digest = _submission_digest(escrito, data.adjuntos)
    escrito._change_reason = f"Recibido: {Channel(channel).label}"
    escrito._history_date = moment
    if captured_by is not None:
        escrito._history_user = captured_by
    escrito.save()
    Adjunto.objects.bulk_create(
        Adjunto(escrito=escrito, position=position, **item.stored_fields(name))
        for position, (item, name) in enumerate(zip(data.adjuntos, stored, strict=True))
    )
    acuse = Acuse.objects.create(escrito=escrito, verification_token=secrets.token_urlsafe(32))
    transicion_record(
        escrito=escrito,
        action="recibir",
        description=f"Escrito recibido ({Channel(channel).label.lower()})",
        actor=captured_by,
        target=EscritoState.RECIBIDO,
        at=moment,
        notify=False,  # the acuse itself tells the petitioner
    )
    if queue_acuse:
        transaction.on_commit(lambda: acuse_queue(acuse_id=acuse.pk))
    return FilingResult(escrito, code, created=True)


def actor_label(user) -> str:
    if user is None:
        return "Ciudadano"
    return user.get_full_name() or user.get_username()


def transicion_record(
    *,
    escrito: Escrito,
    action: str,
    description: str,
    actor=None,
    reason: str = "",
    turno=None,
    source: str = "",
    target: str = "",
    public: bool = True,
    at: datetime | None = None,
    notify: bool = True,
) -> Transicion:
    """Add a step to the escrito's timeline, in the caller's transaction.

    A public change of the escrito's own state is emailed to the petitioner after commit.
    """
    transicion = Transicion.objects.create(
        escrito=escrito,
        turno_id=turno.pk if turno is not None else None,
        secretaria_id=turno.secretaria_id if turno is not None else None,
        action=action,
        description=description[:250],
        source=source,
        target=target,
        actor=actor,
        actor_label=actor_label(actor),
        reason=reason,
        public=public,
        at=at or timezone.now(),
    )
    bitacora.record(
        action=f"{'turno' if turno is not None else 'escrito'}.{action}",
        object_type="turno" if turno is not None else "escrito",
        object_ref=str(turno.pk) if turno is not None else escrito.folio,
        folio=escrito.folio,
        changes={
            "descripcion": transicion.description,
            **({"de": source} if source else {}),
            **({"a": target} if target else {}),
            **({"motivo": reason} if reason else {}),
            **({"secretaria": turno.secretaria.nombre} if turno is not None else {}),
        },
        actor=actor,
    )
    if notify and public and target and turno is None and escrito.peticionario.email:
        transaction.on_commit(lambda: petitioner_notification_queue(transicion_id=transicion.pk))
    return transicion


def petitioner_notification_queue(*, transicion_id: int) -> bool:
    from .tasks import notify_petitioner

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
        from cuentas.selectors import email_notice_wanted

        if not email_notice_wanted(escrito_id=escrito.pk, state=transicion.target):
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


def acuse_queue(*, acuse_id: int) -> bool:
    """Hand the acuse to the worker. Never raises: if the broker is unreachable the acuse
    stays pending and the relay queues it again; the filing has already been saved."""
    from .tasks import generate_acuse

    try:
        generate_acuse.delay(acuse_id)
    except Exception:
        logger.exception("could not queue acuse %s; the relay will try again", acuse_id)
        return False
    Acuse.objects.filter(pk=acuse_id, generated_at__isnull=True).update(queued_at=timezone.now())
    return True


def acuse_render_pdf(acuse: Acuse) -> bytes:
    from oficialia.pdf import render_pdf

    from .acuse import acuse_context

    return render_pdf(render_to_string("correspondencia/acuse.html", acuse_context(acuse)))


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
        content = acuse_render_pdf(acuse)
        escrito = acuse.escrito
        name = f"acuses/{escrito.year}/{escrito.folio}.pdf"
        if default_storage.exists(name):
            default_storage.delete(name)
        acuse.pdf.name = default_storage.save(name, ContentFile(content))
        acuse.pdf_sha256 = hashlib.sha256(content).hexdigest()
        acuse.generated_at = timezone.now()
        acuse.save(update_fields=["pdf", "pdf_sha256", "generated_at"])
        if escrito.peticionario.email:
            transaction.on_commit(lambda: acuse_email_queue(acuse_id=acuse.pk))
    return acuse


def acuse_email_queue(*, acuse_id: int) -> bool:
    from .tasks import send_acuse_email

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
        if acuse.email_sent_at or not acuse.is_ready or not escrito.peticionario.email:
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
    unnotified = (
        Transicion.objects.filter(
            at__lt=stale, notified_at__isnull=True, public=True, turno_id__isnull=True
        )
        .exclude(target="")
        .exclude(action="recibir")
        .exclude(escrito__peticionario__email="")
    )
    for transicion_id in unnotified.values_list("pk", flat=True)[:500]:
        queued += petitioner_notification_queue(transicion_id=transicion_id)
    return queued
