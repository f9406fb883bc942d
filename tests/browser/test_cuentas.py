"""The citizen's account in a real browser: create it, confirm it from the email, save the
petitioner data, file, follow the escrito in "Mis escritos", answer a prevención, download
all the personal data.

The Oficialía and Obras Públicas act through the services (their pages are walked in
test_turnado_journey.py). Screenshots of every page are saved under tests/artifacts/ at
desktop and phone (360 px) widths; each page is checked with axe-core at both.
"""

import io
import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from correspondencia.models import Escrito, EscritoState, Secretaria
from cuentas.models import Cuenta, EscritoVinculado
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_width
from tests.conftest import ARTIFACTS, wait_for
from tests.factories import SecretariaFactory, UserFactory, pdf_bytes
from turnos.models import Perfil
from turnos.services import Route, escrito_turn, turno_accept, turno_prevent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "lupita@example.com"
PASSWORD = "luminaria-morelos-12"
NOMBRE = "María Guadalupe Hernández Ruiz"
CURP = "HERM850101MGRRZR07"
ASUNTO = "Reparación de luminaria en calle Morelos"
FOLIO_RE = re.compile(r"OP-\d{4}-\d{6}")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_member(username: str, role: str, secretaria: Secretaria | None):
    user = UserFactory(username=username, email=f"{username}@municipio.gob.mx", roles=[role])
    Perfil.objects.create(user=user, secretaria=secretaria)
    return user


