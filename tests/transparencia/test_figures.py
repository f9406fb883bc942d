"""Every figure of /transparencia/ against escritos counted by hand.

Ten escritos live through the real services in 2025 and early 2026; the figures are read as
of 15 January 2026. The business days were counted on a calendar: 3 February 2025 (Día de la
Constitución), 17 March 2025 (Benito Juárez) and 1 January 2026 are rest days.

| #   | received (Mexico City)   | who         | to      | answered (business days)     |
|-----|--------------------------|-------------|---------|------------------------------|
| E1  | Fri 31/01/2025           | mujer       | SOP     | Tue 04/02 (1), positiva, 5★  |
| E2  | Mon 10/02, ventanilla    | mujer       | SOP     | Fri 14/02 (4), negativa      |
| E3  | Mon 10/03                | hombre      | SOP     | Wed 19/03 (6), parcial       |
| E4  | Mon 03/03, 3-day trámite | hombre      | SOP     | Tue 11/03 (6) late, inf., 2★ |
| E5  | Mon 07/04                | no binario  | SOP+SAP | 09/04 (2) pos.; 21/04 (10) neg. |
| E6  | Mon 05/05                | moral       | SOP     | pending, overdue since 19/05 |
| E7  | Wed 31/12/2025 23:30     | not given   | SAP     | pending, due today 15/01/2026|
| E8  | Thu 01/01/2026 00:10     | prefers not | —       | not turned: counts in 2026   |
| E9  | Mon 02/06                | mujer       | SOP     | prevención 03/06, unanswered |
| E10 | Tue 03/06                | dependencia | —       | rejected                     |

Terms are 10 business days (E4: 3, so due 06/03); every answer but E4's is on time.

E7 and E8 are the year boundary: 23:30 of 31 December in Mexico City is already 1 January in
UTC, so a figure grouped by the UTC date would put E7 in 2026.
"""

from datetime import date

import pytest
import time_machine

from correspondencia.models import Channel, PetitionerType
from tests.factories import TramiteFactory
from transparencia.figures import percentile

from .conftest import figure, figures, local, rows

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 15)


@pytest.fixture(autouse=True)
def _every_figure_shown(settings):
    """These few escritos are all small figures: here the counting is checked, with nothing
    withheld; what is withheld and why is test_suppression's."""
    settings.TRANSPARENCIA_CIFRA_MINIMA = 1


@pytest.fixture
def year_2025(life, obras, agua):
    """The ten escritos of the table above."""
    life.live(
        local(2025, 1, 31),
        obras,
        genero="mujer",
        answered=local(2025, 2, 4, 12),
        sense="positiva",
        score=5,
    )
    life.live(
        local(2025, 2, 10),
        obras,
        genero="mujer",
        channel=Channel.VENTANILLA,
        answered=local(2025, 2, 14, 12),
        sense="negativa",
    )
    life.live(
        local(2025, 3, 10), obras, genero="hombre", answered=local(2025, 3, 19, 12), sense="parcial"
    )
    three_days = TramiteFactory(nombre="Constancia urgente", secretaria=obras, plazo_dias_habiles=3)
    life.live(
        local(2025, 3, 3),
        obras,
        genero="hombre",
        tramite=three_days,
        answered=local(2025, 3, 11, 12),
        sense="informativa",
        score=2,
    )
    e5 = life.receive(local(2025, 4, 7), genero="no_binario")
    sop, sap = life.turn(e5, local(2025, 4, 7, 11), obras, agua)
    life.accept(sop, local(2025, 4, 8))
    life.answer(sop, local(2025, 4, 9, 12), "positiva")
    life.accept(sap, local(2025, 4, 8))
    life.answer(sap, local(2025, 4, 21, 12), "negativa")
    life.live(local(2025, 5, 5), obras, tipo=PetitionerType.MORAL)
    life.live(local(2025, 12, 31, 23, 30), agua, genero="")
    life.receive(local(2026, 1, 1, 0, 10), genero="prefiero_no_decir")
    e9 = life.receive(local(2025, 6, 2), genero="mujer")
    (turno,) = life.turn(e9, local(2025, 6, 2, 11), obras)
    life.accept(turno, local(2025, 6, 3))
    life.prevent(turno, local(2025, 6, 3, 12))
    life.reject(life.receive(local(2025, 6, 3), tipo=PetitionerType.DEPENDENCIA), local(2025, 6, 4))
    with time_machine.travel(local(2026, 1, 15, 12), tick=False):
        yield


