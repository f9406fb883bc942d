"""The acuerdo de tener por no presentado as a document of its own: rendered, signed PAdES
with the institution's certificate once, stored, and served byte for byte from then on."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from correspondencia.signals import documento_emitido
from correspondencia.verificacion import Emitido, lookup_register
from oficialia import firma
from oficialia.pdf import render_pdf

from ..models import Prevencion

logger = logging.getLogger(__name__)


def acuerdo_pdf_generate(*, prevencion_id: int) -> Prevencion:
    """Render and sign the acuerdo once; later calls return it as made."""
    with transaction.atomic():
        prevencion = (
            Prevencion.objects.select_for_update(of=("self",))
            .select_related("turno__escrito__peticionario", "turno__secretaria", "acuerdo_por")
            .get(pk=prevencion_id, acuerdo_at__isnull=False)
        )
        if prevencion.acuerdo_pdf and default_storage.exists(prevencion.acuerdo_pdf.name):
            return prevencion
        turno, escrito = prevencion.turno, prevencion.turno.escrito
        html = render_to_string(
            "turnos/acuerdo_no_presentado.html",
            {
                "institucion": settings.INSTITUTION_NAME,
                "escrito": escrito,
                "peticionario": escrito.peticionario,
                "secretaria": turno.secretaria,
                "prevencion": prevencion,
                "acordado": timezone.localtime(prevencion.acuerdo_at),
                "requerida": timezone.localtime(prevencion.requested_at),
                "notificada": prevencion.notified_at
                and timezone.localtime(prevencion.notified_at),
                "firmante": prevencion.acuerdo_por,
                "verificar_url": settings.PUBLIC_BASE_URL + reverse("verificar_pdf"),
            },
        )
        content = firma.sign_pdf(
            render_pdf(html),
            reason=f"Acuerdo de tener por no presentado el escrito {escrito.folio}",
            location=settings.INSTITUTION_NAME,
        )
        name = f"acuerdos/{escrito.year}/{escrito.folio}-{prevencion.pk}.pdf"
        if default_storage.exists(name):
            default_storage.delete(name)
        prevencion.acuerdo_pdf.name = default_storage.save(name, ContentFile(content))
        prevencion.acuerdo_pdf_sha256 = firma.sha256_hex(content)
        prevencion.save(update_fields=["acuerdo_pdf", "acuerdo_pdf_sha256"])
        escrito_id = escrito.pk
        transaction.on_commit(
            lambda: documento_emitido.send(
                sender=Prevencion, escrito_id=escrito_id, documento="acuerdo"
            )
        )
    return prevencion


def acuerdo_pdf_queue(prevencion_id: int) -> None:
    """Made right after the acuerdo commits; if signing fails now, it is made when first
    asked for."""
    try:
        acuerdo_pdf_generate(prevencion_id=prevencion_id)
    except Exception:
        logger.exception("could not sign the acuerdo of prevención %s", prevencion_id)


@lookup_register
def acuerdo_lookup(sha256: str) -> Emitido | None:
    """/verificar/ recognises a signed acuerdo de tener por no presentado by its bytes."""
    prevencion = (
        Prevencion.objects.select_related("turno__escrito")
        .filter(acuerdo_pdf_sha256=sha256)
        .first()
    )
    if prevencion is None:
        return None
    return Emitido(
        "Acuerdo de tener por no presentado", prevencion.turno.escrito.folio, sha256
    )
