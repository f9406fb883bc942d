"""What every turnado use case shares: the locks (the escrito first, then the turno, so two
people acting on the same turno at once cannot both win), the role check, and the turno's
own transition step."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from correspondencia.models import Area, Escrito, EscritoState, Secretaria
from correspondencia.transiciones import escrito_step, transicion_record
from oficialia.acciones import apply_transition, save_or_conflict
from oficialia.acciones_bitacora import Accion
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.roles import Role, has_role

from ..models import OPEN_TURNO_STATES, Turno, TurnoKind, TurnoState
from ..permissions import can_work_turno


@dataclass
class Route:
    secretaria: Secretaria
    kind: str = TurnoKind.ATENCION
    area: Area | None = None
    instruccion: str = ""


def lock_escrito(escrito_id: int) -> Escrito:
    return (
        Escrito.objects.select_for_update(of=("self",))
        .select_related("peticionario", "tramite")
        .get(pk=escrito_id)
    )


def lock_turno(turno_id: int, user=None) -> tuple[Escrito, Turno]:
    """The turno and its escrito, locked in that order; 403 when `user` may not work it."""
    escrito_id = Turno.objects.values_list("escrito_id", flat=True).get(pk=turno_id)
    escrito = lock_escrito(escrito_id)
    turno = (
        Turno.objects.select_for_update(of=("self",)).select_related("secretaria").get(pk=turno_id)
    )
    if user is not None and not can_work_turno(user, turno):
        raise PermissionDenied
    return escrito, turno


def require_role(user, *roles: Role) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


def turno_step(
    turno: Turno,
    transition: str,
    *,
    escrito: Escrito,
    action: Accion,
    description: str,
    actor=None,
    reason: str = "",
    public: bool = True,
):
    """Run one FSM transition of the turno, save it, and write its timeline and bitácora
    entries, all in the caller's transaction."""
    source, target = apply_transition(turno, transition)
    save_or_conflict(turno)
    return transicion_record(
        escrito=escrito,
        turno=turno,
        action=action,
        description=description,
        actor=actor,
        reason=reason,
        source=source,
        target=target,
        public=public,
    )


def close_escrito_if_done(escrito: Escrito, user) -> None:
    """The escrito is answered when every turno para atención is answered or returned (and at
    least one answered); returned as not competent when every one was returned."""
    states = list(escrito.turnos.filter(kind=TurnoKind.ATENCION).values_list("state", flat=True))
    if any(s in OPEN_TURNO_STATES for s in states) or not states:
        return
    if escrito.state not in (EscritoState.TURNADO, EscritoState.EN_ATENCION):
        return
    if TurnoState.RESPONDIDO in states:
        escrito_step(
            escrito,
            "answer",
            action=Accion.ESCRITO_RESPONDER,
            description="Su escrito fue respondido: consulte la respuesta con su folio y código",
            actor=user,
        )
    else:
        escrito_step(
            escrito,
            "return_not_competent",
            action=Accion.ESCRITO_DEVOLVER,
            description="Devuelto a la Oficialía de Partes para turnarlo al área competente",
            actor=user,
        )
        staff_notify(
            users_with_roles(Role.OFICIALIA),
            f"Escrito devuelto por no competencia: {escrito.folio}; túrnelo de nuevo",
            reverse("oficialia_escrito", args=[escrito.folio]),
        )
