"""Uploaded documents cannot carry active content, bombs, or be shown inside the site; PDFs the
product draws fetch nothing but its own static files."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from correspondencia.models import Escrito
from oficialia.adjuntos import inspect
from oficialia.pdf import FetchRefused, StaticOnlyFetcher, render_pdf
from tests.factories import (
    UserFactory,
    escrito_form_data,
    file_escrito,
    image_bytes,
    pdf_bytes,
    upload,
)


def _pdf(mutate) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    mutate(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    """A document-level script in the /Names tree, as Acrobat writes it."""

    def script(writer):
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('hola');"),
                }
            )
        )
        names = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("inicio"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(names)}
        )

    return _pdf(script)


def pdf_with_launch() -> bytes:
    def launch(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            }
        )

    return _pdf(launch)


def pdf_with_page_action() -> bytes:
    def page_action(writer):
        writer.pages[0][NameObject("/AA")] = DictionaryObject(
            {
                NameObject("/O"): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/JavaScript"),
                        NameObject("/JS"): TextStringObject("app.alert(1)"),
                    }
                )
            }
        )

    return _pdf(page_action)


def pdf_with_hidden_name() -> bytes:
    """'/JavaScript' written with a #xx escape, which readers decode as the same name."""
    return pdf_with_javascript().replace(b"/JavaScript", b"/J#61vaScript")


def png_of(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [pdf_with_javascript, pdf_with_launch, pdf_with_page_action, pdf_with_hidden_name],
    ids=["javascript", "launch", "page-action", "escaped-name"],
)
def test_a_pdf_that_runs_something_when_opened_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        inspect(upload("oficio.pdf", content(), "application/pdf"))
    assert refused.value.code == "active_content"
    assert "se ejecutan al abrirlo" in refused.value.messages[0]


def test_a_plain_pdf_and_a_plain_image_are_still_accepted():
    assert inspect(upload("a.pdf", pdf_bytes(2), "application/pdf")).pages == 2
    assert inspect(upload("b.png", image_bytes("PNG"), "image/png")).content_type == "image/png"


def test_a_144_megapixel_png_is_refused_before_it_is_decoded():
    bomb = png_of(12_000, 12_000)
    assert len(bomb) < 1_000_000  # a few hundred KB that would unpack to 144 million pixels
    with pytest.raises(ValidationError) as refused:
        inspect(upload("plano.png", bomb, "image/png"))
    assert refused.value.code == "active_content"
    assert "demasiado grande" in refused.value.messages[0]


def test_the_image_limit_is_a_setting(settings):
    settings.MAX_IMAGE_PIXELS = 1_000
    with pytest.raises(ValidationError):
        inspect(upload("foto.png", png_of(40, 30), "image/png"))


def test_the_filing_form_says_why_a_pdf_with_javascript_is_refused(client, db):
    data = escrito_form_data()
    data["adjuntos"] = upload("solicitud.pdf", pdf_with_javascript(), "application/pdf")
    response = client.post(reverse("escrito_nuevo"), data)
    assert response.status_code == 200
    assert "se ejecutan al abrirlo" in response.content.decode()
    assert not Escrito.objects.exists()


def test_staff_download_an_uploaded_file_and_never_see_it_inline(client, db):
    escrito = file_escrito(
        attachments=[upload("solicitud.pdf", pdf_bytes(), "application/pdf")], queue_acuse=False
    ).escrito
    adjunto = escrito.adjuntos.get()
    client.force_login(UserFactory(username="carla.contraloria", roles=["contraloria"]))
    response = client.get(reverse("adjunto_descargar", args=[escrito.folio, adjunto.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)


@pytest.fixture
def canary_server():
    """An HTTP server that counts the requests it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(image_bytes("PNG"))

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_pdf_rendering_fetches_nothing_from_the_network_or_the_disk(canary_server, settings):
    base, hits = canary_server
    html = (
        f'<html><body><img src="{base}/rastreo.png"><img src="file:///etc/hostname">'
        f'<link rel="stylesheet" href="{base}/estilo.css">'
        '<img src="../pyproject.toml"><p>Hola</p></body></html>'
    )
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert hits == []


def test_the_fetcher_reads_the_products_static_files_and_inline_data(settings):
    static = settings.STATICFILES_DIRS[0]
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(f"file://{static}/css/app.css")
    assert css.read(1)
    css.close()
    assert fetcher.fetch("data:text/plain,hola").read() == b"hola"
    for refused in ("file:///etc/passwd", f"file://{static}/../pyproject.toml", "http://x/"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(refused)
