"""The published calendar of días inhábiles: what the public page shows for a year, whether a
year has its calendar yet, and the warning to administración when next year has none."""

from dataclasses import dataclass, field
from datetime import date

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .avisos import staff_notify, users_with_roles
from .calendario import BusinessCalendar
from .models import AcuerdoInhabil, DiaInhabil, Notificacion
from .roles import Role


@dataclass
class LawDay:
    day: date
    name: str
    reopened_by: str = ""  # the acuerdo that declared it hábil, if one did


@dataclass
class AcuerdoYear:
    acuerdo: AcuerdoInhabil | None
    periods: list[DiaInhabil] = field(default_factory=list)


@dataclass
class YearCalendar:
    year: int
    law_days: list[LawDay]
    acuerdos: list[AcuerdoYear]
    non_working: int  # weekdays that are not business days

    @property
    def published(self) -> bool:
        return any(a.acuerdo is not None for a in self.acuerdos)


def _in_year(year: int) -> Q:
    return Q(start__lte=date(year, 12, 31), end__gte=date(year, 1, 1))


def year_has_calendar(year: int) -> bool:
    """Whether an acuerdo has declared days starting in `year` (a winter vacation that runs
    into January belongs to the year before)."""
    return DiaInhabil.objects.filter(start__year=year, acuerdo__isnull=False).exists()


def year_calendar(year: int, calendar: BusinessCalendar | None = None) -> YearCalendar:
    calendar = calendar or BusinessCalendar()
    periods = list(
        DiaInhabil.objects.filter(_in_year(year)).select_related("acuerdo").order_by("start")
    )
    law_days = []
    for day, name in sorted(calendar.base_days(year).items()):
        reopened = next((p for p in periods if p.habil and p.start <= day <= p.end), None)
        label = ""
        if reopened is not None:
            label = str(reopened.acuerdo) if reopened.acuerdo else reopened.descripcion
        law_days.append(LawDay(day, name, label))
    grouped: dict[int | None, AcuerdoYear] = {}
    for period in periods:
        key = period.acuerdo_id
        grouped.setdefault(key, AcuerdoYear(period.acuerdo)).periods.append(period)
    acuerdos = sorted(grouped.values(), key=lambda a: (a.acuerdo is None, a.periods[0].start))
    non_working = len(calendar.year_non_working_days(year))
    return YearCalendar(year, law_days, acuerdos, non_working)


def calendar_missing_warn(*, today: date | None = None) -> int:
    """From OFICIALIA_AVISO_CALENDARIO_MES on, tell administración (once per person and
    year) that next year has no published acuerdo of días inhábiles yet. Returns how many
    notices were created."""
    today = today or timezone.localdate()
    year = today.year + 1
    if today.month < settings.CALENDAR_WARNING_MONTH or year_has_calendar(year):
        return 0
    texto = (
        f"Aún no hay calendario de días inhábiles para {year}: registre el acuerdo publicado "
        "para que los plazos de ese año no cuenten días que no se trabajan."
    )
    already = set(Notificacion.objects.filter(texto=texto).values_list("user_id", flat=True))
    users = [u for u in users_with_roles(Role.ADMINISTRACION) if u.pk not in already]
    return len(staff_notify(users, texto, reverse("dias_inhabiles") + f"?anio={year}"))


@shared_task
def warn_missing_calendar() -> int:
    return calendar_missing_warn()
