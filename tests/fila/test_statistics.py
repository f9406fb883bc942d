"""`wait_statistics`: waiting and attention minutes per secretaría and hour, for transparency."""

from datetime import date

import pytest

from fila.selectors import wait_statistics
from fila.services import (
    ficha_call_next,
    ficha_issue,
    ficha_mark_absent,
    ficha_mark_attended,
    ficha_transfer,
)

from .conftest import TUESDAY, at, local


def moment(hour: int, minute: int, day: date = TUESDAY):
    return at(local(day, hour, minute))


def take(servicio, hour, minute, day=TUESDAY):
    with moment(hour, minute, day):
        return ficha_issue(servicio_id=servicio.pk)


def run(action, modulo, user, hour, minute, day=TUESDAY, **kwargs):
    with moment(hour, minute, day):
        return action(modulo_id=modulo.pk, user=user, **kwargs)


@pytest.fixture
def a_day(licencias, contratos, ventanilla_1, ventanilla_agua, enlace_obras, titular_agua):
    """Obras: at 9, three people wait 10, 20 and 30 minutes and are attended in 5, 7 and 12;
    at 10, one does not show up, one is transferred to Agua, one is still waiting.
    Agua: the transferred person, attended right away in 4 minutes."""
    o, u = ventanilla_1, enlace_obras
    for minute in (0, 10, 20):
        take(licencias, 9, minute)
    run(ficha_call_next, o, u, 9, 10)
    run(ficha_mark_attended, o, u, 9, 15)
    run(ficha_call_next, o, u, 9, 30)
    run(ficha_mark_attended, o, u, 9, 37)
    run(ficha_call_next, o, u, 9, 50)
    run(ficha_mark_attended, o, u, 10, 2)
    for minute in (0, 5, 10):
        take(licencias, 10, minute)
    run(ficha_call_next, o, u, 10, 3)
    run(ficha_mark_absent, o, u, 10, 8)
    run(ficha_call_next, o, u, 10, 9)
    run(ficha_transfer, o, u, 10, 12, servicio_id=contratos.pk)
    run(ficha_call_next, ventanilla_agua, titular_agua, 10, 12)
    run(ficha_mark_attended, ventanilla_agua, titular_agua, 10, 16)
    # Another year: never mixed in.
    take(licencias, 9, 0, day=date(2025, 3, 11))


@pytest.mark.django_db
def test_statistics_per_secretaria_and_hour(a_day, obras, agua):
    rows = wait_statistics(2026)
    assert [(r["siglas"], r["hora"]) for r in rows] == [("SAP", 10), ("SOP", 9), ("SOP", 10)]
    agua_10, obras_9, obras_10 = rows
    assert obras_9 == {
        "secretaria_id": obras.pk,
        "secretaria": "Secretaría de Obras Públicas",
        "siglas": "SOP",
        "hora": 9,
        "fichas": 3,
        "llamadas": 3,
        "atendidas": 3,
        "no_se_presento": 0,
        "transferidas": 0,
        "espera_mediana": 20.0,
        "espera_media": 20.0,
        "atencion_mediana": 7.0,
        "atencion_media": 8.0,
    }
    assert obras_10 | {"secretaria_id": None} == {
        "secretaria_id": None,
        "secretaria": "Secretaría de Obras Públicas",
        "siglas": "SOP",
        "hora": 10,
        "fichas": 3,
        "llamadas": 2,
        "atendidas": 0,
        "no_se_presento": 1,
        "transferidas": 1,
        "espera_mediana": 3.5,
        "espera_media": 3.5,
        "atencion_mediana": None,
        "atencion_media": None,
    }
    assert (agua_10["fichas"], agua_10["espera_media"], agua_10["atencion_media"]) == (1, 0.0, 4.0)
    assert agua_10["secretaria_id"] == agua.pk


@pytest.mark.django_db
def test_statistics_of_one_secretaria_or_for_the_whole_day(a_day, obras):
    assert {r["siglas"] for r in wait_statistics(2026, secretaria=obras)} == {"SOP"}
    assert {r["siglas"] for r in wait_statistics(2026, secretaria=obras.pk)} == {"SOP"}
    (whole_day,) = wait_statistics(2026, obras, by_hour=False)
    assert whole_day["hora"] is None
    assert (whole_day["fichas"], whole_day["llamadas"], whole_day["atendidas"]) == (6, 5, 3)
    assert whole_day["espera_mediana"] == 10.0  # waits of 10, 20, 30, 3 and 4 minutes
    assert wait_statistics(2024) == []


@pytest.mark.django_db
def test_the_transparency_page_shows_the_waiting_times(a_day, obras, client):
    rows = wait_statistics(TUESDAY.year, by_hour=False)
    html = client.get(f"/transparencia/?anio={TUESDAY.year}").content.decode()
    assert 'data-testid="fila-espera"' in html
    for row in rows:
        assert row["secretaria"] in html
        assert f"{row['espera_mediana']} min" in html
    assert "9:00" in html and "10:00" in html  # the per-hour table
