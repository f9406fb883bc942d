"""Prevención as LFPA art. 17-A has it, each figure a setting: once per turno, only in the
first third of the term, a deadline for the petitioner from its notification (5 business
days), a reminder one business day before, the clock stopped from the notification to the
answer, and, unanswered, an acuerdo that has it for not presented, itself notified.

    Octubre 2026
    lu ma mi ju vi sá do
              1  2  3  4
     5  6  7  8  9 10 11     Filed Mon 5 Oct 10:00, 10 business days: due Mon 19 Oct.
    12 13 14 15 16 17 18     First third: 10 // 3 = 3 business days, until Thu 8 Oct.
    19 20 21 22 23 24 25
"""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from contraloria.selectors import overdue_count, overdue_report
from correspondencia.models import EscritoState
from tests.factories import file_escrito, turno_prevent_notified
from turnos.models import Turno, TurnoState
from turnos.plazos import turno_due
from turnos.selectors import expired_preventions_of, public_status
from turnos.services import (
    ActionError,
    Route,
    escrito_turn,
    prevencion_answer,
    reminders_send,
    turno_accept,
    turno_answer,
    turno_not_presented,
)

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _terms(settings):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10


@pytest.fixture
def filed(time_machine, turnador, obras, titular_obras):
    """Filed Mon 5 Oct with an email address, routed and accepted the same day."""
    time_machine.move_to(local(date(2026, 10, 5)), tick=False)
    result = file_escrito(email="jose@example.com", queue_acuse=False)
    (turno,) = escrito_turn(escrito_id=result.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    mail.outbox.clear()
    return result, turno


def at(time_machine, day: int, hour: int = 10) -> None:
    time_machine.move_to(local(date(2026, 10, day), hour), tick=False)


def fresh(turno) -> Turno:
    return Turno.objects.get(pk=turno.pk)


def test_after_the_first_third_the_prevencion_is_refused_saying_why(
    filed, time_machine, titular_obras
):
    _, turno = filed
    at(time_machine, 9)
    with pytest.raises(ActionError) as error:
        turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    assert "primer tercio del plazo, que terminó el 08/10/2026" in str(error.value)
    assert fresh(turno).state == TurnoState.ACEPTADO


def test_the_window_is_a_setting(filed, time_machine, titular_obras, settings):
    _, turno = filed
    settings.PREVENTION_WINDOW_DIVISOR = 2  # the first half: 5 days, until Mon 12
    at(time_machine, 12)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    assert fresh(turno).state == TurnoState.PREVENCION


def test_a_turno_is_prevented_only_once(filed, time_machine, titular_obras):
    result, turno = filed
    at(time_machine, 6)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    at(time_machine, 7)
    prevencion_answer(escrito_id=result.escrito.pk, texto="Anexo el plano", files=[])
    with pytest.raises(ActionError, match="una sola vez"):
        turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Y la escritura")


def test_the_clock_stops_from_the_notification_and_resumes_the_next_business_day(
    filed, time_machine, titular_obras
):
    result, turno = filed
    at(time_machine, 7, 13)
    prevencion = turno_prevent_notified(
        turno_id=turno.pk, user=titular_obras, texto="Falta el plano"
    )
    # Notified Wed 7: the petitioner has Thu 8, Fri 9, Mon 12, Tue 13, Wed 14.
    assert prevencion.deadline == date(2026, 10, 14)
    assert turno_due(fresh(turno)).suspended
    at(time_machine, 13, 18)
    prevencion_answer(escrito_id=result.escrito.pk, texto="Anexo el plano", files=[])
    # Thu 8 .. Tue 13 do not count (4 business days): Mon 19 + 4 = Fri 23; the clock runs
    # again on Wed 14.
    turno = fresh(turno)
    assert turno.due_date == date(2026, 10, 23)
    explained = {s.day: s.reason for s in turno_due(turno).skipped}
    assert explained[date(2026, 10, 8)] == "Prevención del 07/10/2026 (plazo suspendido)"
    assert explained[date(2026, 10, 13)] == "Prevención del 07/10/2026 (plazo suspendido)"
    assert date(2026, 10, 14) not in explained


def test_the_deadline_is_on_the_consulta_in_the_account_and_in_the_notice(
    filed, time_machine, titular_obras, settings, django_capture_on_commit_callbacks
):
    settings.PREVENTION_ANSWER_DAYS = 3  # a state with 3 days: Thu 8, Fri 9, Mon 12
    result, turno = filed
    at(time_machine, 7)
    with django_capture_on_commit_callbacks(execute=True):
        turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    (notice,) = mail.outbox
    # The email announces it; the days count from its notification (here, the opening).
    assert "Tiene 3 días hábiles para responder, contados desde que se le notifica" in notice.body
    client = Client()
    page = client.post(
        reverse("consulta"), {"folio": result.escrito.folio, "codigo": result.access_code}
    ).content.decode()
    assert 'data-testid="prevencion-plazo"' in page
    assert "lunes 12 de octubre de 2026" in page
    assert "se tendrá por no presentado" in page


def test_the_petitioner_is_reminded_one_business_day_before_once(
    filed, time_machine, titular_obras, django_capture_on_commit_callbacks
):
    _, turno = filed
    at(time_machine, 7)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2026, 10, 12)) == 0
        assert reminders_send(today=date(2026, 10, 13)) == 1  # deadline Wed 14
        assert reminders_send(today=date(2026, 10, 13)) == 0
    (reminder,) = [m for m in mail.outbox if "jose@example.com" in m.to]
    assert (
        "Recordatorio: el plazo para responder la prevención vence el 14/10/2026" in reminder.body
    )


