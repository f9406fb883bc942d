"""The petitioners' ratings of the attention, per secretaría and per person who answered."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contraloria.selectors import ratings_report
from tests.factories import file_escrito
from turnos.services import Route, escrito_rate, escrito_turn, turno_accept, turno_answer

from .desk import AGUA, OBRAS, at, make_people

pytestmark = pytest.mark.django_db

URL = reverse("contraloria_evaluaciones")


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_people()


@pytest.fixture
def rated(people, turnador):
    """Five escritos, answered and (all but one) rated:

    E1 Obras, answered by Olga, rated 5;      E2 Obras, answered by Ernesto, rated 2;
    E3 Obras and Agua, answered by Olga and Andrés, rated 4;
    E4 Agua, answered by Andrés, not rated;   E5 Agua, answered by Andrés, rated 1 in July.
    """

    def answered(*answers):
        escrito = file_escrito(queue_acuse=False).escrito
        turnos = escrito_turn(
            escrito_id=escrito.pk, user=turnador, routes=[Route(s) for s, _ in answers]
        )
        for turno, (_, user) in zip(turnos, answers, strict=True):
            turno_accept(turno_id=turno.pk, user=user)
            turno_answer(turno_id=turno.pk, user=user, texto="Atendido", sense="positiva")
        return escrito

    p = people
    with time_machine.travel(at(10, 10), tick=False):
        e1 = answered((p.obras, p.olga))
        e2 = answered((p.obras, p.ernesto))
        e3 = answered((p.obras, p.olga), (p.agua, p.andres))
        answered((p.agua, p.andres))
        e5 = answered((p.agua, p.andres))
        for escrito, score in ((e1, 5), (e2, 2), (e3, 4)):
            escrito_rate(escrito_id=escrito.pk, score=score)
    with time_machine.travel(at(2, 10, month=7), tick=False):
        escrito_rate(escrito_id=e5.pk, score=1)


def figures(rows) -> list[tuple]:
    return [(r.label, r.count, round(r.average, 2), r.by_score) for r in rows]


def test_per_secretaria_each_rated_escrito_counts_once_for_each_that_answered(rated):
    report = ratings_report()
    # Worst average first.
    assert figures(report.secretarias) == [
        (AGUA, 2, 2.5, [1, 0, 0, 1, 0]),
        (OBRAS, 3, 3.67, [0, 1, 0, 1, 1]),
    ]
    assert (report.overall.count, report.overall.average) == (4, 3.0)


def test_per_person_who_answered(rated):
    report = ratings_report()
    assert figures(report.users) == [
        ("Ernesto", 1, 2.0, [0, 1, 0, 0, 0]),
        ("Andrés", 2, 2.5, [1, 0, 0, 1, 0]),
        ("Olga", 2, 4.5, [0, 0, 0, 1, 1]),
    ]
    assert [r.detail for r in report.users] == [OBRAS, AGUA, OBRAS]


def test_a_period_keeps_the_ratings_given_in_it(rated):
    july = ratings_report(since=date(2026, 7, 1))
    assert figures(july.secretarias) == [(AGUA, 1, 1.0, [1, 0, 0, 0, 0])]
    assert figures(july.users) == [("Andrés", 1, 1.0, [1, 0, 0, 0, 0])]
    june = ratings_report(since=date(2026, 6, 1), until=date(2026, 6, 30))
    assert [(r.label, r.count, r.average) for r in june.secretarias] == [
        (OBRAS, 3, 11 / 3),
        (AGUA, 1, 4.0),
    ]


def test_the_page_shows_both_tables(people, rated):
    client = Client()
    client.force_login(people.carla)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="promedio-general">3.00' in page
    by_secretaria = page[page.index('data-testid="por-secretaria"') :]
    assert by_secretaria.index(AGUA) < by_secretaria.index(OBRAS)
    assert "3.67" in by_secretaria and "67 %" in by_secretaria
    by_person = page[page.index('data-testid="por-persona"') :]
    assert by_person.index("Ernesto") < by_person.index("Andrés") < by_person.index("Olga")


def test_the_page_filters_by_period(people, rated):
    client = Client()
    client.force_login(people.carla)
    response = client.get(URL, {"desde": "2026-07-01"})
    assert [r.label for r in response.context["report"].secretarias] == [AGUA]
    empty = client.get(URL, {"desde": "2026-08-01"}).content.decode()
    assert "Aún no hay calificaciones en ese periodo." in empty