def test_escritos_per_month_count_each_one_in_its_mexico_city_month(year_2025):
    stats = figures(2025, today=TODAY)
    months = rows(stats, "por-mes")
    counted = {m: cells[0] for m, cells in months.items()}
    assert counted == {
        "Enero": "1",
        "Febrero": "1",
        "Marzo": "2",
        "Abril": "1",
        "Mayo": "1",
        "Junio": "2",
        "Julio": "0",
        "Agosto": "0",
        "Septiembre": "0",
        "Octubre": "0",
        "Noviembre": "0",
        "Diciembre": "1",
    }
    assert stats.total == 9


def test_the_year_boundary_is_midnight_in_mexico_city(year_2025):
    # E7 (31/12/2025 23:30, already 2026 in UTC) is a 2025 escrito; E8 (00:10) is 2026's.
    assert figures(2025, today=TODAY).total == 9
    stats_2026 = figures(2026, today=TODAY)
    assert stats_2026.total == 1
    # E8 and E1; E1 (31 January) is not within the 15 days of January gone by.
    assert rows(stats_2026, "por-mes")["Enero"] == ["1", "1", "—"]
    assert rows(stats_2026, "por-anio") == {"2025": ["9"], "2026": ["1"]}
    days = rows(stats_2026, "por-dia")
    assert days["31/12/2025"] == ["1"]
    assert days["01/01/2026"] == ["1"]


def test_the_same_month_of_the_year_before_is_next_to_each_month(year_2025):
    stats = figures(2026, today=TODAY)
    # January 2026 against January 2025: one escrito each; the change of a month under way
    # compares its days gone by (1 to 15: E8 against none).
    assert rows(stats, "por-mes")["Enero"] == ["1", "1", "—"]
    assert rows(stats, "por-mes")["Febrero"] == ["—", "1", "—"]  # still to come
    kpi = stats.kpis[1]
    assert (kpi.label, kpi.value, kpi.detail) == (
        "Del 1 al 15 de enero de 2026",
        "1",
        "Del 1 al 15 de diciembre de 2025: 0; del 1 al 15 de enero de 2025: 0",
    )


def test_the_headline_month_compares_the_same_days_of_the_month_before(year_2025):
    # 10 June 2025: June 2 and 3 against May 1 to 10 (E6 on 5 May); whole May is not used.
    stats = figures(2025, today=date(2025, 6, 10))
    kpi = stats.kpis[1]
    assert (kpi.label, kpi.value) == ("Del 1 al 10 de junio de 2025", "2")
    assert kpi.detail == (
        "Del 1 al 10 de mayo de 2025: 1 (+100.0\u00a0%); del 1 al 10 de junio de 2024: 0"
    )
    # On 4 June only 2 and 3 June count, against 1 to 4 May: none.
    early = figures(2025, today=date(2025, 6, 4)).kpis[1]
    assert early.detail.startswith("Del 1 al 4 de mayo de 2025: 0;")
    # A year gone by: whole months, said so.
    past = figures(2025, today=TODAY).kpis[1]
    assert past.label == "Diciembre de 2025 completo"
    assert past.detail.startswith("Noviembre de 2025 completo: 0;")


def test_gender_counts_personas_fisicas_only(year_2025):
    assert rows(figures(2025, today=TODAY), "por-genero") == {
        "Mujer": ["3", "42.9\u00a0%"],
        "Hombre": ["2", "28.6\u00a0%"],
        "No binario": ["1", "14.3\u00a0%"],
        "No especificado": ["1", "14.3\u00a0%"],
    }


