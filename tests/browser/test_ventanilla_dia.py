"""A day at the ventanilla in a real browser: three paper escritos captured (the form keeps
the channel and the original's place; the third, like the first, asks before saving), one
corrected, then the relación to sign and the «recibido» stickers printed and looked at."""

import io
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from correspondencia.models import AcuseAnterior, Escrito
from tests.browser.test_turnado_journey import sign_in
from tests.factories import UserFactory, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLIO_RE = re.compile(r"^OP-\d{4}-\d{6}$")
PLACE = "Archivo de trámite, estante 2, caja 2026-14"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def capture(page, *, nombre: str, asunto: str, fojas: int, scan=None) -> None:
    page.get_by_label("Nombre completo o razón social").fill(nombre)
    page.get_by_label("Asunto", exact=True).fill(asunto)
    page.get_by_label("Texto del escrito").fill("Resumen de lo que pide el escrito en papel.")
    page.get_by_label("Fojas recibidas").fill(str(fojas))
    if scan is not None:
        page.get_by_label("Escaneos").set_input_files(scan)
    page.get_by_label("Mostré el aviso de privacidad al peticionario.").check()
    page.get_by_role("button", name="Registrar y dar folio").click()


def look_at(pdf: bytes, artifacts, name: str) -> str:
    path = artifacts / f"{name}.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", str(path), str(artifacts / name)],
            check=True,
        )
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_day_at_the_ventanilla(page, live_server, artifacts, screenshot, tmp_path):
    clerk = UserFactory(username="vero.ventanilla", first_name="Verónica", roles=["ventanilla"])
    base = live_server.url
    scan = tmp_path / "escrito-escaneado.pdf"
    scan.write_bytes(pdf_bytes(2))
    sign_in(page, base, clerk)

    # First capture: by certified mail, to a known box.
    page.goto(base + "/ventanilla/nuevo/")
    page.get_by_label("Medio de recepción").select_option("correo_postal")
    page.get_by_label("Ubicación del original").fill(PLACE)
    capture(page, nombre="Rosa Salgado Núñez", asunto="Reparación de banqueta", fojas=2, scan=scan)
    first = page.get_by_test_id("folio").inner_text()
    assert FOLIO_RE.match(first)

    # The second: channel and place are already there.
    page.get_by_role("link", name="Capturar otro").click()
    expect(page.get_by_label("Medio de recepción")).to_have_value("correo_postal")
    expect(page.get_by_label("Ubicación del original")).to_have_value(PLACE)
    expect(page.get_by_label("Asunto", exact=True)).to_have_value("")
    capture(page, nombre="Comité de vecinos de La Cima", asunto="Poda de árboles", fojas=5)
    second = page.get_by_test_id("folio").inner_text()

    # The third looks like the first: the form asks, keeping what was typed.
    page.get_by_role("link", name="Capturar otro").click()
    capture(page, nombre="rosa salgado núñez", asunto="Reparación de banqueta", fojas=1)
    warning = page.get_by_test_id("duplicado")
    expect(warning).to_contain_text(first)
    screenshot(page, "ventanilla-duplicado")
    expect(page.get_by_label("Asunto", exact=True)).to_have_value("Reparación de banqueta")
    page.get_by_label("Sí, es otro escrito: registrarlo aunque se parezca al anterior.").check()
    page.get_by_role("button", name="Registrar y dar folio").click()
    third = page.get_by_test_id("folio").inner_text()
    assert len({first, second, third}) == 3

    # The day's list, then a correction of the second capture (it had 6 fojas, not 5).
    page.goto(base + "/ventanilla/")
    expect(page.get_by_test_id("total-hoy")).to_have_text("(3)")
    page.get_by_role("row", name=re.compile(second)).get_by_role("link", name="Corregir").click()
    expect(page.get_by_label("Fojas recibidas")).to_have_value("5")
    page.get_by_label("Fojas recibidas").fill("6")
    page.get_by_role("button", name="Guardar la corrección y emitir acuse nuevo").click()
    expect(page.get_by_text("Escriba por qué corrige la captura.")).to_be_visible()
    page.get_by_label("Motivo de la corrección").fill("Se contaron mal las fojas: son 6")
    page.get_by_role("button", name="Guardar la corrección y emitir acuse nuevo").click()
    expect(page.get_by_role("status")).to_contain_text(f"El folio sigue siendo {second}")
    expect(page.get_by_test_id("acuses-sustituidos")).to_be_visible()
    screenshot(page, "ventanilla-corregido")
    corrected = Escrito.objects.get(folio=second)
    assert corrected.fojas == 6
    old = AcuseAnterior.objects.get(escrito=corrected)
    verification = page.context.new_page()
    verification.goto(base + f"/verificar/{old.verification_token}/")
    expect(verification.get_by_role("heading", level=1)).to_contain_text("sustituido")
    verification.close()

    # The day's paper: the relación to sign and the stickers, on a sheet and on a thermal roll.
    page.goto(base + "/ventanilla/")
    page.get_by_test_id("papel-del-dia").click()
    screenshot(page, "papel-del-dia")
    relacion_url = page.get_by_test_id("relacion-mias").get_attribute("href")
    relacion = page.request.get(base + relacion_url)
    assert relacion.headers["content-type"] == "application/pdf"
    text = look_at(relacion.body(), artifacts, "ventanilla-relacion")
    assert all(folio in text for folio in (first, second, third))
    assert "3 escritos, 9 fojas" in text  # 2 + 6 (corrected) + 1
    for formato, pages in (("hoja", 1), ("termica", 3)):
        url = page.get_by_test_id(f"etiquetas-{formato}").get_attribute("href")
        stickers = page.request.get(base + url)
        text = look_at(stickers.body(), artifacts, f"ventanilla-etiquetas-{formato}")
        assert len(PdfReader(io.BytesIO(stickers.body())).pages) == pages
        assert text.count("RECIBIDO") == 3 and first in text and third in text
