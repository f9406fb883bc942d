"""The reads of /transparencia/ and its open data. None of them touches the raw tables of
escritos, turnos or answers: they read the counters (SummaryCell) and the public records
(EscritoPublico) the consumer in services.py keeps current."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from correspondencia.models import Secretaria, Tramite
from oficialia.replica import read_alias

from . import reserva
from .figures import Datos, Estadisticas, Figure, build_figures
from .models import ALL_SCOPE, EscritoPublico, SummaryCell, Watermark
from .services import FIGURES_VERSION

# The figures of a page are kept this long at most; the key changes as soon as the consumer
# moves a counter (Watermark.generation) or the day changes, so a new escrito is never
# hidden behind the cache.
CACHE_SECONDS = 300
PER_SECRETARIA_METRICS = ("dias", "calificacion")
# Of the year before the one shown: its months (year against year) and its last days.
PREVIOUS_YEAR_METRICS = ("mes", "dia")


def years_available() -> list[int]:
    """Years with escritos, newest first, and always the current one."""
    years = set(
        SummaryCell.objects.filter(scope=ALL_SCOPE, metric="mes", n__gt=0)
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def secretarias_for_filter() -> list[Secretaria]:
    return list(Secretaria.objects.filter(activa=True).order_by("nombre"))


def person_counts(year: int) -> dict[reserva.Key, int]:
    """The monthly counters the cuts by person are made of, of every scope of `year`."""
    rows = SummaryCell.objects.filter(
        year=year, month__gt=0, metric__in=("mes", *reserva.PERSON_METRICS)
    ).values_list("scope", "month", "metric", "key", "n")
    return {(s, m, metric, key): n for s, m, metric, key, n in rows}


def withheld(year: int, *, generation: int | None = None) -> frozenset[reserva.Key]:
    """The withheld cells of `year` (transparencia/reserva.py), the same for the page and the
    open data. With the watermark's generation they are cached until a counter moves."""
    min_count = settings.TRANSPARENCIA_CIFRA_MINIMA
    key = f"transparencia:reserva:{FIGURES_VERSION}:{generation}:{year}:{min_count}"
    cached = cache.get(key) if generation is not None else None
    if cached is None:
        cached = reserva.withheld(person_counts(year), min_count=min_count)
        if generation is not None:
            cache.set(key, cached, CACHE_SECONDS)
    return cached


def datos_read(
    *, year: int, scope: int, today: date, refreshed_at=None, generation: int | None = None
) -> Datos:
    """The counters of one page, in five small queries."""
    cells: dict = defaultdict(dict)
    rows = SummaryCell.objects.filter(
        Q(year=year) | Q(year=year - 1, metric__in=PREVIOUS_YEAR_METRICS), scope=scope
    ).values_list("year", "metric", "month", "key", "n")
    for y, metric, month, key, n in rows:
        cells[(y, metric)][(month, key)] = n
    per_secretaria: dict = defaultdict(dict)
    ranking: dict[str, int] = {}
    rows = SummaryCell.objects.filter(
        Q(metric__in=PER_SECRETARIA_METRICS) | Q(scope=ALL_SCOPE, metric="secretaria"),
        year=year,
    ).values_list("scope", "metric", "key", "n")
    for s, metric, key, n in rows:
        if metric == "secretaria":
            ranking[key] = n
        else:
            per_secretaria[(s, metric)][key] = n
    years = dict(
        SummaryCell.objects.filter(scope=scope, metric="mes")
        .values("year")
        .annotate(total=Sum("n"))
        .values_list("year", "total")
    )
    tramite_ids = [int(k) for (_, k) in cells.get((year, "tramite"), {}) if k]
    return Datos(
        year=year,
        scope=scope,
        today=today,
        cells=dict(cells),
        per_secretaria=dict(per_secretaria),
        ranking=ranking,
        years=years,
        secretarias={
            s: (n, sig) for s, n, sig in Secretaria.objects.values_list("pk", "nombre", "siglas")
        },
        tramites=dict(Tramite.objects.filter(pk__in=tramite_ids).values_list("pk", "nombre")),
        refreshed_at=refreshed_at,
        hidden=frozenset(
            (m, metric, k)
            for s, m, metric, k in withheld(year, generation=generation)
            if s == scope
        ),
    )


def statistics_key(*, year: int, secretaria: Secretaria | None, mark: Watermark) -> str:
    """The version of the figures of a year and scope: it changes when the consumer moves a
    counter (the watermark's generation), at midnight, or when the figures' code changes.
    The figures and the page's rendered figures are cached under it."""
    today = timezone.localdate()
    scope = secretaria.pk if secretaria else ALL_SCOPE
    return f"transparencia:{FIGURES_VERSION}:{mark.generation}:{today}:{year}:{scope}"


