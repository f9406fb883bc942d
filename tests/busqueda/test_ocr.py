"""The text of attachments feeds the search: a scan read by OCR (tesseract, Spanish), a PDF's
own text layer read as it is; a signed PDF is never OCR'd; the original never changes; and
without tesseract the product says OCR is off and goes on."""

import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from django.urls import reverse

from busqueda import ocr
from busqueda.consulta import search
from busqueda.models import TextoAdjunto, TextoMethod, TextoState
from correspondencia.models import Adjunto
from firmas import confianza
from tests.conftest import missing_service
from tests.factories import file_escrito, upload
from tests.firmas.test_firma import citizen_signed

pytestmark = pytest.mark.django_db

LINES = ["Solicito la poda urgente del árbol", "frente a la escuela Niños Héroes", "Colonia Centro"]


@pytest.fixture
def tesseract():
    ocr.ocr_status.cache_clear()
    available, reason = ocr.ocr_status()
    if not available:
        missing_service(f"needs tesseract with Spanish data (scripts/system-deps.sh): {reason}")


def filed_with(django_capture_on_commit_callbacks, name: str, content: bytes):
    with django_capture_on_commit_callbacks(execute=True):
        escrito = file_escrito(
            attachments=[upload(name, content)],
            asunto="Escrito escaneado",
            texto="",
            queue_acuse=False,
        ).escrito
    return escrito, Adjunto.objects.get(escrito=escrito)


def folios(user, text) -> list[str]:
    return [r.escrito.folio for r in search(user, text).items]


def test_a_scanned_page_is_read_in_spanish_and_found_by_a_word(
    tesseract, scanned, django_capture_on_commit_callbacks, turnador, client
):
    content = scanned(LINES)
    escrito, adjunto = filed_with(django_capture_on_commit_callbacks, "escaneo.png", content)
    texto = TextoAdjunto.objects.get(adjunto=adjunto)
    assert texto.state == TextoState.EXTRAIDO and texto.method == TextoMethod.OCR
    assert "árbol" in texto.texto and "Héroes" in texto.texto
    assert folios(turnador, "arbol") == [escrito.folio]
    assert folios(turnador, "ninos heroes") == [escrito.folio]
    # The original is kept byte for byte.
    with adjunto.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == adjunto.sha256
    client.force_login(turnador)
    page = client.get(reverse("busqueda"), {"q": "escuela"}).content.decode()
    assert "<mark>escuela</mark>" in page


def test_a_pdf_without_a_text_layer_is_read_by_ocr(
    tesseract, scanned, django_capture_on_commit_callbacks, turnador
):
    escrito, adjunto = filed_with(
        django_capture_on_commit_callbacks, "escaneo.pdf", scanned(LINES, fmt="PDF")
    )
    texto = TextoAdjunto.objects.get(adjunto=adjunto)
    assert texto.method == TextoMethod.OCR and "escuela" in texto.texto
    assert folios(turnador, "escuela") == [escrito.folio]


def test_a_pdf_with_a_text_layer_is_read_without_ocr(django_capture_on_commit_callbacks, turnador):
    from weasyprint import HTML

    content = HTML(string="<p>Croquis del predio con la barda perimetral dañada.</p>").write_pdf()
    escrito, adjunto = filed_with(django_capture_on_commit_callbacks, "croquis.pdf", content)
    texto = TextoAdjunto.objects.get(adjunto=adjunto)
    assert texto.method == TextoMethod.CAPA and "perimetral" in texto.texto
    assert folios(turnador, "danada") == [escrito.folio]


def test_a_signed_pdf_is_never_ocrd(
    tesseract, scanned, sat, maria, django_capture_on_commit_callbacks, turnador
):
    confianza.authority_install(sat.certificate.public_bytes(serialization.Encoding.DER))
    scan = scanned(LINES, fmt="PDF")
    signed = citizen_signed(maria, content=scan)
    _escrito, adjunto = filed_with(django_capture_on_commit_callbacks, "firmado.pdf", signed)
    assert adjunto.firmas
    texto = TextoAdjunto.objects.get(adjunto=adjunto)
    assert texto.state == TextoState.OMITIDO and texto.method == ""
    assert texto.motivo == ocr.SIGNED and texto.texto == ""
    assert folios(turnador, "escuela") == []
    with adjunto.file.open("rb") as f:
        assert f.read() == signed
    # The same scan unsigned is read: what kept the signed one out was its signature.
    unsigned, _ = filed_with(django_capture_on_commit_callbacks, "sin-firma.pdf", scan)
    assert folios(turnador, "escuela") == [unsigned.folio]


def test_without_tesseract_the_scan_waits_and_the_page_says_ocr_is_off(
    scanned, django_capture_on_commit_callbacks, turnador, client, monkeypatch
):
    monkeypatch.setenv("PATH", "/nonexistent")
    ocr.ocr_status.cache_clear()
    try:
        escrito, adjunto = filed_with(
            django_capture_on_commit_callbacks, "escaneo.png", scanned(LINES)
        )
        texto = TextoAdjunto.objects.get(adjunto=adjunto)
        assert texto.state == TextoState.OMITIDO and texto.motivo == ocr.OCR_OFF
        client.force_login(turnador)
        page = client.get(reverse("busqueda"), {"q": "escrito escaneado"}).content.decode()
        assert "OCR desactivado" in page and escrito.folio in page
    finally:
        ocr.ocr_status.cache_clear()


def test_the_health_report_says_whether_ocr_is_on(client):
    ocr.ocr_status.cache_clear()
    body = client.get(reverse("healthz")).json()
    assert body["estado"] == "ok"
    assert body["funciones"]["ocr"]["estado"] == (
        "activo" if ocr.ocr_status()[0] else "desactivado"
    )
