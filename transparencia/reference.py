"""The figures of one page computed the slow, obvious way: plain GROUP BY over the raw tables.

Never used by a request. The tests compare it with the summaries the consumer keeps, and the
benchmark times it next to the page (`bench/transparencia.py`). It is written apart from
services.contributions on purpose, in SQL, so that the two agree only if both are right.
PostgreSQL only. Business days come from a small calendar table (a running count of business
days per date, from oficialia.calendario) joined twice.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from correspondencia.models import OPEN_ESCRITO_STATES, Secretaria, Tramite
from turnos.models import OPEN_TURNO_STATES, TurnoKind, TurnoState

from .figures import Datos
from .models import ALL_SCOPE
from .reserva import withheld
from .services import (
    GENDERS,
    LATE,
    NO_DUE_DATE,
    NOT_SPECIFIED,
    ON_TIME,
    SUSPENDED,
    BusinessDayCounter,
)

CALENDAR = "transparencia_reference_calendar"


def _calendar(cursor, first: date, last: date) -> None:
    """A temporary table: for each day, how many business days came after `first`."""
    counter = BusinessDayCounter()
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {CALENDAR} (day date PRIMARY KEY, n int)")
    cursor.execute(f"TRUNCATE {CALENDAR}")
    # Computed before the COPY starts: the calendar reads the días inhábiles from the database.
    rows = [
        (day, counter.count(first, day))
        for day in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]
    with cursor.cursor.copy(f"COPY {CALENDAR} (day, n) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"ANALYZE {CALENDAR}")


def _start(year: int) -> datetime:
    """The first instant of `year` in Mexico City: ranges on received_at can use its index."""
    return datetime(year, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def datos_by_group_by(*, year: int, scope: int, today: date) -> Datos:
    tz = settings.TIME_ZONE
    this_year = [_start(year), _start(year + 1)]
    local = f"(e.received_at AT TIME ZONE '{tz}')"
    attention = f"t.kind = '{TurnoKind.ATENCION}' AND t.state <> '{TurnoState.DEVUELTO}'"
    if scope == ALL_SCOPE:
        scoped, scope_params = "", []
    else:
        # The escritos turned to the secretaría para atención (and not returned).
        scoped = (
            "AND EXISTS (SELECT 1 FROM turnos_turno t "
            f"WHERE t.escrito_id = e.id AND t.secretaria_id = %s AND {attention})"
        )
        scope_params = [scope]
    cells: dict = defaultdict(lambda: defaultdict(int))
    per_secretaria: dict = defaultdict(lambda: defaultdict(int))
    ranking: dict[str, int] = {}
    genders = ", ".join(f"'{g}'" for g in GENDERS)
    with transaction.atomic(), connection.cursor() as cursor:
        # What a DBA would give a report of a year: hashes in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # Escritos: by month, day, channel, type, gender and trámite, in one scan.
        cursor.execute(
            f"""
            SELECT y, m, d, channel, tipo, genero, tramite, grouping(d), grouping(channel),
                   grouping(tipo), grouping(genero), grouping(tramite), count(*)
            FROM (
                SELECT extract(year FROM {local})::int AS y, extract(month FROM {local})::int AS m,
                       {local}::date AS d, e.channel, p.tipo,
                       CASE WHEN p.tipo <> 'fisica' THEN NULL
                            WHEN p.bloqueado_at IS NULL AND p.genero IN ({genders})
                                THEN p.genero
                            ELSE '{NOT_SPECIFIED}' END AS genero,
                       coalesce(e.tramite_id::text, '') AS tramite
                FROM correspondencia_escrito e
                JOIN correspondencia_peticionario p ON p.id = e.peticionario_id
                WHERE e.received_at >= %s AND e.received_at < %s {scoped}
            ) x
            GROUP BY GROUPING SETS ((y, m), (y, m, d), (y, m, channel), (y, m, tipo),
                                    (y, m, genero), (y, tramite))
            """,
            [_start(year - 1), _start(year + 1), *scope_params],
        )
        for y, m, d, channel, tipo, genero, tramite, g_d, g_c, g_t, g_g, g_tr, n in cursor:
            if not g_tr:
                metric, month, key = "tramite", 0, tramite
            elif not g_d:
                metric, month, key = "dia", m, d.isoformat()
            elif not g_c:
                metric, month, key = "canal", m, channel
            elif not g_t:
                metric, month, key = "tipo", m, tipo
            elif not g_g:
                if genero is None:
                    continue  # not a persona física
                metric, month, key = "genero", m, genero
            else:
                metric, month, key = "mes", m, ""
            if y != year and metric not in ("mes", "dia"):
                continue  # of the year before, only its months and days are shown
            cells[(y, metric)][(month, key)] += n

        # Escritos per year, every year.
        cursor.execute(
            f"SELECT extract(year FROM {local})::int, count(*) FROM correspondencia_escrito e "
            f"WHERE TRUE {scoped} GROUP BY 1",
            scope_params,
        )
        years_total = dict(cursor.fetchall())

        # The ranking of secretarías (all of them, always), and the escritos not turned yet.
        cursor.execute(
            f"""
            SELECT coalesce(x.secretaria_id::text, ''), count(*) FROM (
                SELECT e.id, t.secretaria_id FROM correspondencia_escrito e
                LEFT JOIN turnos_turno t ON t.escrito_id = e.id AND {attention}
                WHERE e.received_at >= %s AND e.received_at < %s
                GROUP BY e.id, t.secretaria_id
            ) x
            GROUP BY 1
            """,
            this_year,
        )
        ranking = dict(cursor.fetchall())

        # Turnos para atención: answers (sense, business days, on time) and pending ones.
        first = date(year - 1, 1, 1) - timedelta(days=1)
        _calendar(cursor, first, max(today, date(year, 12, 31)) + timedelta(days=800))
        open_turnos = ", ".join(f"'{s}'" for s in OPEN_TURNO_STATES)
        open_escritos = ", ".join(f"'{s}'" for s in OPEN_ESCRITO_STATES)
        cursor.execute(
            f"""
            SELECT t.secretaria_id, extract(month FROM {local})::int AS m, r.sense,
                   ca.n - cr.n AS days, r.within_term,
                   CASE WHEN r.id IS NOT NULL AND r.within_term IS NULL
                          THEN coalesce(t.due_date::text, '{NO_DUE_DATE}')
                        WHEN r.id IS NOT NULL THEN NULL
                        WHEN e.state NOT IN ({open_escritos})
                          OR t.state NOT IN ({open_turnos}) THEN NULL
                        WHEN t.state = '{TurnoState.PREVENCION}' THEN coalesce(
                            '{SUSPENDED}:' || (
                                SELECT max(pv.deadline)::text FROM turnos_prevencion pv
                                WHERE pv.turno_id = t.id AND pv.answered_at IS NULL
                                  AND pv.acuerdo_at IS NULL),
                            '{SUSPENDED}')
                        ELSE coalesce(t.due_date::text, '{NO_DUE_DATE}') END AS pending,
                   count(*)
            FROM turnos_turno t
            JOIN correspondencia_escrito e ON e.id = t.escrito_id
            LEFT JOIN turnos_respuesta r ON r.turno_id = t.id
            JOIN {CALENDAR} cr ON cr.day = {local}::date
            LEFT JOIN {CALENDAR} ca ON ca.day = (r.answered_at AT TIME ZONE '{tz}')::date
            WHERE t.kind = '{TurnoKind.ATENCION}' AND t.state <> '{TurnoState.DEVUELTO}'
              AND e.received_at >= %s AND e.received_at < %s
            GROUP BY 1, 2, 3, 4, 5, 6
            """,
            this_year,
        )
        for secretaria, m, sense, days, within, pending, n in cursor:
            mine = scope in (ALL_SCOPE, secretaria)
            if sense is not None:
                per_secretaria[(ALL_SCOPE, "dias")][str(days)] += n
                per_secretaria[(secretaria, "dias")][str(days)] += n
                if mine:
                    cells[(year, "sentido")][(0, sense)] += n
                    cells[(year, "dias")][(0, str(days))] += n
                    if within is not None:
                        cells[(year, "plazo")][(m, ON_TIME if within else LATE)] += n
                    elif pending is not None:
                        cells[(year, "pendiente")][(0, pending)] += n
            elif pending is not None and mine:
                cells[(year, "pendiente")][(0, pending)] += n

        # Ratings: once for all secretarías, once for each secretaría that answered.
        cursor.execute(
            """
            SELECT ev.score, count(*) FROM turnos_evaluacion ev
            JOIN correspondencia_escrito e ON e.id = ev.escrito_id
            WHERE e.received_at >= %s AND e.received_at < %s GROUP BY 1
            """,
            this_year,
        )
        for score, n in cursor:
            per_secretaria[(ALL_SCOPE, "calificacion")][str(score)] += n
        cursor.execute(
            f"""
            SELECT t.secretaria_id, ev.score, count(DISTINCT ev.id) FROM turnos_evaluacion ev
            JOIN correspondencia_escrito e ON e.id = ev.escrito_id
            JOIN turnos_turno t ON t.escrito_id = e.id AND {attention}
            JOIN turnos_respuesta r ON r.turno_id = t.id
            WHERE e.received_at >= %s AND e.received_at < %s GROUP BY 1, 2
            """,
            this_year,
        )
        for secretaria, score, n in cursor:
            per_secretaria[(secretaria, "calificacion")][str(score)] += n
    for key, n in per_secretaria.get((scope, "calificacion"), {}).items():
        cells[(year, "calificacion")][(0, key)] += n
    hidden = withheld(
        person_counts_by_group_by(year), min_count=settings.TRANSPARENCIA_CIFRA_MINIMA
    )
    tramite_ids = [int(k) for (_, k) in cells.get((year, "tramite"), {}) if k]
    return Datos(
        year=year,
        scope=scope,
        today=today,
        cells={k: dict(v) for k, v in cells.items()},
        per_secretaria={k: dict(v) for k, v in per_secretaria.items()},
        ranking=ranking,
        years=years_total,
        secretarias={
            s: (n, sig) for s, n, sig in Secretaria.objects.values_list("pk", "nombre", "siglas")
        },
        tramites=dict(Tramite.objects.filter(pk__in=tramite_ids).values_list("pk", "nombre")),
        hidden=frozenset((m, metric, k) for s, m, metric, k in hidden if s == scope),
    )


def person_counts_by_group_by(year: int) -> dict:
    """The monthly escritos, by type and by gender, of every scope of `year`: what
    selectors.person_counts reads from the counters, from the raw tables."""
    tz = settings.TIME_ZONE
    local = f"(e.received_at AT TIME ZONE '{tz}')"
    attention = f"t.kind = '{TurnoKind.ATENCION}' AND t.state <> '{TurnoState.DEVUELTO}'"
    genders = ", ".join(f"'{g}'" for g in GENDERS)
    out: dict = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT x.scope, extract(month FROM {local})::int, p.tipo,
                   CASE WHEN p.tipo <> 'fisica' THEN NULL
                        WHEN p.bloqueado_at IS NULL AND p.genero IN ({genders}) THEN p.genero
                        ELSE '{NOT_SPECIFIED}' END,
                   count(*)
            FROM (
                SELECT e.id, {ALL_SCOPE} AS scope FROM correspondencia_escrito e
                WHERE e.received_at >= %s AND e.received_at < %s
                UNION
                SELECT t.escrito_id, t.secretaria_id FROM turnos_turno t
                JOIN correspondencia_escrito e ON e.id = t.escrito_id
                WHERE {attention} AND e.received_at >= %s AND e.received_at < %s
            ) x
            JOIN correspondencia_escrito e ON e.id = x.id
            JOIN correspondencia_peticionario p ON p.id = e.peticionario_id
            GROUP BY 1, 2, 3, 4
            """,
            [_start(year), _start(year + 1)] * 2,
        )
        for scope, month, tipo, genero, n in cursor:
            out[(scope, month, "mes", "")] += n
            out[(scope, month, "tipo", tipo)] += n
            if genero is not None:
                out[(scope, month, "genero", genero)] += n
    return dict(out)
