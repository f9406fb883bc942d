"""Accessibility of the public side: every public page checked by axe-core at a 360-px phone
and at desktop width, and the filing form walked with the keyboard alone.

axe-core comes from the npm registry (tests/browser/package.json); `assert_accessible` in
tests/browser/conftest.py injects it and fails on serious or critical violations. Screenshots
go to tests/artifacts/a11y-<page>-<width>.png and axe's reports to tests/artifacts/axe/.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from correspondencia.models import Escrito, TramiteRequisito
from oficialia import access_codes
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_width
from tests.factories import SecretariaFactory, TramiteFactory, UserFactory, file_escrito

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "contraseña-de-prueba"  # tests.factories.UserFactory
WIDTHS = {"telefono": (PHONE, True), "escritorio": (DESKTOP, False)}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def construccion(db):
    desarrollo = SecretariaFactory(nombre="Desarrollo Urbano", siglas="SDU")
    tramite = TramiteFactory(
        nombre="Licencia de construcción",
        secretaria=desarrollo,
        plazo_dias_habiles=15,
        gratuito=False,
        costo="Derechos por metro cuadrado de construcción, conforme a la Ley de Ingresos.",
        descripcion="Autorización para obra nueva, ampliación, remodelación o barda.",
        fundamento="Artículo 115, fracción V, inciso f), de la Constitución Política de los "
        "Estados Unidos Mexicanos; Reglamento de Construcciones del Municipio.",
    )
    for orden, (documento, detalle, obligatorio) in enumerate(
        [
            ("Identificación oficial vigente", "INE, pasaporte o cédula profesional", True),
            ("Escritura o título de propiedad", "Inscrito en el Registro Público", True),
            ("Constancia de no adeudo predial", "Del año en curso", True),
            ("Memoria de cálculo estructural", "Solo obras de más de dos niveles", False),
        ],
        start=1,
    ):
        TramiteRequisito.objects.create(
            tramite=tramite,
            documento=documento,
            detalle=detalle,
            obligatorio=obligatorio,
            orden=orden,
        )
    TramiteFactory(
        nombre="Poda o derribo de árbol",
        secretaria=desarrollo,
        descripcion="Árboles que dañan el cableado, la banqueta o una construcción.",
    )
    TramiteFactory(
        nombre="Reparación de alumbrado público",
        secretaria=SecretariaFactory(nombre="Obras Públicas", siglas="SOP"),
        descripcion="Luminarias apagadas, intermitentes o dañadas en la vía pública.",
    )
    return tramite


@dataclass
class Filed:
    escrito: Escrito
    code: str  # as printed on the acuse


@pytest.fixture
def filed(construccion) -> Filed:
    result = file_escrito(
        nombre="María Guadalupe Hernández Ruiz",
        asunto="Solicitud de licencia de construcción para barda perimetral",
        submission_token=uuid.uuid4(),
    )
    return Filed(result.escrito, access_codes.display(result.access_code))


# How to reach each public page, in the state worth checking. -----------------------------


def _form_with_errors(page, base: str, world) -> None:
    page.goto(base + "/escritos/nuevo/")
    page.get_by_label("Nombre completo o razón social").fill("José Luis Martínez")
    page.get_by_role("button", name="Presentar escrito").click()
    expect(page.locator("#errores")).to_be_focused()


def _consulta_result(page, base: str, world) -> None:
    page.goto(base + "/consulta/")
    page.get_by_label("Folio").fill(world.escrito.folio)
    page.get_by_label("Código de acceso").fill(world.code)
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_test_id("estado")).to_have_text("Recibido")


def _consulta_wrong_code(page, base: str, world) -> None:
    page.goto(base + "/consulta/")
    page.get_by_label("Folio").fill(world.escrito.folio)
    page.get_by_label("Código de acceso").fill("AAAAA-22222")
    page.get_by_role("button", name="Consultar").click()
    expect(page.locator("#errores")).to_contain_text("no son correctos")


def _receipt(page, base: str, world) -> None:
    page.goto(f"{base}/escritos/recibido/{world.escrito.submission_token}/")
    expect(page.get_by_test_id("acuse-link")).to_be_visible()


def _login_wrong_password(page, base: str, world) -> None:
    page.goto(base + "/cuenta/entrar/")
    page.get_by_label("Nombre de usuario").fill("nadie")
    page.get_by_label("Contraseña").fill("equivocada")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("alert")).to_contain_text("Usuario o contraseña incorrectos")


def _verificar_pdf_result(page, base: str, world) -> None:
    """Upload the escrito's own acuse to /verificar/."""
    import tempfile

    from correspondencia.services import acuse_generate

    acuse = acuse_generate(acuse_id=world.escrito.acuse.pk)
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as pdf:
        pdf.write(acuse.pdf.read())
    page.goto(base + "/verificar/")
    page.get_by_label("Documento PDF").set_input_files(pdf.name)
    page.get_by_role("button", name="Verificar").click()
    expect(page.get_by_test_id("veredicto")).to_contain_text("auténtico e íntegro")


