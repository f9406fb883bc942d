"""The turnado in a real browser: from the citizen's escrito to the rated answer.

Each person works in a browser context of their own (their own cookies and session): the
citizen, the turnador of the Oficialía, the titular of Obras Públicas and the operativo who
does the field work. Screenshots of every inbox and page are saved under tests/artifacts/ at
desktop and phone widths.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from correspondencia.models import Escrito, Secretaria
from tests.browser.conftest import PHONE
from tests.factories import SecretariaFactory, TramiteFactory, UserFactory, pdf_bytes
from turnos.models import Evaluacion, Perfil, Tarea, Turno

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLIO_RE = re.compile(r"^OP-\d{4}-\d{6}$")
CODE_RE = re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
PASSWORD = "contraseña-de-prueba"
ASUNTO = "Bache profundo en la calle Juárez esquina Morelos"


def staff_member(username: str, first_name: str, role: str, secretaria: Secretaria | None):
    user = UserFactory(
        username=username, first_name=first_name, email=f"{username}@municipio.gob.mx", roles=[role]
    )
    Perfil.objects.create(user=user, secretaria=secretaria)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def titular_obras(obras):
    return staff_member("olga.titular", "Olga", "titular", obras)


@pytest.fixture
def operativo_obras(obras):
    return staff_member("oscar.operativo", "Óscar", "operativo", obras)


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/cuenta/entrar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso del personal")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name=name, exact=True
    ).click()


def status_message(page):
    return page.get_by_role("status")


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


def test_an_escrito_is_routed_attended_answered_and_rated(
    live_server,
    new_page,
    shoot,
    tmp_path,
    obras,
    turnador,
    titular_obras,
    operativo_obras,
):
    base = live_server.url
    tramite = TramiteFactory(nombre="Bacheo de calles", secretaria=obras, plazo_dias_habiles=15)
    oficio_pdf = tmp_path / "oficio-respuesta-bacheo.pdf"
    oficio_pdf.write_bytes(pdf_bytes(2))

    # The citizen files the escrito online and notes the folio and the access code.
    citizen = new_page()
    citizen.goto(base + "/escritos/nuevo/")
    citizen.get_by_label("Persona física").check()
    citizen.get_by_label("Nombre completo o razón social").fill("María Guadalupe Hernández Ruiz")
    citizen.get_by_label("Correo electrónico").fill("lupita@example.com")
    citizen.get_by_label("Asunto", exact=True).fill(ASUNTO)
    citizen.get_by_label("Texto del escrito").fill(
        "Solicito atentamente que se repare el bache frente al número 12; ya dañó dos autos."
    )
    citizen.get_by_label("Trámite relacionado").select_option(label=tramite.nombre)
    citizen.get_by_label("He leído el aviso de privacidad").check()
    citizen.get_by_role("button", name="Presentar escrito").click()
    expect(citizen.get_by_text("Escrito recibido")).to_be_visible()
    folio = citizen.get_by_test_id("folio").inner_text().strip()
    code = citizen.get_by_test_id("codigo").inner_text().strip()
    assert FOLIO_RE.match(folio), folio
    assert CODE_RE.match(code), code

    # The turnador finds it in "Por turnar", with the trámite's secretaría suggested.
    oficialia = new_page()
    sign_in(oficialia, base, turnador)
    nav(oficialia, "Por turnar")
    expect(oficialia.get_by_role("heading", level=1)).to_have_text("Escritos por turnar")
    inbox = oficialia.get_by_test_id("inbox")
    row = inbox.get_by_role("row").filter(has_text=folio)
    expect(row).to_contain_text(ASUNTO)
    expect(row).to_contain_text("Bacheo de calles")
    expect(row).to_contain_text("Secretaría de Obras Públicas")
    expect(row.locator(".badge")).to_have_text("Recibido")
    shoot(oficialia, "10-oficialia-por-turnar")

    row.get_by_role("link", name=folio).click()
    expect(oficialia.get_by_role("heading", level=1)).to_have_text(f"Turnar el escrito {folio}")
    expect(oficialia.get_by_test_id("estado")).to_have_text("Recibido")
    suggestion = oficialia.get_by_test_id("sugerencia")
    expect(suggestion).to_contain_text("Bacheo de calles")
    expect(suggestion).to_contain_text("Secretaría de Obras Públicas")
    suggestion.get_by_role("link", name="Usar la sugerencia").click()
    expect(oficialia).to_have_url(re.compile(r"\?sugerencia=1#turnar$"))
    expect(oficialia.locator("select[name=ruta-0-secretaria]")).to_have_value(str(obras.pk))
    expect(oficialia.locator("select[name=ruta-0-kind]")).to_have_value("atencion")
    expect(oficialia.locator("input[name=plazo-due_date]")).not_to_have_value("")
    expect(oficialia.locator("details.more-routes")).not_to_have_attribute("open", "")
    assert not Turno.objects.exists()  # the suggestion is shown, not applied
    shoot(oficialia, "11-turnar")

    oficialia.get_by_role("button", name="Turnar", exact=True).click()
    expect(oficialia).to_have_url(re.compile(r"/oficialia/$"))
    expect(status_message(oficialia)).to_contain_text(f"Escrito {folio} turnado.")
    expect(oficialia.get_by_test_id("inbox")).to_have_count(0)
    expect(oficialia.get_by_text("No hay escritos por turnar.")).to_be_visible()
    turno = Turno.objects.get()
    assert (turno.secretaria, turno.kind, turno.state) == (obras, "atencion", "pendiente")

    # The titular of Obras finds it in the bandeja, on time, and accepts it.
    titular = new_page()
    sign_in(titular, base, titular_obras)
    nav(titular, "Bandeja")
    expect(titular.get_by_role("heading", level=1)).to_have_text(
        "Bandeja · Secretaría de Obras Públicas"
    )
    expect(titular.locator(".light-card.light--a_tiempo")).to_contain_text("1")
    row = titular.get_by_test_id("bandeja").get_by_role("row").filter(has_text=folio)
    expect(row.locator(".light")).to_have_text("A tiempo")
    expect(row).to_contain_text(ASUNTO)
    expect(row).to_contain_text("Para atención")
    expect(row).to_contain_text("Pendiente de aceptar")
    expect(row).to_contain_text(turno.due_date.strftime("%d/%m/%Y"))
    shoot(titular, "12-bandeja")

    row.get_by_role("link", name=folio).click()
    expect(titular.get_by_role("heading", level=1)).to_contain_text(folio)
    expect(titular.get_by_test_id("turno-estado")).to_have_text("Pendiente de aceptar · A tiempo")
    expect(titular.get_by_test_id("estado")).to_have_text("Turnado")
    expect(titular.get_by_test_id("due-explanation")).to_contain_text("15 días hábiles")
    titular.get_by_role("button", name="Aceptar el turno").click()
    expect(status_message(titular)).to_contain_text("Turno aceptado.")
    expect(titular.get_by_test_id("turno-estado")).to_have_text("Aceptado · A tiempo")
    expect(titular.get_by_test_id("estado")).to_have_text("En atención")

    titular.get_by_text("Asignar una tarea").click()
    titular.get_by_label("Asignar a").select_option(label="Óscar")
    titular.get_by_label("Qué hay que hacer").fill("Inspeccionar el bache y estimar el material")
    expect(titular.get_by_label("Fecha límite de la tarea")).to_have_value(
        turno.due_date.isoformat()
    )
    titular.get_by_role("button", name="Asignar", exact=True).click()
    expect(status_message(titular)).to_contain_text("Tarea asignada.")
    tasks = titular.locator(".panel", has=titular.get_by_role("heading", name="Tareas"))
    expect(tasks).to_contain_text("Óscar")
    expect(tasks).to_contain_text("Inspeccionar el bache y estimar el material")
    shoot(titular, "13-turno")

    # The operativo reports the task done.
    operativo = new_page()
    sign_in(operativo, base, operativo_obras)
    nav(operativo, "Mis tareas")
    expect(operativo.get_by_role("heading", level=1)).to_have_text("Mis tareas")
    row = operativo.get_by_test_id("tareas").get_by_role("row").filter(has_text=folio)
    expect(row).to_contain_text("Inspeccionar el bache y estimar el material")
    expect(row).to_contain_text("Pendiente")
    shoot(operativo, "14-tareas")

    row.get_by_role("link", name=folio).click()
    expect(operativo.get_by_role("heading", level=1)).to_contain_text(folio)
    expect(operativo.get_by_test_id("tarea-estado")).to_have_text("Pendiente")
    expect(operativo.get_by_text("frente al número 12")).to_be_visible()  # what the citizen wrote
    operativo.get_by_label("Terminada").check()
    operativo.get_by_label("Comentario").fill("Bache de 2 m²; se requieren 3 bultos de asfalto.")
    shoot(operativo, "15-tarea")
    operativo.get_by_role("button", name="Guardar").click()
    expect(status_message(operativo)).to_contain_text("Avance registrado.")
    expect(operativo.get_by_test_id("tarea-estado")).to_have_text("Terminada")
    expect(operativo.get_by_text("se requieren 3 bultos de asfalto")).to_be_visible()
    expect(operativo.get_by_role("button", name="Guardar")).to_have_count(0)
    shoot(operativo, "15-tarea-terminada")
    assert Tarea.objects.get().state == "terminada"

    # The titular sees the task done and answers with a signed oficio.
    titular.reload()
    expect(tasks).to_contain_text("Terminada")
    expect(tasks).to_contain_text("se requieren 3 bultos de asfalto")
    answer = titular.locator("details", has_text="Enviar respuesta al peticionario")
    answer.get_by_label("Respuesta", exact=True).fill(
        "Se programó el bacheo de la calle Juárez para la próxima semana."
    )
    answer.get_by_label("Positiva").check()
    answer.get_by_label("Oficio de respuesta").set_input_files(oficio_pdf)
    answer.get_by_role("button", name="Enviar respuesta al peticionario").click()
    # Nothing reached the citizen yet: the message says so.
    expect(status_message(titular)).to_contain_text(
        "Respuesta registrada; pendiente de notificar en forma electrónica"
    )
    expect(titular.get_by_test_id("turno-estado")).to_have_text("Respondido")
    expect(titular.get_by_test_id("estado")).to_have_text("Respondido")
    expect(titular.get_by_role("heading", name="Respuesta · Positiva")).to_be_visible()
    expect(titular.get_by_role("button", name="Enviar respuesta al peticionario")).to_have_count(0)
    shoot(titular, "13-turno-respondido")

    # The citizen sees the answer, downloads the oficio and rates the attention.
    citizen.goto(base + "/consulta/")
    citizen.get_by_label("Folio").fill(folio)
    citizen.get_by_label("Código de acceso").fill(code)
    citizen.get_by_role("button", name="Consultar").click()
    expect(citizen.get_by_test_id("folio")).to_have_text(folio)
    expect(citizen.get_by_test_id("estado")).to_have_text("Respondido")
    expect(citizen.get_by_test_id("a-cargo")).to_have_text(
        "Secretaría de Obras Públicas (ya respondió)"
    )
    respuesta = citizen.get_by_test_id("respuesta")
    expect(respuesta).to_contain_text("Secretaría de Obras Públicas")
    expect(respuesta).to_contain_text("positivo")
    expect(respuesta).to_contain_text("Se programó el bacheo de la calle Juárez")
    oficio_link = citizen.get_by_test_id("oficio")
    expect(oficio_link).to_have_text("Descargar el oficio de respuesta (PDF)")
    with citizen.expect_download() as download_info:
        oficio_link.click()
    download = download_info.value
    assert download.suggested_filename == "oficio-respuesta-bacheo.pdf"
    assert Path(download.path()).read_bytes() == oficio_pdf.read_bytes()
    expect(citizen.get_by_test_id("evaluar")).to_be_visible()
    shoot(citizen, "16-consulta-respuesta")

    rating = citizen.get_by_test_id("evaluar")
    rating.get_by_label("5 · Excelente").check()
    rating.get_by_label("Comentario").fill("Atención rápida, gracias.")
    rating.get_by_role("button", name="Enviar calificación").click()
    expect(status_message(citizen)).to_contain_text("Gracias por calificar la atención.")
    expect(citizen.get_by_test_id("estado")).to_have_text("Concluido")
    expect(citizen.get_by_test_id("evaluado")).to_have_text(
        "Usted calificó la atención con 5 de 5. Gracias."
    )
    expect(citizen.get_by_test_id("evaluar")).to_have_count(0)
    shoot(citizen, "16-consulta-calificada")
    assert Evaluacion.objects.get().score == 5
    assert Escrito.objects.get(folio=folio).state == "concluido"

    # The staff page of the escrito shows the whole story.
    oficialia.goto(base + f"/expedientes/{folio}/")
    expect(oficialia.get_by_role("heading", level=1)).to_have_text(f"Expediente {folio}")
    expect(oficialia.get_by_test_id("estado")).to_have_text("Concluido")
    timeline = oficialia.get_by_test_id("timeline")
    for text in (
        "Tarea asignada a",
        "El peticionario calificó la atención: 5 de 5",
    ):
        expect(timeline).to_contain_text(text)
    shoot(oficialia, "17-expediente")
