"""The consumer that keeps the statistics current: reads the Transicion log since its
watermark, derives each escrito it names again and moves the counters by the difference.

Why it works this way, and not in the filing's transaction, is in transparencia/models.py.
The one rule to keep: `contributions` must be a pure function of an `Hecho`. Change what it
yields (a new figure) and bump FIGURES_VERSION: the next run of the beat job rebuilds every
counter from the log (`manage.py reconstruir_estadisticas` does it by hand).
"""

import functools
import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from correspondencia.models import (
    OPEN_ESCRITO_STATES,
    Escrito,
    EscritoState,
    Gender,
    Peticionario,
    PetitionerType,
    Transicion,
)
from oficialia.calendario import BusinessDayCounter
from turnos.models import (
    OPEN_TURNO_STATES,
    Evaluacion,
    Prevencion,
    Respuesta,
    Sense,
    Turno,
    TurnoKind,
    TurnoState,
)

from .models import ALL_SCOPE, EscritoPublico, SummaryCell, Watermark

logger = logging.getLogger(__name__)

FIGURES_VERSION = 1
WATERMARK_NAME = "transicion"
# The page catches up by itself when the consumer has not run for this long.
REFRESH_EVERY = timedelta(seconds=30)
# How long an id missing from the log is waited for: longer than any transaction that writes
# a Transicion (the longest, recomputing due dates, takes seconds).
GAP_TIMEOUT = timedelta(minutes=15)
MAX_GAPS = 1000
# Transicion rows read per transaction; a page request reads at most REQUEST_MAX_ROWS.
BATCH_ROWS = 50_000
REQUEST_MAX_ROWS = 20_000

# The gender categories of the figures: what the form does not say is "no especificado".
NOT_SPECIFIED = "no_especificado"
GENDERS = [Gender.MUJER, Gender.HOMBRE, Gender.NO_BINARIO]
# `pendiente` keys that are not a due date.
SUSPENDED = "suspendido"  # a prevención stopped the clock
NO_DUE_DATE = "sin_fecha"
ON_TIME, LATE = "en_plazo", "fuera_de_plazo"
ANSWERED_ESCRITO_STATES = {EscritoState.RESPONDIDO, EscritoState.CONCLUIDO}


# The public record of an escrito -----------------------------------------------------------


@dataclass(frozen=True)
class TurnoHecho:
    """A turno para atención still responsible for the escrito (not returned)."""

    secretaria: int
    state: str
    due: date | None
    answered: date | None
    days: int | None  # business days from reception to the answer
    within: bool | None
    sense: str
    # The petitioner's deadline of an open prevención: past it, the turno is not "pending in
    # term" but waits for the acuerdo of no presentado.
    prevention_deadline: date | None = None

    def as_json(self) -> list:
        return [
            self.secretaria,
            self.state,
            self.due.isoformat() if self.due else None,
            self.answered.isoformat() if self.answered else None,
            self.days,
            self.within,
            self.sense,
            self.prevention_deadline.isoformat() if self.prevention_deadline else None,
        ]

    @classmethod
    def from_json(cls, row: list) -> "TurnoHecho":
        s, state, due, answered, days, within, sense, *rest = row
        deadline = rest[0] if rest else None
        return cls(
            s,
            state,
            date.fromisoformat(due) if due else None,
            date.fromisoformat(answered) if answered else None,
            days,
            within,
            sense,
            date.fromisoformat(deadline) if deadline else None,
        )


@dataclass(frozen=True)
class Hecho:
    """Everything the statistics and the open data know of one escrito."""

    escrito_id: int
    public_id: uuid.UUID
    received_at: datetime
    received: date  # local (Mexico City) date of reception
    channel: str
    tramite_id: int | None
    state: str
    tipo: str
    genero: str
    turnos: tuple[TurnoHecho, ...]
    answered_at: datetime | None
    due_date: date | None
    business_days: int | None
    within_term: bool | None
    sense: str
    score: int | None

    @property
    def year(self) -> int:
        return self.received.year

    def as_model(self) -> EscritoPublico:
        return EscritoPublico(
            escrito_id=self.escrito_id,
            public_id=self.public_id,
            year=self.year,
            received_at=self.received_at,
            channel=self.channel,
            tramite_id=self.tramite_id,
            state=self.state,
            tipo=self.tipo,
            genero=self.genero,
            turnos=[t.as_json() for t in self.turnos],
            answered_at=self.answered_at,
            due_date=self.due_date,
            business_days=self.business_days,
            within_term=self.within_term,
            sense=self.sense,
            score=self.score,
        )