def look(page, screenshot, name: str) -> None:
    """Screenshots at both widths; at each, nothing sticks out sideways and axe-core finds no
    serious or critical violation."""
    screenshot(page, name)
    original = page.viewport_size
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width["width"], "height": original["height"]})
        assert_fits_width(page)
        assert_accessible(page, f"{name}-{width['width']}")
    page.set_viewport_size(original)


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_a_citizen_opens_an_account_files_and_follows_the_escrito(
    live_server, page, new_page, screenshot, tmp_path
):
    base = live_server.url
    obras = SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")
    turnador = staff_member("tomas.turnador", "oficialia", None)
    titular = staff_member("olga.titular", "titular", obras)
    unidad = UserFactory(username="tania.transparencia", roles=["transparencia"])

    # Create the account -------------------------------------------------------------------
    page.goto(base + "/mi-cuenta/entrar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Entrar a mi cuenta")
    look(page, screenshot, "40-cuenta-entrar")
    page.get_by_role("link", name="Crear una cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crear una cuenta")
    page.get_by_label("Correo electrónico").fill(EMAIL)
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_label("Repita la contraseña").fill(PASSWORD)
    page.get_by_label("He leído el aviso de privacidad").check()
    look(page, screenshot, "41-cuenta-registro")
    page.get_by_role("button", name="Crear mi cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise su correo")
    expect(page.get_by_text(EMAIL)).to_be_visible()
    look(page, screenshot, "42-cuenta-revise-su-correo")

    # Confirm it with the link of the email ----------------------------------------------------
    message = wait_for(
        lambda: next((m for m in mail.outbox if m.to == [EMAIL]), None),
        message="no confirmation email",
    )
    path = re.search(r"http://testserver(/mi-cuenta/confirmar/\S+)", message.body).group(1)
    page.goto(base + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Su correo quedó confirmado")
    look(page, screenshot, "43-cuenta-confirmada")

    # Sign in --------------------------------------------------------------------------------
    page.get_by_role("link", name="Entrar a mi cuenta").click()
    page.get_by_label("Correo electrónico").fill(EMAIL.upper())
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(base + "/mi-cuenta/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis escritos")
    expect(page.get_by_text("Aún no hay escritos en su cuenta")).to_be_visible()

    # Save the petitioner data -------------------------------------------------------------------
    page.get_by_role("link", name="Mis datos").click()
    page.get_by_label("Nombre completo").fill(NOMBRE)
    page.get_by_label("Teléfono").fill("747 123 4567")
    page.get_by_label("CURP").fill(CURP.lower())
    page.get_by_label("Domicilio").fill("Calle Morelos 12, Col. Centro, 39000")
    page.get_by_role("button", name="Guardar mis datos").click()
    expect(page.get_by_text("Guardamos sus datos")).to_be_visible()
    look(page, screenshot, "44-cuenta-mis-datos")

    # File: the form starts with the saved data ----------------------------------------------
    page.get_by_role("link", name="Mis escritos").click()
    page.get_by_role("link", name="Presentar un escrito").click()
    expect(page.get_by_label("Nombre completo o razón social")).to_have_value(NOMBRE)
    expect(page.get_by_label("Correo electrónico")).to_have_value(EMAIL)
    expect(page.get_by_label("CURP")).to_have_value(CURP)
    page.get_by_label("Asunto", exact=True).fill(ASUNTO)
    page.get_by_label("Texto del escrito").fill(
        "Solicito la reparación de la luminaria frente al número 12."
    )
    page.get_by_label("He leído el aviso de privacidad").check()
    page.get_by_role("button", name="Presentar escrito").click()
    expect(page.get_by_text("Escrito recibido")).to_be_visible()
    folio = page.get_by_test_id("folio").inner_text().strip()
    assert FOLIO_RE.fullmatch(folio)
    escrito = Escrito.objects.select_related("peticionario").get(folio=folio)
    assert escrito.peticionario.curp == CURP
    assert EscritoVinculado.objects.get(escrito=escrito).cuenta == Cuenta.objects.get(email=EMAIL)

    # Mis escritos: there it is, with its state and light ----------------------------------------
    page.goto(base + "/mi-cuenta/")
    card = page.get_by_test_id("mis-escritos").get_by_role("listitem").filter(has_text=folio)
    expect(card).to_contain_text("Recibido")
    expect(card).to_contain_text("A tiempo")
    expect(card).to_contain_text(ASUNTO)
    look(page, screenshot, "45-cuenta-mis-escritos")

    # The Oficialía routes it; Obras accepts it and asks for the INE ---------------------------
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular)
    turno_prevent(
        turno_id=turno.pk,
        user=titular,
        texto="Adjunte una identificación oficial vigente (INE) para continuar.",
    )
    page.reload()
    expect(card).to_contain_text("Prevenido")
    # Not opened yet, so not yet notified: the term still runs (it stops at the notification).
    expect(card).to_contain_text("A tiempo")
    expect(card).to_contain_text("le piden información")
    expect(page.get_by_test_id("cuenta-avisos")).to_contain_text("4")

    # Answer the prevención from the account -----------------------------------------------------
    card.get_by_role("link", name=folio).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(folio)
    prevencion = page.get_by_test_id("prevencion")
    expect(prevencion).to_contain_text("identificación oficial vigente")
    look(page, screenshot, "46-cuenta-escrito-prevencion")
    ine = tmp_path / "ine.pdf"
    ine.write_bytes(pdf_bytes())
    prevencion.get_by_label("Su respuesta").fill("Adjunto mi INE vigente.")
    prevencion.get_by_label("Documentos").set_input_files(ine)
    prevencion.get_by_role("button", name="Enviar mi respuesta").click()
    expect(page.get_by_text("Recibimos su respuesta")).to_be_visible()
    expect(page.get_by_test_id("estado")).to_have_text("En atención")
    expect(page.get_by_test_id("prevencion")).to_have_count(0)
    expect(page.get_by_test_id("timeline")).to_contain_text("Respuesta a la prevención recibida")
    look(page, screenshot, "47-cuenta-escrito-en-atencion")
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.EN_ATENCION

    # The acuse, from the account -----------------------------------------------------------
    acuse = page.request.get(base + page.get_by_test_id("acuse").get_attribute("href"))
    assert acuse.ok and acuse.headers["content-type"] == "application/pdf"
    assert folio in pdf_text(acuse.body())

    # The notices ---------------------------------------------------------------------------
    page.get_by_test_id("cuenta-avisos").click()
    avisos = page.get_by_test_id("avisos")
    expect(avisos.get_by_role("listitem")).to_have_count(5)
    expect(avisos).to_contain_text("Prevenido (falta información)")
    look(page, screenshot, "48-cuenta-avisos")

    # Download all my data ----------------------------------------------------------------------
    page.get_by_role("link", name="Datos personales").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis datos personales")
    look(page, screenshot, "49-cuenta-datos-personales")
    with page.expect_download() as download:
        page.get_by_test_id("mis-datos-pdf").click()
    content = _read(download)
    (ARTIFACTS / "49-cuenta-mis-datos.pdf").write_bytes(content)
    text = pdf_text(content)
    for expected in (folio, NOMBRE, EMAIL, "Adjunto mi INE vigente."):
        assert expected in text, expected
    with page.expect_download() as download:
        page.get_by_test_id("mis-datos-json").click()
    data = json.loads(_read(download))
    assert data["escritos"][0]["folio"] == folio
    assert data["cuenta"]["datos_guardados"]["curp"] == CURP

    # Ask for a rectification; the Unidad de Transparencia applies it ---------------------------
    rectificacion = page.locator("form").filter(has_text="Pedir la rectificación")
    rectificacion.get_by_label("¿Qué está mal y dónde?").fill("Mi apellido materno lleva acento.")
    rectificacion.get_by_label("Nombre correcto").fill("María Guadalupe Hernández Ruíz")
    rectificacion.get_by_role("button", name="Pedir la rectificación").click()
    expect(page.get_by_text("Recibimos su solicitud")).to_be_visible()
    expect(page.get_by_test_id("solicitudes")).to_contain_text("Rectificación · En trámite")

    admin = new_page(DESKTOP)
    admin.goto(base + "/cuenta/entrar/")
    admin.get_by_label("Nombre de usuario").fill(unidad.username)
    admin.get_by_label("Contraseña").fill("contraseña-de-prueba")
    admin.get_by_role("button", name="Entrar").click()
    admin.goto(base + "/datos-personales/solicitudes/")
    admin.get_by_role("link", name="Atender").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Rectificación de datos personales")
    expect(admin.get_by_text(folio)).to_be_visible()
    admin.get_by_label("Procedente: hacerla efectiva ahora").check()
    admin.get_by_label("Respuesta al titular").fill("Se corrigió el nombre en sus escritos.")
    screenshot(admin, "50-arco-resolver")
    admin.get_by_role("button", name="Registrar la respuesta").click()
    registrada = re.compile(r"^DP-\d{4}-\d{6}: Respuesta registrada\.$")
    expect(admin.get_by_text(registrada)).to_be_visible()
    screenshot(admin, "51-arco-solicitudes")
    escrito.peticionario.refresh_from_db()
    assert escrito.peticionario.nombre == "María Guadalupe Hernández Ruíz"
    page.reload()
    expect(page.get_by_test_id("solicitudes")).to_contain_text("Rectificación · Atendida")

    # Access and opposition, from the same page, to the same Unidad ----------------------------
    acceso = page.get_by_test_id("arco-acceso")
    acceso.get_by_role("button", name="Pedir el acceso").click()
    expect(page.get_by_text(re.compile(r"con el folio DP-\d{4}-\d{6}"))).to_be_visible()
    expect(page.get_by_test_id("solicitudes")).to_contain_text("Acceso · En trámite")
    oposicion = page.get_by_test_id("arco-oposicion")
    oposicion.get_by_label("Motivo").fill("Prefiero consultar en la página.")
    oposicion.get_by_role("button", name="Presentar la oposición").click()
    expect(page.get_by_text("Elija el uso de sus datos al que se opone.")).to_be_visible()
    oposicion = page.get_by_test_id("arco-oposicion")
    expect(oposicion.get_by_label("Motivo")).to_have_value("Prefiero consultar en la página.")
    oposicion.get_by_label("Avisos por correo sobre el avance de mis escritos").check()
    oposicion.get_by_role("button", name="Presentar la oposición").click()
    expect(page.get_by_test_id("solicitudes")).to_contain_text("Oposición · En trámite")
    expect(page.get_by_test_id("solicitudes")).to_contain_text("Se opone a: Avisos por correo")
    look(page, screenshot, "51b-cuenta-acceso-oposicion")
    admin.goto(base + "/datos-personales/solicitudes/")
    expect(admin.get_by_role("main")).to_contain_text("Acceso")
    expect(admin.get_by_role("main")).to_contain_text("Oposición")

    # Withdrawing asks for confirmation ---------------------------------------------------------
    page.get_by_role("link", name="Mis escritos").click()
    page.get_by_role("link", name=folio).click()
    page.get_by_test_id("desistir").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("¿Desistirse del escrito")
    look(page, screenshot, "52-cuenta-desistir")
    page.get_by_role("button", name="Sí, desistirme").click()
    expect(page.get_by_text("Marque la casilla para confirmar")).to_be_visible()
    page.get_by_label("Confirmo que me desisto").check()
    page.get_by_role("button", name="Sí, desistirme").click()
    expect(page.get_by_text("Se registró su desistimiento")).to_be_visible()
    expect(page.get_by_test_id("estado")).to_have_text("Desistido")
    look(page, screenshot, "53-cuenta-escrito-desistido")


def _read(download_info) -> bytes:
    with open(download_info.value.path(), "rb") as handle:
        return handle.read()
