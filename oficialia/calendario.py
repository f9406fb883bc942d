"""Business days for Article 8 terms.

A day is not a business day when it is a Saturday or Sunday, a federal rest day of the Ley
Federal del Trabajo (art. 74, from the `holidays` package), or falls in a día inhábil the
ayuntamiento published (`DiaInhabil`). A term of N business days counts from the business
day after reception; days inside a prevención (from the day after it was issued to the day
it was answered) do not count. Every computation keeps the days it skipped and why, so a
due date can explain itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays

WEEKDAY_NAMES = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]


@dataclass(frozen=True)
class Pause:
    """A prevención: the clock stops after `start` and runs again after `end` (None: still open)."""

    start: date
    end: date | None


@dataclass
class SkippedDay:
    day: date
    reason: str


@dataclass
class DueDate:
    received: date
    days: int
    start: date | None = None
    due: date | None = None  # None while a prevención is open: the clock is stopped
    skipped: list[SkippedDay] = field(default_factory=list)

    @property
    def suspended(self) -> bool:
        return self.due is None


class BusinessCalendar:
    """Knows which days are working days. Loads the published días inhábiles once."""

    def __init__(self, inhabiles: Iterable[tuple[date, date, str]] | None = None):
        self._given = list(inhabiles) if inhabiles is not None else None

    @cached_property
    def _inhabiles(self) -> list[tuple[date, date, str]]:
        if self._given is not None:
            return self._given
        from .models import DiaInhabil

        return list(DiaInhabil.objects.values_list("start", "end", "descripcion"))

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.Mexico(language="es")  # grows by year on lookup

    def non_working_reason(self, day: date) -> str | None:
        if day.weekday() >= 5:
            return WEEKDAY_NAMES[day.weekday()].capitalize()
        holiday = self._holidays.get(day)
        if holiday:
            return f"Descanso obligatorio: {holiday}"
        for start, end, descripcion in self._inhabiles:
            if start <= day <= end:
                return f"Día inhábil: {descripcion}"
        return None

    def is_business_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (`day` itself when count is 0)."""
        current = day
        while count > 0:
            current += timedelta(days=1)
            if self.is_business_day(current):
                count -= 1
        return current

    def count_business_days(self, after: date, until: date) -> int:
        """Business days d with after < d <= until."""
        count = 0
        current = after
        while current < until:
            current += timedelta(days=1)
            count += self.is_business_day(current)
        return count

    def due_date(self, received: date, days: int, pauses: Iterable[Pause] = ()) -> DueDate:
        """The due date of a term of `days` business days for something received on `received`."""
        pauses = list(pauses)
        result = DueDate(received=received, days=days)
        if any(p.end is None for p in pauses):
            return result
        current = received
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            reason = self.non_working_reason(current)
            if reason is None:
                paused = next((p for p in pauses if p.start < current <= p.end), None)
                if paused is not None:
                    reason = f"Prevención del {paused.start:%d/%m/%Y} (plazo suspendido)"
            if reason is not None:
                result.skipped.append(SkippedDay(current, reason))
                continue
            if result.start is None:
                result.start = current
            remaining -= 1
        result.due = current
        return result


class BusinessDayCounter:
    """`BusinessCalendar.count_business_days` and `add_business_days` in constant time, from
    a running count per day built once per run over the dates it is asked about."""

    MARGIN = 400  # days built beyond what was asked, so a run rarely builds twice

    def __init__(self, calendar: BusinessCalendar | None = None):
        self.calendar = calendar or BusinessCalendar()
        self.start = 0  # ordinal of cum[0]
        self.cum: list[int] = []  # cum[i]: business days d with start < d <= start + i
        self.days: list[int] = []  # ordinals of the business days after start, in order

    def _cover(self, first: int, last: int) -> None:
        end = self.start + len(self.cum) - 1
        if self.cum and self.start <= first and last <= end:
            return
        start = min(first, self.start) if self.cum else first
        end = max(last, end) if self.cum else last
        start, end = start - self.MARGIN, end + self.MARGIN
        cum, days, running = [0], [], 0
        for ordinal in range(start + 1, end + 1):
            if self.calendar.is_business_day(date.fromordinal(ordinal)):
                running += 1
                days.append(ordinal)
            cum.append(running)
        self.start, self.cum, self.days = start, cum, days

    def count(self, after: date, until: date) -> int:
        """Business days d with after < d <= until."""
        if until <= after:
            return 0
        a, u = after.toordinal(), until.toordinal()
        self._cover(a, u)
        return self.cum[u - self.start] - self.cum[a - self.start]

    def add(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (`day` itself when count is 0)."""
        if count <= 0:
            return day
        o = day.toordinal()
        self._cover(o, o + count * 2 + 30)
        k = self.cum[o - self.start] + count - 1
        while k >= len(self.days):  # a very long run of días inhábiles: build further
            self._cover(o, self.start + len(self.cum) + count * 2 + 30)
            k = self.cum[o - self.start] + count - 1
        return date.fromordinal(self.days[k])
