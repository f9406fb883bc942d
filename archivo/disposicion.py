"""Transfers and disposal (LGA arts. 13 and 31): what has reached the end of its vigencia
goes to concentración (primary transfer), to the histórico (secondary) or to a baja
documental, which is dictaminada, published, and only then carried out: the electronic
documents are suppressed and the index keeps their SHA-256 as the record of what existed."""

import uuid
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from correspondencia.models import Acuse, AcuseAnterior, Adjunto
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.archivos import delete_files
from oficialia.contadores import next_number
from oficialia.hojas import csv_text

from . import vigencia
from .models import (
    BajaDocumental,
    BajaEstado,
    ContadorArchivo,
    Custodia,
    Destino,
    Expediente,
    ExpedienteEstado,
    Transferencia,
    TransferenciaTipo,
)
from .vigencia import add_years


def due_primary(*, today: date | None = None) -> list[Expediente]:
    """Closed expedientes still in trámite whose vigencia there has ended."""
    today = today or timezone.localdate()
    candidates = Expediente.objects.filter(
        estado=ExpedienteEstado.CERRADO, custodia=Custodia.TRAMITE
    ).select_related("serie")
    return [e for e in candidates.order_by("numero") if vigencia.fin_tramite(e) <= today]


def _due_end(*, destino: str, today: date | None) -> list[Expediente]:
    today = today or timezone.localdate()
    candidates = (
        Expediente.objects.filter(custodia=Custodia.CONCENTRACION, serie__destino=destino)
        .exclude(bajas__isnull=False)
        .select_related("serie")
        .order_by("numero")
    )
    return [e for e in candidates if vigencia.fin_concentracion(e) <= today]


def due_secondary(*, today: date | None = None) -> list[Expediente]:
    """In concentración, retention over, destino histórico."""
    return _due_end(destino=Destino.HISTORICO, today=today)


def due_baja(*, today: date | None = None) -> list[Expediente]:
    """In concentración, retention over, destino baja, not yet in a baja."""
    return _due_end(destino=Destino.BAJA, today=today)


def _numero(clave: str) -> str:
    year = timezone.localdate().year
    return (
        f"{clave}-{year}-{next_number(ContadorArchivo, 'last_number', clave=clave, year=year):04d}"
    )


@transaction.atomic
def transfer_make(*, tipo: TransferenciaTipo, expediente_ids: list[int], user) -> Transferencia:
    """Transfer the chosen expedientes (each must be due) and move their custody."""
    due = {
        e.pk: e for e in (due_primary() if tipo == TransferenciaTipo.PRIMARIA else due_secondary())
    }
    if not expediente_ids:
        raise ActionError("Elija al menos un expediente de la lista.")
    not_due = [pk for pk in expediente_ids if pk not in due]
    if not_due:
        raise ActionError(
            "Hay expedientes elegidos que no han cumplido su vigencia: recargue la lista."
        )
    transferencia = Transferencia.objects.create(
        numero=_numero("TP" if tipo == TransferenciaTipo.PRIMARIA else "TS"),
        tipo=tipo,
        fecha=timezone.localdate(),
        hecha_por=user,
    )
    transferencia.expedientes.set(expediente_ids)
    target = Custodia.CONCENTRACION if tipo == TransferenciaTipo.PRIMARIA else Custodia.HISTORICO
    Expediente.objects.filter(pk__in=expediente_ids).update(custodia=target)
    bitacora.record(
        action=Accion.TRANSFERENCIA_HACER,
        object_type="transferencia",
        object_ref=transferencia.numero,
        changes={"tipo": tipo, "expedientes": sorted(due[pk].numero for pk in expediente_ids)},
        actor=user,
    )
    return transferencia


INVENTORY_COLUMNS = [
    ("numero", "Expediente"),
    ("serie", "Serie"),
    ("titulo", "Título"),
    ("apertura", "Apertura"),
    ("cierre", "Cierre"),
    ("documentos", "Documentos"),
    ("fojas", "Fojas"),
    ("vigencia", "Vigencia (trámite + concentración)"),
    ("destino", "Destino final"),
]


def inventory_rows(expedientes, *, public: bool = False) -> list[dict]:
    rows = []
    for e in expedientes:
        rows.append(
            {
                "numero": e.numero,
                "serie": f"{e.serie.codigo} {e.serie.nombre}",
                "titulo": "" if public else e.titulo,
                "apertura": e.abierto_en.isoformat(),
                "cierre": e.cerrado_en.isoformat() if e.cerrado_en else "",
                "documentos": e.indice_total,
                "fojas": sum(d.fojas or 0 for d in e.documentos.all()),
                "vigencia": f"{e.serie.vigencia_tramite} + {e.serie.vigencia_concentracion} años",
                "destino": e.serie.get_destino_display(),
            }
        )
    return rows


def inventory_csv(rows: list[dict]) -> str:
    return csv_text(
        [label for _, label in INVENTORY_COLUMNS],
        ([row[key] for key, _ in INVENTORY_COLUMNS] for row in rows),
    )


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        template, {"institucion": settings.INSTITUTION_NAME, "now": timezone.localtime(), **context}
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def transfer_inventory_pdf(transferencia: Transferencia) -> bytes:
    expedientes = transferencia.expedientes.select_related("serie").order_by("numero")
    return _pdf(
        "archivo/inventario.html",
        {"transferencia": transferencia, "rows": inventory_rows(expedientes)},
    )


