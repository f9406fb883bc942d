"""A personal notification in the browser: the secretaría answers a paper escrito whose
petitioner gave no email; the answer waits in the ventanilla's queue; the clerk prints the
signed cédula, registers who received it and uploads the signed scan; the term closes on that
date and the citizen sees the answer notified. The clock is frozen on the days that matter."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from correspondencia.models import Channel
from oficialia import firma
from tests.browser.test_turnado_journey import (  # noqa: F401 (fixtures)
    _fast_password_hashing,
    obras,
    shoot,
    sign_in,
    titular_obras,
)
from tests.factories import file_escrito, pdf_bytes
from turnos.models import Respuesta
from turnos.services import Route, escrito_turn, turno_accept

pytestmark = pytest.mark.django_db(transaction=True)
MX = ZoneInfo("America/Mexico_City")


def test_an_answer_is_notified_at_the_ventanilla_with_a_signed_cedula(
    live_server,
    new_page,
    shoot,  # noqa: F811 (the fixture imported above)
    time_machine,
    turnador,
    ventanilla_clerk,
    obras,  # noqa: F811
    titular_obras,  # noqa: F811
    settings,
    tmp_path,
):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10
    settings.RESPUESTA_SIN_FIRMA = True
    time_machine.move_to(datetime(2026, 10, 5, 10, tzinfo=MX), tick=True)
    filed = file_escrito(
        channel=Channel.VENTANILLA,
        captured_by=ventanilla_clerk,
        nombre="Remedios Salgado Núñez",
        asunto="Poda de un árbol en la calle Hidalgo",
        queue_acuse=False,
    )
    folio = filed.escrito.folio
    (turno,) = escrito_turn(escrito_id=filed.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    base = live_server.url

    # Thursday 15: the secretaría answers; nothing has reached the petitioner.
    time_machine.move_to(datetime(2026, 10, 15, 11, tzinfo=MX), tick=True)
    titular = new_page()
    sign_in(titular, base, titular_obras)
    titular.goto(f"{base}/turnos/{turno.pk}/")
    answer = titular.locator("details", has_text="Enviar respuesta al peticionario")
    answer.get_by_label("Respuesta", exact=True).fill(
        "Se autoriza la poda del árbol; la cuadrilla acudirá el lunes."
    )
    answer.get_by_label("Positiva").check()
    answer.get_by_role("button", name="Enviar respuesta al peticionario").click()
    expect(titular.get_by_role("status")).to_contain_text(
        "Respuesta registrada; pendiente de notificar por ventanilla."
    )
    expect(titular.get_by_test_id("fecha-notificacion")).to_contain_text("Pendiente de notificar")
    shoot(titular, "notificacion-pendiente-turno")

    # Monday 19, the due date: the petitioner comes to the ventanilla.
    time_machine.move_to(datetime(2026, 10, 19, 12, 30, tzinfo=MX), tick=True)
    clerk = new_page()
    sign_in(clerk, base, ventanilla_clerk)
    clerk.get_by_test_id("nav-por-notificar").click()
    queue = clerk.get_by_test_id("por-notificar")
    expect(queue).to_contain_text(folio)
    expect(queue).to_contain_text("Personal, en la ventanilla")
    shoot(clerk, "notificacion-cola")
    queue.get_by_role("link", name="Notificar").click()
    expect(clerk.get_by_test_id("estado-notificacion")).to_have_text("Pendiente de notificar")

    # The cédula: a PDF signed by the ayuntamiento.
    with clerk.expect_popup() as popup:
        clerk.get_by_test_id("imprimir-cedula").click()
    popup.value.close()
    href = clerk.get_by_test_id("imprimir-cedula").get_attribute("href")
    cedula = clerk.request.get(base + href)
    assert cedula.headers["content-type"] == "application/pdf"
    [verdict] = firma.verify_pdf(
        cedula.body(), roots=[firma.institution_identity().root], offline=True
    )
    assert verdict.valida
    (tmp_path / "cedula.pdf").write_bytes(cedula.body())

    diligencia = clerk.get_by_test_id("form-diligencia")
    diligencia.get_by_label("Se entregó: recibió y firmó la cédula").check()
    diligencia.get_by_label("Fecha de la diligencia").fill("2026-10-19")
    diligencia.get_by_label("Hora").fill("12:30")
    diligencia.get_by_label("Nombre de quien recibió").fill("Remedios Salgado Núñez")
    diligencia.get_by_label("Identificación que presentó").fill("INE")
    shoot(clerk, "notificacion-diligencia")
    diligencia.get_by_role("button", name="Registrar").click()
    expect(clerk.get_by_role("status")).to_contain_text("Suba la cédula firmada")

    scan = tmp_path / "cedula-firmada.pdf"
    scan.write_bytes(pdf_bytes(text="Recibí. Remedios Salgado Núñez"))
    form = clerk.get_by_test_id("form-escaneo")
    form.get_by_label("Cédula firmada, escaneada").set_input_files(str(scan))
    form.get_by_role("button", name="Subir").click()
    expect(clerk.get_by_role("status")).to_contain_text(
        "Notificación practicada el 19/10/2026 a las 12:30"
    )
    expect(clerk.get_by_test_id("estado-notificacion")).to_contain_text("Notificada el 19/10/2026")
    shoot(clerk, "notificacion-practicada")
    clerk.goto(base + "/por-notificar/")
    expect(clerk.get_by_test_id("nada-por-notificar")).to_be_visible()

    # The term closed on the notification date: the due date itself, so on time.
    respuesta = Respuesta.objects.get(turno=turno)
    assert respuesta.within_term is True
    assert respuesta.notified_at.astimezone(MX).date().isoformat() == "2026-10-19"
    sign_in(titular, base, titular_obras)  # days later: a new session
    titular.goto(f"{base}/turnos/{turno.pk}/")
    expect(titular.get_by_test_id("fecha-notificacion")).to_contain_text(
        "Notificada el 19/10/2026 12:30 (personal, en la ventanilla); en plazo"
    )

    # The citizen sees the answer notified.
    citizen = new_page()
    citizen.goto(base + "/consulta/")
    citizen.get_by_label("Folio").fill(folio)
    citizen.get_by_label("Código de acceso").fill(filed.access_code)
    citizen.get_by_role("button", name="Consultar").click()
    expect(citizen.get_by_test_id("respuesta")).to_contain_text("Se autoriza la poda")
    expect(citizen.get_by_test_id("notificada")).to_contain_text(
        "Notificada personalmente el 19 de octubre de 2026, 12:30; recibió Remedios Salgado Núñez"
    )
    shoot(citizen, "notificacion-consulta")
