"""The overdue report: per secretaría, the turnos para atención past their due date and by how
many business days, against a hand-made fixture on a frozen clock.

Today is Wednesday 17 June 2026, and Monday 15 June was declared a día inhábil. June 2026 has
no federal rest day, so its business days are Monday to Friday, the 15th aside.
"""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contraloria.selectors import overdue_report
from oficialia.models import DiaInhabil
from tests.factories import file_escrito, turno_answer_notified, turno_prevent_notified
from tests.turnos.conftest import staff_member
from turnos.models import TurnoKind, TurnoState
from turnos.plazos import Thresholds
from turnos.selectors import bandeja_counts
from turnos.services import (
    Route,
    escrito_turn,
    tarea_assign,
    turno_accept,
    turno_give_back,
)

from .desk import AGUA, OBRAS, at, make_people

pytestmark = pytest.mark.django_db

TODAY = at(17, 10)
URL = reverse("contraloria_vencidos")


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_people()


@pytest.fixture
def turnos(people, turnador) -> dict:
    """Turnos of Obras and Agua, all turned on Monday 25 May, in every situation."""
    oscar = staff_member("oscar.operativo", "Óscar", "operativo", people.obras)
    DiaInhabil.objects.create(
        start=date(2026, 6, 15), end=date(2026, 6, 15), descripcion="Día del servidor público"
    )

    def turn(secretaria, due: date, *, copy_to=None):
        escrito = file_escrito(asunto=f"Asunto con fecha {due:%d/%m}", queue_acuse=False).escrito
        routes = [Route(secretaria)]
        if copy_to is not None:
            routes.append(Route(copy_to, kind=TurnoKind.CONOCIMIENTO))
        return escrito_turn(
            escrito_id=escrito.pk,
            user=turnador,
            routes=routes,
            due_date=due,
            due_date_reason="Fijada para la prueba",
        )

    obras, agua, olga = people.obras, people.agua, people.olga
    with time_machine.travel(at(25, 10, month=5), tick=False):
        t = {}
        (t["pendiente"],) = turn(obras, date(2026, 6, 1))
        t["aceptado"], t["copia"] = turn(obras, date(2026, 6, 12), copy_to=agua)
        turno_accept(turno_id=t["aceptado"].pk, user=olga)
        (t["en_atencion"],) = turn(obras, date(2026, 6, 16))
        turno_accept(turno_id=t["en_atencion"].pk, user=olga)
        tarea_assign(
            turno_id=t["en_atencion"].pk,
            user=olga,
            assignee=oscar,
            descripcion="Inspección",
            due_date=date(2026, 6, 10),
        )
        (t["agua"],) = turn(agua, date(2026, 6, 10))
        # Not overdue: paused by a prevención, answered, returned, due today, due later.
        (t["prevencion"],) = turn(obras, date(2026, 6, 3))
        turno_accept(turno_id=t["prevencion"].pk, user=olga)
        turno_prevent_notified(turno_id=t["prevencion"].pk, user=olga, texto="Falta el croquis")
        (t["respondido"],) = turn(obras, date(2026, 6, 5))
        turno_accept(turno_id=t["respondido"].pk, user=olga)
        # Notified at once: an answer still waiting for its notification would be late.
        turno_answer_notified(
            turno_id=t["respondido"].pk, user=olga, texto="Atendido", sense="positiva"
        )
        (t["devuelto"],) = turn(obras, date(2026, 6, 2))
        turno_give_back(turno_id=t["devuelto"].pk, user=olga, reason="Le toca a Ecología")
        (t["hoy"],) = turn(agua, date(2026, 6, 17))
        (t["despues"],) = turn(agua, date(2026, 6, 30))
    for name, state in (
        ("pendiente", TurnoState.PENDIENTE),
        ("aceptado", TurnoState.ACEPTADO),
        ("en_atencion", TurnoState.EN_ATENCION),
        ("prevencion", TurnoState.PREVENCION),
        ("respondido", TurnoState.RESPONDIDO),
        ("devuelto", TurnoState.DEVUELTO),
        ("copia", TurnoState.PENDIENTE),
    ):
        t[name].refresh_from_db()
        assert t[name].state == state, name
    return t


@pytest.fixture
def desk(people) -> Client:
    client = Client()
    client.force_login(people.carla)
    return client


