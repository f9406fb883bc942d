"""Article 8 terms, whole: which term applies, when it falls due, how a prevención moves it,
when it is near ("por vencer"), the traffic light, and whether an answer was on time.

Calendar mechanics (which days are business days, counting and adding them) are in
oficialia.calendario; this module decides the policy. Views, selectors, reminders, reports
and the citizen's pages call it; none re-derives it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from correspondencia.models import Escrito, EscritoState
from oficialia.calendario import BusinessCalendar, DueDate, Pause

from .models import OPEN_TURNO_STATES, Prevencion, ReminderKind, Turno, TurnoKind, TurnoState

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
    """The trámite's own term, or the ayuntamiento's default (OFICIALIA_PLAZO_DIAS_HABILES),
    never above the state's ceiling (OFICIALIA_PLAZO_MAXIMO_DIAS_HABILES): a trámite saved
    before the ceiling was lowered gets the ceiling."""
    if escrito.tramite_id:
        return min(escrito.tramite.plazo_dias_habiles, settings.MAX_TERM_BUSINESS_DAYS)
    return settings.DEFAULT_TERM_BUSINESS_DAYS


def received_date(escrito: Escrito, calendar: BusinessCalendar | None = None) -> date:
    """The legal filing date, which the term counts from (the business day after it is the
    first one): the day of reception, or the next business day when the escrito arrived at or
    after closing time (OFICIALIA_HORARIO) or on a non-working day."""
    return (calendar or BusinessCalendar()).filing_date(escrito.received_at)


def turno_pauses(turno: Turno) -> list[Pause]:
    """The prevenciones, as the spans during which the turno's clock stood still: from the
    day of its notification to the day of the answer (it runs again the next business day).
    One closed by an acuerdo of no presentado ends there. A prevención not yet notified
    stops nothing: the clock runs until it is made known."""
    pauses = []
    for p in turno.prevenciones.all():
        start = prevention_notified_on(p)
        if start is None:
            continue
        end = p.answered_at or p.acuerdo_at
        pauses.append(Pause(start, timezone.localtime(end).date() if end else None))
    return pauses


# Prevención (LFPA art. 17-A model) -------------------------------------------------------------


def prevention_notified_on(prevencion: Prevencion) -> date | None:
    """The day the prevención was made known to the petitioner (its notification record was
    completed), or None while it waits to be notified."""
    if prevencion.notified_at is None:
        return None
    return timezone.localtime(prevencion.notified_at).date()


def prevention_window_end(turno: Turno, calendar: BusinessCalendar | None = None) -> date:
    """The last day a prevención may be made: the first third of the term (the fraction is
    OFICIALIA_PREVENCION_FRACCION_PLAZO), counted from the legal filing date."""
    calendar = calendar or BusinessCalendar()
    days = turno.term_days or term_days(turno.escrito)
    window = max(1, days // settings.PREVENTION_WINDOW_DIVISOR)
    return calendar.add_business_days(received_date(turno.escrito, calendar), window)


def prevention_error(turno: Turno, *, today: date, calendar: BusinessCalendar | None = None) -> str:
    """Why this turno may not be prevented today ("" when it may)."""
    calendar = calendar or BusinessCalendar()
    made = len(turno.prevenciones.all())
    if made >= settings.PREVENTION_MAX:
        times = (
            "una sola vez" if settings.PREVENTION_MAX == 1 else f"{settings.PREVENTION_MAX} veces"
        )
        return (
            f"Este turno ya tuvo prevención: al peticionario se le puede prevenir {times}. "
            "Resuelva con la información que tiene."
        )
    last = prevention_window_end(turno, calendar)
    if today > last:
        return (
            f"Ya no se puede prevenir: la prevención solo cabe en el primer tercio del plazo, "
            f"que terminó el {last:%d/%m/%Y}. Resuelva con la información que tiene."
        )
    return ""


def prevention_deadline(notified_on: date, calendar: BusinessCalendar | None = None) -> date:
    """The petitioner's last day to answer: OFICIALIA_PREVENCION_PLAZO_DIAS_HABILES business
    days after the notification."""
    calendar = calendar or BusinessCalendar()
    return calendar.add_business_days(notified_on, settings.PREVENTION_ANSWER_DAYS)


def prevention_expired(prevencion: Prevencion, *, today: date) -> bool:
    """Unanswered past its deadline (and not yet closed by an acuerdo)."""
    return (
        prevencion.answered_at is None
        and prevencion.acuerdo_at is None
        and prevencion.deadline is not None
        and prevencion.deadline < today
    )


def expired_preventions(today: date) -> Q:
    """The Prevencion rows past their deadline that still wait for the acuerdo."""
    return Q(
        answered_at__isnull=True,
        acuerdo_at__isnull=True,
        deadline__lt=today,
        turno__state=TurnoState.PREVENCION,
    )


def prevention_reminder_due(
    prevencion: Prevencion, *, today: date, calendar: BusinessCalendar
) -> bool:
    """Whether the petitioner is reminded today: the deadline is within
    OFICIALIA_PREVENCION_RECORDATORIO_DIAS_HABILES business days (and not past)."""
    if prevencion.answered_at or prevencion.acuerdo_at or prevencion.deadline is None:
        return False
    horizon = calendar.add_business_days(today, settings.PREVENTION_REMINDER_DAYS)
    return today <= prevencion.deadline <= horizon


def turno_extension(turno: Turno):
    """The turno's prórroga, if it has one."""
    try:
        return turno.prorroga
    except Turno.prorroga.RelatedObjectDoesNotExist:
        return None


