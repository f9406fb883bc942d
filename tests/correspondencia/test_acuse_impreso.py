"""The acuse as it prints: its QR takes whoever scans it to the acuse's verification page,
and nothing on it runs past the page's margins."""

import io
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.template.loader import render_to_string
from django.test import Client
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from correspondencia.acuse import acuse_context, verification_url
from correspondencia.services.acuses import acuse_render_pdf
from tests.factories import file_escrito, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def printed_page(pdf: bytes, dpi: int, folder) -> Image.Image:
    """The acuse's first page as a printer or a screen draws it (poppler, as in the
    readers most people open PDFs with)."""
    assert shutil.which("pdftoppm"), "poppler-utils is a test dependency (make test installs it)"
    (folder / "acuse.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
         str(folder / "acuse.pdf"), str(folder / "page")],
        check=True,
    )  # fmt: skip
    return Image.open(folder / "page.png")


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_the_printed_qr_reads_as_the_verification_url(dpi, tmp_path):
    acuse = file_escrito().escrito.acuse
    found = zxingcpp.read_barcodes(printed_page(acuse_render_pdf(acuse), dpi, tmp_path))
    assert [code.text for code in found] == [verification_url(acuse)]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


def test_the_qr_image_is_enlarged_without_blurring_its_modules():
    """One pixel per module in the file, enlarged to 30 mm on the page: the image must be
    marked not to be interpolated, or a viewer would smear the modules into grey."""
    acuse = file_escrito().escrito.acuse
    page = PdfReader(io.BytesIO(acuse_render_pdf(acuse))).pages[0]
    images = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
    qr = [image for image in images if image["/Subtype"] == "/Image"]
    assert len(qr) == 1
    assert qr[0]["/Interpolate"].value is False
    assert qr[0]["/Width"] == qr[0]["/Height"] < 60


def test_the_scanned_address_opens_the_verification_page(tmp_path):
    acuse = file_escrito().escrito.acuse
    found = zxingcpp.read_barcodes(printed_page(acuse_render_pdf(acuse), 150, tmp_path))
    response = Client().get(urlsplit(found[0].text).path)
    assert response.status_code == 200
    assert acuse.escrito.folio in response.content.decode()


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def test_no_table_runs_past_the_text_column():
    """Percent widths on cells count without their padding: a row of 6 % + 74 % + 20 % cells
    made the files table 8 mm wider than the text, into the right margin."""
    escrito = file_escrito(
        attachments=[upload("solicitud-con-un-nombre-largo.pdf", pdf_bytes(2))]
    ).escrito
    html = render_to_string("correspondencia/acuse.html", acuse_context(escrito.acuse))
    page = HTML(string=html).render().pages[0]._page_box
    body = next(b for b in _boxes(page) if getattr(b, "element_tag", None) == "body")
    right = body.content_box_x() + body.width
    tables = [b for b in _boxes(page) if isinstance(b, boxes.TableBox)]
    assert len(tables) == 2
    for table in tables:
        assert table.border_box_x() + table.border_width() <= right + 0.01