def test_the_account_cannot_switch_off_a_prevencion_notice(filed, time_machine, titular_obras):
    from cuentas.selectors import email_notice_wanted

    result, _ = filed
    assert email_notice_wanted(escrito_id=result.escrito.pk, state=EscritoState.PREVENIDO)
    assert email_notice_wanted(escrito_id=result.escrito.pk, state=EscritoState.NO_PRESENTADO)


def test_past_the_deadline_it_cannot_be_answered_and_is_listed_as_vencida(
    filed, time_machine, titular_obras, enlace_obras, titular_agua
):
    result, turno = filed
    at(time_machine, 7)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    at(time_machine, 14, 14)
    assert list(expired_preventions_of(titular_obras, today=date(2026, 10, 14))) == []
    at(time_machine, 15, 9)
    with pytest.raises(ActionError, match="venció el 14/10/2026"):
        prevencion_answer(escrito_id=result.escrito.pk, texto="Tarde", files=[])
    (vencida,) = expired_preventions_of(enlace_obras, today=date(2026, 10, 15))
    assert vencida.turno_id == turno.pk
    assert list(expired_preventions_of(titular_agua, today=date(2026, 10, 15))) == []
    assert [p.turno_id for p in overdue_report().expired_preventions] == [turno.pk]
    assert overdue_count() == 1
    status = public_status(result.escrito)
    assert status.open_prevenciones[0].expired and not status.can_answer_prevencion
    # The secretaría hears of it once, in the morning run.
    assert reminders_send(today=date(2026, 10, 15)) == 1
    assert reminders_send(today=date(2026, 10, 15)) == 0
    # The page lists it with a link to the acuerdo.
    client = Client()
    client.force_login(enlace_obras)
    page = client.get(reverse("prevenciones_vencidas")).content.decode()
    assert result.escrito.folio in page and "14/10/2026" in page
    detail = client.get(reverse("turno_detalle", args=[turno.pk])).content.decode()
    assert 'data-testid="prevencion-vencida"' in detail


def test_the_acuerdo_closes_the_turno_and_the_escrito_and_is_notified(
    filed, time_machine, titular_obras, django_capture_on_commit_callbacks
):
    result, turno = filed
    at(time_machine, 7)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    at(time_machine, 14)
    with pytest.raises(ActionError, match="vence el 14/10/2026"):
        turno_not_presented(
            turno_id=turno.pk, user=titular_obras, texto="Se tiene por no presentado."
        )
    at(time_machine, 16)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        turno_not_presented(
            turno_id=turno.pk,
            user=titular_obras,
            texto="Con fundamento en el art. 17-A, se tiene por no presentado el escrito.",
        )
    assert fresh(turno).state == TurnoState.NO_PRESENTADO
    escrito = result.escrito.__class__.objects.get(pk=result.escrito.pk)
    assert escrito.state == EscritoState.NO_PRESENTADO
    (notice,) = mail.outbox
    assert "Tenido por no presentado" in notice.subject
    status = public_status(escrito)
    assert status.acuerdos[0].acuerdo_texto.startswith("Con fundamento")
    assert not status.open_prevenciones
    # Nothing is owed any more: not overdue, not in the list.
    assert overdue_count() == 0
    with pytest.raises(ActionError):
        turno_answer(turno_id=turno.pk, user=titular_obras, texto="x", sense="positiva")


def test_with_another_secretaria_still_working_the_escrito_goes_on(
    time_machine, turnador, obras, agua, titular_obras, titular_agua
):
    time_machine.move_to(local(date(2026, 10, 5)), tick=False)
    escrito = file_escrito(queue_acuse=False).escrito
    sop, sap = escrito_turn(
        escrito_id=escrito.pk, user=turnador, routes=[Route(obras), Route(agua)]
    )
    turno_accept(turno_id=sop.pk, user=titular_obras)
    turno_accept(turno_id=sap.pk, user=titular_agua)
    at(time_machine, 6)
    turno_prevent_notified(turno_id=sop.pk, user=titular_obras, texto="Falta el plano")
    at(time_machine, 15)
    turno_not_presented(turno_id=sop.pk, user=titular_obras, texto="No presentado ante Obras.")
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.EN_ATENCION
    turno_answer(turno_id=sap.pk, user=titular_agua, texto="Atendido", sense="positiva")
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.RESPONDIDO
