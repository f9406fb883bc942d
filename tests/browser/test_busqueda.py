"""The turnador's search in a real browser: from the box on the desk to highlighted results,
a short folio, a saved search; at desktop and phone widths (tests/artifacts/busqueda-*.png).
"""

import pytest
from playwright.sync_api import expect

from correspondencia.models import Secretaria
from tests.browser.conftest import PHONE, assert_accessible, assert_fits_width
from tests.factories import UserFactory, file_escrito
from tests.turnos.conftest import staff_member
from turnos.services import Route, escrito_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "contraseña-de-prueba"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/cuenta/entrar/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()


def test_the_turnador_searches_from_the_desk_and_sees_the_words_marked(
    live_server, page, screenshot
):
    turnador = UserFactory(username="tomas.turnador", first_name="Tomás", roles=["oficialia"])
    obras = Secretaria.objects.create(nombre="Secretaría de Obras Públicas", siglas="SOP")
    staff_member("olga.titular", "Olga", "titular", obras)
    tree = file_escrito(
        asunto="Poda de un árbol en la colonia Centro",
        texto="El árbol caído frente a la escuela Niños Héroes bloquea la banqueta.",
        nombre="Rigoberta Quintanilla",
        queue_acuse=False,
    ).escrito
    escrito_turn(escrito_id=tree.pk, user=turnador, routes=[Route(obras)])
    for asunto in ("Bache en la calle Morelos", "Fuga de agua en la avenida Juárez"):
        file_escrito(asunto=asunto, queue_acuse=False)

    base = live_server.url
    sign_in(page, base, turnador)
    page.goto(base + "/oficialia/")
    box = page.get_by_role("search", name="Buscar escritos").get_by_role("searchbox")
    box.fill("arbol caido")
    box.press("Enter")
    results = page.get_by_test_id("resultados")
    expect(results.locator("li")).to_have_count(1)
    expect(results).to_contain_text(tree.folio)
    expect(results.locator("mark").first).to_be_visible()
    marked = [m.lower() for m in results.locator("mark").all_inner_texts()]
    assert any(m.startswith("árbol") for m in marked), marked
    assert_accessible(page, "busqueda-resultados")
    screenshot(page, "busqueda-01-resultados")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # A short folio, typed as people say it.
    number = int(tree.folio.rsplit("-", 1)[1])
    year = tree.folio.split("-")[1]
    search = page.get_by_test_id("busqueda").get_by_label("Buscar")
    search.fill(f"{year}-{number}")
    page.get_by_test_id("busqueda").get_by_role("button", name="Buscar").click()
    expect(page.get_by_test_id("resultados").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("resultados")).to_contain_text(tree.folio)

    # Filtered and saved for tomorrow morning.
    search.fill("calle")
    page.get_by_test_id("busqueda").get_by_label("Estado").select_option("recibido")
    page.get_by_test_id("busqueda").get_by_role("button", name="Buscar").click()
    expect(page.get_by_test_id("resultados")).to_contain_text("Bache en la calle Morelos")
    page.get_by_label("Guardar esta búsqueda como").fill("Baches por turnar")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_test_id("guardadas")).to_contain_text("Baches por turnar")
    screenshot(page, "busqueda-02-guardada")