def test_petitioners_by_type(year_2025):
    assert rows(figures(2025, today=TODAY), "por-tipo") == {
        "Persona física": ["7", "77.8\u00a0%"],
        "Persona moral": ["1", "11.1\u00a0%"],
        "Dependencia de gobierno": ["1", "11.1\u00a0%"],
    }


def test_channels(year_2025):
    by_channel = rows(figures(2025, today=TODAY), "por-medio")
    assert by_channel["En línea"] == ["8", "88.9\u00a0%"]
    assert by_channel["Ventanilla"] == ["1", "11.1\u00a0%"]
    assert by_channel["Mensajería"] == ["0", "0.0\u00a0%"]


def test_secretarias_are_ranked_and_an_escrito_turned_to_two_counts_in_both(year_2025):
    ranking = rows(figures(2025, today=TODAY), "por-secretaria")
    assert list(ranking.items()) == [
        ("Secretaría de Obras Públicas", ["7"]),
        ("Secretaría de Agua Potable", ["2"]),
        ("Sin turnar aún", ["1"]),
    ]


def test_the_sense_of_each_answer(year_2025):
    assert rows(figures(2025, today=TODAY), "sentido") == {
        "Positiva": ["2", "33.3\u00a0%"],
        "Negativa": ["2", "33.3\u00a0%"],
        "Parcial": ["1", "16.7\u00a0%"],
        "Informativa": ["1", "16.7\u00a0%"],
    }


def test_business_day_medians_and_90th_percentiles(year_2025):
    # All: 1, 2, 4, 6, 6, 10 → the 3rd of 6 is the median (4), the 6th the 90th (10).
    # SOP: 1, 2, 4, 6, 6 → 3rd of 5 (4) and 5th of 5 (6). SAP: 10 alone.
    table = rows(figures(2025, today=TODAY), "tiempo-respuesta")
    assert table == {
        "Todas las secretarías": ["6", "4", "10"],
        "Secretaría de Obras Públicas": ["5", "4", "6"],
        "Secretaría de Agua Potable": ["1", "10", "10"],
    }
    assert figures(2025, today=TODAY).kpis[3].value == "4 días hábiles"


def test_percentiles_are_nearest_rank():
    assert percentile({1: 1, 2: 1, 4: 1, 6: 2, 10: 1}, 0.5) == 4
    assert percentile({1: 1, 2: 1, 4: 1, 6: 2, 10: 1}, 0.9) == 10
    assert percentile({3: 1, 7: 1}, 0.5) == 3
    assert percentile({5: 1}, 0.9) == 5
    assert percentile({}, 0.5) is None


def test_article_8_late_and_on_time_answered_and_pending(year_2025):
    # Answered on time: E1, E2, E3 and both turnos of E5; late: E4. Pending: E6 overdue
    # since 19/05/2025; E7 due today (still on time); E9 suspended by its prevención.
    assert rows(figures(2025, today=TODAY), "articulo-8") == {
        "Respondidos en plazo": ["5", "55.6\u00a0%"],
        "Respondidos fuera de plazo": ["1", "11.1\u00a0%"],
        "Pendientes en plazo": ["1", "11.1\u00a0%"],
        "Pendientes vencidos": ["1", "11.1\u00a0%"],
        # E9: the petitioner's 5 business days to answer ended Tue 10/06/2025.
        "Prevención sin respuesta del peticionario": ["1", "11.1\u00a0%"],
    }


def test_a_pending_turno_becomes_overdue_the_day_after_its_due_date(year_2025):
    table = rows(figures(2025, today=date(2026, 1, 16)), "articulo-8")
    assert table["Pendientes en plazo"][0] == "0"
    assert table["Pendientes vencidos"][0] == "2"  # E6, and now E7


def test_a_prevencion_counts_in_term_until_the_petitioners_deadline(year_2025):
    # E9 was prevented Tue 03/06/2025: the petitioner may answer until Tue 10/06.
    on_the_deadline = rows(figures(2025, today=date(2025, 6, 10)), "articulo-8")
    after_it = rows(figures(2025, today=date(2025, 6, 11)), "articulo-8")
    label = "Prevención sin respuesta del peticionario"
    assert on_the_deadline[label][0] == "0"
    assert after_it[label][0] == "1"
    assert (
        int(after_it["Pendientes en plazo"][0])
        == int(on_the_deadline["Pendientes en plazo"][0]) - 1
    )


