"""Fila y citas in a real browser: the kiosk and its ticket on a phone-sized screen, the
módulo's console and the board in two pages of their own, an appointment booked and checked in.

The board is never reloaded: a call made at the console must appear on it (by htmx's
polling) within the two seconds the issue promises, plus the time a request takes here.
Screenshots go to tests/artifacts/ at desktop and phone widths.
"""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from correspondencia.models import Secretaria
from fila.models import Cita, HorarioCitas, Modulo, Servicio
from tests.factories import SecretariaFactory, UserFactory
from turnos.models import Perfil

from .conftest import DESKTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "contraseña-de-prueba"
CODE_RE = re.compile(r"^SOP-[AB]\d{3}$")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db) -> Secretaria:
    obras = SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")
    Servicio.objects.create(
        secretaria=obras,
        nombre="Licencias de construcción",
        letra="A",
        descripcion="Obra nueva, ampliación, remodelación",
    )
    Servicio.objects.create(
        secretaria=obras,
        nombre="Pagos y constancias",
        letra="B",
        descripcion="Derechos, constancias de no adeudo",
        orden=1,
    )
    for n in (1, 2, 3):
        modulo = Modulo.objects.create(secretaria=obras, nombre=f"Ventanilla {n}", orden=n)
        if n == 1:
            for weekday in range(5):
                HorarioCitas.objects.create(
                    modulo=modulo,
                    dia_semana=weekday,
                    hora_inicio="09:00",
                    hora_fin="14:00",
                    duracion_minutos=20,
                    capacidad=2,
                )
    agua = SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")
    Servicio.objects.create(secretaria=agua, nombre="Contratos de agua", letra="A")
    return obras


@pytest.fixture
def enlace_obras(obras):
    user = UserFactory(username="ernesto.enlace", first_name="Ernesto", roles=["enlace"])
    Perfil.objects.create(user=user, secretaria=obras)
    return user


@pytest.fixture
def shoot(screenshot):
    """A screenshot at both widths; on a phone nothing may need sideways scrolling."""

    def take(page, name: str) -> None:
        screenshot(page, name)
        original = page.viewport_size
        page.set_viewport_size({"width": PHONE["width"], "height": original["height"]})
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(original)
        assert width <= PHONE["width"], f"{name}: {width} px wide on a {PHONE['width']}-px phone"

    return take


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/cuenta/entrar/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()


def take_ficha(page, base: str, service: str) -> str:
    page.goto(base + "/fila/")
    page.get_by_role("link", name=re.compile("Secretaría de Obras Públicas")).click()
    page.get_by_role("button", name=re.compile(service)).click()
    code = page.get_by_test_id("ficha-codigo").inner_text().strip()
    assert CODE_RE.match(code), code
    return code


