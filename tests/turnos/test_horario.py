"""The legal filing date: what arrives online after closing time or on a non-working day is
presented the next business day, for every term, and the acuse says both dates.

    Diciembre 2026             Enero 2027            Marzo 2027 (Pascua: domingo 28)
    lu ma mi ju vi sá do       lu ma mi ju vi sá do  lu ma mi ju vi sá do
        1  2  3  4  5  6                    1  2  3  22 23 24 25 26 27 28
     7  8  9 10 11 12 13        4  5  6  7  8  9 10  29 30 31
    14 15 16 17 18 19 20
    21 22 23 24 25 26 27       The acuerdo: Semana Santa 22-26 Mar 2027 and a winter
    28 29 30 31                vacation 21 Dec 2026 - 5 Jan 2027. Office hours 09:00-15:00.
"""

import io
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from correspondencia.services.acuses import acuse_render_pdf
from oficialia.models import AcuerdoInhabil, DiaInhabil
from tests.factories import file_escrito
from turnos.plazos import received_date, turno_due
from turnos.services import Route, escrito_turn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_2026(settings):
    settings.OFFICE_HOURS = (time(9), time(15))
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10
    acuerdo = AcuerdoInhabil.objects.create(
        numero="AC/CAB/2026/045",
        fecha=date(2026, 1, 15),
        publicacion="Gaceta Municipal",
        publicado_el=date(2026, 1, 20),
    )
    DiaInhabil.objects.create(
        acuerdo=acuerdo,
        start=date(2026, 12, 21),
        end=date(2027, 1, 5),
        descripcion="Segundo periodo vacacional",
    )
    DiaInhabil.objects.create(
        acuerdo=acuerdo,
        start=date(2027, 3, 22),
        end=date(2027, 3, 26),
        descripcion="Semana Santa",
    )


def file_now(turnador, obras):
    escrito = file_escrito().escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    return escrito, turno


def acuse_text(escrito) -> str:
    content = acuse_render_pdf(escrito.acuse)
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_filed_before_closing_it_is_presented_that_day(time_machine, turnador, obras):
    time_machine.move_to("2026-12-04 14:59 -06:00", tick=False)
    escrito, turno = file_now(turnador, obras)
    assert received_date(escrito) == date(2026, 12, 4)
    # Mon 7 (1) .. Fri 11 (5), Mon 14 (6) .. Fri 18 (10).
    assert turno.due_date == date(2026, 12, 18)
    text = acuse_text(escrito)
    assert "Fecha legal de presentación" in text and "4 de diciembre de 2026" in text
    assert "fuera del horario" not in text


def test_filed_after_closing_it_is_presented_the_next_business_day_across_the_vacation(
    time_machine, turnador, obras
):
    time_machine.move_to("2026-12-04 15:00 -06:00", tick=False)  # Friday, at closing time
    escrito, turno = file_now(turnador, obras)
    assert received_date(escrito) == date(2026, 12, 7)
    # Tue 8 (1) .. Fri 11 (4), Mon 14 (5) .. Fri 18 (9), [21 Dec - 5 Jan vacation], Wed 6 (10).
    assert turno.due_date == date(2027, 1, 6)
    due = turno_due(turno)
    assert due.received == date(2026, 12, 7) and due.start == date(2026, 12, 8)
    reasons = {s.day: s.reason for s in due.skipped}
    assert reasons[date(2026, 12, 24)] == (
        "Día inhábil: Segundo periodo vacacional (acuerdo AC/CAB/2026/045)"
    )
    assert reasons[date(2026, 12, 25)] == "Inhábil por ley: Navidad"
    text = acuse_text(escrito)
    # Both the moment of reception and the legal filing date.
    assert "4 de diciembre de 2026" in text and "15:00:00" in text
    assert "7 de diciembre de 2026" in text
    assert "se tiene por presentado el siguiente día hábil" in text


def test_filed_on_a_saturday_it_is_presented_on_monday(time_machine, turnador, obras):
    time_machine.move_to("2026-12-05 10:00 -06:00", tick=False)
    escrito, turno = file_now(turnador, obras)
    assert received_date(escrito) == date(2026, 12, 7)
    assert turno.due_date == date(2027, 1, 6)


def test_filed_during_holy_week_it_is_presented_the_monday_after_easter(
    time_machine, turnador, obras, settings
):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 3
    time_machine.move_to("2027-03-24 11:00 -06:00", tick=False)  # Holy Wednesday, office hours
    escrito, turno = file_now(turnador, obras)
    assert received_date(escrito) == date(2027, 3, 29)
    # Tue 30 (1), Wed 31 (2), Thu 1 Apr (3).
    assert turno.due_date == date(2027, 4, 1)


def test_the_consulta_page_shows_the_legal_filing_date(time_machine, turnador, obras, client):
    from turnos.selectors import public_status

    time_machine.move_to("2026-12-04 18:30 -06:00", tick=False)
    escrito, _ = file_now(turnador, obras)
    assert public_status(escrito).filed_on == date(2026, 12, 7)
    time_machine.move_to("2026-12-07 10:00 -06:00", tick=False)
    escrito2, _ = file_now(turnador, obras)
    assert public_status(escrito2).filed_on is None  # the same day: nothing extra to say


def test_the_consulta_page_reads_the_declared_days_once(
    time_machine, turnador, obras
):
    """The due date of the open turno and the legal filing date share one calendar."""
    from turnos.selectors import public_status

    time_machine.move_to("2026-12-04 18:30 -06:00", tick=False)
    escrito, _ = file_now(turnador, obras)
    with CaptureQueriesContext(connection) as captured:
        status = public_status(escrito)
    assert status.filed_on == date(2026, 12, 7) and status.due is not None
    reads = [q["sql"] for q in captured.captured_queries if '"oficialia_diainhabil"' in q["sql"]]
    assert len(reads) == 1, "\n".join(reads)
