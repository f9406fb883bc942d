"""The contraloría's desk in a real browser: each page at desktop and phone widths.

Screenshots go to tests/artifacts/contraloria-*.png. At 360 px nothing may need sideways
scrolling, the tables included (each row becomes a card).
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from correspondencia.models import Escrito
from oficialia.models import Bitacora
from tests.browser.conftest import PHONE
from tests.contraloria.desk import OBRAS, make_people, write_log
from tests.factories import UserFactory, file_escrito, notify_electronically
from tests.turnos.conftest import staff_member
from turnos.services import (
    Route,
    escrito_rate,
    escrito_turn,
    turno_accept,
    turno_answer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "contraseña-de-prueba"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk_world():
    """A bitácora of a fortnight, overdue turnos in two secretarías, and rated answers."""
    people = make_people()
    write_log(people)
    turnador = UserFactory(username="tomas.turnador", first_name="Tomás", roles=["oficialia"])
    staff_member("alma.titular", "Alma", "titular", people.agua)
    now = timezone.now()
    asuntos = [
        "Bache profundo en la calle Juárez esquina Morelos",
        "Fuga de agua potable frente a la escuela primaria Benito Juárez",
        "Luminaria apagada en el parque de la colonia Centro",
        "Poda de árbol que amenaza con caer sobre el cableado",
    ]
    with time_machine.travel(now - timedelta(days=40), tick=False):
        for i, asunto in enumerate(asuntos):
            secretaria = people.agua if i == 1 else people.obras
            escrito = file_escrito(asunto=asunto, queue_acuse=False).escrito
            (turno,) = escrito_turn(
                escrito_id=escrito.pk,
                user=turnador,
                routes=[Route(secretaria)],
                due_date=timezone.localdate() + timedelta(days=10 + 5 * i),
                due_date_reason="Plazo acordado con el área",
            )
            user = people.andres if secretaria == people.agua else people.olga
            turno_accept(turno_id=turno.pk, user=user)
        for score, user, secretaria in (
            (5, people.olga, people.obras),
            (2, people.ernesto, people.obras),
            (3, people.andres, people.agua),
            (4, people.olga, people.obras),
        ):
            escrito = file_escrito(queue_acuse=False).escrito
            (turno,) = escrito_turn(
                escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria)]
            )
            turno_accept(turno_id=turno.pk, user=user)
            turno_answer(turno_id=turno.pk, user=user, texto="Atendido", sense="positiva")
            notify_electronically(escrito)  # rated: the petitioner read the answer
            escrito_rate(escrito_id=escrito.pk, score=score)
    return people


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/cuenta/entrar/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()


@pytest.fixture
def shoot(screenshot):
    """Screenshot at both widths; at 360 px nothing may need sideways scrolling."""

    def take(page, name: str) -> None:
        screenshot(page, f"contraloria-{name}")
        original = page.viewport_size
        page.set_viewport_size({"width": PHONE["width"], "height": original["height"]})
        width = page.evaluate("document.documentElement.scrollWidth")
        hidden = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth).length"
        )
        page.set_viewport_size(original)
        assert width <= PHONE["width"], f"{name}: {width} px wide on a {PHONE['width']}-px phone"
        assert not hidden, f"{name}: a table needs sideways scrolling on a phone"

    return take


def test_the_contraloria_reviews_the_bitacora_the_overdue_turnos_and_the_ratings(
    live_server, page, shoot, desk_world
):
    base = live_server.url
    sign_in(page, base, desk_world.carla)
    page.goto(base + "/contraloria/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contraloría interna")
    expect(page.get_by_test_id("vencidos-total")).to_contain_text("4")
    shoot(page, "01-inicio")

    page.get_by_role("link", name="Bitácora", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitácora")
    expect(page.get_by_test_id("bitacora").locator("tbody tr").first).to_be_visible()
    shoot(page, "02-bitacora")

    folio = Escrito.objects.order_by("pk").first().folio
    expected = Bitacora.objects.filter(folio=folio, secretaria=OBRAS).count()
    assert expected >= 2
    filters = page.get_by_test_id("filtros")
    filters.get_by_label("Folio").fill(folio.lower())  # typed as people type it
    filters.get_by_label("Secretaría").select_option(OBRAS)
    filters.get_by_role("button", name="Buscar").click()
    expect(page).to_have_url(re.compile(rf"folio={folio.lower()}"))
    rows = page.get_by_test_id("bitacora").locator("tbody tr")
    expect(rows).to_have_count(expected)
    expect(page.get_by_test_id("conteo")).to_contain_text(f"{expected} entradas")
    shoot(page, "03-bitacora-filtrada")

    with page.expect_download() as download:
        page.get_by_test_id("exportar").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith("\ufeff".encode())
    assert "Secretaría de Obras Públicas".encode() in content

    # From an entry to the escrito's whole timeline.
    rows.first.get_by_role("link", name=folio).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(folio)
    expect(page.get_by_test_id("timeline")).to_contain_text("Turnado a")

    page.goto(base + "/contraloria/vencidos/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Turnos vencidos")
    expect(page.get_by_test_id("vencidos").locator("tbody tr")).to_have_count(4)
    shoot(page, "04-vencidos")

    page.goto(base + "/contraloria/evaluaciones/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calificaciones de la atención")
    expect(page.get_by_test_id("promedio-general")).to_contain_text("3.50")
    shoot(page, "05-calificaciones")
