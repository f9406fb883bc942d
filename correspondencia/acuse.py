"""What the acuse PDF shows. Everything comes from stored data, so rendering it again gives the
same content. The signed PDF is made once and stored: a signature carries its own signing time
(and a timestamp, when a TSA is set), so the stored file is the acuse, and asking for it again
serves those same bytes (`acuse_generate` does nothing for an acuse already made)."""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from oficialia import access_codes, firma
from oficialia.calendario import BusinessCalendar

from .models import Acuse


def verification_url(acuse: Acuse) -> str:
    return settings.PUBLIC_BASE_URL + reverse("verificar", args=[acuse.verification_token])


# Any of the eight masks reads the same; a fixed one spares segno scoring all eight.
QR_MASK = 2


def verification_qr(url: str) -> str:
    """The verification URL as a PNG QR (a data URI): one small image for WeasyPrint to
    place, instead of an SVG path of hundreds of modules to parse and draw. One pixel per
    module: the template enlarges it with `image-rendering: pixelated`, which WeasyPrint
    writes as an image not to be interpolated, so the modules print as sharp squares; four
    pixels per module drew the same QR in twice the time."""
    return segno.make_qr(url, error="m", mask=QR_MASK).png_data_uri(scale=1, border=1)


def acuse_context(acuse: Acuse) -> dict:
    escrito = acuse.escrito
    url = verification_url(acuse)
    filed_on = BusinessCalendar().filing_date(escrito.received_at)
    return {
        # The wording the acuse was first made with (Acuse.template_version).
        "template_version": acuse.template_version,
        # The legal filing date the terms count from, stated beside the moment of reception.
        "filed_on": filed_on,
        "filed_later": filed_on != timezone.localtime(escrito.received_at).date(),
        "office_hours": settings.OFFICE_HOURS,
        "institucion": settings.INSTITUTION_NAME,
        "escrito": escrito,
        "peticionario": escrito.peticionario,
        "adjuntos": list(escrito.adjuntos.all()),
        "access_code": access_codes.display(access_codes.unseal(escrito.access_code_sealed)),
        "verification_url": url,
        "consulta_url": settings.PUBLIC_BASE_URL + reverse("consulta"),
        "qr_png": verification_qr(url),
        "firma": signature_context(),
    }


def signature_context() -> dict:
    """Who signs the acuse, printed on it; the signature itself is added to the PDF after."""
    identity = firma.institution_identity()
    titular = firma.Titular.of(identity.certificate)
    return {
        "nombre": titular.nombre,
        "emisor": titular.emisor,
        "numero_serie": titular.numero_serie,
        "demo": identity.demo,
        "verificar_url": settings.PUBLIC_BASE_URL + reverse("verificar_pdf"),
    }
