"""What a completed notification changes in the term: a prevención stops the turno's clock
from the day it was notified and the petitioner's deadline counts from it; an answer is on
time or late by the day it was notified. Called by the app that keeps the notification
records (notificaciones) when one is practiced; the rule itself is turnos.plazos."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from correspondencia.transiciones import transicion_record
from oficialia.acciones_bitacora import Accion
from oficialia.calendario import BusinessCalendar

from .. import plazos
from ..models import Prevencion, Respuesta, Turno


@transaction.atomic
def prevencion_notified(*, prevencion_id: int, at: datetime, how: str) -> Prevencion:
    """The prevención was made known at `at`: the petitioner's deadline is set from that day
    and the turno's clock stands still from it. A second call changes nothing."""
    prevencion = Prevencion.objects.select_for_update(of=("self",)).get(pk=prevencion_id)
    if prevencion.notified_at is not None:
        return prevencion
    turno = Turno.objects.select_related("escrito", "secretaria").get(pk=prevencion.turno_id)
    prevencion.notified_at = at
    prevencion.deadline = plazos.prevention_deadline(
        timezone.localtime(at).date(), BusinessCalendar()
    )
    prevencion.save(update_fields=["notified_at", "deadline"])
    transicion_record(
        escrito=turno.escrito,
        turno=turno,
        action=Accion.TURNO_NOTIFICADO,
        description=f"Prevención notificada ({how}) el {timezone.localtime(at):%d/%m/%Y}; "
        f"plazo para responder: {prevencion.deadline:%d/%m/%Y}",
        at=at if at <= timezone.now() else None,
    )
    return prevencion


@transaction.atomic
def respuesta_notified(*, respuesta_id: int, at: datetime, how: str) -> Respuesta:
    """The answer was made known at `at`: on time when that day is not after the due date."""
    respuesta = Respuesta.objects.select_for_update(of=("self",)).get(pk=respuesta_id)
    if respuesta.notified_at is not None:
        return respuesta
    turno = Turno.objects.select_related("escrito", "secretaria").get(pk=respuesta.turno_id)
    respuesta.notified_at = at
    respuesta.within_term = plazos.answered_within_term(
        turno, on=timezone.localtime(at).date()
    )
    respuesta.save(update_fields=["notified_at", "within_term"])
    transicion_record(
        escrito=turno.escrito,
        turno=turno,
        action=Accion.TURNO_NOTIFICADO,
        description=f"Respuesta de {turno.secretaria.nombre} notificada ({how}) el "
        f"{timezone.localtime(at):%d/%m/%Y}: "
        + ("en plazo" if respuesta.within_term else "fuera de plazo"),
        at=at if at <= timezone.now() else None,
    )
    return respuesta


def act_notified_record(*, turno: Turno, description: str, at: datetime) -> None:
    """A timeline step for an act whose notification changes no term (acuerdo, prórroga)."""
    transicion_record(
        escrito=turno.escrito,
        turno=turno,
        action=Accion.TURNO_NOTIFICADO,
        description=description,
        at=at if at <= timezone.now() else None,
    )
