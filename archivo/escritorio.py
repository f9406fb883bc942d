"""The desk's paper: the day's relación de documentos recibidos (to sign, and as CSV), the
turnado slip that travels with the paper to each secretaría, and the «recibido» stickers."""

from dataclasses import dataclass
from datetime import date, datetime, time

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Channel, Escrito, Secretaria
from oficialia.hojas import csv_text
from turnos.models import Turno


# Label formats the README names. Sizes in millimetres.
@dataclass(frozen=True)
class LabelFormat:
    key: str
    name: str
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    margin_top: float = 0
    margin_left: float = 0
    gap_x: float = 0


LABEL_FORMATS = {
    # Letter sheet, 3 by 10 labels of 2-5/8 by 1 inch (Avery 5160 and its equivalents).
    "hoja": LabelFormat(
        "hoja", "Hoja carta de 30 etiquetas (Avery 5160)", 215.9, 279.4, 66.7, 25.4, 3, 10,
        margin_top=12.7, margin_left=4.8, gap_x=3.2,
    ),
    # One label per page on a thermal roll: 2-1/4 by 1-1/4 inch (57 by 32 mm, Zebra, Brother).
    "termica": LabelFormat("termica", "Etiqueta térmica de 57 x 32 mm", 57, 32, 57, 32, 1, 1),
}  # fmt: skip


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(day, time.min, tzinfo=tz),
        datetime.combine(day, time.max, tzinfo=tz),
    )


def paper_received(*, day: date, clerk=None):
    """The paper escritos received on `day` (by `clerk` if given), in folio order."""
    start, end = day_bounds(day)
    escritos = (
        Escrito.objects.select_related("peticionario", "captured_by", "secretaria_destino")
        .exclude(channel=Channel.EN_LINEA)
        .filter(received_at__range=(start, end))
        .order_by("number")
    )
    if clerk is not None:
        escritos = escritos.filter(captured_by=clerk)
    return escritos


def paper_received_by_folio(*, folios: list[str]):
    return (
        Escrito.objects.exclude(channel=Channel.EN_LINEA)
        .filter(folio__in=folios[:300])
        .order_by("number")
    )


RELACION_COLUMNS = [
    ("folio", "Folio"),
    ("hora", "Hora"),
    ("medio", "Medio"),
    ("peticionario", "Peticionario"),
    ("asunto", "Asunto"),
    ("fojas", "Fojas"),
    ("anexos", "Anexos"),
    ("original", "Ubicación del original"),
    ("dirigido", "Dirigido a"),
    ("capturo", "Capturó"),
]


def relacion_rows(escritos) -> list[dict]:
    return [
        {
            "folio": e.folio,
            "hora": timezone.localtime(e.received_at).strftime("%H:%M"),
            "medio": e.get_channel_display(),
            "peticionario": e.peticionario.nombre,
            "asunto": e.asunto,
            "fojas": e.fojas or 0,
            "anexos": e.anexos or 0,
            "original": e.ubicacion_original,
            "dirigido": e.secretaria_destino.nombre if e.secretaria_destino_id else "",
            "capturo": (e.captured_by.get_full_name() or e.captured_by.get_username())
            if e.captured_by_id
            else "",
        }
        for e in escritos
    ]


def relacion_csv(rows: list[dict]) -> str:
    return csv_text(
        [label for _, label in RELACION_COLUMNS],
        ([row[key] for key, _ in RELACION_COLUMNS] for row in rows),
    )


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"institucion": settings.INSTITUTION_NAME, **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def relacion_pdf(*, day: date, clerk, rows: list[dict]) -> bytes:
    return _pdf(
        "archivo/relacion.html",
        {
            "day": day,
            "clerk": clerk,
            "rows": rows,
            "fojas": sum(r["fojas"] for r in rows),
            "anexos": sum(r["anexos"] for r in rows),
            "printed": timezone.localtime(),
        },
    )


def turnados(*, day: date, secretaria: Secretaria):
    """The turnos given to `secretaria` on `day`, with their escritos: what its paper slip
    lists."""
    start, end = day_bounds(day)
    return (
        Turno.objects.select_related("escrito__peticionario", "area")
        .filter(secretaria=secretaria, turned_at__range=(start, end))
        .order_by("escrito__number")
    )


def turnado_pdf(*, day: date, secretaria: Secretaria) -> bytes:
    items = list(turnados(day=day, secretaria=secretaria))
    return _pdf(
        "archivo/turnado.html",
        {
            "day": day,
            "secretaria": secretaria,
            "turnos": items,
            "fojas": sum(t.escrito.fojas or 0 for t in items),
            "printed": timezone.localtime(),
        },
    )


def escrito_staff_url(escrito: Escrito) -> str:
    return settings.PUBLIC_BASE_URL + reverse("escrito_detalle", args=[escrito.folio])


def etiquetas_pdf(*, escritos: list[Escrito], formato: LabelFormat) -> bytes:
    labels = [
        {
            "escrito": e,
            "qr": segno.make(escrito_staff_url(e), error="m").svg_data_uri(scale=3, border=0),
        }
        for e in escritos
    ]
    per_page = formato.columns * formato.rows
    pages = [labels[i : i + per_page] for i in range(0, len(labels), per_page)] or [[]]
    return _pdf("archivo/etiquetas.html", {"pages": pages, "f": formato})


def caja_label_pdf(caja) -> bytes:
    """The label stuck on a box: its code in large type, where it stands, and a QR."""
    url = settings.PUBLIC_BASE_URL + reverse("archivo_cajas") + f"#caja-{caja.pk}"
    return _pdf(
        "archivo/caja_etiqueta.html",
        {"caja": caja, "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=0)},
    )
