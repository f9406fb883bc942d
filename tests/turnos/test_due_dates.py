"""Due dates through the services: routing, hand-fixed dates, the calendar and prevenciones.

    Octubre 2026
    lu ma mi ju vi sá do
              1  2  3  4
     5  6  7  8  9 10 11
    12 13 14 15 16 17 18
    19 20 21 22 23 24 25
    26 27 28 29 30 31

An escrito received Mon 5 Oct with 10 business days: Tue 6 (1), Wed 7 (2), Thu 8 (3),
Fri 9 (4), Mon 12 (5), Tue 13 (6), Wed 14 (7), Thu 15 (8), Fri 16 (9), Mon 19 (10).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time

import pytest
from django.db import connection, transaction

from correspondencia.models import Escrito, EscritoState, Transicion
from oficialia.models import DiaInhabil
from tests.conftest import wait_for
from tests.factories import TramiteFactory, turno_prevent_notified
from turnos.models import Turno, TurnoKind, TurnoState
from turnos.plazos import turno_due
from turnos.services import (
    ActionError,
    Route,
    escrito_turn,
    prevencion_answer,
    turno_accept,
    turno_answer,
)

from .conftest import local

pytestmark = pytest.mark.django_db

MONDAY_5_OCT = date(2026, 10, 5)
DUE_19_OCT = date(2026, 10, 19)


@pytest.fixture(autouse=True)
def _ten_days_by_default(settings):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 10


def recalculations(turno: Turno):
    return Transicion.objects.filter(turno_id=turno.pk, action="recalcular").order_by("at", "pk")


def refreshed(turno: Turno) -> Turno:
    return Turno.objects.get(pk=turno.pk)


# Routing -------------------------------------------------------------------------------------


def test_routing_gives_the_default_term_when_the_escrito_has_no_tramite(turn):
    turno = turn(local(MONDAY_5_OCT))
    assert turno.term_days == 10
    assert turno.due_date == DUE_19_OCT
    assert turno.due_date_reason == ""
    step = Transicion.objects.get(escrito=turno.escrito, turno_id=None, action="turnar")
    assert step.description.endswith("; fecha límite 19/10/2026")


def test_the_default_term_comes_from_the_settings(turn, settings):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 5
    # Mon 5 Oct + 5: Tue 6, Wed 7, Thu 8, Fri 9, [Sat 10, Sun 11], Mon 12.
    turno = turn(local(MONDAY_5_OCT))
    assert (turno.term_days, turno.due_date) == (5, date(2026, 10, 12))


def test_routing_gives_the_tramites_term(turn):
    tramite = TramiteFactory(plazo_dias_habiles=3)
    # Mon 5 Oct + 3: Tue 6, Wed 7, Thu 8.
    turno = turn(local(MONDAY_5_OCT), tramite=tramite)
    assert (turno.term_days, turno.due_date) == (3, date(2026, 10, 8))


def test_every_turno_para_atencion_gets_the_same_due_date_and_a_copy_gets_none(
    receive, turnador, obras, agua
):
    # A 15-day trámite received Fri 11 Sep: Mon 14 (1), Tue 15 (2), [Wed 16 Independencia],
    # Thu 17 (3), Fri 18 (4), Mon 21 (5) .. Fri 25 (9), Mon 28 (10), Tue 29 (11), Wed 30 (12),
    # Thu 1 Oct (13), Fri 2 (14), Mon 5 (15).
    escrito = receive(local(date(2026, 9, 11)), tramite=TramiteFactory(plazo_dias_habiles=15))
    atencion, copia = escrito_turn(
        escrito_id=escrito.pk,
        user=turnador,
        routes=[Route(obras), Route(agua, kind=TurnoKind.CONOCIMIENTO)],
    )
    assert atencion.due_date == date(2026, 10, 5)
    assert copia.due_date is None
    assert atencion.term_days == copia.term_days == 15


def test_the_reception_date_is_taken_in_mexico_city_time(turn, settings):
    settings.DEFAULT_TERM_BUSINESS_DAYS = 1
    settings.OFFICE_HOURS = (time(9), time(15))
    # Mon 5 Oct at 14:30 in Mexico City is 20:30 UTC: before closing time in Mexico City, so
    # presented Monday and due Tue 6; read as UTC it would be after hours and due Wed 7.
    turno = turn(local(MONDAY_5_OCT, 14, 30))
    assert turno.due_date == date(2026, 10, 6)


def test_changing_the_computed_due_date_needs_a_reason(receive, turnador, obras):
    escrito = receive(local(MONDAY_5_OCT))
    with pytest.raises(ActionError, match="escriba el motivo"):
        escrito_turn(
            escrito_id=escrito.pk,
            user=turnador,
            routes=[Route(obras)],
            due_date=date(2026, 10, 30),
            due_date_reason="   ",
        )
    assert not Turno.objects.exists()
    assert Escrito.objects.get(pk=escrito.pk).state == EscritoState.RECIBIDO


def test_a_due_date_fixed_by_hand_keeps_its_reason(turn):
    turno = turn(local(MONDAY_5_OCT), due_date=date(2026, 10, 30), reason=" Acuerdo de cabildo ")
    assert turno.due_date == date(2026, 10, 30)
    assert turno.due_date_reason == "Acuerdo de cabildo"
    step = Transicion.objects.get(escrito=turno.escrito, turno_id=None, action="turnar")
    assert "fecha límite 30/10/2026 (fijada a mano: Acuerdo de cabildo)" in step.description


def test_choosing_the_computed_date_is_not_a_change(turn):
    turno = turn(local(MONDAY_5_OCT), due_date=DUE_19_OCT, reason="")
    assert (turno.due_date, turno.due_date_reason) == (DUE_19_OCT, "")


def test_a_due_date_before_the_reception_is_refused(receive, turnador, obras):
    escrito = receive(local(MONDAY_5_OCT))
    with pytest.raises(ActionError, match="anterior a la fecha legal de presentación"):
        escrito_turn(
            escrito_id=escrito.pk,
            user=turnador,
            routes=[Route(obras)],
            due_date=date(2026, 10, 2),
            due_date_reason="Error de captura",
        )


# The calendar changes ------------------------------------------------------------------------


def test_a_dia_inhabil_inside_the_term_moves_the_due_date(turn, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT))
    with django_capture_on_commit_callbacks(execute=True):
        feria = DiaInhabil.objects.create(
            start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="Feria de San Lucas"
        )
    # Tue 13 no longer counts: the 10th business day is Tue 20.
    assert refreshed(turno).due_date == date(2026, 10, 20)
    (step,) = recalculations(turno)
    assert step.reason == "Día inhábil agregado: 13/10/2026: Feria de San Lucas"
    assert step.description == "Fecha límite recalculada: del 19/10/2026 al 20/10/2026"
    assert step.secretaria_id == turno.secretaria_id

    with django_capture_on_commit_callbacks(execute=True):
        feria.delete()
    assert refreshed(turno).due_date == DUE_19_OCT
    back = recalculations(turno).last()
    assert back.reason == "Día inhábil eliminado: 13/10/2026: Feria de San Lucas"
    assert back.description == "Fecha límite recalculada: del 20/10/2026 al 19/10/2026"


def test_widening_a_dia_inhabil_moves_the_due_date_again(turn, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT))
    with django_capture_on_commit_callbacks(execute=True):
        feria = DiaInhabil.objects.create(
            start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="Feria"
        )
    with django_capture_on_commit_callbacks(execute=True):
        feria.end = date(2026, 10, 14)
        feria.save()
    # Tue 13 and Wed 14 do not count: Tue 20 (9), Wed 21 (10).
    assert refreshed(turno).due_date == date(2026, 10, 21)
    assert (
        recalculations(turno).last().reason
        == "Día inhábil modificado: 13/10/2026 a 14/10/2026: Feria"
    )

    with django_capture_on_commit_callbacks(execute=True):
        feria.start = feria.end = date(2026, 10, 26)  # moved out of the term
        feria.save()
    assert refreshed(turno).due_date == DUE_19_OCT


def test_a_dia_inhabil_after_the_due_date_changes_nothing(turn, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT))
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(start=date(2026, 10, 20), end=date(2026, 10, 23), descripcion="X")
    assert refreshed(turno).due_date == DUE_19_OCT
    assert not recalculations(turno).exists()


def test_the_recomputation_waits_for_the_commit(turn, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT))
    with django_capture_on_commit_callbacks() as callbacks:
        DiaInhabil.objects.create(start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="X")
    assert refreshed(turno).due_date == DUE_19_OCT
    assert len(callbacks) == 1
    callbacks[0]()
    assert refreshed(turno).due_date == date(2026, 10, 20)


@pytest.mark.django_db(transaction=True)
def test_publishing_a_dia_inhabil_moves_the_due_date_once_it_is_committed(turn):
    # As when saved from the admin: the recomputation runs after the commit.
    turno = turn(local(MONDAY_5_OCT))
    feria = DiaInhabil.objects.create(
        start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="Feria"
    )
    assert refreshed(turno).due_date == date(2026, 10, 20)
    feria.delete()
    assert refreshed(turno).due_date == DUE_19_OCT
    assert [t.reason.split(":")[0] for t in recalculations(turno)] == [
        "Día inhábil agregado",
        "Día inhábil eliminado",
    ]


def test_a_due_date_fixed_by_hand_is_not_recomputed(turn, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT), due_date=date(2026, 10, 23), reason="Acuerdo de cabildo")
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="X")
    assert refreshed(turno).due_date == date(2026, 10, 23)
    assert not recalculations(turno).exists()


def test_an_answered_turno_is_not_touched(turn, titular_obras, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT))
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_answer(turno_id=turno.pk, user=titular_obras, texto="Se atendió.", sense="positiva")
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="X")
    turno = refreshed(turno)
    assert turno.state == TurnoState.RESPONDIDO
    assert turno.due_date == DUE_19_OCT
    assert not recalculations(turno).exists()


def test_the_due_date_explains_itself(turn, django_capture_on_commit_callbacks):
    turno = turn(local(MONDAY_5_OCT))
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(
            start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="Feria"
        )
    explained = turno_due(refreshed(turno))
    assert explained.due == refreshed(turno).due_date == date(2026, 10, 20)
    assert [(s.day.day, s.reason) for s in explained.skipped] == [
        (10, "Sábado"),
        (11, "Domingo"),
        (13, "Día inhábil: Feria"),
        (17, "Sábado"),
        (18, "Domingo"),
    ]


# Prevención ----------------------------------------------------------------------------------


def prevent_and_answer(turno, titular, time_machine, *, prevented, answered):
    time_machine.move_to(prevented, tick=False)
    turno_accept(turno_id=turno.pk, user=titular)
    turno_prevent_notified(
        turno_id=turno.pk, user=titular, texto="Anexe su identificación oficial."
    )
    assert refreshed(turno).state == TurnoState.PREVENCION
    assert turno_due(refreshed(turno)).suspended
    time_machine.move_to(answered, tick=False)
    prevencion_answer(escrito_id=turno.escrito_id, texto="Anexo mi INE.", files=[])
    return refreshed(turno)


def test_a_prevencion_moves_the_due_date_by_the_business_days_it_lasted(
    turn, titular_obras, time_machine
):
    turno = turn(local(MONDAY_5_OCT))
    # Issued Thu 8 Oct, answered Tue 13 Oct: Fri 9, Mon 12, Tue 13 paused (3 days).
    # Due Mon 19 + 3: Tue 20, Wed 21, Thu 22.
    turno = prevent_and_answer(
        turno,
        titular_obras,
        time_machine,
        prevented=local(date(2026, 10, 8), 12),
        answered=local(date(2026, 10, 13), 17),
    )
    assert turno.state == TurnoState.EN_ATENCION
    assert turno.due_date == date(2026, 10, 22)
    assert turno.escrito.state == EscritoState.EN_ATENCION
    step = Transicion.objects.get(turno_id=turno.pk, action="desahogar")
    assert step.description.endswith("nueva fecha límite 22/10/2026")


def test_a_prevencion_answered_in_the_evening_counts_in_mexico_city_time(
    turn, titular_obras, time_machine
):
    turno = turn(local(MONDAY_5_OCT))
    # Answered Mon 12 Oct at 21:00 local (Tue 13 in UTC): Fri 9 and Mon 12 paused (2 days).
    # Due Mon 19 + 2: Tue 20, Wed 21.
    turno = prevent_and_answer(
        turno,
        titular_obras,
        time_machine,
        prevented=local(date(2026, 10, 8), 12),
        answered=local(date(2026, 10, 12), 21),
    )
    assert turno.due_date == date(2026, 10, 21)


def test_a_prevencion_moves_a_due_date_fixed_by_hand_too(turn, titular_obras, time_machine):
    turno = turn(local(MONDAY_5_OCT), due_date=date(2026, 10, 23), reason="Acuerdo de cabildo")
    # The same 3 paused days (Fri 9, Mon 12, Tue 13): Fri 23 + 3 -> Mon 26, Tue 27, Wed 28.
    turno = prevent_and_answer(
        turno,
        titular_obras,
        time_machine,
        prevented=local(date(2026, 10, 8), 12),
        answered=local(date(2026, 10, 13), 17),
    )
    assert turno.due_date == date(2026, 10, 28)
    assert turno.due_date_reason == "Acuerdo de cabildo"


def test_a_dia_inhabil_published_during_a_prevencion_counts_when_it_is_answered(
    turn, titular_obras, time_machine, django_capture_on_commit_callbacks
):
    turno = turn(local(MONDAY_5_OCT))
    time_machine.move_to(local(date(2026, 10, 8), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Anexe el croquis.")
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(
            start=date(2026, 10, 16), end=date(2026, 10, 16), descripcion="Feria"
        )
    # Suspended: nothing to recompute while the prevención is open.
    assert refreshed(turno).due_date == DUE_19_OCT
    assert not recalculations(turno).exists()
    time_machine.move_to(local(date(2026, 10, 13), 17), tick=False)
    prevencion_answer(escrito_id=turno.escrito_id, texto="Anexo el croquis.", files=[])
    # Tue 6 (1), Wed 7 (2), Thu 8 (3), [Fri 9 .. Tue 13 paused], Wed 14 (4), Thu 15 (5),
    # [Fri 16 Feria, Sat 17, Sun 18], Mon 19 (6), Tue 20 (7), Wed 21 (8), Thu 22 (9), Fri 23 (10).
    assert refreshed(turno).due_date == date(2026, 10, 23)


# Concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_recomputation_waits_for_a_service_holding_the_escrito_instead_of_deadlocking(
    postgres, turn
):
    """The services lock the escrito, then the turno. A recomputation that locked the turno
    first and then needed the escrito (its Transicion references it) would deadlock with a
    service caught between its two locks."""
    turno = turn(local(MONDAY_5_OCT))
    service_holds_escrito = threading.Event()
    recomputation_waits = threading.Event()

    def service():
        try:
            with transaction.atomic():
                Escrito.objects.select_for_update().get(pk=turno.escrito_id)
                service_holds_escrito.set()
                assert recomputation_waits.wait(10)
                Turno.objects.select_for_update().get(pk=turno.pk)
            return "ok"
        finally:
            connection.close()

    def publish():
        try:
            assert service_holds_escrito.wait(10)
            DiaInhabil.objects.create(  # autocommit: recomputes right away
                start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="Feria"
            )
            return "ok"
        finally:
            connection.close()

    def someone_waits_for_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    with ThreadPoolExecutor(max_workers=2) as pool:
        service_result = pool.submit(service)
        publish_result = pool.submit(publish)
        wait_for(someone_waits_for_a_lock, timeout=10, message="the recomputation never waited")
        recomputation_waits.set()
        assert service_result.result(timeout=30) == "ok"
        assert publish_result.result(timeout=30) == "ok"
    assert refreshed(turno).due_date == date(2026, 10, 20)


def test_a_prevencion_shows_suspendido_only_once_it_is_notified(
    turn, titular_obras, time_machine
):
    from turnos.plazos import Light, Thresholds, with_clock
    from turnos.services import turno_accept, turno_prevent

    turno = turn(local(date(2026, 10, 5), 10))  # due Mon 19 Oct
    time_machine.move_to(local(date(2026, 10, 7), 12), tick=False)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    prevencion = turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Anexe el croquis.")
    # Waiting for its notification the clock runs: on Tue 20 the turno is overdue (in every
    # bandeja and in the contraloría's report, which share this filter).
    time_machine.move_to(local(date(2026, 10, 20), 9), tick=False)
    thresholds = Thresholds.now()
    assert thresholds.light(Turno.objects.get(pk=turno.pk)) == Light.OVERDUE
    assert list(Turno.objects.filter(thresholds.filter(Light.OVERDUE))) == [turno]
    assert not Turno.objects.filter(thresholds.filter(Light.PAUSED)).exists()
    # Made known, the clock stands still.
    prevencion.notified_at = local(date(2026, 10, 8), 9)
    prevencion.save(update_fields=["notified_at"])
    assert thresholds.light(with_clock(Turno.objects.all()).get(pk=turno.pk)) == Light.PAUSED
    assert list(Turno.objects.filter(thresholds.filter(Light.PAUSED))) == [turno]
    assert not Turno.objects.filter(thresholds.filter(Light.OVERDUE)).exists()
