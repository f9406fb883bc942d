"""Prórroga: once per turno, before its term ends, with a reason and a number of business days
up to a share of the original term (LFPA art. 31: half), notified to the petitioner and shown
in the due date's explainer.

    Octubre 2026: filed Mon 5 Oct, 10 business days, due Mon 19 Oct.
"""

from datetime import date

import pytest
from django.core import mail

from correspondencia.models import Transicion
from tests.factories import file_escrito, turno_prevent_notified
from turnos.models import Turno
from turnos.plazos import turno_due
from turnos.services import (
    ActionError,
    Route,
    escrito_turn,
    prevencion_answer,
    turno_accept,
    turno_extend,
)

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def turno(time_machine, turnador, obras, titular_obras, settings):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10
    time_machine.move_to(local(date(2026, 10, 5)), tick=False)
    escrito = file_escrito(email="jose@example.com", queue_acuse=False).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    mail.outbox.clear()
    return turno


def test_a_prorroga_moves_the_due_date_and_the_petitioner_is_told(
    turno, time_machine, titular_obras, django_capture_on_commit_callbacks
):
    time_machine.move_to(local(date(2026, 10, 16)), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        turno_extend(turno_id=turno.pk, user=titular_obras, days=5, reason="Se requiere peritaje.")
    fresh = Turno.objects.get(pk=turno.pk)
    # Mon 19 + 5: Tue 20 .. Fri 23, Mon 26.
    assert fresh.due_date == date(2026, 10, 26)
    due = turno_due(fresh)
    assert due.due == date(2026, 10, 26)
    assert (due.extended_by, due.extension_reason) == (5, "Se requiere peritaje.")
    (notice,) = mail.outbox
    assert "responderá a más tardar el 26/10/2026" in notice.body
    step = Transicion.objects.get(escrito=turno.escrito, turno_id=None, action="prorrogar")
    assert step.public and step.reason == "Se requiere peritaje."


def test_only_once(turno, time_machine, titular_obras):
    time_machine.move_to(local(date(2026, 10, 6)), tick=False)
    turno_extend(turno_id=turno.pk, user=titular_obras, days=2, reason="Peritaje")
    with pytest.raises(ActionError, match="una sola vez"):
        turno_extend(turno_id=turno.pk, user=titular_obras, days=2, reason="Otra vez")


def test_not_after_the_term_ended(turno, time_machine, titular_obras):
    time_machine.move_to(local(date(2026, 10, 20)), tick=False)
    with pytest.raises(ActionError, match="terminó el 19/10/2026"):
        turno_extend(turno_id=turno.pk, user=titular_obras, days=2, reason="Tarde")


def test_at_most_half_the_original_term_and_with_a_reason(
    turno, time_machine, titular_obras, settings
):
    time_machine.move_to(local(date(2026, 10, 6)), tick=False)
    with pytest.raises(ActionError, match="de 1 a 5 días hábiles"):
        turno_extend(turno_id=turno.pk, user=titular_obras, days=6, reason="Mucho")
    with pytest.raises(ActionError, match="motivo"):
        turno_extend(turno_id=turno.pk, user=titular_obras, days=2, reason="  ")
    settings.EXTENSION_MAX_PERCENT = 100
    turno_extend(turno_id=turno.pk, user=titular_obras, days=10, reason="Obra mayor")
    assert Turno.objects.get(pk=turno.pk).due_date == date(2026, 11, 2)


def test_a_prevencion_after_a_prorroga_keeps_it(turno, time_machine, titular_obras):
    time_machine.move_to(local(date(2026, 10, 6)), tick=False)
    turno_extend(turno_id=turno.pk, user=titular_obras, days=3, reason="Peritaje")
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    time_machine.move_to(local(date(2026, 10, 8)), tick=False)
    prevencion_answer(escrito_id=turno.escrito_id, texto="Anexo", files=[])
    # 13 days from Mon 5 with Wed 7 and Thu 8 paused (notified Tue 6, answered Thu 8): Mon 26.
    assert Turno.objects.get(pk=turno.pk).due_date == date(2026, 10, 26)


def test_not_while_a_prevencion_stops_the_clock(turno, time_machine, titular_obras):
    time_machine.move_to(local(date(2026, 10, 6)), tick=False)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    with pytest.raises(ActionError, match="suspendido por una prevención"):
        turno_extend(turno_id=turno.pk, user=titular_obras, days=1, reason="x")


def test_the_turno_page_grants_it_and_the_explainer_shows_it(turno, time_machine, titular_obras):
    from django.test import Client
    from django.urls import reverse

    time_machine.move_to(local(date(2026, 10, 9)), tick=False)
    client = Client()
    client.force_login(titular_obras)
    url = reverse("turno_accion", args=[turno.pk, "prorrogar"])
    client.post(url, {"prorroga-days": "2", "prorroga-reason": "Visita de campo"})
    page = client.get(reverse("turno_detalle", args=[turno.pk])).content.decode()
    assert 'data-testid="prorroga"' in page
    assert "Incluye una prórroga de 2 días hábiles: Visita de campo" in page
    assert "Ya se prorrogó 2 días hábiles" in page
