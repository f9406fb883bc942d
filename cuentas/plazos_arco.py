"""ARCO terms (LGPDPPSO): which terms apply to a request, when each falls due, and when the
Unidad de Transparencia is reminded. Calendar mechanics are oficialia.calendario's (weekends,
federal rest days, the días inhábiles the ayuntamiento published, vacations included); this
module decides the policy, the way turnos.plazos does for Article 8.

- the answer: ARCO_ANSWER_BUSINESS_DAYS (20) from the business day after the request was
  received, extendable once by ARCO_EXTENSION_BUSINESS_DAYS (10) with a reason;
- carrying out a procedente answer: ARCO_EXECUTION_BUSINESS_DAYS (15) from the business day
  after the answer was notified;
- a reminder ARCO_REMINDER_BUSINESS_DAYS (3) business days before each due date.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from oficialia.calendario import BusinessCalendar

from .models import ArcoState, SolicitudArco


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def answer_due(received: datetime, *, extended: bool = False, calendar=None) -> date:
    calendar = calendar or BusinessCalendar()
    days = settings.ARCO_ANSWER_BUSINESS_DAYS
    if extended:
        days += settings.ARCO_EXTENSION_BUSINESS_DAYS
    return calendar.due_date(_day(received), days).due


def execution_due(notified: datetime, *, calendar=None) -> date:
    calendar = calendar or BusinessCalendar()
    return calendar.due_date(_day(notified), settings.ARCO_EXECUTION_BUSINESS_DAYS).due


def current_due(solicitud: SolicitudArco) -> date | None:
    """The term running now: the answer's while pending, the execution's once procedente."""
    if solicitud.state == ArcoState.PENDIENTE:
        return solicitud.answer_due
    if solicitud.state == ArcoState.PROCEDENTE:
        return solicitud.execution_due
    return None


def reminder_due(solicitud: SolicitudArco, *, today: date, calendar=None) -> bool:
    """Whether the Unidad should be reminded today of the running term (once per term)."""
    due = current_due(solicitud)
    if due is None or solicitud.reminded_due == due:
        return False
    calendar = calendar or BusinessCalendar()
    return today >= due or calendar.count_business_days(today, due) <= (
        settings.ARCO_REMINDER_BUSINESS_DAYS
    )
