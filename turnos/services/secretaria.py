"""A secretaría's use cases on its turnos: accept, assign and follow tasks, prevent, answer,
return as not competent."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Adjunto, AdjuntoOrigin, EscritoState
from correspondencia.transiciones import escrito_step, transicion_record
from firmas.constancias import constancia_request
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile
from oficialia.archivos import with_stored_files
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.roles import Role, has_role

from .. import plazos
from ..models import (
    Prevencion,
    Respuesta,
    Sense,
    Tarea,
    TareaComentario,
    TareaState,
    Turno,
    TurnoKind,
    TurnoState,
)
from .comun import close_escrito_if_done, lock_turno, turno_step


@transaction.atomic
def turno_accept(*, turno_id: int, user) -> Turno:
    """Accept a turno para atención, or mark a copy para conocimiento as read."""
    escrito, turno = lock_turno(turno_id, user)
    accepting = turno.kind == TurnoKind.ATENCION
    turno_step(
        turno,
        "accept" if accepting else "acknowledge",
        escrito=escrito,
        action=Accion.TURNO_ACEPTAR if accepting else Accion.TURNO_CONOCER,
        description=f"{turno.secretaria.nombre}: "
        + ("aceptó el turno" if accepting else "tomó conocimiento"),
        actor=user,
    )
    if accepting and escrito.state == EscritoState.TURNADO:
        escrito_step(
            escrito,
            "start_attention",
            action=Accion.ESCRITO_ATENDER,
            description=f"En atención por {turno.secretaria.nombre}",
            actor=user,
        )
    return turno


@transaction.atomic
def tarea_assign(*, turno_id: int, user, assignee, descripcion: str, due_date: date) -> Tarea:
    escrito, turno = lock_turno(turno_id, user)
    if turno.state == TurnoState.PENDIENTE:
        raise ActionError("Acepte el turno antes de asignar tareas.")
    if turno.state not in (TurnoState.ACEPTADO, TurnoState.EN_ATENCION):
        raise ActionError(f"No se asignan tareas a un turno «{turno.get_state_display()}».")
    if (
        not has_role(assignee, Role.OPERATIVO)
        or assignee.perfil.secretaria_id != turno.secretaria_id
    ):
        raise ActionError("Asigne la tarea a personal operativo de su secretaría.")
    if due_date < timezone.localdate():
        raise ActionError("La fecha límite de la tarea no puede estar en el pasado.")
    tarea = Tarea.objects.create(
        turno=turno,
        assigned_to=assignee,
        assigned_by=user,
        descripcion=descripcion.strip(),
        due_date=due_date,
    )
    step = {
        "escrito": escrito,
        "action": Accion.TURNO_ASIGNAR,
        "description": f"Tarea asignada a {assignee.get_full_name() or assignee.get_username()}",
        "actor": user,
        "reason": descripcion.strip(),
        "public": False,
    }
    if turno.state == TurnoState.ACEPTADO:
        turno_step(turno, "start", **step)
    else:
        transicion_record(turno=turno, **step)
    staff_notify(
        [assignee],
        f"Nueva tarea: {escrito.folio}, vence {due_date:%d/%m/%Y}",
        reverse("tarea_detalle", args=[tarea.pk]),
    )
    return tarea


@transaction.atomic
def tarea_progress(*, tarea_id: int, user, texto: str, state: str) -> Tarea:
    tarea = Tarea.objects.select_for_update(of=("self",)).select_related("turno").get(pk=tarea_id)
    if tarea.assigned_to_id != user.pk:
        raise PermissionDenied
    if tarea.state == TareaState.TERMINADA:
        raise ActionError("Esta tarea ya está terminada.")
    if not texto.strip():
        raise ActionError("Escriba un comentario con el avance.")
    TareaComentario.objects.create(tarea=tarea, author=user, texto=texto.strip(), state=state)
    tarea.state = state
    if state == TareaState.TERMINADA:
        tarea.done_at = timezone.now()
    tarea.save(update_fields=["state", "done_at"])
    transicion_record(
        escrito=tarea.turno.escrito,
        turno=tarea.turno,
        action=Accion.TURNO_AVANCE,
        description=f"Tarea {TareaState(state).label.lower()}",
        actor=user,
        reason=texto.strip(),
        public=False,
    )
    staff_notify(
        [tarea.assigned_by],
        f"Avance de tarea en {tarea.turno.escrito.folio}: {TareaState(state).label.lower()}",
        reverse("turno_detalle", args=[tarea.turno_id]),
    )
    return tarea


@transaction.atomic
def turno_prevent(*, turno_id: int, user, texto: str) -> Prevencion:
    """Ask the petitioner for missing information; the turno's clock stops."""
    escrito, turno = lock_turno(turno_id, user)
    if not texto.strip():
        raise ActionError("Escriba qué información o documentos faltan.")
    turno_step(
        turno,
        "prevent",
        escrito=escrito,
        action=Accion.TURNO_PREVENIR,
        description=f"{turno.secretaria.nombre} requiere información al peticionario",
        actor=user,
        reason=texto.strip(),
    )
    prevencion = Prevencion.objects.create(
        turno=turno, requested_by=user, requested_at=timezone.now(), texto=texto.strip()
    )
    if escrito.state != EscritoState.PREVENIDO:
        escrito_step(
            escrito,
            "prevent",
            action=Accion.ESCRITO_PREVENIR,
            description="Prevención: se requiere información; el plazo está suspendido",
            actor=user,
            reason=texto.strip(),
        )
    return prevencion


