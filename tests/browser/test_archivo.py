"""The Coordinación de Archivos at 360 px: a sección added to the cuadro (a repeated code is
said next to it, what was typed stays), an escrito's paper original placed in a box and moved
from the escrito's page, the expediente an enlace reads, and the signed dictamen looked at."""

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from archivo import disposicion
from archivo.expedientes import escrito_classify
from archivo.instrumentos import SerieData, serie_create
from archivo.models import (
    Caja,
    Custodia,
    Deposito,
    Destino,
    Estante,
    Expediente,
    ExpedienteEstado,
    Fondo,
    Seccion,
    SeccionTipo,
    UbicacionOriginal,
)
from correspondencia.models import Channel
from tests.browser.conftest import PHONE, assert_fits_width
from tests.browser.test_turnado_journey import sign_in
from tests.factories import SecretariaFactory, UserFactory, file_escrito
from turnos.models import Perfil
from turnos.services import Route, escrito_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def look_at(pdf: bytes, artifacts, name: str) -> str:
    path = artifacts / f"{name}.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", str(path), str(artifacts / name)],
            check=True,
        )
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_archive_at_360_px(new_page, live_server, artifacts, screenshot):
    archivista = UserFactory(username="amalia.archivo", first_name="Amalia", roles=["archivos"])
    turnador = UserFactory(username="tomas.turnador", roles=["oficialia"])
    obras = SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")
    enlace = UserFactory(username="ernesto.enlace", first_name="Ernesto", roles=["enlace"])
    Perfil.objects.create(user=enlace, secretaria=obras)
    fondo = Fondo.objects.create(codigo="AM", nombre="H. Ayuntamiento Municipal")
    seccion = Seccion.objects.create(
        fondo=fondo, codigo="AM.13C", nombre="Control de gestión", tipo=SeccionTipo.COMUN
    )
    peticiones = serie_create(
        data=SerieData(
            seccion=seccion,
            codigo="AM.13C.1",
            nombre="Peticiones ciudadanas",
            vigencia_tramite=2,
            vigencia_concentracion=3,
            destino=Destino.BAJA,
            por_defecto=True,
        ),
        user=archivista,
    )
    estante = Estante.objects.create(
        deposito=Deposito.objects.create(codigo="AT", nombre="Archivo de trámite"), codigo="E01"
    )
    for codigo in ("C001", "C002"):
        Caja.objects.create(estante=estante, codigo=codigo)
    escrito = file_escrito(channel=Channel.VENTANILLA, queue_acuse=False).escrito
    escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    expediente = escrito_classify(escrito_id=escrito.pk)
    base = live_server.url
    page = new_page(PHONE, mobile=True)
    sign_in(page, base, archivista)

    # A sección added to the cuadro: a repeated code is said next to it.
    page.goto(base + "/archivo/cuadro/")
    page.get_by_role("link", name="Agregar sección").click()
    page.get_by_label("Código").fill("am.13c")
    page.get_by_label("Nombre").fill("Transparencia")
    page.get_by_label("Tipo").select_option("comun")
    page.get_by_role("button", name="Agregar al cuadro").click()
    expect(page.locator(".field--error")).to_contain_text("Ya existe el código AM.13C.")
    expect(page.get_by_label("Nombre")).to_have_value("Transparencia")
    assert_fits_width(page)
    screenshot(page, "archivo-seccion-error")
    page.get_by_label("Código").fill("AM.12C")
    page.get_by_role("button", name="Agregar al cuadro").click()
    expect(page.get_by_role("heading", name="AM.12C Transparencia")).to_be_visible()
    assert_fits_width(page)
    screenshot(page, "archivo-cuadro")

    # The escrito's paper original, placed in a box and then moved, from its own page.
    page.goto(base + f"/expedientes/{escrito.folio}/")
    panel = page.get_by_test_id("archivo-escrito")
    expect(panel.get_by_test_id("expediente-del-escrito")).to_contain_text(expediente.numero)
    panel.get_by_text("Guardar el original en una caja").click()
    panel.get_by_label("Caja").fill("AT-E01-C009")
    panel.get_by_label("Legajo").fill("3")
    panel.get_by_role("button", name="Guardar la ubicación").click()
    expect(page.locator(".field--error")).to_contain_text("No hay una caja con la etiqueta")
    expect(page.get_by_label("Legajo")).to_have_value("3")
    assert_fits_width(page)
    page.get_by_label("Caja").fill("at-e01-c001")
    page.get_by_role("button", name="Guardar la ubicación").click()
    expect(page.get_by_test_id("original-del-escrito")).to_contain_text("AT-E01-C001")
    page.get_by_text("Mover el original a otra caja").click()
    page.get_by_label("Caja").fill("AT-E01-C002")
    page.get_by_role("button", name="Mover el original").click()
    expect(page.get_by_test_id("original-del-escrito")).to_contain_text("AT-E01-C002")
    assert UbicacionOriginal.objects.get(escrito=escrito).caja.etiqueta == "AT-E01-C002"
    assert_fits_width(page)
    screenshot(page, "archivo-escrito-original")

    # A baja of older paper: its dictamen leaves signed.
    old = timezone.localdate() - timedelta(days=365 * 7)
    legado = Expediente.objects.create(
        numero="EXP-2019-000001",
        serie=peticiones,
        titulo="Peticiones en papel de 2019",
        clasificacion=peticiones.ruta,
        abierto_en=old,
        cerrado_en=old,
        estado=ExpedienteEstado.CERRADO,
        custodia=Custodia.CONCENTRACION,
    )
    baja = disposicion.baja_dictaminar(expediente_ids=[legado.pk], user=archivista)
    page.goto(base + f"/archivo/bajas/{baja.numero}/")
    assert_fits_width(page)
    href = page.get_by_role("link", name="Dictamen (PDF)").get_attribute("href")
    dictamen = page.request.get(base + href)
    assert dictamen.headers["content-type"] == "application/pdf"
    text = look_at(dictamen.body(), artifacts, "archivo-dictamen-baja")
    assert legado.numero in text and "PAdES" in text
    assert b"/ByteRange" in dictamen.body()

    # The enlace of Obras Públicas reads the expediente of its escrito, and nothing else.
    page.context.clear_cookies()
    sign_in(page, base, enlace)
    page.goto(base + "/archivo/expedientes/")
    page.get_by_role("link", name=expediente.numero).click()
    expect(page.get_by_test_id("indice-integro")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar expediente")).to_have_count(0)
    assert_fits_width(page)
    screenshot(page, "archivo-expediente-enlace")
    response = page.request.get(base + f"/archivo/expedientes/{legado.numero}/")
    assert response.status == 404


def test_a_refused_loan_and_transfer_keep_what_was_typed_at_360_px(
    new_page, live_server, screenshot
):
    archivista = UserFactory(username="amalia.archivo", first_name="Amalia", roles=["archivos"])
    UserFactory(username="olga.titular", first_name="Olga", last_name="Ruiz", roles=["titular"])
    fondo = Fondo.objects.create(codigo="AM", nombre="H. Ayuntamiento Municipal")
    seccion = Seccion.objects.create(
        fondo=fondo, codigo="AM.13C", nombre="Control de gestión", tipo=SeccionTipo.COMUN
    )
    serie_create(
        data=SerieData(
            seccion=seccion,
            codigo="AM.13C.1",
            nombre="Peticiones ciudadanas",
            vigencia_tramite=1,
            vigencia_concentracion=3,
            destino=Destino.BAJA,
            por_defecto=True,
        ),
        user=archivista,
    )
    two_years_ago = timezone.localdate() - timedelta(days=730)
    for _ in range(2):
        expediente = escrito_classify(escrito_id=file_escrito(queue_acuse=False).escrito.pk)
        Expediente.objects.filter(pk=expediente.pk).update(
            estado=ExpedienteEstado.CERRADO, abierto_en=two_years_ago, cerrado_en=two_years_ago
        )
    base = live_server.url
    page = new_page(PHONE, mobile=True)
    sign_in(page, base, archivista)

    # A loan of a number that does not exist: the error is by the number, the rest stays.
    page.goto(base + "/archivo/prestamos/")
    page.get_by_label("Número de expediente").fill("EXP-2026-999999")
    page.get_by_label("Quién lo lleva").select_option(label="Olga Ruiz (olga.titular)")
    page.get_by_label("Para qué").fill("Revisión del contrato de bacheo de la calle Morelos")
    page.get_by_label("Fecha de devolución").fill(
        (timezone.localdate() + timedelta(days=3)).isoformat()
    )
    page.get_by_role("button", name="Registrar préstamo").click()
    error = page.locator(".field--error")
    expect(error).to_contain_text("No hay un expediente con el número EXP-2026-999999.")
    expect(error.get_by_label("Número de expediente")).to_have_value("EXP-2026-999999")
    expect(page.get_by_label("Para qué")).to_have_value(
        "Revisión del contrato de bacheo de la calle Morelos"
    )
    assert_fits_width(page)
    screenshot(page, "archivo-prestamo-error")

    # A transfer with every row unmarked: said by its button, the rows as they were left.
    page.goto(base + "/archivo/transferencias/")
    lista = page.get_by_test_id("lista-primaria")
    for box in lista.get_by_role("checkbox").all():
        box.uncheck()
    lista.get_by_role("button", name="Transferir al archivo de concentración").click()
    lista = page.get_by_test_id("lista-primaria")
    expect(lista.get_by_test_id("lista-error")).to_have_text(
        "Elija al menos un expediente de la lista."
    )
    for box in lista.get_by_role("checkbox").all():
        expect(box).not_to_be_checked()
    assert_fits_width(page)
    screenshot(page, "archivo-transferencia-error")
