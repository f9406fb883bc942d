"""A prevención the petitioner lets expire, in the browser: the citizen sees the deadline on
/consulta/, the secretaría finds it among the expired ones, dictates the acuerdo, and the
citizen reads it. The clock is frozen on the days that matter."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_turnado_journey import (  # noqa: F401 (fixtures)
    _fast_password_hashing,
    obras,
    shoot,
    sign_in,
    titular_obras,
)
from tests.factories import file_escrito
from turnos.services import Route, escrito_turn, turno_accept, turno_prevent

pytestmark = pytest.mark.django_db(transaction=True)
MX = ZoneInfo("America/Mexico_City")


def test_an_expired_prevencion_ends_in_an_acuerdo_the_citizen_reads(
    live_server,
    new_page,
    shoot,  # noqa: F811 (the fixture imported above)
    time_machine,
    turnador,
    obras,  # noqa: F811
    titular_obras,  # noqa: F811
    settings,
):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10
    time_machine.move_to(datetime(2026, 10, 5, 10, tzinfo=MX), tick=True)
    filed = file_escrito(queue_acuse=False)
    (turno,) = escrito_turn(escrito_id=filed.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    time_machine.move_to(datetime(2026, 10, 7, 10, tzinfo=MX), tick=True)
    turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Anexe el croquis de la obra.")
    base = live_server.url

    citizen = new_page()
    citizen.goto(base + "/consulta/")
    citizen.get_by_label("Folio").fill(filed.escrito.folio)
    citizen.get_by_label("Código de acceso").fill(filed.access_code)
    citizen.get_by_role("button", name="Consultar").click()
    expect(citizen.get_by_test_id("prevencion-plazo")).to_contain_text(
        "Tiene hasta el miércoles 14 de octubre de 2026"
    )
    shoot(citizen, "prevencion-consulta")

    time_machine.move_to(datetime(2026, 10, 16, 10, tzinfo=MX), tick=True)
    staff = new_page()
    sign_in(staff, base, titular_obras)
    staff.goto(base + "/bandeja/")
    staff.get_by_test_id("ver-prevenciones-vencidas").click()
    expect(staff.get_by_test_id("prevenciones-vencidas")).to_contain_text(filed.escrito.folio)
    shoot(staff, "prevenciones-vencidas")
    staff.get_by_role("link", name="Dictar el acuerdo").click()
    expect(staff.get_by_test_id("prevencion-vencida")).to_be_visible()
    staff.get_by_label("Acuerdo").fill(
        "Con fundamento en el artículo 17-A, se tiene por no presentado el escrito."
    )
    shoot(staff, "prevencion-acuerdo")
    staff.get_by_role("button", name="Dictar el acuerdo y notificarlo").click()
    expect(staff.get_by_role("status")).to_contain_text("se tuvo por no presentado")

    citizen.reload()
    expect(citizen.get_by_test_id("estado")).to_have_text("Tenido por no presentado")
    expect(citizen.get_by_test_id("acuerdo-no-presentado")).to_contain_text("artículo 17-A")
    shoot(citizen, "prevencion-no-presentado")
