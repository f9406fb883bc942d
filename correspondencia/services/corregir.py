"""Correcting a wrong capture: the record changes, its history keeps both versions, the folio
stays, and the acuse is issued again while the old one still verifies as superseded."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion

from ..models import Acuse, AcuseAnterior, Channel, Escrito, Peticionario
from ..transiciones import transicion_record
from .acuses import acuse_queue
from .radicar import PetitionerData, _submission_digest

# The bitácora never holds what a person wrote about themselves or their matter (it cannot
# be erased if they cancel their data): these fields are recorded by fingerprint only.
PERSONAL_FIELDS = {
    "nombre", "email", "telefono", "curp", "rfc", "domicilio", "genero",
    "asunto", "texto", "numero_oficio",
}  # fmt: skip
ESCRITO_FIELDS = (
    "channel",
    "numero_oficio",
    "asunto",
    "texto",
    "tramite",
    "secretaria_destino",
    "fojas",
    "anexos",
    "anexos_descripcion",
    "ubicacion_original",
)
PETICIONARIO_FIELDS = tuple(PetitionerData.__dataclass_fields__)

FIELD_LABELS = {
    "channel": "medio",
    "numero_oficio": "número de oficio",
    "asunto": "asunto",
    "texto": "texto",
    "tramite": "trámite",
    "secretaria_destino": "dirigido a",
    "fojas": "fojas",
    "anexos": "anexos",
    "anexos_descripcion": "descripción de los anexos",
    "ubicacion_original": "ubicación del original",
    "tipo": "tipo de peticionario",
    "nombre": "nombre",
    "email": "correo",
    "telefono": "teléfono",
    "curp": "CURP",
    "rfc": "RFC",
    "domicilio": "domicilio",
    "genero": "género",
}


@dataclass(frozen=True)
class _StoredFile:
    """An attachment already stored, shaped as the submission digest reads it."""

    name: str
    size: int
    sha256: str


def _fingerprint(value) -> str:
    return "sha256:" + hashlib.sha256(str(value or "").encode()).hexdigest()[:16]


def _shown(field: str, value) -> str:
    if field in PERSONAL_FIELDS:
        return _fingerprint(value)
    if field == "channel":
        return Channel(value).label if value else ""
    return "" if value is None else str(value)


def escrito_correct(*, escrito_id: int, user, changes: dict, reason: str) -> Escrito:
    """Correct the captured data of an escrito (`changes`: field name → new value, from
    ESCRITO_FIELDS and PETICIONARIO_FIELDS) with the clerk's reason. Raises ActionError when
    there is no reason or nothing changes."""
    reason = " ".join(reason.split())
    if not reason:
        raise ActionError("Escriba por qué corrige la captura; queda en el historial.")
    unknown = set(changes) - set(ESCRITO_FIELDS) - set(PETICIONARIO_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    with transaction.atomic():
        escrito = (
            Escrito.objects.select_for_update(of=("self",))
            .select_related("peticionario", "tramite", "secretaria_destino")
            .get(pk=escrito_id)
        )
        if escrito.channel == Channel.EN_LINEA:
            raise ActionError("Solo se corrigen capturas de escritos recibidos en papel.")
        if changes.get("channel") == Channel.EN_LINEA:
            raise ActionError("Un escrito en papel no puede marcarse como recibido en línea.")
        diff = _apply(escrito, changes)
        if not diff:
            raise ActionError("No cambió ningún dato: no hay nada que corregir.")
        peticionario: Peticionario = escrito.peticionario
        note = f"Corrección: {reason}"
        if any(f in PETICIONARIO_FIELDS for f in diff):
            peticionario._change_reason = note
            peticionario._history_user = user
            peticionario.save()
        previous_digest = escrito.digest
        escrito.digest = _submission_digest(
            escrito,
            [
                _StoredFile(a.original_name, a.size, a.sha256)  # type: ignore[list-item]
                for a in escrito.adjuntos.order_by("position")
            ],
        )
        escrito._change_reason = note
        escrito._history_user = user
        escrito.save()
        acuse = _acuse_reissue(escrito, previous_digest=previous_digest)
        transicion_record(
            escrito=escrito,
            action=Accion.ESCRITO_CORREGIR,
            description="Captura corregida ("
            + ", ".join(FIELD_LABELS[f] for f in diff)
            + "); se emitió un acuse nuevo",
            actor=user,
            reason=reason,
            changes={
                "campos": {
                    f: {"antes": before, "despues": after} for f, (before, after) in diff.items()
                },
                "huella_anterior": previous_digest,
                "huella": escrito.digest,
            },
        )
        transaction.on_commit(lambda: acuse_queue(acuse_id=acuse.pk))
    return escrito


def _apply(escrito: Escrito, changes: dict) -> dict[str, tuple[str, str]]:
    """Set the changed values; return field → (before, after) as the bitácora shows them."""
    diff: dict[str, tuple[str, str]] = {}
    for field, value in changes.items():
        target = escrito.peticionario if field in PETICIONARIO_FIELDS else escrito
        current = getattr(target, field)
        if isinstance(value, str):
            value = value.strip()
        if (current or None) == (value or None):
            continue
        diff[field] = (_shown(field, current), _shown(field, value))
        setattr(
            target,
            field,
            value if value is not None else ("" if isinstance(current, str) else None),
        )
    return diff


def _acuse_reissue(escrito: Escrito, *, previous_digest: str) -> Acuse:
    """Keep the current acuse as superseded and make the escrito's acuse a new one."""
    acuse = Acuse.objects.select_for_update().get(escrito=escrito)
    AcuseAnterior.objects.create(
        escrito=escrito,
        verification_token=acuse.verification_token,
        pdf=acuse.pdf.name or "",
        pdf_sha256=acuse.pdf_sha256,
        digest=previous_digest,
        generated_at=acuse.generated_at,
        superseded_at=timezone.now(),
    )
    acuse.verification_token = secrets.token_urlsafe(32)
    acuse.pdf = ""
    acuse.pdf_sha256 = ""
    acuse.generated_at = None
    acuse.queued_at = None
    acuse.email_sent_at = None  # the petitioner gets the corrected acuse too
    acuse.save()
    return acuse


__all__ = ["ESCRITO_FIELDS", "PETICIONARIO_FIELDS", "escrito_correct"]
