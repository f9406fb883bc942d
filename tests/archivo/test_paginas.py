"""The archive's pages: the cuadro edited by the Coordinación de Archivos, the expediente
with its index, and the carátula."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from archivo.expedientes import escrito_classify
from archivo.models import Documento, Serie
from tests.conftest import ARTIFACTS

from .conftest import file_with

pytestmark = pytest.mark.django_db


def test_the_archivist_revises_a_serie_through_the_page(client, cuadro, archivista, bacheo):
    serie = cuadro["servicios"]
    client.force_login(archivista)
    url = reverse("archivo_serie_editar", args=[serie.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["seccion"] = serie.seccion.pk
    data["tramites"] = [bacheo.pk]
    data["vigencia_concentracion"] = 8
    missing_reason = client.post(url, data)
    assert missing_reason.status_code == 409
    assert "motivo" in missing_reason.content.decode()
    response = client.post(url, {**data, "motivo": "Acuerdo del grupo interdisciplinario"})
    assert response.status_code == 302
    current = Serie.objects.get(linaje=serie.linaje, vigente=True)
    assert (current.version, current.vigencia_concentracion) == (2, 8)
    page = client.get(reverse("archivo_cuadro")).content.decode()
    assert "versión 2" in page and "Bacheo y reparación de calles" in page


def test_the_oficialia_reads_the_cuadro_but_cannot_edit_it(client, cuadro):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="tomas.turnador", roles=["oficialia"]))
    assert client.get(reverse("archivo_cuadro")).status_code == 200
    assert client.get(reverse("archivo_serie_nueva")).status_code == 403


def test_the_expediente_page_says_when_its_index_is_broken(client, cuadro, bacheo, archivista):
    expediente = escrito_classify(escrito_id=file_with(bacheo, files=2).pk)
    client.force_login(archivista)
    url = reverse("archivo_expediente", args=[expediente.numero])
    assert 'data-testid="indice-integro"' in client.get(url).content.decode()
    Documento.objects.filter(expediente=expediente, orden=1).update(descripcion="Otro documento")
    page = client.get(url).content.decode()
    assert 'data-testid="indice-fallas"' in page and "Documento 1" in page


def test_closing_from_the_page_starts_the_clock(client, cuadro, licencia, archivista):
    expediente = escrito_classify(escrito_id=file_with(licencia).pk)
    client.force_login(archivista)
    client.post(reverse("archivo_expediente_cerrar", args=[expediente.numero]))
    expediente.refresh_from_db()
    assert expediente.cerrado_en is not None
    page = client.get(reverse("archivo_expediente", args=[expediente.numero])).content.decode()
    assert "en concentración hasta el" in page


def test_the_caratula_is_a_pdf_with_the_classification_and_its_qr(
    client, cuadro, licencia, archivista
):
    expediente = escrito_classify(escrito_id=file_with(licencia, files=2).pk)
    client.force_login(archivista)
    response = client.get(reverse("archivo_caratula", args=[expediente.numero]))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "caratula.pdf"
    path.write_bytes(pdf)
    text = PdfReader(path).pages[0].extract_text()
    assert expediente.numero in text
    assert "AM.4S.5 Licencias de construcción" in text
    assert "Conservación en archivo histórico" in text
    assert "Rosa" not in text  # the cover travels: no petitioner's name on it
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(ARTIFACTS / "caratula")],
            check=True,
        )
        assert (ARTIFACTS / "caratula.png").stat().st_size > 5000