def turno_due(turno: Turno, calendar: BusinessCalendar | None = None) -> DueDate:
    """How the turno's due date is computed, day by day (a prórroga adds its days)."""
    calendar = calendar or BusinessCalendar()
    days = turno.term_days or term_days(turno.escrito)
    extension = turno_extension(turno)
    extra = extension.days if extension else 0
    due = calendar.due_date(
        received_date(turno.escrito, calendar), days + extra, turno_pauses(turno)
    )
    if extension:
        due.extended_by, due.extension_reason = extension.days, extension.reason
    return due


def extension_error(turno: Turno, *, days: int, today: date) -> str:
    """Why this prórroga is refused ("" when it may be granted)."""
    if turno_extension(turno) is not None:
        return "Este turno ya tuvo su prórroga: el plazo se prorroga una sola vez."
    if turno.due_date is None or turno.state == TurnoState.PREVENCION:
        return "Mientras el plazo está suspendido por una prevención no se puede prorrogar."
    if today > turno.due_date:
        return (
            f"El plazo terminó el {turno.due_date:%d/%m/%Y}: solo se prorroga antes de que termine."
        )
    original = turno.term_days or term_days(turno.escrito)
    ceiling = max(1, original * settings.EXTENSION_MAX_PERCENT // 100)
    if not 1 <= days <= ceiling:
        return (
            f"La prórroga puede ser de 1 a {ceiling} días hábiles: el "
            f"{settings.EXTENSION_MAX_PERCENT} % del plazo original de {original} días."
        )
    return ""


def suggested_due_date(escrito: Escrito, calendar: BusinessCalendar | None = None) -> DueDate:
    """The due date the Oficialía is offered when it routes the escrito."""
    calendar = calendar or BusinessCalendar()
    return calendar.due_date(received_date(escrito, calendar), term_days(escrito))


def manual_due_date_error(
    escrito: Escrito, due_date: date, reason: str, calendar: BusinessCalendar | None = None
) -> str:
    """Why a due date typed by hand is refused ("" when it is acceptable)."""
    calendar = calendar or BusinessCalendar()
    if not reason.strip():
        return "Para cambiar la fecha límite calculada escriba el motivo."
    filed = received_date(escrito, calendar)
    if due_date < filed:
        return "La fecha límite no puede ser anterior a la fecha legal de presentación."
    ceiling = settings.MAX_TERM_BUSINESS_DAYS
    days = calendar.count_business_days(filed, due_date)
    if days > ceiling:
        latest = calendar.add_business_days(filed, ceiling)
        return (
            f"La fecha límite del {due_date:%d/%m/%Y} daría {days} días hábiles, más que el "
            f"máximo legal de {ceiling}. Elija una fecha hasta el {latest:%d/%m/%Y}."
        )
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


# The Oficialía's own term: routing ------------------------------------------------------------


@dataclass(frozen=True)
class UnroutedLate:
    """An escrito the Oficialía has not routed within its own term."""

    escrito: Escrito
    due: date
    days_late: int  # business days after `due`, up to today


def routing_due(escrito: Escrito, calendar: BusinessCalendar | None = None) -> date:
    """The day by which the Oficialía must route the escrito: OFICIALIA_PLAZO_TURNADO_DIAS_HABILES
    business days after its legal filing date."""
    calendar = calendar or BusinessCalendar()
    return calendar.add_business_days(
        received_date(escrito, calendar), settings.ROUTING_TERM_BUSINESS_DAYS
    )


def unrouted_late(today: date, calendar: BusinessCalendar | None = None) -> list[UnroutedLate]:
    """The escritos still waiting to be routed past the Oficialía's term, most late first.
    Only received escritos: one a secretaría returned is the Oficialía's again, but its own
    term runs from the return, not from the filing, and is not tracked here."""
    calendar = calendar or BusinessCalendar()
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    late = []
    for escrito in Escrito.objects.filter(
        state=EscritoState.RECIBIDO, received_at__lt=midnight
    ).order_by("received_at", "pk"):
        due = routing_due(escrito, calendar)
        if due < today:
            late.append(UnroutedLate(escrito, due, calendar.count_business_days(due, today)))
    return late


def answered_within_term(turno: Turno, *, on: date) -> bool:
    """An answer is on time when it is made known to the petitioner by the due date: `on` is
    the day of its notification, never the day it was written (Const. art. 8: "hacerlo
    conocer"; LFPA art. 35)."""
    return turno.due_date is None or on <= turno.due_date


def answer_pending_notification(respuesta) -> bool:
    """Written but not yet made known: neither on time nor late yet, and the clock runs."""
    return respuesta.within_term is None


def unnotified_answers_late(today: date) -> Q:
    """The Respuesta rows still waiting for their notification after their turno fell due:
    the term ran out before the petitioner learnt of the answer."""
    return Q(within_term__isnull=True, turno__due_date__lt=today)


# How near: the light and the reminders -----------------------------------------------------


def clock_paused() -> Exists:
    """True for a turno whose clock stands still: a prevención made known to the petitioner and
    not yet answered or closed by an acuerdo. One waiting for its notification stops nothing."""
    return Exists(
        Prevencion.objects.filter(
            turno=OuterRef("pk"),
            notified_at__isnull=False,
            answered_at__isnull=True,
            acuerdo_at__isnull=True,
        )
    )


def with_clock(turnos):
    """`turnos` carrying `clock_paused`, so their lights cost no query each."""
    return turnos.annotate(clock_paused=clock_paused())


def is_paused(turno: Turno) -> bool:
    if turno.state != TurnoState.PREVENCION:
        return False
    paused = getattr(turno, "clock_paused", None)
    if paused is None:
        paused = Turno.objects.filter(pk=turno.pk).filter(clock_paused()).exists()
    return paused


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
        if is_paused(turno):
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
        paused = Q(state=TurnoState.PREVENCION) & Q(clock_paused())
        open_attention = attention & ~paused
        if light == Light.OVERDUE:
            return open_attention & Q(due_date__lt=self.today)
        if light == Light.DUE_SOON:
            return open_attention & Q(due_date__gte=self.today, due_date__lte=self.soon)
        if light == Light.ON_TIME:
            return open_attention & Q(due_date__gt=self.soon)
        if light == Light.PAUSED:
            return paused
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
