"""Reads for the inboxes and pages of the turnado, already scoped to the user."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from correspondencia.models import Escrito, EscritoState

from .models import (
    OPEN_TURNO_STATES,
    REROUTABLE_ESCRITO_STATES,
    Tarea,
    Turno,
    TurnoKind,
    TurnoState,
)
from .permissions import escritos_visible_to, turnos_scope
from .plazos import Light, Thresholds, turno_due


def bandeja(
    user, *, state: str = "", light: str = "", kind: str = "", q: str = "", thresholds: Thresholds
) -> QuerySet[Turno]:
    """The turnos of the user's secretaría, most urgent first.

    The open ones (the default) are read from turno_bandeja_open_idx alone: every turno
    column selected here is in that index, so a page is an index-only scan that stops after
    its rows. A column outside it (e.g. `instruccion`) makes deep pages read the table again;
    a column the page uses but this list defers costs one query per row
    (tests/turnos/test_bandeja_queries.py catches that).
    """
    turnos = (
        Turno.objects.filter(turnos_scope(user))
        .select_related("escrito", "secretaria", "area")
        .only(
            "pk",
            "kind",
            "state",
            "due_date",
            "turned_at",
            "escrito__folio",
            # Escrito is a ConcurrentTransitionMixin: its __init__ reads every FSM field, so a
            # deferred state would cost one query per row.
            "escrito__state",
            "escrito__asunto",
            "escrito__received_at",
            "secretaria__siglas",
            "area__nombre",
        )
    )
    if state == "abiertos" or not state:
        turnos = turnos.filter(state__in=OPEN_TURNO_STATES)
    elif state in TurnoState.values:
        turnos = turnos.filter(state=state)
    if light:
        turnos = turnos.filter(thresholds.filter(light))
    if kind in TurnoKind.values:
        turnos = turnos.filter(kind=kind)
    if q:
        turnos = turnos.filter(Q(escrito__folio__icontains=q) | Q(escrito__asunto__icontains=q))
    # Turnos without a due date (para conocimiento) go last on every database: PostgreSQL
    # puts NULLs last in ascending order, SQLite first. NULLS LAST is PostgreSQL's own default,
    # so the order still matches turno_bandeja_open_idx.
    return turnos.order_by(F("due_date").asc(nulls_last=True), "turned_at", "pk")


def oficialia_inbox(
    *, order: str = "recientes", q: str = "", channel: str = "", secretaria: str = ""
) -> QuerySet[Escrito]:
    """Escritos waiting for the oficialía: received and not routed, or returned."""
    escritos = Escrito.objects.filter(
        state__in=[EscritoState.RECIBIDO, EscritoState.NO_COMPETENTE]
    ).select_related("peticionario", "tramite__secretaria", "secretaria_destino")
    if q:
        escritos = escritos.filter(Q(folio__icontains=q) | Q(asunto__icontains=q))
    if channel:
        escritos = escritos.filter(channel=channel)
    if secretaria:
        escritos = escritos.filter(
            Q(secretaria_destino_id=secretaria) | Q(tramite__secretaria_id=secretaria)
        )
    ordering = ["received_at", "pk"] if order == "antiguos" else ["-received_at", "-pk"]
    return escritos.order_by(*ordering)


def returned_turnos() -> QuerySet[Turno]:
    """Turnos returned as not competent and not yet routed again."""
    return (
        Turno.objects.filter(
            state=TurnoState.DEVUELTO,
            rerouted_as__isnull=True,
            # Only while a new turno could still change the escrito (see turno_reroute).
            escrito__state__in=REROUTABLE_ESCRITO_STATES,
        )
        .select_related("escrito", "secretaria")
        .order_by("turned_at")
    )


def escrito_for_staff(user, folio: str) -> Escrito:
    """The escrito if the user may see it; 404 otherwise (its existence is not revealed)."""
    escrito = (
        escritos_visible_to(user)
        .select_related("peticionario", "tramite__secretaria", "secretaria_destino", "acuse")
        .filter(folio=folio)
        .first()
    )
    if escrito is None:
        raise Http404
    return escrito


def turno_for_worker(user, turno_id: int) -> Turno:
    turno = (
        Turno.objects.filter(turnos_scope(user))
        .select_related("escrito__peticionario", "escrito__tramite", "secretaria", "area")
        .filter(pk=turno_id)
        .first()
    )
    if turno is None:
        raise Http404
    return turno


def tareas_of(user, *, show_done: bool = False) -> QuerySet[Tarea]:
    tareas = Tarea.objects.filter(assigned_to=user).select_related("turno__escrito")
    if not show_done:
        tareas = tareas.exclude(state="terminada")
    return tareas.order_by("due_date", "pk")


def tarea_for_user(user, tarea_id: int) -> Tarea:
    tarea = (
        Tarea.objects.filter(assigned_to=user, pk=tarea_id)
        .select_related("turno__escrito", "turno__secretaria", "assigned_by")
        .first()
    )
    if tarea is None:
        raise Http404
    return tarea


def bandeja_counts(user, thresholds: Thresholds) -> dict[str, int]:
    """How many open turnos per traffic light, in one query."""
    # Every light is about open turnos: saying so lets the query read only those, from
    # turno_bandeja_open_idx, instead of every turno the secretaría ever had.
    base = Turno.objects.filter(turnos_scope(user), state__in=OPEN_TURNO_STATES)
    return base.aggregate(
        **{
            light: Count("pk", filter=thresholds.filter(light, among_open=True))
            for light in (Light.OVERDUE, Light.DUE_SOON, Light.ON_TIME, Light.PAUSED)
        }
    )


@dataclass
class PublicStatus:
    """What the petitioner sees on /consulta/ about the routing and the answer."""

    in_charge: list[str]
    open_prevenciones: list
    respuestas: list
    due: object | None
    evaluacion: object | None
    can_rate: bool


def public_status(escrito: Escrito) -> PublicStatus:
    from .models import Prevencion, Respuesta

    turnos = list(
        escrito.turnos.filter(kind=TurnoKind.ATENCION)
        .select_related("secretaria", "escrito__tramite")
        .prefetch_related("prevenciones")
        .order_by("turned_at")
    )
    open_turnos = [t for t in turnos if t.state in OPEN_TURNO_STATES]
    in_charge = [t.secretaria.nombre for t in open_turnos]
    respuestas = list(
        Respuesta.objects.filter(turno__escrito=escrito)
        .select_related("turno__secretaria", "oficio")
        .order_by("answered_at")
    )
    due = turno_due(open_turnos[0]) if open_turnos else None
    evaluacion = getattr(escrito, "evaluacion", None) if hasattr(escrito, "evaluacion") else None
    return PublicStatus(
        in_charge=in_charge,
        open_prevenciones=list(
            # A turno cancelled by a desistimiento no longer waits for its prevención.
            Prevencion.objects.filter(
                turno__escrito=escrito, answered_at__isnull=True, turno__state=TurnoState.PREVENCION
            ).select_related("turno__secretaria")
        ),
        respuestas=respuestas,
        due=due,
        evaluacion=evaluacion,
        can_rate=bool(respuestas)
        and evaluacion is None
        and escrito.state in (EscritoState.RESPONDIDO, EscritoState.CONCLUIDO),
    )
