"""Small counts: a cut by gender or by type of petitioner, of a single secretaría and month,
under 5 is published as "< 5" (zero included), on the page and in the open data. The same cut
for all secretarías together, or for a whole year, is published as it is."""

import csv
import io
from datetime import date

import pytest
import time_machine

from correspondencia.models import PetitionerType
from transparencia.figures import SUPPRESSED, is_suppressed

from .conftest import figures, local, rows

pytestmark = pytest.mark.django_db

TODAY = date(2025, 12, 1)


@pytest.fixture
def march(life, obras, agua):
    """In March 2025, to Obras Públicas: 5 women, 4 men, 1 company. To Agua Potable: 1 man."""
    for day in range(3, 8):
        life.live(local(2025, 3, day), obras, genero="mujer")
    for day in range(10, 14):
        life.live(local(2025, 3, day), obras, genero="hombre")
    life.live(local(2025, 3, 14), obras, tipo=PetitionerType.MORAL)
    life.live(local(2025, 3, 14, 12), agua, genero="hombre")
    with time_machine.travel(local(2025, 12, 1, 12), tick=False):
        yield


def test_the_rule():
    assert is_suppressed("genero", scope=7, month=3, n=4)
    assert is_suppressed("tipo", scope=7, month=3, n=0)
    assert not is_suppressed("genero", scope=7, month=3, n=5)
    assert not is_suppressed("genero", scope=0, month=3, n=1)  # all secretarías
    assert not is_suppressed("genero", scope=7, month=0, n=1)  # a whole year
    assert not is_suppressed("canal", scope=7, month=3, n=1)  # not a cut by person


def test_a_secretarias_month_by_gender_shows_small_counts_as_under_5(march, obras):
    by_month = rows(figures(2025, obras, today=TODAY), "por-genero", table=1)
    assert by_month["Mar"] == ["5", SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert by_month["Ene"] == [SUPPRESSED] * 4


def test_a_secretarias_month_by_type_shows_small_counts_as_under_5(march, obras):
    by_month = rows(figures(2025, obras, today=TODAY), "por-tipo", table=1)
    assert by_month["Mar"] == ["9", SUPPRESSED, SUPPRESSED]


def test_all_secretarias_together_are_not_suppressed(march):
    stats = figures(2025, today=TODAY)
    assert rows(stats, "por-genero", table=1)["Mar"] == ["5", "5", "0", "0"]
    assert rows(stats, "por-tipo", table=1)["Mar"] == ["10", "1", "0"]


def test_a_secretarias_whole_year_is_not_suppressed(march, obras):
    stats = figures(2025, obras, today=TODAY)
    assert rows(stats, "por-genero")["Hombre"] == ["4", "44.4\u00a0%"]
    assert "< 5" in stats.figures[7].note


def test_the_monthly_open_data_suppresses_the_same_cells(march, client, obras, agua):
    body = b"".join(client.get("/transparencia/datos/mensual.csv").streaming_content)
    table = list(csv.DictReader(io.StringIO(body.decode())))

    def value(siglas: str, indicator: str, category: str) -> str:
        (row,) = [
            r
            for r in table
            if (r["anio"], r["mes"], r["siglas"], r["indicador"], r["categoria"])
            == ("2025", "3", siglas, indicator, category)
        ]
        return row["valor"]

    assert value("SOP", "genero", "mujer") == "5"
    assert value("SOP", "genero", "hombre") == SUPPRESSED
    assert value("SOP", "genero", "no_binario") == SUPPRESSED
    assert value("SOP", "tipo_peticionario", "moral") == SUPPRESSED
    assert value("SAP", "genero", "hombre") == SUPPRESSED
    assert value("TODAS", "genero", "hombre") == "5"
    assert value("TODAS", "tipo_peticionario", "moral") == "1"
    assert value("SOP", "recibidos", "") == "10"  # not a cut by person
    assert not [r for r in table if r["valor"] not in (SUPPRESSED,) and not r["valor"].isdigit()]