def turno_answer(
    *,
    turno_id: int,
    user,
    texto: str,
    sense: str,
    oficio: InspectedFile | None = None,
    signed: bool = False,
) -> Respuesta:
    """Answer a turno para atención in writing, with the sense and the signed oficio.

    Unless OFICIALIA_RESPUESTA_SIN_FIRMA allows it, only an oficio the titular signed with
    their e.firma is sent (`signed`, set by oficios.services.borradores_sign, which checks it).
    """
    if not signed and not settings.RESPUESTA_SIN_FIRMA:
        raise ActionError(
            "La respuesta debe llevar la e.firma del titular: envíe el borrador a firma para "
            "que el titular lo revise y lo firme."
        )
    return with_stored_files(
        [oficio] if oficio is not None else [],
        lambda stored: _turno_answer(
            turno_id, user, texto, sense, oficio, stored[0] if stored else None
        ),
    )


@transaction.atomic
def _turno_answer(
    turno_id: int,
    user,
    texto: str,
    sense: str,
    oficio: InspectedFile | None,
    oficio_name: str | None,
) -> Respuesta:
    escrito, turno = lock_turno(turno_id, user)
    if turno.kind != TurnoKind.ATENCION:
        raise ActionError("Un turno para conocimiento no se responde.")
    if not texto.strip():
        raise ActionError("Escriba el texto de la respuesta.")
    if sense not in Sense.values:
        raise ActionError("Elija el sentido de la respuesta.")
    now = timezone.now()
    turno.answered_at = now
    turno_step(
        turno,
        "answer",
        escrito=escrito,
        action=Accion.TURNO_RESPONDER,
        description=f"{turno.secretaria.nombre} respondió (sentido {Sense(sense).label.lower()})",
        actor=user,
    )
    adjunto = None
    if oficio is not None:
        adjunto = Adjunto.objects.create(
            escrito=escrito,
            position=escrito.adjuntos.count(),
            origin=AdjuntoOrigin.RESPUESTA,
            **oficio.stored_fields(oficio_name),
        )
    if adjunto is not None:
        digest, folio = adjunto.sha256, escrito.folio
        transaction.on_commit(
            lambda: constancia_request(documento="respuesta", referencia=folio, sha256=digest)
        )
    respuesta = Respuesta.objects.create(
        turno=turno,
        texto=texto.strip(),
        sense=sense,
        oficio=adjunto,
        answered_by=user,
        answered_at=now,
        within_term=plazos.answered_within_term(turno, on=timezone.localdate()),
    )
    close_escrito_if_done(escrito, user)
    return respuesta


@transaction.atomic
def turno_give_back(*, turno_id: int, user, reason: str) -> Turno:
    """Return a turno as not competent, with the reason, to the oficialía."""
    escrito, turno = lock_turno(turno_id, user)
    if not reason.strip():
        raise ActionError("Escriba por qué el asunto no es competencia de su secretaría.")
    turno_step(
        turno,
        "give_back",
        escrito=escrito,
        action=Accion.TURNO_DEVOLVER,
        description=f"{turno.secretaria.nombre} lo devolvió por no ser de su competencia",
        actor=user,
        reason=reason.strip(),
    )
    staff_notify(
        users_with_roles(Role.OFICIALIA),
        f"{turno.secretaria.nombre} devolvió el turno de {escrito.folio}",
        reverse("oficialia_escrito", args=[escrito.folio]),
    )
    close_escrito_if_done(escrito, user)
    return turno