def _goto(path: str | Callable) -> Callable:
    def go(page, base: str, world) -> None:
        page.goto(base + (path(world) if callable(path) else path))

    return go


def _goto_error_page(path: str, status: int) -> Callable:
    """An error page as the server sends it, with its status masked as 200: Chromium logs
    every 4xx document as a console error, which `new_page` turns into a failure."""

    def go(page, base: str, world) -> None:
        def unmask(route) -> None:
            response = route.fetch()
            assert response.status == status, response.status
            route.fulfill(response=response, status=200)

        page.route(base + path, unmask)
        page.goto(base + path)

    return go


@dataclass(frozen=True)
class PublicPage:
    reach: Callable
    needs_escrito: bool = False


PUBLIC_PAGES = {
    "inicio": PublicPage(_goto("/")),
    "tramites": PublicPage(_goto("/tramites/")),
    "tramites-busqueda": PublicPage(_goto("/tramites/?q=licencia+de+construccion&secretaria=SDU")),
    "tramites-sin-resultados": PublicPage(_goto("/tramites/?q=pasaporte")),
    "tramite-detalle": PublicPage(_goto("/tramites/licencia-de-construccion/")),
    "escrito-nuevo": PublicPage(_goto("/escritos/nuevo/")),
    "escrito-nuevo-tramite": PublicPage(_goto("/escritos/nuevo/?tramite=licencia-de-construccion")),
    "escrito-nuevo-errores": PublicPage(_form_with_errors),
    "escrito-recibido": PublicPage(_receipt, needs_escrito=True),
    "consulta": PublicPage(_goto("/consulta/")),
    "consulta-error": PublicPage(_consulta_wrong_code, needs_escrito=True),
    "consulta-resultado": PublicPage(_consulta_result, needs_escrito=True),
    "verificar": PublicPage(
        _goto(lambda w: f"/verificar/{w.escrito.acuse.verification_token}/"), needs_escrito=True
    ),
    "verificar-invalido": PublicPage(_goto_error_page("/verificar/no-es-un-codigo/", 404)),
    "verificar-pdf": PublicPage(_goto("/verificar/")),
    "verificar-pdf-resultado": PublicPage(_verificar_pdf_result, needs_escrito=True),
    "recibido-vencido": PublicPage(_goto_error_page(f"/escritos/recibido/{uuid.uuid4()}/", 404)),
    "pagina-no-encontrada": PublicPage(_goto_error_page("/no-existe/", 404)),
    "privacidad": PublicPage(_goto("/privacidad/")),
    "acceso-personal": PublicPage(_goto("/cuenta/entrar/")),
    "acceso-personal-error": PublicPage(_login_wrong_password),
}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_every_public_page_passes_axe_on_a_phone_and_a_desktop(
    name, live_server, new_page, artifacts, construccion, request
):
    spec = PUBLIC_PAGES[name]
    world = request.getfixturevalue("filed") if spec.needs_escrito else None
    for label, (viewport, mobile) in WIDTHS.items():
        page = new_page(viewport, mobile=mobile)
        spec.reach(page, live_server.url, world)
        assert_accessible(page, f"{name}-{label}")
        assert_fits_width(page)
        page.screenshot(
            path=str(artifacts / f"a11y-{name}-{label}.png"), full_page=True, animations="disabled"
        )


