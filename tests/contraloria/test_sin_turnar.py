"""The Oficialía's own term: an escrito not routed within OFICIALIA_PLAZO_TURNADO_DIAS_HABILES
business days of its legal filing date is late, in the overdue report and the desk's figure.

    Junio 2026
    lu ma mi ju vi sá do
     1  2  3  4  5  6  7
     8  9 10 11 12 13 14
    15 16 17 18 19 20 21      Today: Wednesday 17 June 2026, 10:00. Office hours 09:00-15:00.
"""

from datetime import date, time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contraloria.selectors import overdue_count, overdue_report
from tests.factories import SecretariaFactory, UserFactory, file_escrito
from turnos.plazos import routing_due
from turnos.services import Route, escrito_turn

from .desk import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hours(settings):
    settings.OFFICE_HOURS = (time(9), time(15))
    settings.ROUTING_TERM_BUSINESS_DAYS = 1


def received(day: int, hour: int = 10):
    with time_machine.travel(at(day, hour), tick=False):
        return file_escrito(asunto=f"Recibido el {day} a las {hour}", queue_acuse=False).escrito


def test_an_unrouted_escrito_past_the_oficialias_term_is_late(turnador):
    on_time = received(16)  # Tue 16: to be routed by Wed 17 (today): not late yet
    late = received(15)  # Mon 15: by Tue 16, one business day late today
    after_hours = received(15, 16)  # Mon 15 after 15:00: presented Tue 16, due Wed 17
    very_late = received(1)  # Mon 1: by Tue 2, eleven business days late today
    routed = received(1)
    secretaria = SecretariaFactory()
    escrito_turn(escrito_id=routed.pk, user=turnador, routes=[Route(secretaria)])
    with time_machine.travel(at(17, 10), tick=False):
        assert routing_due(after_hours) == date(2026, 6, 17)
        report = overdue_report()
        assert [(u.escrito.pk, u.due, u.days_late) for u in report.unrouted] == [
            (very_late.pk, date(2026, 6, 2), 11),
            (late.pk, date(2026, 6, 16), 1),
        ]
        assert on_time.pk not in {u.escrito.pk for u in report.unrouted}
        # And the routed one is the secretaría's: its 10-day term ended Mon 15.
        assert overdue_count() == 3


def test_the_term_is_a_setting(settings):
    settings.ROUTING_TERM_BUSINESS_DAYS = 3
    received(12)  # Fri 12: by Wed 17: not late today
    with time_machine.travel(at(17, 10), tick=False):
        assert overdue_report().unrouted == []
        assert overdue_count() == 0


def test_the_contraloria_sees_them_on_its_desk(settings):
    received(1)
    carla = UserFactory(username="carla.contraloria", roles=["contraloria"])
    client = Client()
    client.force_login(carla)
    with time_machine.travel(at(17, 10), tick=False):
        page = client.get(reverse("contraloria_vencidos")).content.decode()
        desk = client.get(reverse("contraloria_inicio")).content.decode()
    assert 'data-testid="sin-turnar"' in page
    assert "Escritos sin turnar fuera de plazo" in page
    assert "11 días hábiles" in page
    assert 'data-testid="sin-vencidos"' not in page
    assert 'data-testid="vencidos-total">1 ' in desk
