"""The daily reminders: each secretaría hears of what falls due, and what is overdue goes up
to its titular and the contraloría."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from correspondencia.transiciones import transicion_record
from oficialia.acciones_bitacora import Accion
from oficialia.avisos import staff_notify, staff_of_secretaria, users_with_roles
from oficialia.calendario import BusinessCalendar
from oficialia.roles import Role

from .. import plazos
from ..models import (
    Prevencion,
    Recordatorio,
    ReminderKind,
    Respuesta,
    Turno,
    TurnoKind,
    TurnoState,
)

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


def _first_time(turno: Turno, kind: str, due_date: date) -> bool:
    """Records that this reminder (turno, kind, due date) goes out; False if it already did."""
    _, created = Recordatorio.objects.get_or_create(
        turno=turno, kind=kind, due_date=due_date, defaults={"sent_at": timezone.now()}
    )
    return created


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
    # A prevención stops the clock only once notified: until then its turno is reminded as
    # any other.
    turnos = (
        Turno.objects.filter(
            Q(state__in=[TurnoState.PENDIENTE, TurnoState.ACEPTADO, TurnoState.EN_ATENCION])
            | (Q(state=TurnoState.PREVENCION) & ~plazos.clock_paused()),
            kind=TurnoKind.ATENCION,
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
            if not _first_time(turno, kind, turno.due_date):
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
    return (
        sent
        + _prevention_reminders(today, calendar)
        + _unnotified_answer_reminders(today, horizon, calendar)
    )


def _unnotified_answer_reminders(today: date, horizon: date, calendar: BusinessCalendar) -> int:
    """An answer written but not yet made known: the term runs until it is notified (Const.
    art. 8, LFPA art. 35). The secretaría and the ventanilla, who practise personal
    notifications, hear before the due date; past it, the titular and the contraloría too."""
    sent = 0
    pending = (
        Respuesta.objects.filter(within_term__isnull=True, turno__due_date__lte=horizon)
        .select_related("turno__escrito", "turno__secretaria")
        .order_by("turno__due_date", "pk")
    )
    for respuesta in pending.iterator(chunk_size=500):
        turno = respuesta.turno
        overdue = turno.due_date < today
        kind = ReminderKind.RESPUESTA_VENCIDA if overdue else ReminderKind.RESPUESTA_SIN_NOTIFICAR
        with transaction.atomic():
            if not _first_time(turno, kind, turno.due_date):
                continue
            secretaria = set(staff_of_secretaria(turno.secretaria_id))
            if overdue:
                text = (
                    f"La respuesta de {turno.escrito.folio} ({turno.secretaria.siglas}) sigue "
                    f"sin notificarse y el plazo venció el {turno.due_date:%d/%m/%Y}: "
                    "notifíquela cuanto antes"
                )
                secretaria |= set(staff_of_secretaria(turno.secretaria_id, roles=(Role.TITULAR,)))
                secretaria |= set(users_with_roles(Role.CONTRALORIA))
            else:
                left = calendar.count_business_days(today, turno.due_date)
                when = (
                    "hoy"
                    if left == 0
                    else "el siguiente día hábil"
                    if left == 1
                    else f"en {left} días hábiles"
                )
                text = (
                    f"La respuesta de {turno.escrito.folio} ({turno.secretaria.siglas}) está "
                    f"pendiente de notificar; el plazo vence {when} "
                    f"({turno.due_date:%d/%m/%Y}) y sólo cuenta en plazo si se notifica antes"
                )
            # The ventanilla practises personal notifications from its queue; the others
            # follow the turno.
            ventanilla = set(users_with_roles(Role.VENTANILLA)) - secretaria
            staff_notify(secretaria, text, reverse("turno_detalle", args=[turno.pk]))
            staff_notify(ventanilla, text, reverse("notificaciones_pendientes"))
            sent += 1
    return sent


def _prevention_reminders(today: date, calendar: BusinessCalendar) -> int:
    """The prevenciones: the petitioner hears before the deadline (a public step of the
    escrito, so it reaches the account and the email); past it, the secretaría is told to
    dictate the acuerdo, and the titular with it."""
    sent = 0
    horizon = calendar.add_business_days(today, settings.PREVENTION_REMINDER_DAYS)
    pending = (
        Prevencion.objects.filter(
            answered_at__isnull=True,
            acuerdo_at__isnull=True,
            deadline__lte=horizon,
            turno__state=TurnoState.PREVENCION,
        )
        .select_related("turno__escrito__peticionario", "turno__secretaria")
        .order_by("deadline", "pk")
    )
    for prevencion in pending:
        turno = prevencion.turno
        expired = plazos.prevention_expired(prevencion, today=today)
        if not expired and not plazos.prevention_reminder_due(
            prevencion, today=today, calendar=calendar
        ):
            continue
        kind = ReminderKind.PREVENCION_VENCIDA if expired else ReminderKind.PREVENCION_AVISO
        with transaction.atomic():
            if not _first_time(turno, kind, prevencion.deadline):
                continue
            escrito = turno.escrito
            if expired:
                staff_notify(
                    set(staff_of_secretaria(turno.secretaria_id)),
                    f"La prevención de {escrito.folio} venció el {prevencion.deadline:%d/%m/%Y} "
                    "sin respuesta: dicte el acuerdo que lo tiene por no presentado",
                    reverse("turno_detalle", args=[turno.pk]),
                )
            else:
                transicion_record(
                    escrito=escrito,
                    action=Accion.ESCRITO_RECORDAR_PREVENCION,
                    description=f"Recordatorio: el plazo para responder la prevención vence el "
                    f"{prevencion.deadline:%d/%m/%Y}",
                    source=escrito.state,
                    target=escrito.state,
                )
            sent += 1
    return sent