# The keyboard alone ------------------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        type: el.type || "",
        name: el.name || "",
        id: el.id,
        text: (el.innerText || el.value || "").trim().slice(0, 60),
        testid: el.dataset.testid || "",
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
        shadow: style.boxShadow !== "none",
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0
            && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
    };
}"""


def tab(page, *, back: bool = False) -> dict:
    """Press Tab (Shift+Tab) and describe the element that got the focus: the focus must be
    visible (an outline or a ring) and scrolled into view."""
    page.keyboard.press("Shift+Tab" if back else "Tab")
    focused = page.evaluate(FOCUSED)
    where = f"{focused['tag']} name={focused['name']!r} id={focused['id']!r} {focused['text']!r}"
    assert focused["outline"] >= 2 or focused["shadow"], f"no visible focus on {where}"
    assert focused["onScreen"], f"the focused element is off screen: {where}"
    return focused


def tab_to(page, predicate, *, limit: int = 60) -> dict:
    for _ in range(limit):
        focused = tab(page)
        if predicate(focused):
            return focused
    raise AssertionError("Tab never reached the element")


def named(name: str):
    return lambda focused: focused["name"] == name


def is_submit(focused: dict) -> bool:
    return focused["tag"] == "button" and focused["text"] == "Presentar escrito"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_filing_form_works_with_the_keyboard_alone(
    width, live_server, new_page, artifacts, construccion
):
    viewport, mobile = WIDTHS[width]
    page = new_page(viewport, mobile=mobile)
    page.goto(live_server.url + "/escritos/nuevo/")

    # The first Tab shows the skip link; Enter jumps over the navigation.
    skip = tab(page)
    assert skip["text"] == "Saltar al contenido"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenido$"))

    # Every field of the form is reachable, in reading order, with a visible focus.
    order = []
    while True:
        focused = tab(page)
        if focused["name"] and focused["name"] not in order:
            order.append(focused["name"])
        if is_submit(focused):
            break
        assert len(order) < 40, order
    assert order == [
        "tipo",
        "nombre",
        "email",
        "telefono",
        "curp",
        "rfc",
        "domicilio",
        "genero",
        "asunto",
        "texto",
        "tramite",
        "secretaria_destino",
        "adjuntos",
        "acepto_aviso",
    ]

    # Now fill it in, still with the keyboard only, from the top.
    page.goto(live_server.url + "/escritos/nuevo/")
    tab_to(page, named("tipo"))
    page.keyboard.press("ArrowDown")  # Persona moral
    page.keyboard.press("ArrowDown")  # Dependencia de gobierno: asks for the oficio number
    expect(page.get_by_label("Dependencia de gobierno")).to_be_checked()
    tab_to(page, named("nombre"))
    page.keyboard.type("Secretaría de Educación Guerrero")
    tab_to(page, named("numero_oficio"))  # shown for dependencias, and reachable
    page.keyboard.type("SEG/DJ/0123/2026")
    tab_to(page, named("email"))
    page.keyboard.type("oficialia@seg.gob.mx")
    tab_to(page, named("asunto"))
    page.keyboard.type("Solicitud de licencia de construcción para aulas")
    tab_to(page, named("texto"))
    page.keyboard.type("Solicitamos la licencia para construir dos aulas en la escuela.")
    tab_to(page, named("tramite"))
    page.keyboard.type("Licencia de")  # a select picks the option by its first letters
    expect(page.get_by_label("Trámite relacionado")).to_have_value(str(construccion.pk))
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("Documentos para «Licencia de construcción»")
    # The checklist drawn for the trámite is reachable too, and ticked with the space bar.
    first_box = tab_to(page, lambda f: f["type"] == "checkbox" and not f["name"])
    assert first_box["testid"] == "requisito"
    page.keyboard.press("Space")
    expect(checklist.get_by_role("checkbox").first).to_be_checked()
    tab_to(page, named("acepto_aviso"))
    page.keyboard.press("Space")
    expect(page.get_by_label("He leído el aviso de privacidad")).to_be_checked()
    tab_to(page, is_submit)
    page.screenshot(path=str(artifacts / f"a11y-teclado-enviar-{width}.png"), full_page=False)
    page.keyboard.press("Enter" if width == "escritorio" else "Space")

    expect(page).to_have_url(re.compile(r"/escritos/recibido/[0-9a-f-]{36}/$"))
    escrito = Escrito.objects.select_related("peticionario").get()
    assert escrito.peticionario.nombre == "Secretaría de Educación Guerrero"
    assert escrito.numero_oficio == "SEG/DJ/0123/2026"
    assert escrito.tramite == construccion
    # The receipt is usable from the keyboard as well: the acuse link takes the focus.
    tab_to(page, lambda f: f["testid"] == "acuse-link")


def test_the_catalogue_works_with_the_keyboard_alone(live_server, page, construccion):
    page.goto(live_server.url + "/tramites/")
    tab_to(page, named("q"))
    page.keyboard.type("licencia de construccion")
    page.keyboard.press("Enter")
    conteo = page.get_by_test_id("conteo")
    expect(conteo).to_contain_text("1 trámite con «licencia de construccion»")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Licencia de construcción")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de construcción")
    tab_to(page, lambda f: f["testid"] == "iniciar-tramite")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/escritos/nuevo/\?tramite=licencia-de-construccion$"))
    expect(page.get_by_label("Trámite relacionado")).to_have_value(str(construccion.pk))
    expect(page.get_by_test_id("checklist").get_by_role("checkbox")).to_have_count(4)


def test_the_staff_sign_in_works_with_the_keyboard_alone(live_server, page):
    user = UserFactory(username="vero.ventanilla", roles=["ventanilla"])
    page.goto(live_server.url + "/cuenta/entrar/")
    expect(page.get_by_label("Nombre de usuario")).to_be_focused()  # autofocus
    page.keyboard.type(user.username)
    tab_to(page, named("password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=f"Salir ({user.username})")).to_be_visible()
