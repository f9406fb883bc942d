"""Article 8 terms, whole: which term applies, when it falls due, how a prevención moves it,
when it is near ("por vencer"), the traffic light, and whether an answer was on time.

Calendar mechanics (which days are business days, counting and adding them) are in
oficialia.calendario; this module decides the policy. Views, selectors, reminders, reports
and the citizen's pages call it; none re-derives it.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from correspondencia.models import Escrito
from oficialia.calendario import BusinessCalendar, DueDate, Pause

from .models import OPEN_TURNO_STATES, ReminderKind, Turno, TurnoKind, TurnoState

# The bandeja's "por vencer" and the first reminder agree on this.
DUE_SOON_BUSINESS_DAYS = 3


class Light(models.TextChoices):
    ON_TIME = "a_tiempo", "A tiempo"
    DUE_SOON = "por_vencer", "Por vencer"
    OVERDUE = "vencido", "Vencido"
    PAUSED = "suspendido", "Suspendido"
    CLOSED = "cerrado", "Cerrado"


LIGHT_LABELS = dict(Light.choices)


# Which term, from when --------------------------------------------------------------------


def term_days(escrito: Escrito) -> int:
    """The trámite's own term, or the ayuntamiento's default (OFICIALIA_PLAZO_DIAS_HABILES)."""
    if escrito.tramite_id:
        return escrito.tramite.plazo_dias_habiles
    return settings.DEFAULT_TERM_BUSINESS_DAYS


def received_date(escrito: Escrito) -> date:
    """The day the term counts from (the business day after it is the first one)."""
    return timezone.localtime(escrito.received_at).date()


def turno_pauses(turno: Turno) -> list[Pause]:
    """The prevenciones, as the spans during which the turno's clock stood still."""
    return [
        Pause(
            timezone.localtime(p.requested_at).date(),
            timezone.localtime(p.answered_at).date() if p.answered_at else None,
        )
        for p in turno.prevenciones.all()
    ]


def turno_due(turno: Turno, calendar: BusinessCalendar | None = None) -> DueDate:
    """How the turno's due date is computed, day by day."""
    calendar = calendar or BusinessCalendar()
    days = turno.term_days or term_days(turno.escrito)
    return calendar.due_date(received_date(turno.escrito), days, turno_pauses(turno))


def suggested_due_date(escrito: Escrito, calendar: BusinessCalendar | None = None) -> DueDate:
    """The due date the Oficialía is offered when it routes the escrito."""
    calendar = calendar or BusinessCalendar()
    return calendar.due_date(received_date(escrito), term_days(escrito))


def manual_due_date_error(escrito: Escrito, due_date: date, reason: str) -> str:
    """Why a due date typed by hand is refused ("" when it is acceptable)."""
    if not reason.strip():
        return "Para cambiar la fecha límite calculada escriba el motivo."
    if due_date < received_date(escrito):
        return "La fecha límite no puede ser anterior a la recepción."
    return ""


def due_date_after_pause(
    turno: Turno, *, paused_since: date, resumed: date, calendar: BusinessCalendar
) -> date | None:
    """The turno's due date once the petitioner answered a prevención: computed again, or,
    for a date fixed by hand, moved by the business days the prevención lasted."""
    if turno.due_date_reason:
        paused = calendar.count_business_days(paused_since, resumed)
        return calendar.add_business_days(turno.due_date, paused)
    return turno_due(turno, calendar).due


def answered_within_term(turno: Turno, *, on: date) -> bool:
    return turno.due_date is None or on <= turno.due_date


# How near: the light and the reminders -----------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Computed once per request: a turno is due soon when due on or before `soon`."""

    today: date
    soon: date

    @classmethod
    def now(cls, calendar: BusinessCalendar | None = None) -> "Thresholds":
        calendar = calendar or BusinessCalendar()
        today = timezone.localdate()
        return cls(today=today, soon=calendar.add_business_days(today, DUE_SOON_BUSINESS_DAYS))

    def light(self, turno: Turno) -> str:
        if turno.state == TurnoState.PREVENCION:
            return Light.PAUSED
        if turno.state not in OPEN_TURNO_STATES or turno.due_date is None:
            return Light.CLOSED
        return self.light_of_due(turno.due_date)

    def light_of_due(self, due: date) -> str:
        """The light of an open term that falls due on `due`."""
        if due < self.today:
            return Light.OVERDUE
        if due <= self.soon:
            return Light.DUE_SOON
        return Light.ON_TIME

    def filter(self, light: str, *, among_open: bool = False) -> Q:
        """The turnos showing `light`. With `among_open` the caller already keeps only open
        turnos and the state list is not repeated (PostgreSQL would test it again for every
        row of every count)."""
        attention = (
            Q(kind=TurnoKind.ATENCION)
            if among_open
            else Q(state__in=OPEN_TURNO_STATES, kind=TurnoKind.ATENCION)
        )
        open_attention = attention & ~Q(state=TurnoState.PREVENCION)
        if light == Light.OVERDUE:
            return open_attention & Q(due_date__lt=self.today)
        if light == Light.DUE_SOON:
            return open_attention & Q(due_date__gte=self.today, due_date__lte=self.soon)
        if light == Light.ON_TIME:
            return open_attention & Q(due_date__gt=self.soon)
        if light == Light.PAUSED:
            return Q(state=TurnoState.PREVENCION)
        return Q()


def reminder_kind(due: date, today: date, calendar: BusinessCalendar) -> str | None:
    """Which reminder a term falling due on `due` calls for today, if any."""
    if due < today:
        return ReminderKind.OVERDUE
    if due == today:
        return ReminderKind.TODAY
    if due <= calendar.add_business_days(today, 1):
        return ReminderKind.ONE_DAY
    if due <= calendar.add_business_days(today, DUE_SOON_BUSINESS_DAYS):
        return ReminderKind.THREE_DAYS
    return None
