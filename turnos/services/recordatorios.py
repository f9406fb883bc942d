"""The daily reminders: each secretaría hears of what falls due, and what is overdue goes up
to its titular and the contraloría."""

from datetime import date

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from oficialia.avisos import staff_notify, staff_of_secretaria, users_with_roles
from oficialia.calendario import BusinessCalendar
from oficialia.roles import Role

from .. import plazos
from ..models import Recordatorio, ReminderKind, Turno, TurnoKind, TurnoState

REMINDER_TEXT = {
    ReminderKind.THREE_DAYS: "vence en 3 días hábiles",
    ReminderKind.ONE_DAY: "vence el siguiente día hábil",
    ReminderKind.TODAY: "vence hoy",
    ReminderKind.OVERDUE: "está vencido",
}


# Its name from when it lived in turnos.tasks: queued messages still find it.
@shared_task(name="turnos.tasks.send_reminders", acks_late=True)
def send_reminders() -> int:
    return reminders_send()


def reminders_send(*, today: date | None = None) -> int:
    """The daily job: remind each secretaría of what is due, escalate what is overdue.

    Safe to run twice: a reminder is sent only if its row (turno, kind, due date) was new.
    """
    today = today or timezone.localdate()
    calendar = BusinessCalendar()
    if not calendar.is_business_day(today):
        return 0  # nobody is at the office; the next business day catches up
    horizon = calendar.add_business_days(today, plazos.DUE_SOON_BUSINESS_DAYS)
    sent = 0
    turnos = (
        Turno.objects.filter(
            kind=TurnoKind.ATENCION,
            state__in=[TurnoState.PENDIENTE, TurnoState.ACEPTADO, TurnoState.EN_ATENCION],
            due_date__lte=horizon,
        )
        .select_related("escrito", "secretaria")
        .order_by("due_date", "pk")
    )
    for turno in turnos.iterator(chunk_size=500):
        kind = plazos.reminder_kind(turno.due_date, today, calendar)
        if kind is None:
            continue
        with transaction.atomic():
            _, created = Recordatorio.objects.get_or_create(
                turno=turno,
                kind=kind,
                due_date=turno.due_date,
                defaults={"sent_at": timezone.now()},
            )
            if not created:
                continue
            when = REMINDER_TEXT[kind]
            if kind == ReminderKind.THREE_DAYS:
                # The first reminder can find only 2 business days left (a short term, a
                # turno routed late): say how many there really are.
                left = calendar.count_business_days(today, turno.due_date)
                when = f"vence en {left} días hábiles"
            text = (
                f"El turno {turno.escrito.folio} ({turno.secretaria.siglas}) "
                f"{when}: fecha límite {turno.due_date:%d/%m/%Y}"
            )
            url = reverse("turno_detalle", args=[turno.pk])
            recipients = set(staff_of_secretaria(turno.secretaria_id))
            if kind == ReminderKind.OVERDUE:
                recipients |= set(staff_of_secretaria(turno.secretaria_id, roles=(Role.TITULAR,)))
                recipients |= set(users_with_roles(Role.CONTRALORIA))
            staff_notify(recipients, text, url)
            sent += 1
    return sent
