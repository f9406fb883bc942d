"""A secretaría's use cases on its turnos: accept, assign and follow tasks, prevent, answer,
return as not competent."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Adjunto, AdjuntoOrigin, EscritoState
from correspondencia.signals import documento_emitido
from correspondencia.transiciones import escrito_step, transicion_record
from firmas.constancias import constancia_request
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile
from oficialia.archivos import with_stored_files
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.calendario import BusinessCalendar
from oficialia.roles import Role, has_role

from .. import plazos
from ..actos import act_announce
from ..models import (
    OPEN_TURNO_STATES,
    Prevencion,
    Prorroga,
    Respuesta,
    Sense,
    Tarea,
    TareaComentario,
    TareaState,
    Turno,
    TurnoKind,
    TurnoState,
)
from .acuerdo import acuerdo_pdf_queue
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
    """Ask the petitioner for missing information (once, within the first third of the term).
    The prevención is notified through its notification record; from that day the turno's
    clock stops and the petitioner's deadline runs (prevencion_notified)."""
    escrito, turno = lock_turno(turno_id, user)
    if not texto.strip():
        raise ActionError("Escriba qué información o documentos faltan.")
    calendar = BusinessCalendar()
    now = timezone.now()
    if error := plazos.prevention_error(turno, today=timezone.localdate(), calendar=calendar):
        raise ActionError(error)
    days = settings.PREVENTION_ANSWER_DAYS
    turno_step(
        turno,
        "prevent",
        escrito=escrito,
        action=Accion.TURNO_PREVENIR,
        description=f"{turno.secretaria.nombre} requiere información al peticionario; "
        f"tendrá {days} días hábiles para responder desde que se le notifique",
        actor=user,
        reason=texto.strip(),
    )
    prevencion = Prevencion.objects.create(
        turno=turno, requested_by=user, requested_at=now, texto=texto.strip()
    )
    if escrito.state != EscritoState.PREVENIDO:
        escrito_step(
            escrito,
            "prevent",
            action=Accion.ESCRITO_PREVENIR,
            description=f"Prevención: se requiere información. Tiene {days} días hábiles para "
            "responder, contados desde que se le notifica; si no responde, su escrito se tendrá "
            "por no presentado. Mientras tanto el plazo de respuesta está suspendido",
            actor=user,
            reason=texto.strip(),
        )
    prevencion.como_se_notifica = act_announce(
        "prevencion", escrito_id=escrito.pk, actor=user, prevencion_id=prevencion.pk
    )
    return prevencion


@transaction.atomic
def turno_not_presented(*, turno_id: int, user, texto: str) -> Turno:
    """The written acuerdo that has the turno for not presented, once its prevención went
    unanswered past the deadline. The acuerdo is a public step, notified to the petitioner."""
    escrito, turno = lock_turno(turno_id, user)
    texto = texto.strip()
    if not texto:
        raise ActionError("Escriba el acuerdo: sus fundamentos y lo que se resuelve.")
    prevencion = (
        Prevencion.objects.select_for_update()
        .filter(turno=turno, answered_at__isnull=True, acuerdo_at__isnull=True)
        .first()
    )
    today = timezone.localdate()
    if prevencion is None or turno.state != TurnoState.PREVENCION:
        raise ActionError("Este turno no tiene una prevención sin responder.")
    if not plazos.prevention_expired(prevencion, today=today):
        raise ActionError(
            f"El plazo del peticionario para responder la prevención vence el "
            f"{prevencion.deadline:%d/%m/%Y}: hasta que pase no se puede tener por no presentado."
        )
    prevencion.acuerdo_at = timezone.now()
    prevencion.acuerdo_texto = texto
    prevencion.acuerdo_por = user
    prevencion.save(update_fields=["acuerdo_at", "acuerdo_texto", "acuerdo_por"])
    transaction.on_commit(lambda pk=prevencion.pk: acuerdo_pdf_queue(pk))
    turno_step(
        turno,
        "not_presented",
        escrito=escrito,
        action=Accion.TURNO_NO_PRESENTADO,
        description=f"{turno.secretaria.nombre} lo tuvo por no presentado: la prevención no se "
        f"respondió a más tardar el {prevencion.deadline:%d/%m/%Y}",
        actor=user,
        reason=texto,
    )
    turno.como_se_notifica = act_announce(
        "acuerdo", escrito_id=escrito.pk, actor=user, prevencion_id=prevencion.pk
    )
    others = escrito.turnos.filter(kind=TurnoKind.ATENCION).exclude(pk=turno.pk)
    still_prevented = others.filter(state=TurnoState.PREVENCION).exists()
    if escrito.state == EscritoState.PREVENIDO and not still_prevented:
        states = set(others.values_list("state", flat=True))
        if states & ({TurnoState.RESPONDIDO} | set(OPEN_TURNO_STATES)):
            # Another secretaría still works (or answered) its part: the escrito goes on.
            escrito_step(
                escrito,
                "resume",
                action=Accion.ESCRITO_DESAHOGAR,
                description=f"{turno.secretaria.nombre} tuvo su parte por no presentada (acuerdo "
                "por prevención sin responder); las demás áreas continúan",
                actor=user,
                reason=texto,
            )
            close_escrito_if_done(escrito, user)
        else:
            escrito_step(
                escrito,
                "not_presented",
                action=Accion.ESCRITO_NO_PRESENTADO,
                description="Su escrito se tuvo por no presentado: la prevención no se respondió "
                f"a más tardar el {prevencion.deadline:%d/%m/%Y}. Consulte el acuerdo",
                actor=user,
                reason=texto,
            )
    return turno