def gender_category(tipo: str, genero: str) -> str:
    """The gender cut counts personas físicas only: a company or an office has none."""
    if tipo != PetitionerType.FISICA:
        return ""
    return genero if genero in GENDERS else NOT_SPECIFIED


_SENSE_ORDER = {sense: i for i, sense in enumerate(Sense.values)}


def _sense_order(sense: str) -> int:
    return _SENSE_ORDER.get(sense, len(_SENSE_ORDER))


def _ids_clause(column: str, ids: list[int]) -> tuple[str, list]:
    """`column` among `ids`: one array parameter on PostgreSQL (a plan that does not grow
    with the batch), a list of placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands raw queries naive UTC datetimes; PostgreSQL aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def hechos_derive(escrito_ids: Iterable[int], days: BusinessDayCounter) -> dict[int, Hecho]:
    """The public record of each escrito, read from the raw tables in one query: the escrito,
    its petitioner's type and gender, its turnos para atención not returned with their
    answers, and its rating."""
    ids = list(escrito_ids)
    if not ids:
        return {}
    where, params = _ids_clause("e.id", ids)
    sql = f"""
        SELECT e.id, e.public_id, e.received_at, e.channel, e.tramite_id, e.state, p.tipo,
               CASE WHEN p.bloqueado_at IS NULL THEN p.genero ELSE '' END,
               t.secretaria_id, t.state, t.due_date, r.answered_at, r.within_term, r.sense,
               ev.score,
               (SELECT max(pv.deadline) FROM {_table(Prevencion)} pv
                WHERE pv.turno_id = t.id AND pv.answered_at IS NULL AND pv.acuerdo_at IS NULL)
        FROM {_table(Escrito)} e
        JOIN {_table(Peticionario)} p ON p.id = e.peticionario_id
        LEFT JOIN {_table(Turno)} t
            ON t.escrito_id = e.id AND t.kind = %s AND t.state <> %s
        LEFT JOIN {_table(Respuesta)} r ON r.turno_id = t.id
        LEFT JOIN {_table(Evaluacion)} ev ON ev.escrito_id = e.id
        WHERE {where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [TurnoKind.ATENCION, TurnoState.DEVUELTO, *params])
        rows = cursor.fetchall()
    escritos: dict[int, tuple] = {}
    turnos: dict[int, list[TurnoHecho]] = defaultdict(list)
    last_answer: dict[int, datetime] = {}
    zone = timezone.get_current_timezone()

    def localtime(moment: datetime) -> datetime:
        return moment.astimezone(zone)

    for (
        pk,
        public_id,
        r_at,
        channel,
        tramite_id,
        state,
        tipo,
        genero,
        secretaria_id,
        t_state,
        due,
        answered_at,
        within,
        sense,
        score,
        prevention_deadline,
    ) in rows:
        if pk not in escritos:
            r_at = _aware(r_at)
            escritos[pk] = (
                _as_uuid(public_id),
                r_at,
                localtime(r_at).date(),
                channel,
                tramite_id,
                state,
                tipo,
                genero,
                score,
            )
        if secretaria_id is None:
            continue
        received = escritos[pk][2]
        answered = taken = None
        if answered_at is not None:
            answered_at = _aware(answered_at)
            answered = localtime(answered_at).date()
            taken = days.count(received, answered)
            if pk not in last_answer or answered_at > last_answer[pk]:
                last_answer[pk] = answered_at
        turnos[pk].append(
            TurnoHecho(
                secretaria_id,
                t_state,
                due,
                answered,
                taken,
                None if within is None else bool(within),
                sense or "",
                _as_date(prevention_deadline),
            )
        )
    hechos = {}
    for pk, (
        public_id,
        r_at,
        received,
        channel,
        tramite_id,
        state,
        tipo,
        genero,
        score,
    ) in escritos.items():
        mine = tuple(sorted(turnos.get(pk, ()), key=_turno_order))
        answers = [t for t in mine if t.answered is not None]
        done_at = last_answer.get(pk) if state in ANSWERED_ESCRITO_STATES and answers else None
        dues = [t.due for t in mine if t.due]
        hechos[pk] = Hecho(
            escrito_id=pk,
            public_id=public_id,
            received_at=r_at,
            received=received,
            channel=channel,
            tramite_id=tramite_id,
            state=state,
            tipo=tipo,
            genero=gender_category(tipo, genero),
            turnos=mine,
            answered_at=done_at,
            due_date=max(dues) if dues else None,
            business_days=days.count(received, localtime(done_at).date()) if done_at else None,
            # Measured on the notification date: while any answer waits for its notification
            # the escrito is neither on time nor late yet.
            within_term=(
                all(t.within for t in answers)
                if done_at and all(t.within is not None for t in answers)
                else None
            ),
            sense="|".join(sorted({t.sense for t in answers}, key=_sense_order)) if done_at else "",
            score=score,
        )
    return hechos


