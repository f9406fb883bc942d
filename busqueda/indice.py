"""The search document of an escrito: what the staff search may match, rebuilt from the
escrito by the worker whenever something about it changes (the change marks the escrito in
its own transaction, IndicePendiente, and a relay queues again what the broker never got).

A blocked petitioner (ARCO cancellation, correspondencia.bloqueo) leaves nothing in it: the
name is not indexed, and the petitioner's name, contact and identity data are masked in
every free text (the escrito's, the answers', the attachments'), so no search matches them.
"""

import logging
import uuid
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from correspondencia.bloqueo import blocked_terms
from correspondencia.models import Adjunto, Escrito
from oficialia.colas import RETRY
from oficialia.text import fold, mask_terms
from turnos.models import Prevencion, Respuesta, Turno
from turnos.permissions import alcance_of_turno

from .models import AlcanceDocumento, DocumentoBusqueda, IndicePendiente, TextoAdjunto, TextoState
from .ocr import adjunto_text_extract

logger = logging.getLogger(__name__)

# An escrito marked this long ago and still not reindexed is queued again by the relay.
REQUEUE_AFTER = timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)

# A tsvector holds at most 1 MB; the attachments' text is cut well before that.
ADJUNTOS_MAX_CHARS = 200_000


def _join(parts) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def document_fields(escrito: Escrito) -> dict[str, str | list[str]]:
    """The texts of the escrito's search document, blocked data left out, and the scope
    keys of its turnos (who may find it)."""
    p = escrito.peticionario
    terms = blocked_terms(p)

    def clean(text: str) -> str:
        return mask_terms(text, terms) if terms else text

    turnos = list(
        Turno.objects.filter(escrito=escrito).values_list(
            "pk", "instruccion", "secretaria_id", "area_id"
        )
    )
    turno_ids = [t[0] for t in turnos]
    prevenciones = Prevencion.objects.filter(turno_id__in=turno_ids).values_list(
        "texto", "acuerdo_texto", "answer_text"
    )
    respuestas = Respuesta.objects.filter(turno_id__in=turno_ids).values_list("texto", flat=True)
    seguimiento = _join(
        [t[1] for t in turnos] + [t for row in prevenciones for t in row] + list(respuestas)
    )
    adjuntos = _join(
        TextoAdjunto.objects.filter(adjunto__escrito=escrito, state=TextoState.EXTRAIDO)
        .order_by("adjunto__position", "adjunto_id")
        .values_list("texto", flat=True)
    )[:ADJUNTOS_MAX_CHARS]
    fields = {
        "folio": escrito.folio,
        "nombre": "" if p.is_blocked else fold(p.nombre),
        "titulo": clean(escrito.asunto),
        "cuerpo": clean(_join([escrito.texto, escrito.numero_oficio, escrito.anexos_descripcion])),
        "seguimiento": clean(seguimiento),
        "adjuntos": clean(adjuntos),
    }
    fields["alcance"] = sorted(
        {key for _pk, _text, s, a in turnos for key in alcance_of_turno(s, a)}
    )
    fields["plano"] = fold(
        " ".join(
            fields[k] for k in ("folio", "nombre", "titulo", "cuerpo", "seguimiento", "adjuntos")
        )
    )
    return fields


def escrito_reindex(*, escrito_id: int) -> None:
    """Write the escrito's search document again (a missing escrito is left alone)."""
    escrito = Escrito.objects.select_related("peticionario").filter(pk=escrito_id).first()
    if escrito is None:
        return
    fields = document_fields(escrito)
    alcance = set(fields.pop("alcance"))
    # One INSERT ... ON CONFLICT DO UPDATE: no read first, no transaction of its own.
    DocumentoBusqueda.objects.bulk_create(
        [DocumentoBusqueda(escrito=escrito, updated_at=timezone.now(), **fields)],
        update_conflicts=True,
        unique_fields=["escrito"],
        update_fields=[*fields, "updated_at"],
    )
    _alcance_write(escrito, alcance)


def _alcance_write(escrito: Escrito, claves: set[str]) -> None:
    """The document's scope rows become `claves` (a turno's keys never go away while the
    turno exists, so mostly this adds a new turno's keys or nothing)."""
    rows = AlcanceDocumento.objects.filter(documento_id=escrito.pk)
    have = set(rows.values_list("clave", flat=True))
    if have - claves:
        rows.filter(clave__in=have - claves).delete()
    if claves - have:
        AlcanceDocumento.objects.bulk_create(
            AlcanceDocumento(documento_id=escrito.pk, clave=c, received_at=escrito.received_at)
            for c in sorted(claves - have)
        )