# Baja documental ----------------------------------------------------------------------------


@transaction.atomic
def baja_dictaminar(*, expediente_ids: list[int], user) -> BajaDocumental:
    due = {e.pk for e in due_baja()}
    if not expediente_ids:
        raise ActionError("Elija al menos un expediente de la lista.")
    if any(pk not in due for pk in expediente_ids):
        raise ActionError(
            "Hay expedientes elegidos que no pueden darse de baja: recargue la lista."
        )
    baja = BajaDocumental.objects.create(
        numero=_numero("BD"),
        estado=BajaEstado.DICTAMINADA,
        dictaminada_en=timezone.now(),
        dictaminada_por=user,
    )
    baja.expedientes.set(expediente_ids)
    bitacora.record(
        action=Accion.BAJA_DICTAMINAR,
        object_type="baja",
        object_ref=baja.numero,
        changes={"expedientes": len(expediente_ids)},
        actor=user,
    )
    return baja


@transaction.atomic
def baja_publicar(*, baja_id: int, user) -> BajaDocumental:
    baja = BajaDocumental.objects.select_for_update().get(pk=baja_id)
    if baja.estado != BajaEstado.DICTAMINADA:
        raise ActionError("Esta baja ya fue publicada.")
    baja.estado = BajaEstado.PUBLICADA
    baja.publicada_en = timezone.now()
    baja.save(update_fields=["estado", "publicada_en"])
    bitacora.record(
        action=Accion.BAJA_PUBLICAR, object_type="baja", object_ref=baja.numero, actor=user
    )
    return baja


def publicada_hasta(baja: BajaDocumental) -> date | None:
    if baja.publicada_en is None:
        return None
    return add_years(
        timezone.localtime(baja.publicada_en).date(), settings.ARCHIVO_BAJA_PUBLICACION_ANIOS
    )


def bajas_publicas(*, today: date | None = None) -> list[BajaDocumental]:
    """The bajas whose publication is still within its term (LGA art. 31)."""
    today = today or timezone.localdate()
    published = BajaDocumental.objects.filter(publicada_en__isnull=False).order_by("-publicada_en")
    return [b for b in published if publicada_hasta(b) >= today]


def _suppressed_document(baja: BajaDocumental) -> str:
    from weasyprint import HTML

    html = render_to_string("archivo/documento_suprimido.html", {"baja": baja})
    local = timezone.localtime()
    name = f"adjuntos/{local:%Y/%m}/{uuid.uuid4().hex}.pdf"
    return default_storage.save(name, ContentFile(HTML(string=html).write_pdf()))


def baja_ejecutar(*, baja_id: int, user) -> BajaDocumental:
    """Carry out a published baja: each electronic document of its expedientes is replaced
    by a page saying it was suppressed by this baja; the index keeps every row and SHA-256.
    Refused before publication."""
    old_files: list[str] = []
    with transaction.atomic():
        baja = BajaDocumental.objects.select_for_update().get(pk=baja_id)
        if baja.estado == BajaEstado.DICTAMINADA:
            raise ActionError("Una baja documental se ejecuta solo después de publicarse.")
        if baja.estado == BajaEstado.EJECUTADA:
            raise ActionError("Esta baja ya se ejecutó.")
        placeholder = _suppressed_document(baja)
        escrito_ids = list(
            baja.expedientes.values_list("escritos__escrito_id", flat=True).exclude(
                escritos__escrito_id=None
            )
        )
        for adjunto in Adjunto.objects.filter(escrito_id__in=escrito_ids):
            if adjunto.file.name:
                old_files.append(adjunto.file.name)
        Adjunto.objects.filter(escrito_id__in=escrito_ids).update(file=placeholder)
        for model in (Acuse, AcuseAnterior):
            rows = model.objects.filter(escrito_id__in=escrito_ids)
            old_files += [n for n in rows.values_list("pdf", flat=True) if n]
            rows.exclude(pdf="").update(pdf=placeholder)
        baja.expedientes.update(custodia=Custodia.BAJA)
        baja.estado = BajaEstado.EJECUTADA
        baja.ejecutada_en = timezone.now()
        baja.ejecutada_por = user
        baja.save(update_fields=["estado", "ejecutada_en", "ejecutada_por"])
        bitacora.record(
            action=Accion.BAJA_EJECUTAR,
            object_type="baja",
            object_ref=baja.numero,
            changes={"escritos": len(escrito_ids), "archivos": len(old_files)},
            actor=user,
        )
        transaction.on_commit(lambda: delete_files(old_files))
    return baja


def baja_dictamen_pdf(baja: BajaDocumental) -> bytes:
    expedientes = baja.expedientes.select_related("serie").order_by("numero")
    return _pdf(
        "archivo/baja_dictamen.html",
        {"baja": baja, "rows": inventory_rows(expedientes, public=True), "acta": False},
    )


def baja_acta_pdf(baja: BajaDocumental) -> bytes:
    expedientes = baja.expedientes.select_related("serie").order_by("numero")
    return _pdf(
        "archivo/baja_dictamen.html",
        {"baja": baja, "rows": inventory_rows(expedientes, public=True), "acta": True},
    )
