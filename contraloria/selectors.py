"""Reads of the contraloría's desk: the bitácora, the overdue turnos, the ratings.

The contraloría reads everything (it is read-only and has no secretaría), so these reads are
not narrowed further; the views let in only the contraloría.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from correspondencia.models import Secretaria
from oficialia.acciones_bitacora import action_label
from oficialia.calendario import BusinessCalendar
from oficialia.models import Bitacora
from oficialia.replica import read_connection
from oficialia.roles import Role
from turnos.models import Evaluacion, Prevencion, Respuesta, Turno
from turnos.plazos import (
    Light,
    Thresholds,
    UnroutedLate,
    expired_preventions,
    unnotified_answers_late,
    unrouted_late,
)

PAGE_SIZE = 50
# The search says how many entries match up to this many; past it, "more than".
COUNT_CAP = 10_000
EXPORT_CHUNK = 2_000
# The largest export one request makes. A web worker is given a minute per request
# (GUNICORN_TIMEOUT) and the file is written at ~11,000 entries a second on a busy 2-core
# machine (bench/bitacora.py), so this many take ~20 s; past it, the contraloría narrows
# the dates and exports in parts.
EXPORT_MAX = 200_000
# The "user" filter's value for entries without a user: citizens, tasks, failed sign-ins.
NO_USER = "ninguno"


# What each action means, for people. An action not listed here shows its code.
def role_label(roles: str) -> str:
    """The roles an entry recorded (codes, comma separated), as people name them."""
    names = dict(Role.choices)
    return ", ".join(names.get(code, code) for code in roles.split(", ") if code)


# The bitácora ----------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day`, the ayuntamiento's time."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class BitacoraFilters:
    """What the contraloría searches by. Empty means any."""

    actor_id: int | None = None
    no_user: bool = False  # only entries without a user (citizens, the system)
    secretaria: str = ""
    action: str = ""
    folio: str = ""
    since: date | None = None
    until: date | None = None  # inclusive

    def q(self) -> Q:
        q = Q()
        if self.no_user:
            q &= Q(actor__isnull=True)
        elif self.actor_id is not None:
            q &= Q(actor_id=self.actor_id)
        if self.secretaria:
            q &= Q(secretaria=self.secretaria)
        if self.action:
            q &= Q(action=self.action)
        if self.folio:
            q &= Q(folio=self.folio)
        if self.since:
            q &= Q(at__gte=_day_start(self.since))
        if self.until:
            q &= Q(at__lt=_day_start(self.until + timedelta(days=1)))
        return q

    def described(self) -> dict:
        """The filters as a person reads them (recorded with each export)."""
        described: dict = {}
        if self.no_user:
            described["usuario"] = "sin usuario (ciudadanía, sistema)"
        elif self.actor_id is not None:
            user = get_user_model().objects.filter(pk=self.actor_id).first()
            described["usuario"] = user.get_username() if user else str(self.actor_id)
        for key, value in (
            ("secretaria", self.secretaria),
            ("accion", self.action),
            ("folio", self.folio),
            ("desde", self.since.isoformat() if self.since else ""),
            ("hasta", self.until.isoformat() if self.until else ""),
        ):
            if value:
                described[key] = value
        return described


def _newest_first(entries: QuerySet[Bitacora]) -> QuerySet[Bitacora]:
    return entries.order_by("-at", "-id")


def _older_than(anchor: Bitacora) -> Q:
    # `at <=` bounds the index range; the rest breaks ties on the same instant by id.
    return Q(at__lte=anchor.at) & (Q(at__lt=anchor.at) | Q(id__lt=anchor.id))


def _newer_than(anchor: Bitacora) -> Q:
    return Q(at__gte=anchor.at) & (Q(at__gt=anchor.at) | Q(id__gt=anchor.id))


@dataclass
class BitacoraPage:
    entries: list[Bitacora]
    count: int  # matching entries, up to COUNT_CAP + 1
    newer_than: int | None  # id for the link to the newer page, if there is one
    older_than: int | None  # id for the link to the older page, if there is one

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_CAP


def bitacora_page(
    filters: BitacoraFilters, *, before: int | None = None, after: int | None = None
) -> BitacoraPage:
    """One page of matching entries, newest first, after or before an entry (keyset paging:
    every page is one index range scan, however deep; see oficialia/models.py)."""
    matching = Bitacora.objects.filter(filters.q())
    anchor_id = before or after
    anchor = Bitacora.objects.filter(pk=anchor_id).only("at").first() if anchor_id else None
    if anchor is None:
        rows = list(_newest_first(matching)[: PAGE_SIZE + 1])
        newer, older = False, len(rows) > PAGE_SIZE
    elif before:
        rows = list(_newest_first(matching.filter(_older_than(anchor)))[: PAGE_SIZE + 1])
        newer, older = True, len(rows) > PAGE_SIZE
    else:
        rows = list(matching.filter(_newer_than(anchor)).order_by("at", "id")[: PAGE_SIZE + 1])
        newer, older = len(rows) > PAGE_SIZE, True
        rows = rows[:PAGE_SIZE][::-1]
    rows = rows[:PAGE_SIZE]
    for entry in rows:
        entry.role_label = role_label(entry.role)
        entry.action_label = action_label(entry.action)
        entry.change_lines = change_lines(entry.changes)
        entry.expediente = escrito_folio(entry)
    return BitacoraPage(
        entries=rows,
        count=matching.order_by()[: COUNT_CAP + 1].count(),
        newer_than=rows[0].id if rows and newer else None,
        older_than=rows[-1].id if rows and older else None,
    )


def bitacora_export_too_big(filters: BitacoraFilters) -> bool:
    """More than EXPORT_MAX entries match (counted no further than that)."""
    matching = Bitacora.objects.filter(filters.q()).order_by()
    return matching[: EXPORT_MAX + 1].count() > EXPORT_MAX


def bitacora_export(filters: BitacoraFilters, *, until: Bitacora) -> Iterator[Bitacora]:
    """Every matching entry older than `until` (the export's own entry), newest first, read
    in keyset chunks: constant memory on millions, and the file is the log as it stood when
    the export was asked for."""
    matching = Bitacora.objects.filter(filters.q())
    anchor = until
    while True:
        chunk = list(_newest_first(matching.filter(_older_than(anchor)))[:EXPORT_CHUNK])
        yield from chunk
        if len(chunk) < EXPORT_CHUNK:
            return
        anchor = chunk[-1]


def escrito_folio(entry: Bitacora) -> str:
    """The folio of the escrito the entry is about, if it is about one (its page holds the
    escrito's whole timeline); "" for a queja or anything else."""
    if entry.folio and entry.object_type in ("escrito", "turno", "adjunto", "acuse"):
        return entry.folio
    return ""


def change_lines(changes) -> list[tuple[str, str]]:
    """(key, value) pairs to show, each at most 160 characters (the CSV has them whole); a
    catalogue change [before, after] reads "before → after"."""
    if not isinstance(changes, dict):
        return [("", json.dumps(changes, ensure_ascii=False))]
    lines = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2 and key not in ("agregados", "quitados"):
            text = f"{_plain(value[0])} → {_plain(value[1])}"
        else:
            text = _plain(value)
        lines.append((key, text if len(text) <= 160 else text[:159] + "…"))
    return lines


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        # A digest reads as its first characters on the page (the CSV keeps it whole).
        if len(value) > 40 and " " not in value:
            return value[:16] + "…"
        return value
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "—"
    return json.dumps(value, ensure_ascii=False)


def _distinct(column: str) -> list:
    """The distinct values of an indexed column of the bitácora, in order.

    On PostgreSQL a loose index scan: one index probe per distinct value (a recursive query
    that asks for the next value above the last), instead of reading a million entries.
    """
    table = connection.ops.quote_name(Bitacora._meta.db_table)
    col = connection.ops.quote_name(column)
    if connection.vendor != "postgresql":
        return list(
            Bitacora.objects.exclude(**{f"{column}__isnull": True})
            .order_by(column)
            .values_list(column, flat=True)
            .distinct()
        )
    sql = f"""
        WITH RECURSIVE v(value) AS (
            (SELECT {col} FROM {table} WHERE {col} IS NOT NULL ORDER BY {col} LIMIT 1)
            UNION ALL
            SELECT (SELECT {col} FROM {table} WHERE {col} > v.value ORDER BY {col} LIMIT 1)
            FROM v WHERE v.value IS NOT NULL
        )
        SELECT value FROM v WHERE value IS NOT NULL
    """
    with read_connection().cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


@dataclass
class FilterOptions:
    users: list  # (id, label) of every user the bitácora names
    secretarias: list[str]
    actions: list[tuple[str, str]]  # (code, label)


def bitacora_filter_options() -> FilterOptions:
    """What the bitácora holds to filter by: only values it has, including a secretaría since
    renamed and actions this code does not know yet."""
    users = get_user_model().objects.filter(pk__in=_distinct("actor_id"))
    user_options = sorted(
        ((u.pk, f"{u.get_full_name() or u.get_username()} ({u.get_username()})") for u in users),
        key=lambda option: option[1].lower(),
    )
    return FilterOptions(
        users=user_options,
        secretarias=[s for s in _distinct("secretaria") if s],
        actions=sorted(
            ((a, action_label(a)) for a in _distinct("action")), key=lambda o: o[1].lower()
        ),
    )


# Overdue turnos --------------------------------------------------------------------------


@dataclass
class Vencido:
    turno: Turno
    days_late: int  # business days from the day after the due date to today


@dataclass
class VencidosDeSecretaria:
    secretaria: Secretaria
    count: int
    max_days: int
    average_days: float


class _Lateness:
    """Business days late, computed once per due date (a report has few distinct ones)."""

    def __init__(self, today: date, calendar: BusinessCalendar):
        self.today = today
        self.days = cache(lambda due: calendar.count_business_days(due, today))


def _overdue(thresholds: Thresholds) -> QuerySet[Turno]:
    """Turnos para atención still open, not paused by a notified prevención, past their due date:
    the ones every bandeja shows in red."""
    return Turno.objects.filter(thresholds.filter(Light.OVERDUE))


@dataclass
class OverdueReport:
    today: date
    secretarias: list[VencidosDeSecretaria]
    total: int
    turnos: QuerySet[Turno] = field(repr=False)
    lateness: _Lateness = field(repr=False)
    # Escritos the Oficialía has not routed within its own term (OFICIALIA_PLAZO_TURNADO_...).
    unrouted: list[UnroutedLate] = field(default_factory=list)
    # Prevenciones past the petitioner's deadline still waiting for the acuerdo.
    expired_preventions: list = field(default_factory=list)
    # Answers written but not made known to the petitioner, whose term has run out.
    unnotified_answers: list = field(default_factory=list)

    def with_lateness(self, turnos) -> list[Vencido]:
        return [Vencido(t, self.lateness.days(t.due_date)) for t in turnos]


def overdue_report(*, secretaria_id: int | None = None) -> OverdueReport:
    """Per secretaría, how many turnos are overdue and by how much; and the overdue turnos
    themselves (of one secretaría, or all), most overdue first, for the caller to page."""
    calendar = BusinessCalendar()
    thresholds = Thresholds.now(calendar)
    lateness = _Lateness(thresholds.today, calendar)
    overdue = _overdue(thresholds)
    # One row per secretaría and due date: the lateness of each date counted once.
    per_date = overdue.order_by().values("secretaria_id", "due_date").annotate(n=Count("pk"))
    totals: dict[int, list[int]] = defaultdict(list)  # secretaría → lateness of each turno
    for row in per_date:
        totals[row["secretaria_id"]] += [lateness.days(row["due_date"])] * row["n"]
    names = Secretaria.objects.in_bulk(list(totals))
    secretarias = sorted(
        (
            VencidosDeSecretaria(
                secretaria=names[pk],
                count=len(days),
                max_days=max(days),
                average_days=sum(days) / len(days),
            )
            for pk, days in totals.items()
        ),
        key=lambda s: (-s.count, s.secretaria.nombre),
    )
    turnos = overdue.select_related("escrito", "secretaria", "area").order_by(
        "due_date", "turned_at", "pk"
    )
    if secretaria_id is not None:
        turnos = turnos.filter(secretaria_id=secretaria_id)
    return OverdueReport(
        today=thresholds.today,
        secretarias=secretarias,
        total=sum(s.count for s in secretarias),
        turnos=turnos,
        lateness=lateness,
        unrouted=unrouted_late(thresholds.today, calendar),
        expired_preventions=list(
            Prevencion.objects.filter(expired_preventions(thresholds.today))
            .select_related("turno__escrito", "turno__secretaria")
            .order_by("deadline", "pk")[:500]
        ),
        unnotified_answers=list(
            Respuesta.objects.filter(unnotified_answers_late(thresholds.today))
            .select_related("turno__escrito", "turno__secretaria")
            .order_by("turno__due_date", "pk")[:500]
        ),
    )


def overdue_count() -> int:
    """Overdue turnos, escritos left unrouted past the Oficialía's term, prevenciones past
    the petitioner's deadline that still wait for their acuerdo, and answers not notified
    by their due date."""
    calendar = BusinessCalendar()
    thresholds = Thresholds.now(calendar)
    return (
        _overdue(thresholds).count()
        + len(unrouted_late(thresholds.today, calendar))
        + Prevencion.objects.filter(expired_preventions(thresholds.today)).count()
        + Respuesta.objects.filter(unnotified_answers_late(thresholds.today)).count()
    )


# Ratings ---------------------------------------------------------------------------------


@dataclass
class Ratings:
    """The ratings of the escritos someone answered: each escrito's rating counted once."""

    key: object
    label: str
    detail: str = ""
    scores: dict[int, int] = field(default_factory=dict)  # escrito id → score

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def average(self) -> float:
        return sum(self.scores.values()) / len(self.scores)

    @property
    def by_score(self) -> list[int]:
        """How many 1s, 2s, 3s, 4s and 5s."""
        tally = [0] * 5
        for score in self.scores.values():
            tally[score - 1] += 1
        return tally

    @property
    def satisfied_pct(self) -> float:
        """Share of ratings of 4 or 5."""
        return 100 * sum(1 for s in self.scores.values() if s >= 4) / len(self.scores)


@dataclass
class RatingsReport:
    overall: Ratings
    secretarias: list[Ratings]
    users: list[Ratings]


def ratings_report(*, since: date | None = None, until: date | None = None) -> RatingsReport:
    """The petitioners' ratings (1 to 5) per secretaría and per person who answered.

    A rating is of the attention to the whole escrito, so it counts for every secretaría
    that answered one of its turnos and every person who signed one of those answers (once
    each, however many of its turnos they answered).
    """
    answered = Respuesta.objects.filter(turno__escrito__evaluacion__isnull=False)
    if since:
        answered = answered.filter(turno__escrito__evaluacion__at__gte=_day_start(since))
    if until:
        answered = answered.filter(
            turno__escrito__evaluacion__at__lt=_day_start(until + timedelta(days=1))
        )
    rows = answered.values_list(
        "turno__secretaria_id",
        "answered_by_id",
        "turno__escrito_id",
        "turno__escrito__evaluacion__score",
    ).distinct()
    overall = Ratings(key=None, label="Todas las secretarías")
    per_secretaria: dict[int, Ratings] = {}
    per_user: dict[int, Ratings] = {}
    for secretaria_id, user_id, escrito_id, score in rows:
        overall.scores[escrito_id] = score
        for groups, key in ((per_secretaria, secretaria_id), (per_user, user_id)):
            if key not in groups:
                groups[key] = Ratings(key=key, label="")
            groups[key].scores[escrito_id] = score

    secretarias = Secretaria.objects.in_bulk(list(per_secretaria))
    for ratings in per_secretaria.values():
        ratings.label = secretarias[ratings.key].nombre
    users = (
        get_user_model()
        .objects.filter(pk__in=list(per_user))
        .select_related("perfil__secretaria")
        .in_bulk()
    )
    for ratings in per_user.values():
        user = users[ratings.key]
        ratings.label = user.get_full_name() or user.get_username()
        perfil = getattr(user, "perfil", None)
        ratings.detail = perfil.secretaria.nombre if perfil and perfil.secretaria_id else ""

    def worst_first(r: Ratings):
        return (r.average, -r.count, r.label.lower())

    return RatingsReport(
        overall=overall,
        secretarias=sorted(per_secretaria.values(), key=worst_first),
        users=sorted(per_user.values(), key=worst_first),
    )


def evaluations_count() -> int:
    return Evaluacion.objects.count()
