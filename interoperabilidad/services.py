"""What an institution does through the API: file an escrito on its own behalf (once per
Idempotency-Key) and answer a prevención. Both call the public services of correspondencia
and turnos; nothing here re-implements the filing."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from correspondencia.models import Channel, PetitionerType, Tramite, Transicion
from correspondencia.services import EscritoData, FilingResult, PetitionerData, escrito_file
from cuentas.correos import email_queue
from cuentas.models import CorreoKind
from oficialia import access_codes, bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile, inspect_all

from .models import CorreoEntrante, CorreoState, EscritoInstitucional, Evento, Institucion

# uuid5 namespace of API filings: (institution, Idempotency-Key) → the escrito's submission token.
IDEMPOTENCY_NAMESPACE = uuid.UUID("0b7f7a1e-3c55-4f47-9d1c-6a0d4c1f2e90")


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used for a different request."""


@dataclass
class OficioData:
    numero_oficio: str
    asunto: str
    texto: str = ""
    tramite: Tramite | None = None
    adjuntos: list[InspectedFile] = field(default_factory=list)


def _fingerprint(data: OficioData) -> str:
    content = {
        "numero_oficio": data.numero_oficio,
        "asunto": data.asunto,
        "texto": data.texto,
        "tramite": data.tramite.pk if data.tramite else None,
        "adjuntos": [[a.name, a.sha256] for a in data.adjuntos],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _submission_token(institucion: Institucion, key: str) -> uuid.UUID:
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{institucion.pk}:{key}")


def _replay(link: EscritoInstitucional, fingerprint: str) -> FilingResult:
    if link.fingerprint != fingerprint:
        raise IdempotencyConflict
    escrito = link.escrito
    return FilingResult(escrito, access_codes.unseal(escrito.access_code_sealed), created=False)


def escrito_file_by_institution(
    *, institucion: Institucion, idempotency_key: str, data: OficioData
) -> FilingResult:
    """File an oficio as the institution (petitioner type dependencia). The same key again
    returns the escrito the first request made, however many arrive at once; the same key
    with other content raises IdempotencyConflict."""
    fingerprint = _fingerprint(data)
    link = (
        EscritoInstitucional.objects.select_related("escrito")
        .filter(institucion=institucion, idempotency_key=idempotency_key)
        .first()
    )
    if link is not None:
        return _replay(link, fingerprint)
    # The escrito and its owner commit together: a twin request waiting on the folio lock
    # finds both, never an escrito without its institution.
    with transaction.atomic():
        result = escrito_file(
            data=EscritoData(
                peticionario=PetitionerData(
                    tipo=PetitionerType.DEPENDENCIA,
                    nombre=institucion.nombre,
                    email=institucion.correo_contacto,
                ),
                asunto=data.asunto,
                texto=data.texto,
                numero_oficio=data.numero_oficio,
                tramite=data.tramite,
                secretaria_destino=data.tramite.secretaria if data.tramite else None,
                adjuntos=data.adjuntos,
            ),
            channel=Channel.EN_LINEA,
            submission_token=_submission_token(institucion, idempotency_key),
        )
        if not result.created:
            link = EscritoInstitucional.objects.select_related("escrito").get(
                escrito=result.escrito
            )
            return _replay(link, fingerprint)
        EscritoInstitucional.objects.create(
            escrito=result.escrito,
            institucion=institucion,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
        from .webhooks import event_record

        received = (
            Transicion.objects.filter(escrito=result.escrito, turno_id__isnull=True)
            .order_by("pk")
            .first()
        )
        event_record(escrito=result.escrito, evento=Evento.RECIBIDO, transicion=received)
    return result


# The ventanilla's review of the email intake ------------------------------------------------


@dataclass
class CorreoDecision:
    tipo: str
    nombre: str
    asunto: str
    texto: str = ""
    numero_oficio: str = ""
    tramite: Tramite | None = None


def _correo_files(correo: CorreoEntrante) -> list[InspectedFile]:
    """The attachments that passed the check, inspected again as uploads for the filing."""
    uploads = []
    for adjunto in correo.adjuntos.filter(error=""):
        with adjunto.file.open("rb") as handle:
            uploads.append(
                SimpleUploadedFile(adjunto.original_name, handle.read(), adjunto.content_type)
            )
    return inspect_all(uploads)


def correo_file(*, correo_id: int, user, decision: CorreoDecision) -> FilingResult:
    """The clerk turns a message into an escrito (channel: correo electrónico). The acuse is
    emailed back to the sender like any acuse. Clicking twice files once."""
    correo = CorreoEntrante.objects.get(pk=correo_id)
    if correo.state == CorreoState.RECHAZADO:
        raise ActionError("Este correo ya se rechazó; no puede registrarse como escrito.")
    files = _correo_files(correo)  # ValidationError: too many or too large together
    with transaction.atomic():
        result = escrito_file(
            data=EscritoData(
                peticionario=PetitionerData(
                    tipo=decision.tipo, nombre=decision.nombre, email=correo.remitente
                ),
                asunto=decision.asunto,
                texto=decision.texto,
                numero_oficio=decision.numero_oficio,
                tramite=decision.tramite,
                secretaria_destino=decision.tramite.secretaria if decision.tramite else None,
                adjuntos=files,
            ),
            channel=Channel.CORREO_ELECTRONICO,
            captured_by=user,
            submission_token=correo.submission_token,
            # The legal filing date is when the message reached the mailbox, not the review.
            received_at=correo.recibido_en,
        )
        updated = CorreoEntrante.objects.filter(pk=correo.pk, state=CorreoState.PENDIENTE).update(
            state=CorreoState.RADICADO,
            escrito=result.escrito,
            revisado_por=user,
            revisado_en=timezone.now(),
        )
        if updated:
            bitacora.record(
                action=Accion.CORREO_RADICAR,
                object_type="correo",
                object_ref=str(correo.pk),
                folio=result.escrito.folio,
                changes={"remitente": "correo electrónico", "uid": correo.uid},
                actor=user,
            )
    return result


@transaction.atomic
def correo_reject(*, correo_id: int, user, reason: str) -> CorreoEntrante:
    """The clerk rejects a message with a reason, which is emailed to the sender."""
    reason = reason.strip()
    if not reason:
        raise ActionError("Escriba el motivo del rechazo: se le enviará a quien escribió.")
    correo = CorreoEntrante.objects.select_for_update().get(pk=correo_id)
    if correo.state != CorreoState.PENDIENTE:
        raise ActionError("Este correo ya se revisó.")
    correo.state = CorreoState.RECHAZADO
    correo.motivo_rechazo = reason
    correo.revisado_por = user
    correo.revisado_en = timezone.now()
    correo.save(update_fields=["state", "motivo_rechazo", "revisado_por", "revisado_en"])
    bitacora.record(
        action=Accion.CORREO_RECHAZAR,
        object_type="correo",
        object_ref=str(correo.pk),
        changes={"motivo": reason, "uid": correo.uid},
        actor=user,
    )
    to, subject = correo.remitente, correo.asunto
    body = render_to_string(
        "interoperabilidad/email/correo_rechazado.txt",
        {"correo": correo, "motivo": reason, "PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL},
    )
    if to:  # a message without a readable sender is rejected without a reply
        # Through the outbox: a mail server that is down delays the reply, it does not turn
        # the clerk's rejection into an error page.
        email_queue(CorreoKind.RESPUESTA_CORREO, to=to, subject=f"Re: {subject}"[:250], body=body)
    return correo
