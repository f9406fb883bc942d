"""Recording that the petitioner opened an answer, a prevención, an acuerdo de tener por no
presentado or a prórroga, and its signed acuse."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from correspondencia.verificacion import Emitido
from firmas.constancias import constancia_request
from oficialia import bitacora, firma
from oficialia.acciones_bitacora import Accion
from oficialia.colas import RETRY
from oficialia.pdf import render_pdf
from turnos.models import Prevencion, Prorroga, Respuesta
from turnos.services import acuerdo_pdf_generate

from .models import (
    Acto,
    AcuseNotificacion,
    Documento,
    EstadoNotificacion,
    Medio,
    NotificacionPeticionario,
)
from .practica import announce, opening_complete

logger = logging.getLogger(__name__)


def content_digest_of(
    *,
    respuesta: Respuesta | None = None,
    prevencion: Prevencion | None = None,
    acuerdo: Prevencion | None = None,
    prorroga: Prorroga | None = None,
) -> str:
    """What was made known: the answer's text and, when it has one, its oficio's digest; the
    prevención's text; the acuerdo's text and its signed PDF's digest; the prórroga's days,
    reason and the due date it moved."""
    if respuesta is not None:
        parts = [
            respuesta.texto,
            respuesta.get_sense_display(),
            respuesta.oficio.sha256 if respuesta.oficio_id else "",
        ]
    elif acuerdo is not None:
        parts = [acuerdo.acuerdo_texto, acuerdo.acuerdo_pdf_sha256]
    elif prorroga is not None:
        parts = [str(prorroga.days), prorroga.reason, prorroga.previous_due_date.isoformat()]
    else:
        parts = [prevencion.texto]
    return firma.sha256_hex("\n".join(parts).encode())


def _acuses_of(items) -> set[tuple[str, int]]:
    """The items already opened, as (field, pk), in one query for all of them. Each item's
    own relation to its acuse is filled too (None when it has none): the page about to be
    shown reads it, and would otherwise ask once per item."""
    wanted: dict[str, list] = {}
    for _documento, target in items:
        ((field, obj),) = target.items()
        wanted.setdefault(field, []).append(obj)
    if not wanted:
        return set()
    anywhere = Q()
    for field, objs in wanted.items():
        anywhere |= Q(**{f"{field}__in": [o.pk for o in objs]})
    found = {}
    for record in AcuseNotificacion.objects.filter(anywhere):
        for field in wanted:
            pk = getattr(record, f"{field}_id")
            if pk is not None:
                found[(field, pk)] = record
    for field, objs in wanted.items():
        relation = AcuseNotificacion._meta.get_field(field).remote_field
        for obj in objs:
            relation.set_cached_value(obj, found.get((field, obj.pk)))
    return set(found)


def _already_notified(documento: str, target: dict) -> bool:
    """Made known before (in person, by estrados): opening it again is not its notification."""
    obj = next(iter(target.values()))
    if documento in (Documento.RESPUESTA, Documento.PREVENCION):
        return obj.notified_at is not None
    if documento == Documento.ACUERDO:
        found = {"acto": Acto.ACUERDO, "prevencion": obj}
    else:
        found = {"prorroga": obj}
    return NotificacionPeticionario.objects.filter(
        estado=EstadoNotificacion.NOTIFICADA, **found
    ).exists()


def opened_record(
    *,
    escrito,
    respuestas=(),
    prevenciones=(),
    acuerdos=(),
    prorrogas=(),
    medio: Medio,
    queue_pdf: bool = True,
) -> list[int]:
    """The petitioner sees these answers, prevenciones, acuerdos and prórrogas now: the first
    opening of each is its electronic notification. Later openings change nothing. Returns
    the new records. Without `queue_pdf` the signed acuse is made when first asked for (the
    demo's history)."""
    created = []
    now = timezone.now()
    items = [(Documento.RESPUESTA, {"respuesta": r}) for r in respuestas]
    items += [(Documento.PREVENCION, {"prevencion": p}) for p in prevenciones]
    items += [(Documento.ACUERDO, {"acuerdo": p}) for p in acuerdos]
    items += [(Documento.PRORROGA, {"prorroga": p}) for p in prorrogas]
    recorded = _acuses_of(items)
    for documento, target in items:
        if _already_notified(documento, target):
            continue
        ((field, obj),) = target.items()
        if (field, obj.pk) in recorded:
            continue
        if documento == Documento.ACUERDO and not target["acuerdo"].acuerdo_pdf_sha256:
            # What is notified is the signed acuerdo: it exists before its acuse.
            target = {"acuerdo": acuerdo_pdf_generate(prevencion_id=target["acuerdo"].pk)}
        try:
            with transaction.atomic():
                record = AcuseNotificacion.objects.create(
                    escrito=escrito,
                    documento=documento,
                    medio=medio,
                    abierto_en=now,
                    contenido_sha256=content_digest_of(**target),
                    **target,
                )
                bitacora.record(
                    action=Accion.NOTIFICACION_ELECTRONICA,
                    object_type="acusenotificacion",
                    object_ref=str(record.pk),
                    folio=escrito.folio,
                    changes={
                        "documento": documento,
                        "medio": str(medio),
                        "contenido_sha256": record.contenido_sha256,
                    },
                )
                opening_complete(acuse=record)
        except IntegrityError:
            continue  # a twin request recorded it first
        created.append(record.pk)
        if queue_pdf:
            transaction.on_commit(lambda pk=record.pk: acuse_notificacion_queue(acuse_id=pk))
    return created


@shared_task(name="notificaciones.generate_acuse_notificacion", **RETRY)
def generate_acuse_notificacion(acuse_id: int) -> None:
    acuse_notificacion_generate(acuse_id=acuse_id)


def acuse_notificacion_queue(*, acuse_id: int) -> None:
    try:
        generate_acuse_notificacion.delay(acuse_id)
    except Exception:
        # The record (the legal fact) is saved; the PDF is made when first asked for.
        logger.exception("could not queue the acuse de notificación %s", acuse_id)


def acuse_notificacion_generate(*, acuse_id: int) -> AcuseNotificacion:
    """Render and sign the acuse de notificación once; later calls return it as made."""

    with transaction.atomic():
        acuse = (
            AcuseNotificacion.objects.select_for_update(of=("self",))
            .select_related(
                "escrito__peticionario",
                "respuesta__turno__secretaria",
                "prevencion__turno__secretaria",
                "acuerdo__turno__secretaria",
                "prorroga__turno__secretaria",
            )
            .get(pk=acuse_id)
        )
        if acuse.generado_en and default_storage.exists(acuse.pdf.name):
            return acuse
        target = acuse.respuesta or acuse.prevencion or acuse.acuerdo or acuse.prorroga
        html = render_to_string(
            "notificaciones/acuse_notificacion.html",
            {
                "institucion": settings.INSTITUTION_NAME,
                "acuse": acuse,
                "escrito": acuse.escrito,
                "secretaria": target.turno.secretaria,
                "fecha": timezone.localtime(acuse.abierto_en),
                "verificar_url": settings.PUBLIC_BASE_URL + reverse("verificar_pdf"),
            },
        )
        content = firma.sign_pdf(
            render_pdf(html),
            reason=f"Acuse de notificación electrónica del escrito {acuse.escrito.folio}",
            location=settings.INSTITUTION_NAME,
        )
        name = f"notificaciones/{acuse.escrito.year}/{acuse.escrito.folio}-{acuse.pk}.pdf"
        if default_storage.exists(name):
            default_storage.delete(name)
        acuse.pdf.name = default_storage.save(name, ContentFile(content))
        acuse.pdf_sha256 = firma.sha256_hex(content)
        acuse.generado_en = timezone.now()
        acuse.save(update_fields=["pdf", "pdf_sha256", "generado_en"])
        digest, ref = acuse.pdf_sha256, f"{acuse.escrito.folio}/{acuse.pk}"
        transaction.on_commit(
            lambda: constancia_request(documento="notificacion", referencia=ref, sha256=digest)
        )
        for notificacion in NotificacionPeticionario.objects.filter(acuse_electronico=acuse):
            announce(notificacion, "acuse")
    return acuse


def issued_lookup(sha256: str) -> Emitido | None:
    """/verificar/ recognises an acuse de notificación or a cédula de notificación by its
    bytes."""
    acuse = AcuseNotificacion.objects.select_related("escrito").filter(pdf_sha256=sha256).first()
    if acuse is None:
        cedula = (
            NotificacionPeticionario.objects.select_related("escrito")
            .filter(cedula_sha256=sha256)
            .first()
        )
        if cedula is None:
            return None
        return Emitido(
            f"Cédula de notificación ({cedula.get_acto_display().lower()})",
            cedula.escrito.folio,
            cedula.cedula_sha256,
        )
    return Emitido(
        f"Acuse de notificación electrónica ({acuse.get_documento_display().lower()})",
        acuse.escrito.folio,
        acuse.contenido_sha256,
    )


def notification_dates(escrito) -> dict[str, dict[int, AcuseNotificacion]]:
    """The electronic notifications of an escrito's answers, prevenciones, acuerdos and
    prórrogas, by their id."""
    found = {"respuesta": {}, "prevencion": {}, "acuerdo": {}, "prorroga": {}}
    for acuse in AcuseNotificacion.objects.filter(escrito=escrito):
        key = acuse.documento
        found[key][getattr(acuse, f"{key}_id")] = acuse
    return found