def test_a_call_at_the_console_appears_on_the_board_without_reloading(
    live_server, new_page, shoot, obras, enlace_obras
):
    base = live_server.url

    # The kiosk, on a tablet or phone-sized screen: two people take their fichas.
    kiosk = new_page(PHONE, mobile=True)
    kiosk.goto(base + "/fila/")
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("Tome su ficha")
    shoot(kiosk, "20-fila-kiosco")
    assert_accessible(kiosk, "fila-kiosco")
    kiosk.get_by_role("link", name=re.compile("Secretaría de Obras Públicas")).click()
    expect(kiosk.get_by_test_id("fila-ahora")).to_contain_text("No hay nadie en espera")
    shoot(kiosk, "21-fila-kiosco-servicios")
    assert_accessible(kiosk, "fila-kiosco-servicios")
    kiosk.get_by_role("button", name=re.compile("Licencias de construcción")).click()
    expect(kiosk.get_by_test_id("ficha-codigo")).to_have_text("SOP-A001")
    expect(kiosk.get_by_test_id("ficha-delante")).to_have_text("0")
    first_ticket = kiosk.url.split("?")[0]
    second = take_ficha(kiosk, base, "Pagos y constancias")
    assert second == "SOP-B002"
    expect(kiosk.get_by_test_id("ficha-delante")).to_have_text("1")
    expect(kiosk.get_by_test_id("ficha-estado")).to_contain_text("10 min")
    shoot(kiosk, "22-fila-ficha")
    assert_accessible(kiosk, "fila-ficha")

    # The first person follows their ticket on their own phone (the QR code's address).
    phone = new_page(PHONE, mobile=True)
    phone.goto(first_ticket)
    expect(phone.get_by_test_id("ficha-delante")).to_have_text("0")

    # The board, on the waiting room's screen. It is never reloaded: the flag set on its
    # window would be lost.
    board = new_page(DESKTOP)
    board.goto(base + "/fila/pantalla/SOP/")
    board.evaluate("window.sinRecargar = true")
    expect(board.get_by_text("Aún no se ha llamado a nadie hoy.")).to_be_visible()
    expect(board.get_by_test_id("pantalla-espera")).to_have_text("2")

    # Ernesto opens the console of Ventanilla 2 and calls the next ficha.
    console = new_page(DESKTOP)
    sign_in(console, base, enlace_obras)
    console.goto(base + "/fila/modulos/")
    console.get_by_role("link", name="Atender en Ventanilla 2").click()
    expect(console.get_by_role("heading", level=1)).to_contain_text("Ventanilla 2")
    console.get_by_role("button", name="Llamar a la siguiente").click()
    called = time.monotonic()
    expect(console.get_by_test_id("consola-actual")).to_have_text("SOP-A001")

    expect(board.get_by_test_id("pantalla-actual")).to_have_text("SOP-A001", timeout=3_000)
    assert time.monotonic() - called < 3.5
    expect(board.locator(".board__to")).to_have_text("a Ventanilla 2")
    expect(board.get_by_test_id("pantalla-espera")).to_have_text("1")
    assert board.evaluate("window.sinRecargar") is True
    # The person's phone says where to go, also without a reload.
    expect(phone.get_by_test_id("ficha-estado")).to_contain_text(
        "Es su turno: pase a Ventanilla 2", timeout=7_000
    )

    # Attended; the next one is called, and the board moves the first to the list below.
    console.get_by_role("button", name="Atendida").click()
    expect(console.get_by_text("Ficha SOP-A001 atendida.")).to_be_visible()
    console.get_by_role("button", name="Llamar a la siguiente").click()
    expect(console.get_by_test_id("consola-actual")).to_have_text("SOP-B002")
    expect(board.get_by_test_id("pantalla-actual")).to_have_text("SOP-B002", timeout=3_000)
    expect(board.locator(".board__list")).to_contain_text("SOP-A001")
    expect(board.get_by_test_id("pantalla-espera")).to_have_text("0")
    assert board.evaluate("window.sinRecargar") is True
    shoot(console, "23-fila-consola")
    shoot(board, "24-fila-pantalla")
    shoot(phone, "25-fila-ficha-llamada")
    assert_accessible(console, "fila-consola")
    assert_accessible(board, "fila-pantalla")
    assert_accessible(phone, "fila-ficha-llamada")


