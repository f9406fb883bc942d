"""Reads for the inboxes and pages of the turnado, already scoped to the user."""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404
from django.utils import timezone

from correspondencia.models import Escrito, EscritoState
from oficialia.calendario import BusinessCalendar
from oficialia.entrada import whole_number

from .models import (
    OPEN_TURNO_STATES,
    REROUTABLE_ESCRITO_STATES,
    Tarea,
    Turno,
    TurnoKind,
    TurnoState,
)
from .permissions import escritos_visible_to, turnos_scope
from .plazos import (
    Light,
    Thresholds,
    prevention_expired,
    received_date,
    turno_due,
    with_clock,
)


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
    return with_clock(turnos).order_by(*BANDEJA_ORDER)


# Most urgent first; the turnos without a due date (para conocimiento) last on every database:
# PostgreSQL puts NULLs last in ascending order, SQLite first. NULLS LAST is PostgreSQL's own
# default, so the order still matches turno_bandeja_open_idx.
BANDEJA_ORDER = (F("due_date").asc(nulls_last=True), "turned_at", "pk")
_BANDEJA_REVERSE = (F("due_date").desc(nulls_first=True), "-turned_at", "-pk")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BandejaCursor:
    """Where a bandeja page starts or ends, in the bandeja's order: the page after it is one
    indexed range read (keyset pagination), as cheap on page 2000 as on page 2."""

    due_date: date | None
    turned_at: datetime
    pk: int

    @classmethod
    def of(cls, turno: Turno) -> "BandejaCursor":
        return cls(turno.due_date, turno.turned_at, turno.pk)

    def encode(self) -> str:
        due = self.due_date.isoformat() if self.due_date else "-"
        return f"{due}~{(self.turned_at - _EPOCH) // timedelta(microseconds=1)}~{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> "BandejaCursor | None":
        """The cursor of a link, or None for anything else (the page then starts over)."""
        try:
            due, micros, pk = (raw or "").split("~")
            return cls(
                None if due == "-" else date.fromisoformat(due),
                _EPOCH + timedelta(microseconds=int(micros)),
                int(pk),
            )
        except (ValueError, OverflowError):
            return None


@dataclass
class BandejaPage:
    turnos: list
    number: int
    num_pages: int
    count: int
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def _key(*fields):
    return Tuple(*(F(f) for f in fields))


def _rows_after(turnos: QuerySet, c: BandejaCursor, n: int) -> list:
    if c.due_date is None:
        return list(
            turnos.filter(due_date__isnull=True).filter(
                TupleGreaterThan(_key("turned_at", "pk"), (c.turned_at, c.pk))
            )[:n]
        )
    rows = list(
        turnos.filter(
            TupleGreaterThan(_key("due_date", "turned_at", "pk"), (c.due_date, c.turned_at, c.pk))
        )[:n]
    )
    if len(rows) < n:  # past the last dated turno: the undated ones follow
        rows += turnos.filter(due_date__isnull=True)[: n - len(rows)]
    return rows


def _rows_before(turnos: QuerySet, c: BandejaCursor, n: int) -> list:
    backwards = turnos.order_by(*_BANDEJA_REVERSE)
    if c.due_date is not None:
        rows = list(
            backwards.filter(
                TupleLessThan(_key("due_date", "turned_at", "pk"), (c.due_date, c.turned_at, c.pk))
            )[:n]
        )
    else:
        rows = list(
            backwards.filter(due_date__isnull=True).filter(
                TupleLessThan(_key("turned_at", "pk"), (c.turned_at, c.pk))
            )[:n]
        )
        if len(rows) < n:
            rows += backwards.filter(due_date__isnull=False)[: n - len(rows)]
    rows.reverse()
    return rows


