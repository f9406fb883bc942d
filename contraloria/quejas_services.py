"""Use cases that write quejas y denuncias: filing one, and the contraloría's steps.

Every step is written to the queja's own timeline and to the bitácora in the same
transaction. The bitácora entries never carry the reporter's name or contact (the chain can
never be edited, and a denuncia may be anonymous): only what happened and to which folio.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from correspondencia.models import Secretaria
from correspondencia.transiciones import actor_label
from oficialia import access_codes, bitacora
from oficialia.acciones import ActionError, apply_transition, save_or_conflict
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile
from oficialia.archivos import delete_files, store_files
from oficialia.folios import FolioSeries, allocate_folio
from oficialia.roles import Role, has_role

from .models import (
    Queja,
    QuejaAdjunto,
    QuejaKind,
    QuejaState,
    QuejaTransicion,
)

logger = logging.getLogger(__name__)


@dataclass
class QuejaData:
    kind: str
    hechos: str
    fecha_hechos: date | None = None
    escrito_folio: str = ""
    secretaria: Secretaria | None = None
    servidor_publico: str = ""
    nombre: str = ""
    email: str = ""
    telefono: str = ""
    adjuntos: list[InspectedFile] = field(default_factory=list)


@dataclass
class QuejaFiling:
    queja: Queja
    access_code: str
    created: bool


def _existing_filing(token: uuid.UUID | None) -> QuejaFiling | None:
    if token is None:
        return None
    queja = Queja.objects.filter(submission_token=token).first()
    if queja is None:
        return None
    return QuejaFiling(queja, access_codes.unseal(queja.access_code_sealed), created=False)


class _AlreadyFiled(Exception):
    pass


def queja_file(
    *,
    data: QuejaData,
    submission_token: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> QuejaFiling:
    """File a queja: folio, access code and evidence, all or nothing.

    A second call with the same `submission_token` returns the queja the first one made. The
    files are written before the transaction opens (so the folio lock is held briefly) and
    removed again if it fails.
    """
    if (existing := _existing_filing(submission_token)) is not None:
        return existing
    moment = received_at or timezone.now()
    stored = store_files(data.adjuntos, moment, folder="quejas")
    try:
        return _queja_create(
            data=data, submission_token=submission_token, moment=moment, stored=stored
        )
    except (_AlreadyFiled, IntegrityError) as exc:
        delete_files(stored)
        existing = _existing_filing(submission_token)
        if existing is None:
            raise exc if isinstance(exc, IntegrityError) else RuntimeError("lost filing") from exc
        return existing
    except BaseException:
        delete_files(stored)
        raise


@transaction.atomic
def _queja_create(
    *, data: QuejaData, submission_token: uuid.UUID | None, moment: datetime, stored: list[str]
) -> QuejaFiling:
    folio = allocate_folio(series=FolioSeries.QUEJA, moment=moment)
    # Every filing queues on the folio lock, so this check cannot race with a twin request.
    if submission_token and Queja.objects.filter(submission_token=submission_token).exists():
        raise _AlreadyFiled
    code = access_codes.generate()
    queja = Queja.objects.create(
        folio=str(folio),
        year=folio.year,
        number=folio.number,
        kind=data.kind,
        received_at=moment,
        hechos=data.hechos,
        fecha_hechos=data.fecha_hechos,
        escrito_folio=data.escrito_folio,
        secretaria=data.secretaria,
        servidor_publico=data.servidor_publico,
        nombre=data.nombre,
        email=data.email,
        telefono=data.telefono,
        privacy_accepted_at=moment,
        submission_token=submission_token,
        access_code_hash=access_codes.hash_code(code),
        access_code_sealed=access_codes.seal(code),
    )
    QuejaAdjunto.objects.bulk_create(
        QuejaAdjunto(queja=queja, position=position, **item.stored_fields(name))
        for position, (item, name) in enumerate(zip(data.adjuntos, stored, strict=True))
    )
    _step(
        queja,
        source="",
        target=QuejaState.RECIBIDA,
        actor=None,
        reason="",
        at=moment,
        action=Accion.QUEJA_RECIBIR,
        changes={
            "tipo": QuejaKind(data.kind).label,
            "anonima": queja.is_anonymous,
            **({"folio_relacionado": data.escrito_folio} if data.escrito_folio else {}),
            **({"secretaria": data.secretaria.nombre} if data.secretaria else {}),
            "adjuntos": [item.sha256 for item in data.adjuntos],
        },
    )
    return QuejaFiling(queja, code, created=True)


def _step(
    queja: Queja,
    *,
    source: str,
    target: str,
    actor,
    reason: str,
    at: datetime,
    action: str,
    changes: dict,
) -> QuejaTransicion:
    """The step on the queja's timeline and its bitácora entry, in the caller's transaction."""
    transicion = QuejaTransicion.objects.create(
        queja=queja,
        source=source,
        target=target,
        actor=actor,
        actor_label=actor_label(actor) if actor is not None else "Denunciante",
        reason=reason,
        at=at,
    )
    bitacora.record(
        action=action,
        object_type="queja",
        object_ref=queja.folio,
        folio=queja.folio,
        changes={**({"de": source} if source else {}), "a": target, **changes},
        # The reporter is never the signed-in user: staff may file a denuncia too, and it
        # must not carry their name.
        actor=actor,
        actor_label=None if actor is not None else f"Denunciante ({queja.folio})",
        # An anonymous complainant leaves no address at all, not even its keyed hash.
        keep_address=actor is not None or not queja.is_anonymous,
    )
    return transicion


def _lock_queja(queja_id: int, user) -> Queja:
    if not has_role(user, Role.CONTRALORIA):
        raise PermissionDenied
    return Queja.objects.select_for_update().get(pk=queja_id)


@transaction.atomic
def queja_investigate(*, queja_id: int, user, reason: str) -> Queja:
    """The contraloría opens an investigation; the reason stays internal."""
    reason = reason.strip()
    if not reason:
        raise ActionError("Escriba el motivo: qué se va a investigar y cómo.")
    queja = _lock_queja(queja_id, user)
    source, target = apply_transition(queja, "investigate")
    save_or_conflict(queja, update_fields=["state"])
    _step(
        queja,
        source=source,
        target=target,
        actor=user,
        reason=reason,
        at=timezone.now(),
        action=Accion.QUEJA_INVESTIGAR,
        changes={"motivo": reason},
    )
    return queja


@transaction.atomic
def queja_conclude(*, queja_id: int, user, resolucion: str, reason: str = "") -> Queja:
    """The contraloría concludes with a written resolution, which the reporter reads with
    folio and access code. `reason` is an internal note (optional)."""
    resolucion = resolucion.strip()
    if not resolucion:
        raise ActionError("Escriba la resolución: es lo que leerá quien presentó la queja.")
    queja = _lock_queja(queja_id, user)
    source, target = apply_transition(queja, "conclude")
    now = timezone.now()
    queja.resolucion = resolucion
    queja.concluded_at = now
    save_or_conflict(queja, update_fields=["state", "resolucion", "concluded_at"])
    _step(
        queja,
        source=source,
        target=target,
        actor=user,
        reason=reason.strip() or "Resolución emitida.",
        at=now,
        action=Accion.QUEJA_CONCLUIR,
        changes={
            **({"motivo": reason.strip()} if reason.strip() else {}),
            # The text can be long; its digest ties the entry to exactly what was published.
            "resolucion_sha256": hashlib.sha256(resolucion.encode()).hexdigest(),
        },
    )
    return queja