def _turno_order(t: TurnoHecho) -> tuple:
    return (t.secretaria, t.due or date.min, t.state, t.answered or date.min)


_PUBLIC_COLUMNS = [
    "escrito_id",
    "public_id",
    "received_at",
    "channel",
    "tramite_id",
    "state",
    "tipo",
    "genero",
    "turnos",
    "answered_at",
    "due_date",
    "business_days",
    "within_term",
    "sense",
    "score",
]


def hechos_stored(escrito_ids: list[int]) -> dict[int, Hecho]:
    """The public records as the consumer last wrote them."""
    if not escrito_ids:
        return {}
    where, params = _ids_clause("escrito_id", escrito_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_PUBLIC_COLUMNS)} FROM {_table(EscritoPublico)} WHERE {where}",
            params,
        )
        rows = cursor.fetchall()
    out = {}
    zone = timezone.get_current_timezone()
    for (
        pk,
        public_id,
        r_at,
        channel,
        tramite_id,
        state,
        tipo,
        genero,
        turnos,
        answered_at,
        due,
        days,
        within,
        sense,
        score,
    ) in rows:
        r_at = _aware(r_at)
        if isinstance(turnos, str):
            turnos = json.loads(turnos)
        out[pk] = Hecho(
            escrito_id=pk,
            public_id=_as_uuid(public_id),
            received_at=r_at,
            received=r_at.astimezone(zone).date(),
            channel=channel,
            tramite_id=tramite_id,
            state=state,
            tipo=tipo,
            genero=genero,
            turnos=tuple(TurnoHecho.from_json(t) for t in turnos),
            answered_at=_aware(answered_at),
            due_date=due,
            business_days=days,
            within_term=None if within is None else bool(within),
            sense=sense,
            score=score,
        )
    return out


# What one escrito adds to the counters --------------------------------------------------

Cell = tuple[int, int, str, int, str]  # (year, scope, metric, month, key)


