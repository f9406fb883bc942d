"""Quejas y denuncias in a real browser: an anonymous citizen files one with evidence, the
contraloría investigates and concludes it, and the citizen reads the resolution with the
folio and code. The contraloría's signals page is shot too.

Screenshots (quejas-*.png) are saved under tests/artifacts/ at desktop and phone widths.
"""

import re

import pytest
from playwright.sync_api import expect

from contraloria.models import Queja, QuejaState
from correspondencia.models import Channel, PetitionerType
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from tests.browser.conftest import PHONE
from tests.factories import SecretariaFactory, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLIO_RE = re.compile(r"^QD-\d{4}-\d{6}$")
CODE_RE = re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
PASSWORD = "contraseña-de-prueba"
HECHOS = (
    "Afuera de la ventanilla de Catastro un señor me ofreció «agilizar» mi constancia de no "
    "adeudo por 800 pesos. Dijo que trabaja con alguien de adentro."
)
RESOLUCION = (
    "Se revisaron las cámaras de la entrada y se identificó a la persona. Se presentó la "
    "denuncia ante el Ministerio Público y se reforzó la vigilancia de la ventanilla."
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shoot(screenshot):
    """Screenshot `page` at both widths and check that at 360 px nothing needs sideways
    scrolling (a table's last columns, a long folio, a wide form control)."""

    def take(page, name: str) -> None:
        screenshot(page, name)
        original = page.viewport_size
        page.set_viewport_size({"width": PHONE["width"], "height": original["height"]})
        width = page.evaluate("document.documentElement.scrollWidth")
        # A table scrolls inside its .table-wrap, out of the page's scrollWidth's sight.
        hidden = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth).length"
        )
        page.set_viewport_size(original)
        assert width <= PHONE["width"], f"{name}: {width} px wide on a {PHONE['width']}-px phone"
        assert not hidden, f"{name}: a table needs sideways scrolling on a phone"

    return take


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/cuenta/entrar/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()


def gestor_files_for_five_clients() -> None:
    """A pattern for the signals page: one address on five petitioners' escritos."""
    for name in ("Ana López", "Beto Ruiz", "Carmen Díaz", "Daniel Soto", "Elena Cruz"):
        escrito_file(
            data=EscritoData(
                peticionario=PetitionerData(
                    tipo=PetitionerType.FISICA, nombre=name, email="gestoria.express@example.com"
                ),
                asunto="Constancia de no adeudo predial",
                texto="Solicito la constancia.",
            ),
            channel=Channel.EN_LINEA,
            queue_acuse=False,
        )


def test_an_anonymous_queja_is_investigated_and_its_resolution_read(
    live_server, new_page, shoot, tmp_path, contraloria_user
):
    base = live_server.url
    SecretariaFactory(nombre="Catastro", siglas="CAT")
    photo = tmp_path / "foto-gestor.png"
    photo.write_bytes(image_bytes("PNG"))

    # On a phone, a form sent empty explains itself.
    hasty = new_page(PHONE, mobile=True)
    hasty.goto(base + "/quejas/nueva/")
    expect(hasty.get_by_role("heading", level=1)).to_have_text("Quejas y denuncias")
    hasty.get_by_role("button", name="Presentar la queja").click()
    alert = hasty.locator("#errores")
    expect(alert).to_contain_text("Revise los datos marcados.")
    expect(alert).to_be_focused()
    expect(hasty.get_by_text("Elija qué quiere reportar.")).to_be_visible()
    expect(hasty.get_by_text("Cuéntenos qué pasó.", exact=True)).to_be_visible()
    shoot(hasty, "quejas-01-errores")

    # The citizen, on a phone too, files anonymously: no name, no contact.
    citizen = new_page(PHONE, mobile=True)
    citizen.goto(base + "/quejas/nueva/")
    citizen.get_by_label("Coyotaje").check()
    citizen.get_by_label("¿Qué pasó?").fill(HECHOS)
    citizen.get_by_label("Secretaría o área").select_option(label="Catastro")
    citizen.get_by_label("Servidor público señalado").fill("Alguien de la ventanilla de Catastro")
    citizen.get_by_label("Pruebas").set_input_files(photo)
    citizen.get_by_label("He leído el aviso de privacidad.").check()
    shoot(citizen, "quejas-02-formulario")
    citizen.get_by_role("button", name="Presentar la queja").click()

    expect(citizen).to_have_url(re.compile(r"/quejas/recibida/[0-9a-f-]{36}/$"))
    folio = citizen.get_by_test_id("folio").inner_text().strip()
    code = citizen.get_by_test_id("codigo").inner_text().strip()
    assert FOLIO_RE.match(folio), folio
    assert CODE_RE.match(code), code
    expect(citizen.get_by_text("no hay otra forma de recuperarlo")).to_be_visible()
    shoot(citizen, "quejas-03-recibida")
    queja = Queja.objects.get(folio=folio)
    assert queja.is_anonymous
    assert [a.original_name for a in queja.adjuntos.all()] == ["foto-gestor.png"]

    # The contraloría, at a desk.
    gestor_files_for_five_clients()
    desk = new_page()
    sign_in(desk, base, contraloria_user)
    desk.goto(base + "/contraloria/quejas/")
    expect(desk.get_by_test_id("quejas")).to_contain_text(folio)
    shoot(desk, "quejas-04-contraloria-lista")
    desk.get_by_role("link", name=folio).click()
    expect(desk.get_by_test_id("hechos")).to_contain_text("800 pesos")
    expect(desk.get_by_text("Anónima")).to_be_visible()
    expect(desk.get_by_role("link", name="foto-gestor.png")).to_be_visible()
    shoot(desk, "quejas-05-contraloria-queja")
    desk.get_by_label("Motivo (interno)").fill("Pedir a Catastro el video de la entrada.")
    desk.get_by_role("button", name="Pasar a investigación").click()
    expect(desk.get_by_role("status")).to_contain_text("La queja está en investigación.")
    expect(desk.get_by_test_id("estado")).to_have_text("En investigación")
    desk.get_by_label("Resolución").fill(RESOLUCION)
    desk.get_by_label("Nota interna").fill("Expediente CI-2026-014.")
    desk.get_by_role("button", name="Concluir y publicar la resolución").click()
    expect(desk.get_by_test_id("estado")).to_have_text("Concluida")
    expect(desk.get_by_test_id("timeline")).to_contain_text("Expediente CI-2026-014.")
    shoot(desk, "quejas-06-contraloria-concluida")

    desk.goto(base + "/contraloria/senales/")
    expect(desk.get_by_test_id("senales-contacto")).to_contain_text("gestoria.express@example.com")
    expect(desk.get_by_test_id("senales-contacto")).to_contain_text("5 peticionarios distintos")
    shoot(desk, "quejas-08-contraloria-senales")

    # The citizen reads the resolution, typing the code in lower case without the dash.
    citizen.goto(base + "/quejas/consulta/")
    citizen.get_by_label("Folio").fill(folio)
    citizen.get_by_label("Código de acceso").fill(code.replace("-", "").lower())
    citizen.get_by_role("button", name="Consultar").click()
    expect(citizen.get_by_test_id("estado")).to_have_text("Concluida")
    expect(citizen.get_by_test_id("resolucion")).to_contain_text("Ministerio Público")
    expect(citizen.locator("body")).not_to_contain_text("CI-2026-014")
    expect(citizen.locator("body")).not_to_contain_text("video de la entrada")
    shoot(citizen, "quejas-07-resolucion")
    assert Queja.objects.get(folio=folio).state == QuejaState.CONCLUIDA
