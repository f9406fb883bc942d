"""Business days for Article 8 terms (calendar mechanics; the policy is in turnos.plazos).

A day is not a business day when it is a Saturday or Sunday, a day of the procedure law's own
list (the setting OFICIALIA_DIAS_INHABILES_BASE; by default the list of LFPA art. 28, which
most states copy), or falls in a día inhábil the ayuntamiento declared in a published acuerdo
(`DiaInhabil` with its `AcuerdoInhabil`). An acuerdo may also re-open (habilitar) a day of the
base list or of another acuerdo. The labour law's rest days (LFT art. 74) are the workers' rest
days, not the legal basis of a term, and play no part here.

A term of N business days counts from the business day after the legal filing date; days
inside a prevención (from the day after its notification to the day it was answered) do not
count. Every computation keeps the days it skipped and why, so a due date can explain itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from dateutil.easter import easter
from django.conf import settings
from django.utils import timezone

WEEKDAY_NAMES = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
MONTHS = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre",
]  # fmt: skip
ORDINALS = {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto"}

# What each code of OFICIALIA_DIAS_INHABILES_BASE names, for the explainer and the public page.
BASE_DAY_NAMES = {
    "1-ene": "Año Nuevo",
    "lunes1-feb": "Día de la Constitución (5 de febrero)",
    "lunes3-mar": "Natalicio de Benito Juárez (21 de marzo)",
    "1-may": "Día del Trabajo",
    "5-may": "Batalla de Puebla",
    "16-sep": "Día de la Independencia",
    "2-nov": "Día de Muertos",
    "lunes3-nov": "Revolución Mexicana (20 de noviembre)",
    "12-dic": "Día de la Virgen de Guadalupe",
    "25-dic": "Navidad",
    "jueves-santo": "Jueves Santo",
    "viernes-santo": "Viernes Santo",
    "transmision": "Transmisión del Poder Ejecutivo Federal",
}
# LFPA art. 28, second paragraph.
LFPA_28 = "1-ene,lunes1-feb,lunes3-mar,1-may,5-may,16-sep,lunes3-nov,transmision,25-dic"


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def _transmission(year: int) -> date | None:
    """The day the Federal Executive changes hands. LFPA art. 28 names "1o. de diciembre de
    cada seis años, cuando corresponda a la transmisión"; since the 2024 reform of Const.
    art. 83 the transmission is on 1 October (2024, 2030, ...), so the day follows it."""
    if year % 6 != 2024 % 6:
        return None
    return date(year, 10, 1) if year >= 2024 else date(year, 12, 1)


def base_day(code: str, year: int) -> date | None:
    """The day of `year` a base-list code names (None: not this year)."""
    code = code.strip().lower()
    if code == "transmision":
        return _transmission(year)
    if code in ("jueves-santo", "viernes-santo"):
        return easter(year) - timedelta(days=3 if code == "jueves-santo" else 2)
    head, _, month_code = code.partition("-")
    month = [m[:3] for m in MONTHS].index(month_code) + 1
    if head.startswith("lunes"):
        return _nth_monday(year, month, int(head.removeprefix("lunes")))
    return date(year, month, int(head))


def base_day_name(code: str) -> str:
    code = code.strip().lower()
    if code in BASE_DAY_NAMES:
        return BASE_DAY_NAMES[code]
    head, _, month_code = code.partition("-")
    month = MONTHS[[m[:3] for m in MONTHS].index(month_code)]
    if head.startswith("lunes"):
        return f"{ORDINALS[int(head.removeprefix('lunes'))]} lunes de {month}"
    return f"{int(head)} de {month}"


def validate_base_codes(codes: Iterable[str]) -> list[str]:
    """The codes, checked (a typo in the setting must stop the start, not skip a day)."""
    valid = []
    for code in codes:
        code = code.strip().lower()
        if not code:
            continue
        try:
            base_day(code, 2024)
            base_day_name(code)
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(
                f"OFICIALIA_DIAS_INHABILES_BASE: «{code}» no es un día válido "
                "(use p. ej. 1-ene, lunes3-mar, 5-may, 2-nov, 12-dic, jueves-santo, transmision)"
            ) from exc
        valid.append(code)
    return valid


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
    extended_by: int = 0  # business days of a prórroga, included in `days`
    extension_reason: str = ""

    @property
    def suspended(self) -> bool:
        return self.due is None


@dataclass(frozen=True)
class Declared:
    """A day or period an acuerdo declared: non-working, or re-opened (`habil`)."""

    start: date
    end: date
    descripcion: str
    habil: bool = False


class BusinessCalendar:
    """Knows which days are working days. Loads the acuerdos' días inhábiles once.

    `inhabiles` (tests, benchmarks) replaces the database: tuples (start, end, descripcion)
    or (start, end, descripcion, habil). `base` replaces the setting's list of codes.
    """

    def __init__(
        self,
        inhabiles: Iterable[tuple] | None = None,
        base: Iterable[str] | None = None,
    ):
        self._given = [Declared(*row) for row in inhabiles] if inhabiles is not None else None
        self._base_codes = validate_base_codes(
            base if base is not None else settings.NON_WORKING_DAYS_BASE
        )
        self._base_years: dict[int, dict[date, str]] = {}

    @cached_property
    def _declared(self) -> list[Declared]:
        if self._given is not None:
            return self._given
        from .models import DiaInhabil

        return [
            Declared(
                start, end, f"{descripcion} (acuerdo {numero})" if numero else descripcion, habil
            )
            for start, end, descripcion, habil, numero in DiaInhabil.objects.values_list(
                "start", "end", "descripcion", "habil", "acuerdo__numero"
            )
        ]

    def base_days(self, year: int) -> dict[date, str]:
        """The base list's days of `year`, each with its name."""
        if year not in self._base_years:
            days = {}
            for code in self._base_codes:
                day = base_day(code, year)
                if day is not None:
                    days[day] = base_day_name(code)
            self._base_years[year] = days
        return self._base_years[year]

    def non_working_reason(self, day: date) -> str | None:
        if day.weekday() >= 5:
            return WEEKDAY_NAMES[day.weekday()].capitalize()
        declared = [d for d in self._declared if d.start <= day <= d.end]
        if any(d.habil for d in declared):
            return None  # an acuerdo re-opened it
        base = self.base_days(day.year).get(day)
        if base:
            return f"Inhábil por ley: {base}"
        if declared:
            return f"Día inhábil: {declared[0].descripcion}"
        return None

    def is_business_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def next_business_day(self, day: date) -> date:
        """`day` itself if it is a business day, otherwise the first one after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def filing_date(self, received_at: datetime) -> date:
        """The legal filing date of something received at `received_at`: that day if it is
        a business day and the moment falls within office hours (OFICIALIA_HORARIO), else
        the next business day."""
        local = timezone.localtime(received_at)
        day = local.date()
        closes = settings.OFFICE_HOURS[1]
        if local.time() >= closes:
            day += timedelta(days=1)
        return self.next_business_day(day)

    def year_non_working_days(self, year: int) -> list[tuple[date, str]]:
        """Every weekday of `year` that is not a business day, with its reason (the public
        calendar; weekends are left out, they are always non-working)."""
        day, out = date(year, 1, 1), []
        while day.year == year:
            if day.weekday() < 5:
                reason = self.non_working_reason(day)
                if reason:
                    out.append((day, reason))
            day += timedelta(days=1)
        return out

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
