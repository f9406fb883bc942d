"""Filing an escrito (radicación): folio, access code, attachments and a pending acuse, all
or nothing, once per submission."""

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from firmas.confianza import upload_signatures_check
from oficialia import access_codes
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile
from oficialia.archivos import delete_files, store_files
from oficialia.folios import FolioSeries, allocate_folio

from ..models import (
    Acuse,
    Adjunto,
    Channel,
    Escrito,
    EscritoState,
    Peticionario,
    Secretaria,
    Tramite,
)
from ..transiciones import transicion_record
from .acuses import acuse_queue

logger = logging.getLogger(__name__)


@dataclass
class PetitionerData:
    """Every field the petitioner gives: the one list the filing, the submission digest, the
    ARCO access export and the staff pages read (`peticionario_datos`)."""

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


def peticionario_datos(p: Peticionario) -> dict[str, str]:
    """Every field the petitioner gave, by name, in the order of PetitionerData."""
    return {name: getattr(p, name) for name in PetitionerData.__dataclass_fields__}


def _submission_digest(escrito: Escrito, adjuntos: list[InspectedFile]) -> str:
    """SHA-256 of a canonical JSON of everything the petitioner submitted."""
    p = escrito.peticionario
    payload = {
        "folio": escrito.folio,
        "recibido": escrito.received_at.isoformat(),
        "medio": escrito.channel,
        "peticionario": peticionario_datos(p),
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

    A second call with the same `submission_token` returns the escrito the first one made:
    the unique token refuses the second INSERT, even from a twin request running at the same
    time (it waits for the first to commit), and the escrito the first made is returned. The
    caller is expected to have looked for the token already (the form view does, before
    validating), so the token is read again only when a twin won.
    With `queue_acuse=False` the acuse is left to the relay (or made when first downloaded).
    """
    moment = received_at or timezone.now()
    signatures = [upload_signatures_check(item) for item in data.adjuntos]
    stored = store_files(data.adjuntos, moment)
    try:
        result = _escrito_create(
            data=data,
            channel=channel,
            captured_by=captured_by,
            submission_token=submission_token,
            moment=moment,
            stored=stored,
            signatures=signatures,
            queue_acuse=queue_acuse,
        )
    except IntegrityError:
        delete_files(stored)
        existing = _existing_filing(submission_token)
        if existing is None:
            raise
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
    signatures: list[list[dict]] | None = None,
) -> FilingResult:
    # What does not name the folio comes first: the folio counter's row lock is held from
    # allocate_folio() to the commit, and every other filing waits on it.
    peticionario = Peticionario.objects.create(**asdict(data.peticionario))
    code = access_codes.generate()
    code_hash, code_sealed = access_codes.hash_code(code), access_codes.seal(code)
    folio = allocate_folio(series=FolioSeries.ESCRITO, moment=moment)
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
        access_code_hash=code_hash,
        access_code_sealed=code_sealed,
    )
    escrito.digest = _submission_digest(escrito, data.adjuntos)
    escrito._change_reason = f"Recibido: {Channel(channel).label}"
    escrito._history_date = moment
    if captured_by is not None:
        escrito._history_user = captured_by
    escrito.save()
    signatures = signatures or [[] for _ in stored]
    Adjunto.objects.bulk_create(
        Adjunto(escrito=escrito, position=position, firmas=found, **item.stored_fields(name))
        for position, (item, name, found) in enumerate(
            zip(data.adjuntos, stored, signatures, strict=True)
        )
    )
    # Marked queued in this transaction (no second one after the commit); acuse_queue clears
    # the mark if the broker refuses the task, so the relay takes it at once.
    acuse = Acuse.objects.create(
        escrito=escrito,
        verification_token=secrets.token_urlsafe(32),
        queued_at=timezone.now() if queue_acuse else None,
    )
    transicion_record(
        escrito=escrito,
        action=Accion.ESCRITO_RECIBIR,
        description=f"Escrito recibido ({Channel(channel).label.lower()})",
        actor=captured_by,
        target=EscritoState.RECIBIDO,
        at=moment,
        notify=False,  # the acuse itself tells the petitioner
    )
    if queue_acuse:
        transaction.on_commit(lambda: acuse_queue(acuse_id=acuse.pk, marked=True))
    return FilingResult(escrito, code, created=True)