def reindex_on_commit(escrito_id: int | None) -> None:
    """Mark the escrito for the worker, in the current transaction (one upsert), and queue
    its reindex after the commit; several changes to one escrito in one transaction make one
    mark and one task (a rollback drops them with the changes). The request never writes
    the document itself."""
    if escrito_id is None:
        return
    if already_scheduled("busqueda_escrito", escrito_id):
        return
    IndicePendiente.objects.bulk_create(
        [IndicePendiente(escrito_id=escrito_id, marca=uuid.uuid4(), marked_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["escrito"],
        update_fields=["marca", "marked_at"],
    )

    def run() -> None:
        run.busqueda_escrito = None  # done: a later change schedules its own
        reindex_queue(escrito_id=escrito_id)

    run.busqueda_escrito = escrito_id
    transaction.on_commit(run)


@shared_task(**RETRY)
def reindex_escrito(escrito_id: int) -> None:
    pending_reindex(escrito_id=escrito_id)


# Its name is the one it had in busqueda.ocr, so queued messages still find it.
@shared_task(name="busqueda.ocr.extract_adjunto_text", **RETRY)
def extract_adjunto_text(adjunto_id: int) -> None:
    texto = adjunto_text_extract(adjunto_id=adjunto_id)
    if texto is not None and texto.texto:
        reindex_on_commit(texto.adjunto.escrito_id)


@shared_task(acks_late=True)
def relay_pending_index() -> int:
    return index_relay()


def reindex_queue(*, escrito_id: int) -> bool:
    """Hand the reindex to the worker. Never raises: if the broker is unreachable the mark
    stays and the relay queues it again. Without a broker the task runs here and now."""
    try:
        reindex_escrito.delay(escrito_id)
    except Exception:
        logger.exception("could not queue the reindex of escrito %s; the relay will", escrito_id)
        return False
    return True


def texts_queue(*, escrito_id: int) -> int:
    """Queue the text extraction of the escrito's attachments that have none yet; returns
    how many. Never raises: an attachment whose task could not be queued stays pending and
    `manage.py reindexar_busqueda --textos-omitidos` picks it up."""
    new = list(
        Adjunto.objects.filter(escrito_id=escrito_id, texto_extraido__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not new:
        return 0
    TextoAdjunto.objects.bulk_create(
        [TextoAdjunto(adjunto_id=pk) for pk in new], ignore_conflicts=True
    )
    for pk in new:
        try:
            extract_adjunto_text.delay(pk)
        except Exception:
            logger.exception("could not queue the text of adjunto %s", pk)
    return len(new)


def pending_reindex(*, escrito_id: int) -> bool:
    """Queue the text of the escrito's new attachments, write its document and clear its
    mark; returns whether it was marked. Safe to run twice (a redelivery finds no mark). A
    change committed after the mark was read has marked it again: the mark stays, and that
    change's task rewrites it."""
    marca = (
        IndicePendiente.objects.filter(escrito_id=escrito_id)
        .values_list("marca", flat=True)
        .first()
    )
    if marca is None:
        return False
    # Attachments new since the last time (the filing's, a prevención answer's) are queued
    # for their text here, in the worker, not by the request that stored them.
    texts_queue(escrito_id=escrito_id)
    escrito_reindex(escrito_id=escrito_id)
    IndicePendiente.objects.filter(escrito_id=escrito_id, marca=marca).delete()
    return True


def index_relay(*, now: datetime | None = None) -> int:
    """Queue again the escritos marked longer ago than the outbox's requeue wait: changed
    while the broker was down, or whose task was lost. Returns how many."""
    stale = (now or timezone.now()) - REQUEUE_AFTER
    pending = IndicePendiente.objects.filter(marked_at__lt=stale).order_by("marked_at")
    return sum(
        reindex_queue(escrito_id=escrito_id)
        for escrito_id in pending.values_list("escrito_id", flat=True)[:500]
    )


def already_scheduled(mark: str, escrito_id: int) -> bool:
    """Whether a callback for this escrito waits for the current transaction's commit."""
    return any(getattr(f, mark, None) == escrito_id for _s, f, _r in connection.run_on_commit)


def reindex_all(*, batch: int = 500) -> int:
    """Rebuild every escrito's document; returns how many."""
    n = 0
    ids = Escrito.objects.order_by("pk").values_list("pk", flat=True)
    for escrito_id in ids.iterator(chunk_size=batch):
        escrito_reindex(escrito_id=escrito_id)
        n += 1
    return n