def contributions(h: Hecho) -> Iterator[Cell]:
    """Every counter this escrito adds one to. The figures are sums of these, nothing more.

    Escritos count for all secretarías together and, once each, for every secretaría it was
    turned to para atención (and not returned). Answers, response times and pending turnos
    count per turno: each secretaría that must answer is counted on its own. Ratings count
    for the escrito and for each secretaría that answered it. Everything counts in the year
    (Mexico City time) the escrito was received.
    """
    y, m, day = h.received.year, h.received.month, h.received
    responsible = sorted({t.secretaria for t in h.turnos})
    for scope in (ALL_SCOPE, *responsible):
        yield (y, scope, "mes", m, "")
        yield (y, scope, "dia", m, day.isoformat())
        yield (y, scope, "canal", m, h.channel)
        yield (y, scope, "tipo", m, h.tipo)
        if h.genero:
            yield (y, scope, "genero", m, h.genero)
        yield (y, scope, "tramite", 0, str(h.tramite_id or ""))
    if responsible:
        for secretaria in responsible:
            yield (y, ALL_SCOPE, "secretaria", 0, str(secretaria))
    else:
        yield (y, ALL_SCOPE, "secretaria", 0, "")  # not turned yet
    still_open = h.state in OPEN_ESCRITO_STATES
    raters = set()
    for t in h.turnos:
        for scope in (ALL_SCOPE, t.secretaria):
            if t.answered is not None:
                yield (y, scope, "sentido", 0, t.sense)
                yield (y, scope, "dias", 0, str(t.days))
                if t.within is None:
                    # Answered but not yet made known: its term is still running.
                    key = t.due.isoformat() if t.due else NO_DUE_DATE
                    yield (y, scope, "pendiente", 0, key)
                else:
                    yield (y, scope, "plazo", m, ON_TIME if t.within else LATE)
            elif still_open and t.state in OPEN_TURNO_STATES:
                if t.state == TurnoState.PREVENCION:
                    # With its deadline the figures tell a prevención running from one the
                    # petitioner let expire (read against the day they are shown).
                    key = (
                        f"{SUSPENDED}:{t.prevention_deadline}"
                        if t.prevention_deadline
                        else SUSPENDED
                    )
                else:
                    key = t.due.isoformat() if t.due else NO_DUE_DATE
                yield (y, scope, "pendiente", 0, key)
        if t.answered is not None:
            raters.add(t.secretaria)
    if h.score is not None:
        for scope in (ALL_SCOPE, *sorted(raters)):
            yield (y, scope, "calificacion", 0, str(h.score))


def _tally(hecho: Hecho | None, sign: int, into: dict[Cell, int]) -> None:
    if hecho is None:
        return
    for cell in contributions(hecho):
        into[cell] += sign


# Writing ----------------------------------------------------------------------------------


def _write_hechos(hechos: list[Hecho], replaced: list[int]) -> None:
    """Store these public records, replacing the ones of `replaced` (delete, then insert:
    on PostgreSQL the insert is a COPY, which a backlog of a million escritos needs)."""
    if replaced:
        where, params = _ids_clause("escrito_id", replaced)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table(EscritoPublico)} WHERE {where}", params)
    if not hechos:
        return
    if connection.vendor != "postgresql":
        EscritoPublico.objects.bulk_create([h.as_model() for h in hechos], batch_size=500)
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {_table(EscritoPublico)} ({', '.join(_PUBLIC_COLUMNS)}, year) FROM STDIN"
        ) as copy,
    ):
        for h in hechos:
            copy.write_row(
                (
                    h.escrito_id,
                    h.public_id,
                    h.received_at,
                    h.channel,
                    h.tramite_id,
                    h.state,
                    h.tipo,
                    h.genero,
                    json.dumps([t.as_json() for t in h.turnos]),
                    h.answered_at,
                    h.due_date,
                    h.business_days,
                    h.within_term,
                    h.sense,
                    h.score,
                    h.year,
                )
            )


def cells_add(delta: dict[Cell, int]) -> int:
    """Add `delta` to the counters, creating the ones that do not exist. Returns how many
    counters changed."""
    rows = sorted((cell, n) for cell, n in delta.items() if n)
    if not rows:
        return 0
    table = _table(SummaryCell)
    upsert = (
        f"ON CONFLICT (year, scope, metric, month, key) DO UPDATE SET n = {table}.n + EXCLUDED.n"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Six arrays instead of thousands of placeholders: the statement stays small.
            columns = [list(c) for c in zip(*[(*cell, n) for cell, n in rows], strict=True)]
            cursor.execute(
                f"INSERT INTO {table} (year, scope, metric, month, key, n) "
                "SELECT * FROM unnest(%s::int[], %s::int[], %s::text[], %s::int[], %s::text[], "
                f"%s::bigint[]) {upsert}",
                columns,
            )
            return len(rows)
        for start in range(0, len(rows), 150):
            part = rows[start : start + 150]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(part))
            params = [v for (cell, n) in part for v in (*cell, n)]
            cursor.execute(
                f"INSERT INTO {table} (year, scope, metric, month, key, n) "
                f"VALUES {values} {upsert}",
                params,
            )
    return len(rows)


