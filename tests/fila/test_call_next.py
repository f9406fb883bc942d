"""The módulo's console: who is called next, one person at a time, pause, call again,
finish, transfer; and "call next" from many módulos at the same instant on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fila import selectors
from fila.models import Ficha, FichaOrigin, FichaState, Llamado
from fila.services import (
    ActionError,
    cita_book,
    cita_check_in,
    ficha_call_again,
    ficha_call_next,
    ficha_issue,
    ficha_mark_absent,
    ficha_mark_attended,
    ficha_transfer,
    modulo_pause,
    modulo_resume,
)
from tests.correspondencia.test_concurrency import run_in_threads

from .conftest import TUESDAY, at, local


def walk_in(servicio, hour: int, minute: int = 0) -> Ficha:
    with at(local(TUESDAY, hour, minute)):
        return ficha_issue(servicio_id=servicio.pk)


def with_appointment(servicio, hour: int, minute: int, *, arrives: tuple[int, int]) -> Ficha:
    from fila.models import HorarioCitas

    HorarioCitas.objects.get_or_create(
        modulo=servicio.secretaria.modulos.first(),
        dia_semana=TUESDAY.weekday(),
        hora_inicio="08:00",
        hora_fin="15:00",
        duracion_minutos=30,
        capacidad=2,
    )
    with at(local(TUESDAY.replace(day=9), 12)):
        cita = cita_book(
            servicio_id=servicio.pk, inicio=local(TUESDAY, hour, minute), nombre="Rosa Salgado"
        )
    with at(local(TUESDAY, *arrives)):
        return cita_check_in(codigo=cita.codigo)


def call(modulo, user, hour: int, minute: int = 0) -> Ficha | None:
    with at(local(TUESDAY, hour, minute)):
        return ficha_call_next(modulo_id=modulo.pk, user=user)


def finish(modulo, user, hour: int, minute: int = 0) -> Ficha:
    with at(local(TUESDAY, hour, minute)):
        return ficha_mark_attended(modulo_id=modulo.pk, user=user)


@pytest.mark.django_db
def test_walk_ins_are_called_by_arrival(licencias, pagos, ventanilla_1, enlace_obras):
    first = walk_in(pagos, 9, 0)
    second = walk_in(licencias, 9, 5)
    third = walk_in(pagos, 9, 7)
    called = []
    for minute in (10, 20, 30):
        called.append(call(ventanilla_1, enlace_obras, 9, minute))
        finish(ventanilla_1, enlace_obras, 9, minute + 5)
    assert called == [first, second, third]
    assert call(ventanilla_1, enlace_obras, 9, 40) is None


@pytest.mark.django_db
def test_an_appointment_is_called_ahead_of_walk_ins_from_its_time_on(
    licencias, ventanilla_1, enlace_obras
):
    early_walk_in = walk_in(licencias, 9, 0)
    cita = with_appointment(licencias, 10, 0, arrives=(9, 30))
    later_walk_in = walk_in(licencias, 9, 45)
    assert cita.origen == FichaOrigin.CITA
    assert cita.preferente_desde == local(TUESDAY, 10)

    # 9:50: the appointment's time has not come; walk-ins go first.
    assert call(ventanilla_1, enlace_obras, 9, 50) == early_walk_in
    finish(ventanilla_1, enlace_obras, 9, 58)
    # 10:00: the appointment goes ahead of the walk-in who arrived before it.
    assert call(ventanilla_1, enlace_obras, 10, 0) == cita
    finish(ventanilla_1, enlace_obras, 10, 10)
    assert call(ventanilla_1, enlace_obras, 10, 11) == later_walk_in


@pytest.mark.django_db
def test_an_early_appointment_is_called_when_nobody_else_waits(
    licencias, ventanilla_1, enlace_obras
):
    cita = with_appointment(licencias, 11, 0, arrives=(10, 0))
    assert call(ventanilla_1, enlace_obras, 10, 5) == cita


@pytest.mark.django_db
def test_the_queue_shows_the_order_in_which_fichas_will_be_called(
    licencias, ventanilla_1, enlace_obras
):
    a = walk_in(licencias, 9, 0)
    cita = with_appointment(licencias, 9, 30, arrives=(9, 10))
    b = walk_in(licencias, 9, 20)
    order = lambda h, m: list(  # noqa: E731
        selectors.waiting_queue(secretaria_id=licencias.secretaria_id, now=local(TUESDAY, h, m))
    )
    assert order(9, 25) == [a, b, cita]
    assert order(9, 30) == [cita, a, b]
    status = selectors.ficha_status(b, now=local(TUESDAY, 9, 30))
    assert status.ahead == 2


@pytest.mark.django_db
def test_a_modulo_attends_one_person_at_a_time(licencias, ventanilla_1, enlace_obras):
    walk_in(licencias, 9, 0)
    walk_in(licencias, 9, 1)
    current = call(ventanilla_1, enlace_obras, 9, 5)
    with pytest.raises(ActionError, match=f"La ficha {current.codigo} sigue en el módulo"):
        call(ventanilla_1, enlace_obras, 9, 6)
    assert Ficha.objects.filter(estado=FichaState.LLAMADA).count() == 1


@pytest.mark.django_db
def test_a_paused_modulo_calls_nobody_until_it_resumes(licencias, ventanilla_1, enlace_obras):
    waiting = walk_in(licencias, 9, 0)
    modulo_pause(modulo_id=ventanilla_1.pk, user=enlace_obras)
    with pytest.raises(ActionError, match="en pausa"):
        call(ventanilla_1, enlace_obras, 9, 5)
    waiting.refresh_from_db()
    assert waiting.estado == FichaState.EN_ESPERA
    modulo_resume(modulo_id=ventanilla_1.pk, user=enlace_obras)
    assert call(ventanilla_1, enlace_obras, 9, 6) == waiting


@pytest.mark.django_db
def test_calling_again_puts_the_ficha_back_on_top_of_the_board(
    obras, licencias, ventanilla_1, ventanilla_2, enlace_obras, titular_obras
):
    walk_in(licencias, 9, 0)
    walk_in(licencias, 9, 1)
    first = call(ventanilla_1, enlace_obras, 9, 5)
    second = call(ventanilla_2, titular_obras, 9, 6)
    assert selectors.board(obras, now=local(TUESDAY, 9, 6))["latest"].ficha == second
    with at(local(TUESDAY, 9, 8)):
        again = ficha_call_again(modulo_id=ventanilla_1.pk, user=enlace_obras)
    assert again == first and again.llamadas == 2
    board = selectors.board(obras, now=local(TUESDAY, 9, 8))
    assert board["latest"].ficha == first and board["latest"].repeticion
    assert [llamado.ficha for llamado in board["previous"]] == [second]
    assert first.llamada_at == local(TUESDAY, 9, 5)  # the wait ended at the first call


@pytest.mark.django_db
def test_attended_and_absent_close_the_ficha_and_free_the_modulo(
    licencias, ventanilla_1, enlace_obras
):
    walk_in(licencias, 9, 0)
    walk_in(licencias, 9, 1)
    call(ventanilla_1, enlace_obras, 9, 2)
    attended = finish(ventanilla_1, enlace_obras, 9, 12)
    call(ventanilla_1, enlace_obras, 9, 13)
    with at(local(TUESDAY, 9, 16)):
        absent = ficha_mark_absent(modulo_id=ventanilla_1.pk, user=enlace_obras)
    assert attended.estado == FichaState.ATENDIDA
    assert attended.terminada_at == local(TUESDAY, 9, 12)
    assert attended.atendida_por == enlace_obras
    assert absent.estado == FichaState.NO_SE_PRESENTO
    with pytest.raises(ActionError, match="No hay una ficha llamada"):
        ficha_mark_attended(modulo_id=ventanilla_1.pk, user=enlace_obras)


@pytest.mark.django_db
def test_a_transfer_gives_a_new_ficha_in_the_other_queue_ahead_of_its_walk_ins(
    licencias, contratos, ventanilla_1, ventanilla_agua, enlace_obras, titular_agua
):
    walk_in(licencias, 9, 0)
    waiting_at_agua = walk_in(contratos, 9, 1)
    call(ventanilla_1, enlace_obras, 9, 2)
    with at(local(TUESDAY, 9, 10)):
        nueva = ficha_transfer(
            modulo_id=ventanilla_1.pk, user=enlace_obras, servicio_id=contratos.pk
        )
    assert nueva.codigo == "SAP-A002"
    assert nueva.origen == FichaOrigin.TRANSFERENCIA
    original = nueva.transferida_de
    assert original.estado == FichaState.TRANSFERIDA
    assert original.terminada_at == local(TUESDAY, 9, 10)
    assert call(ventanilla_agua, titular_agua, 9, 11) == nueva
    finish(ventanilla_agua, titular_agua, 9, 20)
    assert call(ventanilla_agua, titular_agua, 9, 21) == waiting_at_agua


@pytest.mark.django_db
def test_staff_of_another_secretaria_cannot_work_the_modulo(licencias, ventanilla_1, titular_agua):
    walk_in(licencias, 9, 0)
    for action in (ficha_call_next, modulo_pause):
        with pytest.raises(PermissionDenied):
            action(modulo_id=ventanilla_1.pk, user=titular_agua)
    assert not Llamado.objects.exists()


# On PostgreSQL, with real parallel transactions ------------------------------------------


@pytest.fixture
def modulos(obras, ventanilla_1, ventanilla_2, ventanilla_3):
    from fila.models import Modulo

    extra = [Modulo.objects.create(secretaria=obras, nombre=f"Ventanilla {n}") for n in (4, 5, 6)]
    return [ventanilla_1, ventanilla_2, ventanilla_3, *extra]


@pytest.mark.django_db(transaction=True)
def test_six_modulos_pressing_at_once_get_six_different_fichas(
    postgres, licencias, modulos, enlace_obras
):
    waiting = [ficha_issue(servicio_id=licencias.pk) for _ in range(4)]
    results = run_in_threads(
        len(modulos), lambda i: ficha_call_next(modulo_id=modulos[i].pk, user=enlace_obras)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    called = [r for r in results if r is not None]
    # Four fichas for six módulos: each ficha once, two módulos find nobody.
    assert sorted(f.pk for f in called) == sorted(f.pk for f in waiting)
    assert results.count(None) == 2
    assert Llamado.objects.count() == 4
    assert Ficha.objects.filter(estado=FichaState.LLAMADA).count() == 4
    assert len(set(Ficha.objects.values_list("modulo_id", flat=True))) == 4


@pytest.mark.django_db(transaction=True)
def test_a_busy_morning_calls_every_ficha_exactly_once(
    postgres, licencias, pagos, modulos, enlace_obras
):
    for i in range(90):
        ficha_issue(servicio_id=(licencias, pagos)[i % 2].pk)

    def work(i):
        modulo = modulos[i]
        attended = 0
        while True:
            ficha = ficha_call_next(modulo_id=modulo.pk, user=enlace_obras)
            if ficha is None:
                return attended
            ficha_mark_attended(modulo_id=modulo.pk, user=enlace_obras)
            attended += 1

    results = run_in_threads(len(modulos), work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 90
    assert Ficha.objects.filter(estado=FichaState.ATENDIDA).count() == 90
    per_ficha = Llamado.objects.values_list("ficha_id", flat=True)
    assert len(per_ficha) == len(set(per_ficha)) == 90


@pytest.mark.django_db(transaction=True)
def test_two_presses_at_the_same_modulo_call_one_ficha(
    postgres, licencias, ventanilla_1, enlace_obras, titular_obras
):
    for _ in range(3):
        ficha_issue(servicio_id=licencias.pk)
    users = [enlace_obras, titular_obras]
    results = run_in_threads(2, lambda i: ficha_call_next(modulo_id=ventanilla_1.pk, user=users[i]))
    called = [r for r in results if isinstance(r, Ficha)]
    refused = [r for r in results if isinstance(r, ActionError)]
    assert len(called) == 1 and len(refused) == 1, results
    assert Ficha.objects.filter(estado=FichaState.LLAMADA).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_ficha_being_taken_by_another_modulo_is_skipped_not_waited_for(
    postgres, licencias, ventanilla_1, ventanilla_2, enlace_obras
):
    first = ficha_issue(servicio_id=licencias.pk)
    second = ficha_issue(servicio_id=licencias.pk)
    locked, release = threading.Event(), threading.Event()

    def hold_first():
        # Another módulo's transaction, stopped right after it locked the first ficha.
        try:
            with transaction.atomic():
                Ficha.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # waiting would fail, not hang
        got = ficha_call_next(modulo_id=ventanilla_2.pk, user=enlace_obras)
        assert got == second
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert ficha_call_next(modulo_id=ventanilla_1.pk, user=enlace_obras) == first


@pytest.mark.django_db
def test_call_next_takes_the_ficha_with_skip_locked(
    postgres, licencias, ventanilla_1, enlace_obras
):
    ficha_issue(servicio_id=licencias.pk)
    with CaptureQueriesContext(connection) as queries:
        ficha_call_next(modulo_id=ventanilla_1.pk, user=enlace_obras)
    assert any("FOR UPDATE SKIP LOCKED" in q["sql"] for q in queries.captured_queries)
