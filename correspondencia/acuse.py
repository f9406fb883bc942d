"""What the acuse PDF shows. Everything comes from stored data, so making it again gives the
same content."""

import segno
from django.conf import settings
from django.urls import reverse

from oficialia import access_codes

from .models import Acuse


def verification_url(acuse: Acuse) -> str:
    return settings.PUBLIC_BASE_URL + reverse("verificar", args=[acuse.verification_token])


# Any of the eight masks reads the same; a fixed one spares segno scoring all eight.
QR_MASK = 2


def verification_qr(url: str) -> str:
    """The verification URL as a PNG QR (a data URI): one small image for WeasyPrint to
    place, instead of an SVG path of hundreds of modules to parse and draw."""
    return segno.make_qr(url, error="m", mask=QR_MASK).png_data_uri(scale=4, border=1)


def acuse_context(acuse: Acuse) -> dict:
    escrito = acuse.escrito
    url = verification_url(acuse)
    return {
        "institucion": settings.INSTITUTION_NAME,
        "escrito": escrito,
        "peticionario": escrito.peticionario,
        "adjuntos": list(escrito.adjuntos.all()),
        "access_code": access_codes.display(access_codes.unseal(escrito.access_code_sealed)),
        "verification_url": url,
        "consulta_url": settings.PUBLIC_BASE_URL + reverse("consulta"),
        "qr_png": verification_qr(url),
    }