def escritos_sync(escrito_ids: Iterable[int], days: BusinessDayCounter) -> int:
    """Bring the public record and the counters of these escritos up to date. Safe to run
    for an escrito that did not change: its difference is empty. Returns the counters moved."""
    ids = sorted(set(escrito_ids))
    if not ids:
        return 0
    new = hechos_derive(ids, days)
    old = hechos_stored(ids)
    delta: dict[Cell, int] = defaultdict(int)
    changed = []
    for pk, hecho in new.items():
        before = old.get(pk)
        if before == hecho:
            continue
        _tally(before, -1, delta)
        _tally(hecho, +1, delta)
        changed.append(hecho)
    _write_hechos(changed, [h.escrito_id for h in changed if h.escrito_id in old])
    return cells_add(delta)


# The consumer -----------------------------------------------------------------------------


@dataclass
class RefreshResult:
    ran: bool  # False: another consumer was at work, nothing was done
    rows: int = 0  # Transicion rows read
    escritos: int = 0  # escritos derived again
    cells: int = 0  # counters moved
    caught_up: bool = True  # False: stopped at max_rows with rows left


def watermark() -> Watermark:
    """The figures' watermark, read where the figures are read (the replica, in a view that
    reads from one: the page's key and its figures are then of the same moment)."""
    mark = Watermark.objects.filter(name=WATERMARK_NAME).first()
    if mark is None:
        mark, _ = Watermark.objects.get_or_create(
            name=WATERMARK_NAME, defaults={"version": FIGURES_VERSION}
        )
    return mark


# The watermark as its consumer last committed it, in the cache: the anonymous page finds it
# and the page in one round trip, without reading the database. Only the consumer writes it,
# after its commit; a page serves from the cache only when its figures are of that generation
# and the consumer ran within REFRESH_EVERY (else it reads the watermark and catches up, as
# before). A cache emptied or unreachable costs speed, never freshness.
PUBLISHED_MARK = "transparencia:marca-publicada"


def _publish(*, generation: int, version: int, refreshed_at: datetime | None) -> None:
    stamp = refreshed_at.timestamp() if refreshed_at else None
    try:
        cache.set(PUBLISHED_MARK, (generation, version, stamp), None)
    except Exception:
        logger.warning("transparencia: could not publish the watermark", exc_info=True)


def current_generation(published) -> int | None:
    """The generation in a published watermark, if it is of this code's figures and the
    consumer ran within REFRESH_EVERY; None otherwise (ask the database)."""
    if not published:
        return None
    generation, version, stamp = published
    if version != FIGURES_VERSION or stamp is None:
        return None
    if time.time() - stamp > REFRESH_EVERY.total_seconds():
        return None
    return generation


def _lock_watermark(*, wait: bool) -> Watermark | None:
    """The watermark row, locked for this transaction; None if another consumer has it."""
    watermark()
    rows = Watermark.objects.filter(name=WATERMARK_NAME)
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=not wait).first()
    # SQLite has no row locks: writing first takes its single write lock for the whole run.
    rows.update(last_id=F("last_id"))
    return rows.first()


def _next_gaps(mark: Watermark, new_ids: list[int], found: set[int], now: float) -> list:
    timeout = GAP_TIMEOUT.total_seconds()
    gaps = [[g, seen] for g, seen in mark.gaps if g not in found and now - seen < timeout]
    expected = mark.last_id + 1
    for pk in new_ids:
        if pk > expected:
            gaps.extend([g, now] for g in range(max(expected, pk - MAX_GAPS), pk))
        expected = pk + 1
    if len(gaps) > MAX_GAPS:
        logger.warning("transparencia: %s ids missing from the log; keeping the newest", len(gaps))
        gaps = sorted(gaps)[-MAX_GAPS:]
    return gaps