def statistics_page(*, year: int, secretaria: Secretaria | None, mark: Watermark) -> Estadisticas:
    """Every figure of the page, from the cache when nothing changed since it was made."""
    today = timezone.localdate()
    scope = secretaria.pk if secretaria else ALL_SCOPE
    key = statistics_key(year=year, secretaria=secretaria, mark=mark)
    stats = cache.get(key)
    if stats is None:
        stats = build_figures(
            datos_read(
                year=year,
                scope=scope,
                today=today,
                refreshed_at=mark.refreshed_at,
                generation=mark.generation,
            )
        )
        cache.set(key, stats, CACHE_SECONDS)
    return stats


# Figures other apps add ------------------------------------------------------------------


def extra_figures(*, year: int, secretaria: Secretaria | None) -> list[Figure]:
    """Figures that come from other apps, shown after the ones of this app with the same
    chart-and-table layout (templates/transparencia/_figura.html). Add yours here: build a
    `figures.Figure` (chart from transparencia.charts, table of already formatted cells) from
    your own app's summaries. Keep it cheap: the page must render in well under 50 ms, so
    read counters, not raw tables, or cache."""
    return []


FILA_CACHE_SECONDS = 60


def fila_wait_statistics(*, year: int, secretaria: Secretaria | None) -> dict | None:
    """Waiting and attention times of the fichas (queue tickets), per secretaría and per hour
    of the day, for templates/transparencia/_fila_espera.html; None when there were none.

    fila.selectors.wait_statistics reads every ficha of the year, so its result is cached for
    a minute: fresh enough for "real time", and the page stays within its budget.
    """
    from django.core.cache import cache

    from fila.selectors import wait_statistics

    key = f"transparencia:fila:{year}:{secretaria.pk if secretaria else 'todas'}"
    cached = cache.get(key)
    if cached is None:
        cached = {
            "por_secretaria": wait_statistics(year, secretaria=secretaria, by_hour=False),
            "por_hora": _by_hour(wait_statistics(year, secretaria=secretaria, by_hour=True)),
        }
        cache.set(key, cached, FILA_CACHE_SECONDS)
    return cached if cached["por_secretaria"] else None


def _by_hour(rows: list) -> list[dict]:
    """Every secretaría together, per hour: fichas and the mean waiting time weighted by calls."""
    hours: dict[int, dict] = {}
    for row in rows:
        hour = hours.setdefault(
            row["hora"], {"hora": row["hora"], "fichas": 0, "llamadas": 0, "_w": 0.0}
        )
        hour["fichas"] += row["fichas"]
        if row["espera_media"] is not None:
            hour["llamadas"] += row["llamadas"]
            hour["_w"] += row["espera_media"] * row["llamadas"]
    result = []
    for hour in sorted(hours.values(), key=lambda h: h["hora"]):
        mean = round(hour.pop("_w") / hour["llamadas"], 1) if hour["llamadas"] else None
        result.append({**hour, "espera_media": mean})
    return result


def bitacora_head() -> list:
    """The bitácora's chain heads published each day (the latest first). Publishing is
    idempotent per day, so the first visit of a day publishes it even where no beat runs."""
    from oficialia.bitacora import publish_head
    from oficialia.models import BitacoraCabeza

    publish_head()
    return list(BitacoraCabeza.objects.order_by("-day")[:7])


# Open data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogues:
    secretarias: dict[int, str]
    tramites: dict[int, str]


def catalogues() -> Catalogues:
    return Catalogues(
        secretarias=dict(Secretaria.objects.values_list("pk", "nombre")),
        tramites=dict(Tramite.objects.values_list("pk", "nombre")),
    )


def public_escritos(*, year: int | None = None, chunk_size: int = 2000) -> Iterator[tuple]:
    """Every public record, oldest first, through a server-side cursor (constant memory).
    The dates come out of the database already in Mexico City time (TruncDate uses the
    current time zone), a third of the cost of a million rows if done in Python."""
    rows = EscritoPublico.objects.order_by("escrito_id")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.values_list(
        "public_id",
        "year",
        TruncDate("received_at"),
        "channel",
        "turnos",
        "tramite_id",
        "state",
        "due_date",
        TruncDate("answered_at"),
        "sense",
        "business_days",
        "within_term",
    ).iterator(chunk_size=chunk_size)


