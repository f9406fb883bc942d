"""The desks in a real browser: the turnador's morning (select ten on the desk, route them in
one go, find them in the routed list) and the queue console on a 360-px phone. Screenshots go
to tests/artifacts/ at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from correspondencia.models import Secretaria
from fila.models import Modulo, Servicio
from fila.services import ficha_issue
from tests.factories import SecretariaFactory, UserFactory, file_escrito
from turnos.models import Perfil, Turno

from .conftest import DESKTOP, PHONE, assert_accessible, assert_fits_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "contraseña-de-prueba"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


def staff(username: str, first_name: str, role: str, secretaria=None):
    user = UserFactory(username=username, first_name=first_name, roles=[role])
    user.set_password(PASSWORD)
    user.save()
    Perfil.objects.create(user=user, secretaria=secretaria)
    return user


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/cuenta/entrar/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()


def shoot_both(screenshot, page, name: str) -> None:
    """Screenshots at both widths, and at 360 px nothing sticks out sideways."""
    screenshot(page, name)
    original = page.viewport_size
    page.set_viewport_size({"width": PHONE["width"], "height": original["height"]})
    assert_fits_width(page)
    page.set_viewport_size(original)


def test_the_turnadors_morning_select_ten_route_them_and_see_them_routed(
    live_server, new_page, screenshot, obras
):
    SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")
    turnador = staff("tomas.turnador", "Tomás", "oficialia")
    escritos = [file_escrito(queue_acuse=False).escrito for _ in range(12)]
    base = live_server.url
    page = new_page(DESKTOP)
    sign_in(page, base, turnador)
    # Signing in lands on the desk.
    expect(page.get_by_role("heading", level=1)).to_have_text("Escritos por turnar")

    # ------------------------------------------------------------------------------------
    # The search step of the morning (issue 15, part 1: the desk's search box, find by name
    # or word, then mark from what it lists) goes here; the search itself is driven in its
    # own browser test. From here on, the morning marks and routes from the desk's list.
    # ------------------------------------------------------------------------------------
    expect(page.locator("form[role=search]").first).to_be_visible()

    inbox = page.get_by_test_id("inbox")
    boxes = inbox.locator("input[type=checkbox]")
    expect(boxes).to_have_count(12)
    # «Seleccionar todo», then two taken off: ten marked.
    page.get_by_test_id("seleccionar-todo").check()
    expect(page.locator("[data-selected-count]")).to_have_text("12 marcados")
    marked = []
    for row in range(12):
        box = boxes.nth(row)
        label = box.get_attribute("aria-label")
        if row in (3, 7):
            box.uncheck()
        else:
            marked.append(label.removeprefix("Marcar "))
    expect(page.locator("[data-selected-count]")).to_have_text("10 marcados")
    form = page.get_by_test_id("turnar-varios")
    form.get_by_label("Turnar a").select_option(label="Secretaría de Obras Públicas")
    form.get_by_label("Instrucción").fill("Atender y responder al peticionario")
    shoot_both(screenshot, page, "40-turnador-marcados")
    assert_accessible(page, "turnador-marcados")
    form.get_by_role("button", name="Turnar los marcados para atención").click()

    done = page.get_by_test_id("lote-hechos")
    expect(done).to_contain_text("10 de 10 turnados a Secretaría de Obras Públicas")
    shoot_both(screenshot, page, "41-turnador-turnados-resultado")
    assert Turno.objects.count() == 10
    assert set(Turno.objects.values_list("escrito__folio", flat=True)) == set(marked)

    page.get_by_role("link", name="Ver los turnados").click()
    routed = page.get_by_test_id("turnados")
    for folio in marked:
        expect(routed).to_contain_text(folio)
    expect(routed.get_by_text("Pendiente de aceptar")).to_have_count(10)
    shoot_both(screenshot, page, "42-turnador-lista-turnados")
    assert_accessible(page, "turnador-lista-turnados")

    # The two left stay on the desk.
    page.goto(base + "/oficialia/")
    expect(page.get_by_test_id("inbox").locator("tbody tr")).to_have_count(2)
    left = {e.folio for e in escritos} - set(marked)
    for folio in left:
        expect(page.get_by_test_id("inbox")).to_contain_text(folio)


def test_the_queue_console_fits_a_360_px_phone_with_a_long_queue(
    live_server, new_page, screenshot, obras
):
    long_names = [
        "Licencias de construcción, ampliación y remodelación de inmuebles habitacionales",
        "Constancias de no adeudo y pagos de derechos por alineamiento y número oficial",
    ]
    servicios = [
        Servicio.objects.create(secretaria=obras, nombre=nombre, letra=letra)
        for nombre, letra in zip(long_names, "AB", strict=True)
    ]
    modulo = Modulo.objects.create(secretaria=obras, nombre="Ventanilla 2", orden=1)
    for i in range(8):
        ficha_issue(servicio_id=servicios[i % 2].pk)
    enlace = staff("ernesto.enlace", "Ernesto", "enlace", obras)
    page = new_page(PHONE, mobile=True)
    sign_in(page, live_server.url, enlace)
    page.goto(f"{live_server.url}/fila/modulos/{modulo.pk}/")
    page.get_by_role("button", name="Llamar a la siguiente").click()
    expect(page.get_by_test_id("consola-actual")).to_have_text(re.compile(r"SOP-A001"))
    page.locator(".console-transfer summary").click()
    assert_fits_width(page)
    hidden_sideways = page.evaluate(
        "[...document.querySelectorAll('.table-wrap, .panel')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
    )
    assert hidden_sideways == 0
    screenshot(page, "43-fila-consola-cola-larga")