def _consume(mark: Watermark, limit: int, days: BusinessDayCounter) -> tuple[int, int, int]:
    new = list(
        Transicion.objects.filter(pk__gt=mark.last_id)
        .order_by("pk")
        .values_list("pk", "escrito_id")[:limit]
    )
    late = []
    if mark.gaps:
        late = list(
            Transicion.objects.filter(pk__in=[g for g, _ in mark.gaps])
            .order_by()
            .values_list("pk", "escrito_id")
        )
    escrito_ids = {e for _, e in new} | {e for _, e in late}
    cells = escritos_sync(escrito_ids, days)
    mark.gaps = _next_gaps(mark, [pk for pk, _ in new], {pk for pk, _ in late}, time.time())
    if new:
        mark.last_id = new[-1][0]
    if cells:
        mark.generation += 1
    return len(new), len(escrito_ids), cells


# Beside the service it calls; the name Celery's beat schedule knows.
@shared_task(name="transparencia.tasks.refresh_statistics", ignore_result=True)
def refresh_statistics() -> int:
    """Every 30 s from beat: consume what the Transicion log gained. A run that finds another
    one at work returns at once (the lock is taken with SKIP LOCKED)."""
    return statistics_refresh().rows


def statistics_refresh(*, max_rows: int | None = None, wait: bool = False) -> RefreshResult:
    """Consume the Transicion log up to its end (or `max_rows` rows), one transaction per
    batch. Without `wait`, returns at once (ran=False) if another consumer holds the lock."""
    result = RefreshResult(ran=True)
    days = BusinessDayCounter()
    while True:
        limit = BATCH_ROWS if max_rows is None else min(BATCH_ROWS, max_rows - result.rows)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Everything this transaction writes can be derived again from the log, and
                # the watermark commits with it: if a crash loses the commit, the next run
                # reads the same rows again. So it need not wait for the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            mark = _lock_watermark(wait=wait)
            if mark is None:
                return RefreshResult(ran=False)
            outdated = mark.version != FIGURES_VERSION
            if not outdated:
                rows, escritos, cells = _consume(mark, limit, days)
                mark.refreshed_at = timezone.now()
                mark.save()
                transaction.on_commit(
                    functools.partial(
                        _publish,
                        generation=mark.generation,
                        version=mark.version,
                        refreshed_at=mark.refreshed_at,
                    )
                )
        if outdated:
            # Counters made by another version of `contributions` cannot be moved by this
            # one: rebuild them all, but never in a page request (max_rows).
            return statistics_rebuild() if max_rows is None else RefreshResult(ran=False)
        result.rows += rows
        result.escritos += escritos
        result.cells += cells
        if rows < limit:
            return result
        if max_rows is not None and result.rows >= max_rows:
            result.caught_up = False
            return result


def _reset(mark: Watermark) -> None:
    """Forget every counter and record: the log is read again from its start."""
    SummaryCell.objects.all().delete()
    EscritoPublico.objects.all().delete()
    mark.last_id = 0
    mark.gaps = []
    mark.version = FIGURES_VERSION
    mark.generation += 1


@transaction.atomic
def statistics_rebuild() -> RefreshResult:
    """Compute every counter again from the whole log, in one transaction: readers see the
    old figures until the new ones are complete."""
    mark = _lock_watermark(wait=True)
    _reset(mark)
    mark.save()
    return statistics_refresh(wait=True)


def statistics_catch_up() -> Watermark:
    """What a page does before reading: run the consumer (a bounded batch, without waiting
    for another one) if it has not run for REFRESH_EVERY. Returns the watermark to read."""
    mark = watermark()
    stale = mark.refreshed_at is None or timezone.now() - mark.refreshed_at > REFRESH_EVERY
    if (stale or mark.version != FIGURES_VERSION) and statistics_refresh(
        max_rows=REQUEST_MAX_ROWS
    ).ran:
        mark.refresh_from_db()
    return mark


def _as_date(value) -> date | None:
    """A DATE column as a date (SQLite hands back text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_uuid(value) -> uuid.UUID:
    """A UUID column as a UUID (SQLite hands back its 32 hex digits)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
