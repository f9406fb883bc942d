"""Appointment slots: what a secretaría's schedule offers on a day, minus what is booked.

Each `HorarioCitas` row of a módulo yields slots from `hora_inicio` every `duracion_minutos`
while a whole slot fits before `hora_fin`; a slot's capacity is the sum of the `capacidad` of
the rows that yield it. Non-working days (weekends, federal rest days, the días inhábiles the
ayuntamiento publishes) yield nothing, whatever the schedule says.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from oficialia.calendario import BusinessCalendar

from .models import TAKEN_CITA_STATES, Cita, HorarioCitas

# How far ahead a citizen may book.
BOOKING_DAYS = 30


@dataclass(frozen=True)
class Slot:
    inicio: datetime
    capacidad: int
    ocupadas: int

    @property
    def libres(self) -> int:
        return max(0, self.capacidad - self.ocupadas)


def local_moment(day: date, clock) -> datetime:
    """`day` at `clock`, Mexico City time."""
    return timezone.make_aware(datetime.combine(day, clock))


def offered(horarios: Iterable[HorarioCitas], day: date) -> Counter:
    """Capacity per slot start on `day`, from the schedule rows alone (no calendar)."""
    capacity: Counter = Counter()
    for horario in horarios:
        if not horario.activo or horario.dia_semana != day.weekday():
            continue
        step = timedelta(minutes=horario.duracion_minutos)
        start = local_moment(day, horario.hora_inicio)
        end = local_moment(day, horario.hora_fin)
        while start + step <= end:
            capacity[start] += horario.capacidad
            start += step
    return capacity


def schedule_of(secretaria_id: int):
    """The schedule rows that count: active rows of the secretaría's active módulos."""
    return HorarioCitas.objects.filter(
        modulo__secretaria_id=secretaria_id, modulo__activo=True, activo=True
    )


def slots_between(
    secretaria_id: int,
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    calendar: BusinessCalendar | None = None,
) -> dict[date, list[Slot]]:
    """The slots of each working day from `first` to `last`, each with its free places.
    Slots that already started are left out. Two queries, whatever the range."""
    now = now or timezone.now()
    calendar = calendar or BusinessCalendar()
    horarios = list(schedule_of(secretaria_id))
    capacity_by_day: dict[date, Counter] = {}
    day = first
    while day <= last:
        if calendar.is_business_day(day):
            capacity = offered(horarios, day)
            if capacity:
                capacity_by_day[day] = capacity
        day += timedelta(days=1)
    if not capacity_by_day:
        return {}
    booked = Counter(
        Cita.objects.filter(
            secretaria_id=secretaria_id,
            estado__in=TAKEN_CITA_STATES,
            inicio__gte=local_moment(first, datetime.min.time()),
            inicio__lt=local_moment(last + timedelta(days=1), datetime.min.time()),
        ).values_list("inicio", flat=True)
    )
    result: dict[date, list[Slot]] = defaultdict(list)
    for day, capacity in sorted(capacity_by_day.items()):
        for inicio in sorted(capacity):
            if inicio > now:
                result[day].append(Slot(inicio, capacity[inicio], booked[inicio]))
    return dict(result)


def bookable_days(
    secretaria_id: int, *, now: datetime | None = None, calendar: BusinessCalendar | None = None
) -> dict[date, list[Slot]]:
    """The days a citizen may book now, each with its slots that still have a free place."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = slots_between(
        secretaria_id, today, today + timedelta(days=BOOKING_DAYS), now=now, calendar=calendar
    )
    free = {day: [s for s in slots if s.libres] for day, slots in days.items()}
    return {day: slots for day, slots in free.items() if slots}