def bandeja_page(
    turnos: QuerySet,
    *,
    count: int,
    size: int,
    number: str | None = None,
    after: str | None = None,
    before: str | None = None,
) -> BandejaPage:
    """One page of `turnos` (ordered by BANDEJA_ORDER): the one after the cursor `after`, or
    before `before` (the links of the page), or else page `number` by OFFSET (what older
    links and a typed ?pagina= ask for). `number` only labels a page reached by a cursor."""
    num_pages = max(1, -(-count // size))
    try:
        label = min(max(int(number or 1), 1), num_pages)
    except ValueError:
        label = 1
    if (cursor := BandejaCursor.decode(after)) is not None:
        rows = _rows_after(turnos, cursor, size + 1)
        has_next, has_previous = len(rows) > size, True
        rows = rows[:size]
    elif (cursor := BandejaCursor.decode(before)) is not None:
        rows = _rows_before(turnos, cursor, size + 1)
        has_next, has_previous = True, len(rows) > size
        rows = rows[-size:]
        if not has_previous:
            label = 1
    else:
        start = (label - 1) * size
        rows = list(turnos[start : start + size + 1])
        has_next, has_previous = len(rows) > size, label > 1
        rows = rows[:size]
    return BandejaPage(
        turnos=rows,
        number=label,
        num_pages=num_pages,
        count=count,
        next_cursor=BandejaCursor.of(rows[-1]).encode() if has_next and rows else None,
        previous_cursor=BandejaCursor.of(rows[0]).encode() if has_previous and rows else None,
    )


# The traffic light and the page count of a bandeja, kept this long for its other pages: the
# first page always counts again (and refreshes them); paging on does not recount every
# open turno of the secretaría for each page.
BANDEJA_COUNTS_TTL = 120


def bandeja_totals(user, thresholds: Thresholds, turnos: QuerySet, *, filters: str, fresh: bool):
    """(light counts, number of turnos of the filtered list), cached per user and day."""
    # The filters are whatever the address carried: hashed, so any length makes a valid key.
    digest = hashlib.blake2b(filters.encode(), digest_size=16).hexdigest()
    key = f"bandeja:{user.pk}:{thresholds.today}:{thresholds.soon}:{digest}"
    if not fresh and (cached := cache.get(key)) is not None:
        return cached
    totals = (bandeja_counts(user, thresholds), turnos.count())
    cache.set(key, totals, BANDEJA_COUNTS_TTL)
    return totals


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
        # Not a number: no secretaría has that id, so nothing matches.
        secretaria_id = whole_number(secretaria)
        escritos = escritos.filter(
            Q(secretaria_destino_id=secretaria_id) | Q(tramite__secretaria_id=secretaria_id)
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


def routed_turnos(*, secretaria: str = "", state: str = "") -> QuerySet[Turno]:
    """Every turno the Oficialía gave, the most recent first (the turned_at index), with its
    escrito and secretaría; filtered by secretaría and the turno's state."""
    turnos = Turno.objects.select_related("escrito", "secretaria", "area").order_by(
        "-turned_at", "-pk"
    )
    secretaria_id = whole_number(secretaria)
    if secretaria_id is not None:
        turnos = turnos.filter(secretaria_id=secretaria_id)
    if state in TurnoState.values:
        turnos = turnos.filter(state=state)
    return turnos


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


def _answer(turno: Turno):
    try:
        return turno.respuesta
    except ObjectDoesNotExist:
        return None


@dataclass
class PublicStatus:
    """What the petitioner sees on /consulta/ about the routing and the answer."""

    in_charge: list[str]
    open_prevenciones: list
    respuestas: list
    due: object | None
    evaluacion: object | None
    can_rate: bool
    filed_on: object = None  # the legal filing date, when it is not the day of reception
    acuerdos: list = field(default_factory=list)  # prevenciones closed by an acuerdo
    can_answer_prevencion: bool = False
    prorrogas: list = field(default_factory=list)


def public_status(escrito: Escrito) -> PublicStatus:
    """Two queries: the escrito's turnos with their answer (and its oficio) and prórroga, and
    their prevenciones. The turnos are given the escrito already loaded (its trámite decides
    the term), and the evaluación is read from the escrito when the caller selected it."""
    turnos = list(
        escrito.turnos.select_related("secretaria", "respuesta__oficio", "prorroga")
        .prefetch_related("prevenciones")
        .order_by("turned_at", "pk")
    )
    for turno in turnos:
        turno.escrito = escrito
    atencion = [t for t in turnos if t.kind == TurnoKind.ATENCION]
    open_turnos = [t for t in atencion if t.state in OPEN_TURNO_STATES]
    in_charge = [t.secretaria.nombre for t in open_turnos]
    respuestas = sorted(
        (t.respuesta for t in turnos if _answer(t) is not None), key=lambda r: r.answered_at
    )
    # One calendar for the due date and the filing date: the declared días inhábiles are
    # read once, when first needed.
    calendar = BusinessCalendar()
    due = turno_due(open_turnos[0], calendar) if open_turnos else None
    try:
        evaluacion = escrito.evaluacion
    except ObjectDoesNotExist:
        evaluacion = None
    prevenciones = [p for t in turnos for p in t.prevenciones.all()]
    # A turno cancelled by a desistimiento no longer waits for its prevención.
    open_prevenciones = sorted(
        (
            p
            for p in prevenciones
            if p.turno.state == TurnoState.PREVENCION
            and p.answered_at is None
            and p.acuerdo_at is None
        ),
        key=lambda p: (p.requested_at, p.pk),
    )
    today = timezone.localdate()
    for p in open_prevenciones:
        p.expired = prevention_expired(p, today=today)
    filed_on = received_date(escrito, calendar)
    if filed_on == timezone.localtime(escrito.received_at).date():
        filed_on = None
    return PublicStatus(
        in_charge=in_charge,
        open_prevenciones=open_prevenciones,
        can_answer_prevencion=any(not p.expired for p in open_prevenciones),
        acuerdos=sorted(
            (p for p in prevenciones if p.acuerdo_at is not None), key=lambda p: p.acuerdo_at
        ),
        respuestas=respuestas,
        prorrogas=sorted(
            (t.prorroga for t in turnos if hasattr(t, "prorroga")), key=lambda p: p.granted_at
        ),
        due=due,
        evaluacion=evaluacion,
        can_rate=bool(respuestas)
        and evaluacion is None
        and escrito.state in (EscritoState.RESPONDIDO, EscritoState.CONCLUIDO),
        filed_on=filed_on,
    )


def expired_preventions_of(user, *, today) -> QuerySet:
    """The prevenciones of the user's turnos whose deadline passed unanswered and that still
    wait for the acuerdo of no presentado, oldest deadline first."""
    from .models import Prevencion
    from .plazos import expired_preventions

    scope = Turno.objects.filter(turnos_scope(user)).values("pk")
    return (
        Prevencion.objects.filter(expired_preventions(today), turno__in=scope)
        .select_related("turno__escrito", "turno__secretaria")
        .order_by("deadline", "pk")
    )
