"""Appointments: the slots each secretaría sets, none on non-working days, never more people
than a slot holds (also when many book at once), and the check-in that makes them a ficha."""

from datetime import date, time, timedelta

import pytest

from fila import agenda
from fila.models import Cita, CitaState, Ficha, FichaOrigin, HorarioCitas
from fila.services import ActionError, cita_book, cita_cancel, cita_check_in
from oficialia.models import DiaInhabil
from tests.correspondencia.test_concurrency import run_in_threads

from .conftest import JUAREZ, SATURDAY, TUESDAY, at, local

MONDAY_BEFORE = date(2026, 3, 9)


def schedule(modulo, weekday: int, start="09:00", end="11:00", minutes=30, capacity=1):
    return HorarioCitas.objects.create(
        modulo=modulo,
        dia_semana=weekday,
        hora_inicio=start,
        hora_fin=end,
        duracion_minutos=minutes,
        capacidad=capacity,
    )


def book(servicio, moment, nombre="Lucía Nava"):
    return cita_book(servicio_id=servicio.pk, inicio=moment, nombre=nombre)


@pytest.fixture
def every_weekday(ventanilla_1, ventanilla_2):
    """Ventanilla 1 gives one place per half hour from 9 to 11 on every working weekday, and
    Ventanilla 2 one more from 10 to 11."""
    for weekday in range(5):
        schedule(ventanilla_1, weekday)
        schedule(ventanilla_2, weekday, start="10:00")


@pytest.mark.django_db
def test_the_slots_of_a_day_add_up_the_modulos_that_attend_them(obras, every_weekday):
    with at(local(MONDAY_BEFORE, 12)):
        slots = agenda.slots_between(obras.pk, TUESDAY, TUESDAY)[TUESDAY]
    assert [(s.inicio.time(), s.capacidad, s.libres) for s in slots] == [
        (time(9, 0), 1, 1),
        (time(9, 30), 1, 1),
        (time(10, 0), 2, 2),
        (time(10, 30), 2, 2),
    ]


@pytest.mark.django_db
def test_a_slot_that_does_not_fit_before_the_end_is_not_offered(obras, ventanilla_1):
    schedule(ventanilla_1, TUESDAY.weekday(), start="09:00", end="10:10", minutes=20)
    slots = agenda.slots_between(obras.pk, TUESDAY, TUESDAY, now=local(MONDAY_BEFORE))
    assert [s.inicio.time() for s in slots[TUESDAY]] == [time(9), time(9, 20), time(9, 40)]


@pytest.mark.django_db
def test_there_are_no_slots_on_non_working_days(obras, licencias, every_weekday):
    # Saturday has no schedule; Monday the 16th is a federal rest day; the ayuntamiento
    # published Thursday the 19th and Friday the 20th as días inhábiles.
    DiaInhabil.objects.create(
        start=date(2026, 3, 19), end=date(2026, 3, 20), descripcion="Feria de la ciudad"
    )
    days = agenda.slots_between(
        obras.pk, date(2026, 3, 13), date(2026, 3, 23), now=local(MONDAY_BEFORE)
    )
    assert sorted(days) == [
        date(2026, 3, 13),
        date(2026, 3, 17),
        date(2026, 3, 18),
        date(2026, 3, 23),
    ]
    with at(local(MONDAY_BEFORE)):
        for day, reason in (
            (JUAREZ, "Natalicio de Benito Juárez"),
            (date(2026, 3, 19), "Feria de la ciudad"),
            (SATURDAY, "Sábado"),
        ):
            with pytest.raises(ActionError, match=reason):
                book(licencias, local(day, 9))
    assert not Cita.objects.exists()


@pytest.mark.django_db
def test_a_slot_takes_no_more_people_than_its_capacity(licencias, every_weekday):
    with at(local(MONDAY_BEFORE, 12)):
        first = book(licencias, local(TUESDAY, 10), "Lucía Nava")
        book(licencias, local(TUESDAY, 10), "Pedro Abarca")
        with pytest.raises(ActionError, match="se acaba de llenar"):
            book(licencias, local(TUESDAY, 10), "Juana Reyes")
        # A cancellation frees its place.
        cita_cancel(cita_id=first.pk)
        book(licencias, local(TUESDAY, 10), "Juana Reyes")
        slot = agenda.slots_between(licencias.secretaria_id, TUESDAY, TUESDAY)[TUESDAY][2]
    assert slot.inicio == local(TUESDAY, 10) and slot.libres == 0
    assert Cita.objects.filter(estado=CitaState.RESERVADA).count() == 2


@pytest.mark.django_db
def test_only_the_slots_the_schedule_offers_can_be_booked(licencias, every_weekday):
    with at(local(TUESDAY, 9, 45)):
        with pytest.raises(ActionError, match="no atiende citas en ese horario"):
            book(licencias, local(TUESDAY, 10, 15))
        with pytest.raises(ActionError, match="no atiende citas en ese horario"):
            book(licencias, local(TUESDAY, 12))
        with pytest.raises(ActionError, match="ya pasó"):
            book(licencias, local(TUESDAY, 9, 30))
        with pytest.raises(ActionError, match="próximos 30 días"):
            book(licencias, local(TUESDAY + timedelta(days=42), 9))
        assert book(licencias, local(TUESDAY, 10)).inicio == local(TUESDAY, 10)


