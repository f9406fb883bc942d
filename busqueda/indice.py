"""The search document of an escrito: what the staff search may match, rebuilt from the
escrito whenever something about it changes.

A blocked petitioner (ARCO cancellation, correspondencia.bloqueo) leaves nothing in it: the
name is not indexed, and the petitioner's name, contact and identity data are masked in
every free text (the escrito's, the answers', the attachments'), so no search matches them.
"""

from django.db import connection, transaction
from django.utils import timezone

from correspondencia.bloqueo import blocked_terms
from correspondencia.models import Escrito
from oficialia.text import fold, mask_terms
from turnos.models import Prevencion, Respuesta, Turno
from turnos.permissions import alcance_of_turno

from .models import AlcanceDocumento, DocumentoBusqueda, TextoAdjunto, TextoState

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
    """Reindex the escrito after the current transaction commits; several changes to one
    escrito in one transaction make one rebuild (a rollback drops it with them)."""
    if escrito_id is None:
        return
    if already_scheduled("busqueda_escrito", escrito_id):
        return

    def run() -> None:
        run.busqueda_escrito = None  # done: a later change schedules its own
        escrito_reindex(escrito_id=escrito_id)

    run.busqueda_escrito = escrito_id
    transaction.on_commit(run)


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