def test_an_appointment_is_booked_on_a_phone_and_checked_in_at_the_kiosk(
    live_server, new_page, shoot, obras
):
    base = live_server.url
    citizen = new_page(PHONE, mobile=True)
    citizen.goto(base + "/fila/citas/")
    cards = citizen.get_by_role("article")
    expect(cards).to_have_count(1)  # Agua gives no appointments: it set no schedule
    cards.filter(has_text="Secretaría de Obras Públicas").get_by_role("link").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Cita en Secretaría de Obras Públicas"
    )
    citizen.get_by_label("Servicio").select_option(label="Licencias de construcción")
    # Another day: its hours arrive without a reload, and what was typed stays.
    citizen.get_by_label("Nombre completo").fill("María Guadalupe Hernández")
    day = citizen.get_by_label("Día")
    option = day.locator("option").nth(1)
    second_day = option.get_attribute("value")
    label = option.inner_text().split(" · ")[0].lower()
    day.select_option(second_day)
    expect(citizen.locator("#horas legend")).to_contain_text(label)
    citizen.locator("#horas label.slot").nth(2).click()
    expect(citizen.get_by_label("Nombre completo")).to_have_value("María Guadalupe Hernández")
    citizen.get_by_label("Teléfono").fill("747 123 4567")
    shoot(citizen, "26-fila-cita-formulario")
    citizen.get_by_role("button", name="Reservar la cita").click()
    expect(citizen.get_by_role("button", name="Reservar la cita")).to_be_visible()
    expect(citizen.get_by_text("Para reservar la cita debe aceptar el aviso")).to_be_visible()
    expect(citizen.get_by_label("Teléfono")).to_have_value("747 123 4567")
    shoot(citizen, "27-fila-cita-errores")
    assert_accessible(citizen, "fila-cita-errores")
    citizen.get_by_label("He leído el aviso de privacidad").check()
    citizen.get_by_role("button", name="Reservar la cita").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Su cita está reservada")
    code = citizen.get_by_test_id("cita-codigo").inner_text().strip()
    cita = Cita.objects.get()
    assert code == f"{cita.codigo[:3]}-{cita.codigo[3:]}"
    assert timezone.localtime(cita.inicio).date().isoformat() == second_day
    shoot(citizen, "28-fila-cita-reservada")
    assert_accessible(citizen, "fila-cita-reservada")

    # The day comes: at the kiosk, "Tengo cita" and the code give a ficha marked as such.
    # Half an hour ahead, or a minute ago when that would fall on tomorrow (fichas are
    # numbered per day, so the kiosk takes an appointment only on its own day).
    soon = timezone.now() + timedelta(minutes=30)
    if timezone.localdate(soon) != timezone.localdate():
        soon = timezone.now() - timedelta(minutes=1)
    Cita.objects.filter(pk=cita.pk).update(inicio=soon)
    kiosk = new_page(PHONE, mobile=True)
    kiosk.goto(base + "/fila/")
    kiosk.get_by_role("link", name="Tengo cita: registrar mi llegada").click()
    kiosk.get_by_label("Código de su cita").fill("ZZZ-ZZZ")
    kiosk.get_by_role("button", name="Registrar mi llegada").click()
    expect(kiosk.get_by_text("No encontramos una cita con ese código")).to_be_visible()
    shoot(kiosk, "29-fila-llegada-error")
    assert_accessible(kiosk, "fila-llegada-error")
    kiosk.get_by_label("Código de su cita").fill(code.lower())
    kiosk.get_by_role("button", name="Registrar mi llegada").click()
    expect(kiosk.get_by_test_id("ficha-codigo")).to_have_text("SOP-A001")
    expect(kiosk.get_by_text("Con cita")).to_be_visible()
    shoot(kiosk, "30-fila-ficha-cita")


def test_the_titular_sets_the_hours_of_appointments(live_server, new_page, shoot, obras):
    titular = UserFactory(username="olga.titular", first_name="Olga", roles=["titular"])
    Perfil.objects.create(user=titular, secretaria=obras)
    page = new_page(DESKTOP)
    sign_in(page, live_server.url, titular)
    page.goto(live_server.url + "/fila/modulos/")
    page.get_by_role("link", name="Horarios de citas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Horarios de citas")
    rows = page.locator("table.horarios tbody tr")
    expect(rows).to_have_count(7)  # five weekdays of Ventanilla 1, and two empty rows
    new = rows.nth(5)
    new.locator("select[name$=modulo]").select_option(label="Ventanilla 2")
    new.locator("select[name$=dia_semana]").select_option(label="Viernes")
    new.locator("input[name$=hora_inicio]").fill("10:00")
    new.locator("input[name$=hora_fin]").fill("09:00")
    new.locator("input[name$=capacidad]").fill("3")
    page.get_by_role("button", name="Guardar horarios").click()
    expect(page.get_by_text("La hora final debe ser posterior a la inicial.")).to_be_visible()
    shoot(page, "31-fila-horarios-errores")
    assert_accessible(page, "fila-horarios-errores")
    page.locator("table.horarios tbody tr").nth(5).locator("input[name$=hora_fin]").fill("12:00")
    page.get_by_role("button", name="Guardar horarios").click()
    expect(page.get_by_text("Horarios de citas guardados.")).to_be_visible()
    assert HorarioCitas.objects.filter(modulo__nombre="Ventanilla 2", capacidad=3).count() == 1
    shoot(page, "32-fila-horarios")