@pytest.mark.django_db
def test_a_paused_schedule_or_an_inactive_modulo_offers_nothing(
    obras, licencias, ventanilla_1, every_weekday
):
    ventanilla_1.activo = False
    ventanilla_1.save()
    slots = agenda.slots_between(obras.pk, TUESDAY, TUESDAY, now=local(MONDAY_BEFORE))
    assert [s.inicio.time() for s in slots[TUESDAY]] == [time(10), time(10, 30)]
    HorarioCitas.objects.update(activo=False)
    assert agenda.slots_between(obras.pk, TUESDAY, TUESDAY, now=local(MONDAY_BEFORE)) == {}


@pytest.mark.django_db
def test_bookable_days_leave_out_full_and_past_slots(obras, licencias, every_weekday):
    with at(local(TUESDAY, 9, 40)):
        book(licencias, local(TUESDAY, 10))
        book(licencias, local(TUESDAY, 10), "Otro")
        days = agenda.bookable_days(obras.pk)
    assert [s.inicio.time() for s in days[TUESDAY]] == [time(10, 30)]
    assert max(days) <= TUESDAY + timedelta(days=agenda.BOOKING_DAYS)


@pytest.mark.django_db(transaction=True)
def test_twelve_people_booking_the_last_three_places_at_once(
    postgres, licencias, ventanilla_1, ventanilla_2
):
    schedule(ventanilla_1, TUESDAY.weekday(), capacity=2)
    schedule(ventanilla_2, TUESDAY.weekday(), capacity=1)
    with at(local(MONDAY_BEFORE, 12)):
        results = run_in_threads(
            12, lambda i: book(licencias, local(TUESDAY, 9, 30), f"Persona {i}")
        )
    booked = [r for r in results if isinstance(r, Cita)]
    refused = [r for r in results if isinstance(r, ActionError)]
    assert len(booked) == 3 and len(refused) == 9, results
    assert {str(e) for e in refused} == {"Ese horario se acaba de llenar. Elija otro, por favor."}
    assert Cita.objects.filter(inicio=local(TUESDAY, 9, 30)).count() == 3


# Arrival ---------------------------------------------------------------------------------


@pytest.fixture
def cita(licencias, every_weekday) -> Cita:
    with at(local(MONDAY_BEFORE, 12)):
        return book(licencias, local(TUESDAY, 10, 30))


@pytest.mark.django_db
def test_on_arrival_the_appointment_becomes_a_ficha_preferred_from_its_time(cita):
    with at(local(TUESDAY, 10, 5)):
        ficha = cita_check_in(codigo=f"{cita.codigo[:3]}-{cita.codigo[3:].lower()} ")
        again = cita_check_in(codigo=cita.codigo)
    cita.refresh_from_db()
    assert cita.estado == CitaState.PRESENTADA and cita.ficha == ficha
    assert again == ficha and Ficha.objects.count() == 1  # a second tap: the same ficha
    assert ficha.origen == FichaOrigin.CITA
    assert ficha.codigo == "SOP-A001"
    assert ficha.emitida_at == local(TUESDAY, 10, 5)
    # The wait counts from the appointment's time; before it, the person came early.
    assert ficha.espera_desde == local(TUESDAY, 10, 30)
    assert ficha.preferente_desde == local(TUESDAY, 10, 30)


@pytest.mark.django_db
def test_arriving_late_counts_the_wait_from_arrival(cita):
    with at(local(TUESDAY, 10, 40)):
        ficha = cita_check_in(codigo=cita.codigo)
    assert ficha.espera_desde == local(TUESDAY, 10, 40)
    assert ficha.preferente_desde == local(TUESDAY, 10, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (local(MONDAY_BEFORE, 10, 30), "Su cita es el 10/03/2026 a las 10:30"),
        (local(TUESDAY, 8, 29), "a partir de las 08:30"),
        (local(TUESDAY, 10, 46), "pasaron más de 15 minutos"),
        (local(TUESDAY.replace(day=11), 9), "Su cita fue el 10/03/2026"),
    ],
)
def test_check_in_happens_around_the_appointments_time(cita, moment, message):
    with at(moment), pytest.raises(ActionError, match=message):
        cita_check_in(codigo=cita.codigo)
    assert not Ficha.objects.exists()


@pytest.mark.django_db
def test_a_cancelled_or_unknown_appointment_gives_no_ficha(cita):
    with at(local(MONDAY_BEFORE, 13)):
        cita_cancel(cita_id=cita.pk)
    with at(local(TUESDAY, 10)):
        with pytest.raises(ActionError, match="fue cancelada"):
            cita_check_in(codigo=cita.codigo)
        with pytest.raises(ActionError, match="No encontramos"):
            cita_check_in(codigo="ZZZZZZ")
    assert not Ficha.objects.exists()


@pytest.mark.django_db
def test_an_appointment_cannot_be_cancelled_once_it_started(cita):
    with at(local(TUESDAY, 10, 31)), pytest.raises(ActionError, match="ya empezó"):
        cita_cancel(cita_id=cita.pk)


@pytest.mark.django_db
def test_an_appointment_just_after_midnight_opens_its_check_in_at_the_start_of_its_day(cita):
    Cita.objects.filter(pk=cita.pk).update(inicio=local(TUESDAY, 0, 40))
    with at(local(MONDAY_BEFORE, 23, 50)), pytest.raises(
        ActionError, match="a partir de las 00:00 de ese día"
    ):
        cita_check_in(codigo=cita.codigo)
    with at(local(TUESDAY, 0, 5)):
        assert cita_check_in(codigo=cita.codigo).origen == FichaOrigin.CITA