# escritos.csv as PostgreSQL's COPY writes it: the same cells the rows of opendata give
# (dates as YYYY-MM-DD in Mexico City time, as TruncDate gives them: a date's text with
# DateStyle ISO, set for the transaction, costs half of to_char; the secretarías of the
# turnos sorted by code point and joined by " | ", the id when one is unknown; en_plazo as
# si/no; empty cells for nothing), in the columns of opendata.ESCRITOS_COLUMNS.
# Nine escritos in ten are turned to one secretaría and most others to two: those names come
# from two joins and a comparison. Aggregating the array's elements, which only the rest
# need, cost each row ~4 µs, a third of the file's time in PostgreSQL.
_CSV_COPY = """
COPY (
WITH catalogue AS (SELECT jsonb_object_agg(id::text, nombre) AS names
                     FROM correspondencia_secretaria)
SELECT p.public_id::text AS id_publico, p.year AS anio,
       (p.received_at AT TIME ZONE {tz})::date::text AS fecha_recepcion,
       p.channel AS medio,
       CASE jsonb_array_length(p.turnos)
         WHEN 0 THEN NULL
         WHEN 1 THEN n.first
         WHEN 2 THEN CASE WHEN n.first = n.second THEN n.first
                          WHEN n.first COLLATE "C" < n.second COLLATE "C"
                          THEN n.first || ' | ' || n.second
                          ELSE n.second || ' | ' || n.first END
         ELSE (SELECT string_agg(DISTINCT COALESCE(c.names->>(j->>0), j->>0) COLLATE "C",
                                 ' | ' ORDER BY COALESCE(c.names->>(j->>0), j->>0) COLLATE "C")
                 FROM jsonb_array_elements(p.turnos) j)
       END AS secretarias,
       t.nombre AS tramite,
       p.state AS estado,
       p.due_date::text AS fecha_limite,
       (p.answered_at AT TIME ZONE {tz})::date::text AS fecha_respuesta,
       NULLIF(p.sense, '') AS sentido,
       p.business_days AS dias_habiles,
       CASE p.within_term WHEN true THEN 'si' WHEN false THEN 'no' END AS en_plazo
  FROM transparencia_escritopublico p
 CROSS JOIN catalogue c
  LEFT JOIN correspondencia_tramite t ON t.id = p.tramite_id
  LEFT JOIN correspondencia_secretaria s1 ON s1.id = (p.turnos->0->>0)::bigint
  LEFT JOIN correspondencia_secretaria s2 ON s2.id = (p.turnos->1->>0)::bigint
 CROSS JOIN LATERAL (SELECT COALESCE(s1.nombre, p.turnos->0->>0) AS first,
                            COALESCE(s2.nombre, p.turnos->1->>0) AS second) n
 WHERE {year} IS NULL OR p.year = {year}
 ORDER BY p.escrito_id
) TO STDOUT WITH (FORMAT csv)
"""


def public_escritos_copy(*, year: int | None = None) -> Iterator[bytes]:
    """escritos.csv's rows, without the header, straight from PostgreSQL (see _CSV_COPY), as
    they are produced, with "\n" line ends. PostgreSQL only; the caller checks that no cell
    needs Python's care."""
    from psycopg import sql

    statement = sql.SQL(_CSV_COPY).format(
        tz=sql.Literal(timezone.get_current_timezone_name()),
        year=sql.Literal(year) + sql.SQL("::integer"),
    )
    # COPY hands over one row at a time: they leave in pieces of about 64 KB.
    piece, size = [], 0
    alias = read_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # For this transaction only: dates as YYYY-MM-DD; no JIT (past a million rows the
        # plan's cost turns it on: ~50 ms at 100 000 rows, hundreds at a million, all spent
        # before the first row leaves, and the file comes out slower with it); and rows read
        # in the order of an index, leaving as they are read (with hash joins and a sort, the
        # planner's choice past a few thousand rows, none would leave before the last was
        # read: seconds at a million). The catalogues are a few rows: a nested loop over
        # their primary keys costs less per row than a hash probe.
        cursor.execute(
            "SET LOCAL datestyle TO 'ISO, YMD'; SET LOCAL jit = off;"
            " SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;"
            " SET LOCAL enable_sort = off"
        )
        with cursor.cursor.copy(statement) as copy:
            for data in copy:
                piece.append(data)
                size += len(data)
                if size >= 65536:
                    yield b"".join(piece)
                    piece, size = [], 0
    if piece:
        yield b"".join(piece)


def monthly_cells() -> Iterator[tuple[int, int, int, str, str, int]]:
    """(year, month, scope, metric, key, n) of the counters cut by month, in order."""
    return (
        SummaryCell.objects.filter(month__gt=0, metric__in=MONTHLY_METRICS)
        .exclude(metric="dia")
        .order_by("year", "month", "scope", "metric", "key")
        .values_list("year", "month", "scope", "metric", "key", "n")
        .iterator(chunk_size=5000)
    )


MONTHLY_METRICS = ("mes", "canal", "tipo", "genero", "plazo")
