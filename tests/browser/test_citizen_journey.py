"""The citizen's journey and the ventanilla clerk's, in a real browser.

Screenshots of each step are saved under tests/artifacts/ at desktop and phone widths.
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from correspondencia.models import Channel, Escrito
from tests.browser.conftest import PHONE
from tests.factories import TramiteFactory, image_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLIO_RE = re.compile(r"^OP-\d{4}-\d{6}$")
CODE_RE = re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
PASSWORD = "contraseña-de-prueba"
BAD_RED = "rgb(163, 38, 27)"  # --bad in static/css/app.css: the border of a field in error


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_citizen_files_online_downloads_the_acuse_and_checks_the_status(
    live_server, page, screenshot, tmp_path
):
    tramite = TramiteFactory(nombre="Licencia de construcción menor")
    escrito_pdf = tmp_path / "solicitud-luminaria.pdf"
    escrito_pdf.write_bytes(pdf_bytes(2))

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oficialía de Partes electrónica")
    screenshot(page, "01-inicio")

    page.get_by_role("link", name="Presentar un escrito", exact=True).click()
    expect(page).to_have_url(re.compile(r"/escritos/nuevo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Presentar un escrito")

    page.get_by_label("Persona física").check()
    page.get_by_label("Nombre completo o razón social").fill("María Guadalupe Hernández Ruiz")
    page.get_by_label("Correo electrónico").fill("lupita@example.com")
    page.get_by_label("Asunto", exact=True).fill("Reparación de luminaria en calle Morelos")
    page.get_by_label("Texto del escrito").fill(
        "Solicito atentamente la reparación de la luminaria frente al número 12."
    )
    page.get_by_label("Trámite relacionado").select_option(label=tramite.nombre)
    page.get_by_label("Archivos adjuntos").set_input_files(escrito_pdf)
    page.get_by_label("He leído el aviso de privacidad").check()
    screenshot(page, "02-formulario")

    page.get_by_role("button", name="Presentar escrito").click()

    expect(page).to_have_url(re.compile(r"/escritos/recibido/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("Escrito recibido")).to_be_visible()
    folio = page.get_by_test_id("folio").inner_text().strip()
    code = page.get_by_test_id("codigo").inner_text().strip()
    assert FOLIO_RE.match(folio), folio
    assert CODE_RE.match(code), code

    escrito = Escrito.objects.select_related("peticionario", "tramite").get(folio=folio)
    assert escrito.channel == Channel.EN_LINEA
    assert escrito.peticionario.nombre == "María Guadalupe Hernández Ruiz"
    assert escrito.asunto == "Reparación de luminaria en calle Morelos"
    assert escrito.tramite == tramite
    assert [(a.original_name, a.pages) for a in escrito.adjuntos.all()] == [
        ("solicitud-luminaria.pdf", 2)
    ]

    acuse_link = page.get_by_test_id("acuse-link")
    expect(acuse_link).to_have_text("Descargar el acuse (PDF)")
    response = page.request.get(live_server.url + acuse_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert folio in text
    assert code in text
    screenshot(page, "04-recibido")

    page.goto(live_server.url + "/consulta/")
    page.get_by_label("Folio").fill(folio)
    page.get_by_label("Código de acceso").fill(code)
    screenshot(page, "05-consulta-formulario")
    page.get_by_role("button", name="Consultar").click()

    expect(page.get_by_test_id("folio")).to_have_text(folio)
    expect(page.get_by_test_id("estado")).to_have_text("Recibido")
    expect(page.get_by_text("Reparación de luminaria en calle Morelos")).to_be_visible()
    screenshot(page, "06-consulta-resultado")


def test_the_form_fits_a_phone_and_explains_errors_in_spanish(live_server, new_page, screenshot):
    page = new_page(PHONE, mobile=True)
    page.goto(live_server.url + "/escritos/nuevo/")

    def scroll_width() -> int:
        return page.evaluate("document.documentElement.scrollWidth")

    assert scroll_width() <= PHONE["width"]

    page.get_by_label("Nombre completo o razón social").fill("José Luis Martínez")
    page.get_by_role("button", name="Presentar escrito").click()

    alert = page.locator("#errores")
    expect(alert).to_contain_text("Revise los datos marcados.")
    expect(alert).to_be_focused()
    asunto = page.get_by_label("Asunto", exact=True)
    expect(page.locator(".field", has=asunto)).to_contain_text("Este campo es obligatorio.")
    expect(asunto).to_have_css("border-top-color", BAD_RED)
    expect(page.get_by_text("Escriba el texto de su petición o adjunte el escrito")).to_be_visible()
    expect(
        page.get_by_text("Para presentar el escrito marque que leyó el aviso de privacidad.")
    ).to_be_visible()
    expect(page.get_by_label("Nombre completo o razón social")).to_have_value("José Luis Martínez")
    expect(asunto).to_have_value("")
    expect(page.locator("body")).not_to_contain_text("This field is required")
    assert scroll_width() <= PHONE["width"]
    assert not Escrito.objects.exists()
    screenshot(page, "03-formulario-errores")


def test_a_ventanilla_clerk_captures_a_paper_escrito(
    live_server, new_page, screenshot, ventanilla_clerk, tmp_path
):
    scan = tmp_path / "escaneo-oficio.png"
    scan.write_bytes(image_bytes("PNG"))
    page = new_page()

    page.goto(live_server.url + "/ventanilla/nuevo/")
    expect(page).to_have_url(re.compile(r"/cuenta/entrar/\?next=/ventanilla/nuevo/$"))
    page.get_by_label("Nombre de usuario").fill(ventanilla_clerk.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()

    expect(page).to_have_url(re.compile(r"/ventanilla/nuevo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Capturar escrito recibido en papel")
    page.get_by_label("Medio de recepción").select_option(label="Ventanilla")
    page.get_by_label("Fojas recibidas").fill("3")
    page.get_by_label("Anexos en papel").fill("1")
    page.get_by_label("Descripción de los anexos").fill("Copia de credencial para votar")
    page.get_by_label("Ubicación del original").fill("Archivo de trámite, caja 2026-11, legajo 4")
    page.get_by_label("Persona física").check()
    page.get_by_label("Nombre completo o razón social").fill("Juan Pérez Salgado")
    page.get_by_label("Asunto", exact=True).fill("Solicitud de poda de árbol en la colonia Centro")
    page.get_by_label("Escaneos").set_input_files(scan)
    page.get_by_label("Mostré el aviso de privacidad al peticionario.").check()
    screenshot(page, "07-ventanilla-formulario")

    page.get_by_role("button", name="Registrar y dar folio").click()

    expect(page).to_have_url(re.compile(r"/ventanilla/escritos/OP-\d{4}-\d{6}/$"))
    folio = page.get_by_test_id("folio").inner_text().strip()
    assert FOLIO_RE.match(folio), folio
    expect(page.get_by_role("status")).to_contain_text(f"Escrito registrado con el folio {folio}.")
    expect(page.get_by_test_id("codigo")).to_have_text(CODE_RE)
    acuse_link = page.get_by_test_id("acuse-link")
    expect(acuse_link).to_have_text("Abrir e imprimir el acuse (PDF)")
    expect(page.get_by_text("Archivo de trámite, caja 2026-11, legajo 4")).to_be_visible()
    expect(page.get_by_text("3 fojas, 1 anexo (Copia de credencial para votar)")).to_be_visible()

    escrito = Escrito.objects.get(folio=folio)
    assert escrito.channel == Channel.VENTANILLA
    assert escrito.captured_by == ventanilla_clerk
    assert (escrito.fojas, escrito.anexos) == (3, 1)
    assert escrito.ubicacion_original == "Archivo de trámite, caja 2026-11, legajo 4"
    assert [a.original_name for a in escrito.adjuntos.all()] == ["escaneo-oficio.png"]

    response = page.request.get(live_server.url + acuse_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert folio in text
    assert "3 fojas; 1 anexo: Copia de credencial para votar" in text
    screenshot(page, "08-ventanilla-recibido")