def test_article_8_of_one_secretaria(year_2025, agua):
    assert rows(figures(2025, agua, today=TODAY), "articulo-8") == {
        "Respondidos en plazo": ["1", "50.0\u00a0%"],
        "Respondidos fuera de plazo": ["0", "0.0\u00a0%"],
        "Pendientes en plazo": ["1", "50.0\u00a0%"],
        "Pendientes vencidos": ["0", "0.0\u00a0%"],
        "Prevención sin respuesta del peticionario": ["0", "0.0\u00a0%"],
    }


def test_ratings_per_secretaria_that_answered(year_2025):
    assert rows(figures(2025, today=TODAY), "calificacion") == {
        "Todas las secretarías": ["2", "3.5"],
        "Secretaría de Obras Públicas": ["2", "3.5"],
    }


def test_one_secretaria_counts_the_escritos_turned_to_it(year_2025, obras):
    stats = figures(2025, obras, today=TODAY)
    assert stats.total == 7
    assert stats.scope_name == "Secretaría de Obras Públicas"
    assert rows(stats, "por-genero") == {
        "Mujer": ["3", "50.0\u00a0%"],
        "Hombre": ["2", "33.3\u00a0%"],
        "No binario": ["1", "16.7\u00a0%"],
        "No especificado": ["0", "0.0\u00a0%"],
    }
    assert rows(stats, "sentido")["Negativa"] == [
        "1",
        "20.0\u00a0%",
    ]  # SAP's answer of E5 is not here
    # The comparisons between secretarías still show every one, the chosen one in bold.
    ranking = figure(stats, "por-secretaria").table
    assert [r[0] for r in ranking.rows] == [
        "Secretaría de Obras Públicas",
        "Secretaría de Agua Potable",
        "Sin turnar aún",
    ]
    assert ranking.highlight == {0}


def test_the_busiest_months(year_2025):
    assert list(rows(figures(2025, today=TODAY), "meses").items()) == [
        ("Marzo", ["2", "1.º"]),
        ("Junio", ["2", "2.º"]),
        ("Enero", ["1", "3.º"]),
        ("Febrero", ["1", "4.º"]),
        ("Abril", ["1", "5.º"]),
    ]


def test_topics_list_the_tramites_and_the_escritos_without_one(year_2025):
    assert rows(figures(2025, today=TODAY), "por-tramite") == {
        "Constancia urgente": ["1"],
        "Sin trámite identificado": ["8"],
    }


def test_an_answer_counts_by_its_notification_date_and_waits_as_pending_until_then(life, obras):
    # Received Mon 03/03/2025, 10 business days (Mon 17/03 is a holiday): due Tue 18/03.
    # Answered on Fri 14/03.
    escrito = life.receive(local(2025, 3, 3), genero="mujer")
    (turno,) = life.turn(escrito, local(2025, 3, 3, 11), obras)
    life.accept(turno, local(2025, 3, 4))
    life.answer(turno, local(2025, 3, 14, 12), "positiva", notified=False)
    # Not made known yet: still a pending turno, overdue once the due date passed.
    table = rows(figures(2025, today=date(2025, 3, 18)), "articulo-8")
    assert table["Pendientes en plazo"][0] == "1"
    table = rows(figures(2025, today=date(2025, 3, 19)), "articulo-8")
    assert table["Respondidos en plazo"][0] == "0"
    assert table["Respondidos fuera de plazo"][0] == "0"
    assert table["Pendientes vencidos"][0] == "1"
    # The petitioner opens it on Thu 20/03: written in term, made known late.
    life.notify(escrito, local(2025, 3, 20, 9))
    table = rows(figures(2025, today=date(2025, 3, 21)), "articulo-8")
    assert table["Respondidos fuera de plazo"][0] == "1"
    assert table["Pendientes vencidos"][0] == "0"