def test_per_secretaria_how_many_and_by_how_many_business_days(turnos):
    with time_machine.travel(TODAY, tick=False):
        report = overdue_report()
    assert report.today == date(2026, 6, 17)
    summary = [
        (s.secretaria.nombre, s.count, s.max_days, round(s.average_days, 2))
        for s in report.secretarias
    ]
    # Obras: due 1 June (11 business days late), 12 June (2) and 16 June (1); Agua: due
    # 10 June (4). The día inhábil of the 15th is not counted.
    assert summary == [(OBRAS, 3, 11, 4.67), (AGUA, 1, 4, 4.0)]
    assert report.total == 4


def test_the_turnos_most_overdue_first_each_with_its_lateness(turnos):
    with time_machine.travel(TODAY, tick=False):
        report = overdue_report()
        listed = report.with_lateness(report.turnos)
    assert [(v.turno.pk, v.days_late) for v in listed] == [
        (turnos["pendiente"].pk, 11),
        (turnos["agua"].pk, 4),
        (turnos["aceptado"].pk, 2),
        (turnos["en_atencion"].pk, 1),
    ]


def test_the_report_agrees_with_the_red_light_of_each_bandeja(turnos, people):
    with time_machine.travel(TODAY, tick=False):
        report = overdue_report()
        thresholds = Thresholds.now()
        counts = {s.secretaria.pk: s.count for s in report.secretarias}
        assert bandeja_counts(people.olga, thresholds)["vencido"] == counts[people.obras.pk]
        assert bandeja_counts(people.andres, thresholds)["vencido"] == counts[people.agua.pk]


def test_the_page_shows_the_figures_and_links_each_turno_to_its_history(desk, turnos):
    with time_machine.travel(TODAY, tick=False):
        response = desk.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "11 días hábiles" in page and "4.7 días hábiles" in page
    rows = [(v.turno.pk, v.days_late) for v in response.context["vencidos"]]
    assert rows == [
        (turnos["pendiente"].pk, 11),
        (turnos["agua"].pk, 4),
        (turnos["aceptado"].pk, 2),
        (turnos["en_atencion"].pk, 1),
    ]
    for name in ("pendiente", "agua", "aceptado", "en_atencion"):
        folio = turnos[name].escrito.folio
        assert f'href="/expedientes/{folio}/"' in page
        assert f"?folio={folio}" in page  # and to its bitácora
    for name in ("respondido", "devuelto", "hoy", "despues"):
        assert turnos[name].escrito.folio not in page, name
    # The prevención of 25/05 gave the petitioner until 01/06: past it, it is listed apart,
    # waiting for the acuerdo, not among the overdue turnos.
    prevencion = page.split('data-testid="prevenciones-vencidas"')[1].split("</table>")[0]
    assert turnos["prevencion"].escrito.folio in prevencion and "01/06/2026" in prevencion
    vencidos = page.split('data-testid="vencidos"')[1].split("</table>")[0]
    assert turnos["prevencion"].escrito.folio not in vencidos
    history = desk.get(f"/expedientes/{turnos['pendiente'].escrito.folio}/")
    assert history.status_code == 200
    assert f"Turnado a {OBRAS}" in history.content.decode()


def test_one_secretaria_at_a_time(desk, people, turnos):
    with time_machine.travel(TODAY, tick=False):
        response = desk.get(URL, {"secretaria": people.agua.pk})
    assert [v.turno.pk for v in response.context["vencidos"]] == [turnos["agua"].pk]
    # The summary still lists every secretaría.
    assert len(response.context["report"].secretarias) == 2


def test_a_week_later_every_figure_moved(turnos):
    with time_machine.travel(at(24, 10), tick=False):  # the next Wednesday
        report = overdue_report()
    summary = [(s.secretaria.nombre, s.count, s.max_days) for s in report.secretarias]
    # 5 business days more each; Agua's turno due the 17th is now overdue too.
    assert summary == [(OBRAS, 3, 16), (AGUA, 2, 9)]


def test_nothing_overdue_says_so(desk, people):
    response = desk.get(URL)
    assert response.status_code == 200
    assert 'data-testid="sin-vencidos"' in response.content.decode()


def test_the_landing_page_counts_the_overdue_turnos(desk, turnos):
    with time_machine.travel(TODAY, tick=False):
        page = desk.get(reverse("contraloria_inicio")).content.decode()
    # Four overdue turnos and the prevención the petitioner let expire.
    assert 'data-testid="vencidos-total">5 <span>vencidos hoy' in page
