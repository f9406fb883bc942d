"""The desk's paper: the relación de documentos recibidos, the turnado slip and the
«recibido» stickers."""

import csv
import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from correspondencia.models import Channel
from tests.conftest import ARTIFACTS
from tests.factories import UserFactory, file_escrito
from turnos.services import Route, escrito_turn

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes, name: str) -> list[str]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(path),
             str(ARTIFACTS / name)],
            check=True,
        )  # fmt: skip
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture
def day_of_paper(ventanilla_clerk):
    other = UserFactory(username="victor.ventanilla", first_name="Víctor", roles=["ventanilla"])
    mine = [
        file_escrito(
            channel=Channel.VENTANILLA,
            captured_by=ventanilla_clerk,
            asunto=f"Escrito en papel {n}",
            fojas=n + 1,
            queue_acuse=False,
        ).escrito
        for n in range(3)
    ]
    theirs = file_escrito(
        channel=Channel.CORREO_POSTAL, captured_by=other, asunto="Por correo", queue_acuse=False
    ).escrito
    online = file_escrito(asunto="En línea", queue_acuse=False).escrito
    yesterday = file_escrito(
        channel=Channel.VENTANILLA,
        captured_by=ventanilla_clerk,
        asunto="De ayer",
        received_at=timezone.now() - timedelta(days=1),
        queue_acuse=False,
    ).escrito
    return {"mine": mine, "theirs": theirs, "online": online, "yesterday": yesterday}


def test_the_clerks_relacion_lists_exactly_their_paper_of_the_day(
    client, ventanilla_clerk, day_of_paper
):
    client.force_login(ventanilla_clerk)
    response = client.get(reverse("archivo_relacion"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(_pdf_text(response.content, "relacion"))
    for escrito in day_of_paper["mine"]:
        assert escrito.folio in text
    for other in ("theirs", "online", "yesterday"):
        assert day_of_paper[other].folio not in text
    assert "3 escritos, 6 fojas" in text and "Entregó" in text and "Recibió" in text


def test_the_days_relacion_as_csv_has_every_paper_capture(client, ventanilla_clerk, day_of_paper):
    client.force_login(ventanilla_clerk)
    response = client.get(reverse("archivo_relacion"), {"por": "dia", "formato": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")  # a spreadsheet reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    folios = [r["Folio"] for r in rows]
    assert folios == [e.folio for e in day_of_paper["mine"]] + [day_of_paper["theirs"].folio]
    assert rows[-1]["Medio"] == "Correo postal" and rows[-1]["Capturó"] == "Víctor"


def test_stickers_fit_the_sheet_and_the_thermal_roll(client, ventanilla_clerk, day_of_paper):
    client.force_login(ventanilla_clerk)
    sheet = client.get(reverse("archivo_etiquetas"), {"formato": "hoja"})
    pages = PdfReader(io.BytesIO(sheet.content)).pages
    assert len(pages) == 1
    assert round(float(pages[0].mediabox.width) / 72 * 25.4) == 216  # letter
    text = _pdf_text(sheet.content, "etiquetas-hoja")[0]
    assert text.count("RECIBIDO") == 3
    thermal = client.get(reverse("archivo_etiquetas"), {"formato": "termica"})
    pages = PdfReader(io.BytesIO(thermal.content)).pages
    assert len(pages) == 3  # one label per page
    assert round(float(pages[0].mediabox.width) / 72 * 25.4) == 57
    _pdf_text(thermal.content, "etiquetas-termica")


def test_a_clerk_cannot_print_the_sticker_of_anothers_capture(
    client, ventanilla_clerk, day_of_paper
):
    client.force_login(ventanilla_clerk)
    url = reverse("archivo_etiquetas")
    assert client.get(url, {"folio": day_of_paper["theirs"].folio}).status_code == 404
    assert client.get(url, {"folio": day_of_paper["mine"][0].folio}).status_code == 200


def test_the_sticker_qr_opens_the_escrito_for_staff(day_of_paper):
    from archivo.escritorio import escrito_staff_url

    escrito = day_of_paper["mine"][0]
    assert escrito_staff_url(escrito).endswith(reverse("escrito_detalle", args=[escrito.folio]))


def test_the_turnado_slip_lists_what_went_to_the_secretaria(client, day_of_paper):
    from tests.factories import SecretariaFactory

    obras = SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")
    agua = SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")
    turnador = UserFactory(username="tomas.turnador", roles=["oficialia"])
    first, second, third = day_of_paper["mine"]
    escrito_turn(escrito_id=first.pk, user=turnador, routes=[Route(secretaria=obras)])
    escrito_turn(escrito_id=second.pk, user=turnador, routes=[Route(secretaria=agua)])
    client.force_login(turnador)
    response = client.get(reverse("archivo_turnado", args=["SOP"]))
    text = "\n".join(_pdf_text(response.content, "turnado"))
    assert first.folio in text and second.folio not in text and third.folio not in text
    assert "Secretaría de Obras Públicas" in text
