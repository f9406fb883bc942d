"""The expediente's carátula (cover sheet): a printable PDF with its QR."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from . import vigencia
from .models import Expediente


def expediente_url(expediente: Expediente) -> str:
    return settings.PUBLIC_BASE_URL + reverse("archivo_expediente", args=[expediente.numero])


def caratula_pdf(expediente: Expediente) -> bytes:
    from weasyprint import HTML

    url = expediente_url(expediente)
    html = render_to_string(
        "archivo/caratula.html",
        {
            "institucion": settings.INSTITUTION_NAME,
            "expediente": expediente,
            "serie": expediente.serie,
            "folios": [
                link.escrito.folio for link in expediente.escritos.select_related("escrito")
            ],
            "fojas": sum(d.fojas or 0 for d in expediente.documentos.all()),
            "documentos": expediente.indice_total,
            "fin_tramite": vigencia.fin_tramite(expediente),
            "fin_concentracion": vigencia.fin_concentracion(expediente),
            "qr_svg": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
            "url": url,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
