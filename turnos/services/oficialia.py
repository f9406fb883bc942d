"""The Oficialía's use cases: route an escrito, reject or reorient it, route a returned turno
again."""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Escrito, EscritoState
from correspondencia.transiciones import escrito_step, transicion_record
from oficialia.acciones import ActionError, apply_transition, save_or_conflict
from oficialia.acciones_bitacora import Accion
from oficialia.avisos import staff_notify, staff_of_secretaria
from oficialia.roles import Role

from .. import plazos
from ..models import REROUTABLE_ESCRITO_STATES, Turno, TurnoKind, TurnoState
from .comun import Route, lock_escrito, lock_turno, require_role


@transaction.atomic
def escrito_turn(
    *,
    escrito_id: int,
    user,
    routes: list[Route],
    due_date: date | None = None,
    due_date_reason: str = "",
) -> list[Turno]:
    """Route an escrito to one or more secretarías, with one due date for all of them."""
    require_role(user, Role.OFICIALIA)
    escrito = lock_escrito(escrito_id)
    if not any(r.kind == TurnoKind.ATENCION for r in routes):
        raise ActionError("Turne al menos a una secretaría para atención (que deba responder).")
    if len({r.secretaria.pk for r in routes}) != len(routes):
        raise ActionError("Cada secretaría puede aparecer una sola vez en el turno.")
    computed = plazos.suggested_due_date(escrito)
    if due_date is not None and due_date != computed.due:
        if error := plazos.manual_due_date_error(escrito, due_date, due_date_reason):
            raise ActionError(error)
    else:
        due_date, due_date_reason = computed.due, ""
    source, target = apply_transition(escrito, "turn")
    save_or_conflict(escrito)
    now = timezone.now()
    turnos = []
    for route in routes:
        turno = Turno.objects.create(
            escrito=escrito,
            secretaria=route.secretaria,
            area=route.area,
            kind=route.kind,
            instruccion=route.instruccion,
            term_days=plazos.term_days(escrito),
            due_date=due_date if route.kind == TurnoKind.ATENCION else None,
            due_date_reason=due_date_reason.strip(),
            turned_by=user,
            turned_at=now,
        )
        turnos.append(turno)
        transicion_record(
            escrito=escrito,
            turno=turno,
            action=Accion.TURNO_TURNAR,
            description=f"Turnado a {route.secretaria.nombre} ({turno.get_kind_display().lower()})",
            actor=user,
            reason=route.instruccion,
            target=TurnoState.PENDIENTE,
            at=now,
            # The petitioner sees the escrito's own step below, with every secretaría in it.
            public=False,
        )
        staff_notify(
            staff_of_secretaria(route.secretaria.pk),
            f"Nuevo turno {turno.get_kind_display().lower()}: {escrito.folio} «{escrito.asunto}»",
            reverse("turno_detalle", args=[turno.pk]),
        )
    due_text = f"; fecha límite {due_date:%d/%m/%Y}" + (
        f" (fijada a mano: {due_date_reason.strip()})" if due_date_reason.strip() else ""
    )
    transicion_record(
        escrito=escrito,
        action=Accion.ESCRITO_TURNAR,
        description="Turnado a " + ", ".join(r.secretaria.nombre for r in routes) + due_text,
        actor=user,
        source=source,
        target=target,
        at=now,
    )
    return turnos


def _oficialia_decision(
    *, escrito_id: int, user, reason: str, transition: str, action: Accion, text: str
) -> Escrito:
    require_role(user, Role.OFICIALIA)
    if not reason.strip():
        raise ActionError("Escriba el motivo: el peticionario lo verá.")
    escrito = lock_escrito(escrito_id)
    escrito_step(
        escrito, transition, action=action, description=text, actor=user, reason=reason.strip()
    )
    return escrito


@transaction.atomic
def escrito_reject(*, escrito_id: int, user, reason: str) -> Escrito:
    return _oficialia_decision(
        escrito_id=escrito_id,
        user=user,
        reason=reason,
        transition="reject",
        action=Accion.ESCRITO_RECHAZAR,
        text="Rechazado: no constituye un escrito",
    )


@transaction.atomic
def escrito_reorient(*, escrito_id: int, user, reason: str) -> Escrito:
    return _oficialia_decision(
        escrito_id=escrito_id,
        user=user,
        reason=reason,
        transition="reorient",
        action=Accion.ESCRITO_REORIENTAR,
        text="Reorientado a la autoridad competente",
    )


@transaction.atomic
def turno_reroute(*, turno_id: int, user, route: Route) -> Turno:
    """Give a returned turno to another secretaría."""
    require_role(user, Role.OFICIALIA)
    escrito, previous = lock_turno(turno_id)
    if previous.state != TurnoState.DEVUELTO:
        raise ActionError("Solo se puede returnar un turno devuelto por no competencia.")
    if hasattr(previous, "rerouted_as"):
        raise ActionError("Este turno devuelto ya se turnó de nuevo.")
    if escrito.state not in REROUTABLE_ESCRITO_STATES:
        raise ActionError(
            f"El escrito está «{escrito.get_state_display()}»: no se puede turnar de nuevo."
        )
    if route.secretaria.pk == previous.secretaria_id:
        raise ActionError("Elija una secretaría distinta de la que lo devolvió.")
    if escrito.state == EscritoState.NO_COMPETENTE:
        source, target = apply_transition(escrito, "turn")
        save_or_conflict(escrito)
    else:
        source = target = ""
    turno = Turno.objects.create(
        escrito=escrito,
        secretaria=route.secretaria,
        area=route.area,
        kind=TurnoKind.ATENCION,
        instruccion=route.instruccion,
        term_days=previous.term_days,
        # The same term as before, computed again in case the calendar changed meanwhile.
        due_date=previous.due_date if previous.due_date_reason else plazos.turno_due(previous).due,
        due_date_reason=previous.due_date_reason,
        turned_by=user,
        turned_at=timezone.now(),
        previous=previous,
    )
    transicion_record(
        escrito=escrito,
        turno=turno,
        action=Accion.TURNO_RETURNAR,
        description=f"Turnado de nuevo a {route.secretaria.nombre} "
        f"(lo devolvió {previous.secretaria.nombre})",
        actor=user,
        reason=route.instruccion,
        source=source,
        target=target,
    )
    staff_notify(
        staff_of_secretaria(route.secretaria.pk),
        f"Nuevo turno para atención: {escrito.folio} «{escrito.asunto}»",
        reverse("turno_detalle", args=[turno.pk]),
    )
    return turno