@transaction.atomic
def turno_extend(*, turno_id: int, user, days: int, reason: str) -> Prorroga:
    """Extend the turno's term once, before it ends, by `days` business days with a reason;
    the petitioner is told the new due date."""
    escrito, turno = lock_turno(turno_id, user)
    reason = reason.strip()
    if not reason:
        raise ActionError("Escriba el motivo de la prórroga: el peticionario lo verá.")
    if turno.kind != TurnoKind.ATENCION or turno.state not in OPEN_TURNO_STATES:
        raise ActionError("Solo se prorroga el plazo de un turno para atención abierto.")
    if error := plazos.extension_error(turno, days=days, today=timezone.localdate()):
        raise ActionError(error)
    calendar = BusinessCalendar()
    previous = turno.due_date
    prorroga = Prorroga.objects.create(
        turno=turno,
        granted_by=user,
        granted_at=timezone.now(),
        days=days,
        reason=reason,
        previous_due_date=previous,
    )
    if turno.due_date_reason:
        new_due = calendar.add_business_days(previous, days)
    else:
        new_due = plazos.turno_due(turno, calendar).due
    Turno.objects.filter(pk=turno.pk).update(due_date=new_due)
    turno.due_date = new_due
    transicion_record(
        escrito=escrito,
        turno=turno,
        action=Accion.TURNO_PRORROGAR,
        description=f"{turno.secretaria.nombre} prorrogó el plazo {days} días hábiles: del "
        f"{previous:%d/%m/%Y} al {new_due:%d/%m/%Y}",
        actor=user,
        reason=reason,
    )
    # A public step of the escrito (same state), so the petitioner is told.
    transicion_record(
        escrito=escrito,
        action=Accion.ESCRITO_PRORROGAR,
        description=f"Prórroga: {turno.secretaria.nombre} responderá a más tardar el "
        f"{new_due:%d/%m/%Y} (antes {previous:%d/%m/%Y})",
        actor=user,
        reason=reason,
        source=escrito.state,
        target=escrito.state,
    )
    prorroga.como_se_notifica = act_announce(
        "prorroga", escrito_id=escrito.pk, actor=user, prorroga_id=prorroga.pk
    )
    return prorroga


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
        description=f"{turno.secretaria.nombre} respondió (sentido {Sense.sentido(sense)})",
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
        escrito_id = escrito.pk
        transaction.on_commit(
            lambda: documento_emitido.send(
                sender=Adjunto, escrito_id=escrito_id, documento="respuesta"
            )
        )
    respuesta = Respuesta.objects.create(
        turno=turno,
        texto=texto.strip(),
        sense=sense,
        oficio=adjunto,
        answered_by=user,
        answered_at=now,
        # Pending until notified: measured on the notification date (respuesta_notified).
        within_term=None,
    )
    close_escrito_if_done(escrito, user)
    respuesta.como_se_notifica = act_announce(
        "respuesta", escrito_id=escrito.pk, actor=user, respuesta_id=respuesta.pk
    )
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
    close_escrito_if_done(escrito, user)
    if escrito.state != EscritoState.NO_COMPETENTE:
        # When it was the last turno, closing the escrito already told the Oficialía, once.
        staff_notify(
            users_with_roles(Role.OFICIALIA),
            f"{turno.secretaria.nombre} devolvió el turno de {escrito.folio}",
            reverse("oficialia_escrito", args=[escrito.folio]),
        )
    return turno
