"""The figures of /transparencia/, each a chart and its table, built from counters.

`build_figures` is a pure function of `Datos`: the page feeds it the summary counters
(selectors.py) and the benchmark and the tests feed it the same counters computed by plain
GROUP BY over the raw tables (reference.py), so both roads end in the very same figures.
"""

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil

from django.conf import settings
from django.utils.safestring import SafeString

from correspondencia.models import Channel, Gender, PetitionerType
from turnos.models import Sense

from . import charts
from .charts import Bar, Range
from .models import ALL_SCOPE
from .services import LATE, NO_DUE_DATE, NOT_SPECIFIED, ON_TIME, SUSPENDED

MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
MONTHS_SHORT = [m[:3] for m in MONTHS]
DAYS_SHOWN = 90
TOP_TRAMITES = 15
TOP_MONTHS = 5

# A withheld figure of a cut by person (transparencia/reserva.py) reads as this, whether it
# was small or withheld so that a small one cannot be computed back.
SUPPRESSED = "reservado"
SUPPRESSED_SHORT = "res."  # in the tables by month, which must fit a phone

GENDER_LABELS = {
    Gender.MUJER: "Mujer",
    Gender.HOMBRE: "Hombre",
    Gender.NO_BINARIO: "No binario",
    NOT_SPECIFIED: "No especificado",
}
# Column headers of the month-by-type table, short enough for a phone.
TYPE_SHORT = {
    PetitionerType.FISICA: "Física",
    PetitionerType.MORAL: "Moral",
    PetitionerType.DEPENDENCIA: "Dependencia",
}
ARTICLE_8 = [
    ("en_plazo", "Respondidos en plazo", "c-ok"),
    ("fuera_de_plazo", "Respondidos fuera de plazo", "c-late"),
    ("pendiente_en_plazo", "Pendientes en plazo", "c-pending"),
    ("pendiente_vencido", "Pendientes vencidos", "c-overdue"),
    ("prevencion_vencida", "Prevención sin respuesta del peticionario", "c-late"),
]
SENSE_CSS = {
    Sense.POSITIVA: "c-ok",
    Sense.NEGATIVA: "c-overdue",
    Sense.PARCIAL: "c-late",
    Sense.INFORMATIVA: "c-pending",
}


def fmt(n: int) -> str:
    return f"{n:,}"


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}\u00a0%" if whole else "—"  # the sign stays with its number


def percentile(histogram: dict[int, int], q: float) -> int | None:
    """Nearest-rank percentile of a histogram {business days: how many}: the smallest value
    with at least q of the answers at or below it (q=0.5, the median)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, ceil(q * total))
    running = 0
    for days in sorted(histogram):
        running += histogram[days]
        if running >= rank:
            return days
    return None


# What a page needs ------------------------------------------------------------------------


@dataclass
class Datos:
    """The counters behind one page: a year, and one secretaría (scope) or all (0)."""

    year: int
    scope: int
    today: date
    # (year, metric) → {(month, key): n}, for `scope`, the year and the one before.
    cells: dict[tuple[int, str], dict[tuple[int, str], int]]
    # (scope, metric) → {key: n}, for `year`, every scope: "dias", "calificacion".
    per_secretaria: dict[tuple[int, str], dict[str, int]]
    ranking: dict[str, int]  # escritos of `year` per secretaría id ("" not turned yet)
    years: dict[int, int]  # escritos per year, for `scope`
    secretarias: dict[int, tuple[str, str]]  # id → (nombre, siglas)
    tramites: dict[int, str]  # id → nombre (at least the ones ranked)
    refreshed_at: datetime | None = None
    # The withheld cells of the cuts by person of `scope`: (month, metric, key), month 0
    # for the year (transparencia/reserva.py).
    hidden: frozenset[tuple[int, str, str]] = frozenset()

    def month_key(self, metric: str, year: int | None = None) -> dict[tuple[int, str], int]:
        return self.cells.get((year or self.year, metric), {})

    def by_key(self, metric: str, year: int | None = None) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for (_, key), n in self.month_key(metric, year).items():
            out[key] += n
        return out

    def shown(self, metric: str, month: int, key: str, n: int, *, short: bool = False) -> str:
        if (month, metric, key) in self.hidden:
            return SUPPRESSED_SHORT if short else SUPPRESSED
        return fmt(n)

    def by_month(self, metric: str, year: int | None = None) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for (month, _), n in self.month_key(metric, year).items():
            out[month] += n
        return out


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]  # the first cell of each row is its header
    highlight: set[int] = field(default_factory=set)  # rows shown in bold (the secretaría)
    collapsed: bool = False  # long: folded in a <details>, still in the page


@dataclass
class Figure:
    slug: str  # anchor, and data-testid of the section
    title: str
    description: str
    chart: SafeString
    table: Table
    extra_tables: list[Table] = field(default_factory=list)
    note: str = ""


@dataclass
class Kpi:
    label: str
    value: str
    detail: str = ""


@dataclass
class Estadisticas:
    year: int
    scope: int
    scope_name: str
    today: date
    total: int
    kpis: list[Kpi]
    figures: list[Figure]
    refreshed_at: datetime | None


# The figures ------------------------------------------------------------------------------


def _name(d: Datos, secretaria: str | int) -> str:
    if secretaria in ("", None):
        return "Sin turnar aún"
    return d.secretarias.get(int(secretaria), (f"Secretaría {secretaria}", ""))[0]


def _last_month(d: Datos) -> int:
    """The months of the year that already happened."""
    return d.today.month if d.year == d.today.year else 12


def article_8(d: Datos, scope: int | None = None) -> dict[str, int]:
    """Turnos para atención: answered on time or late, pending on time or overdue today."""
    if scope is None or scope == d.scope:
        answered = d.by_key("plazo")
        pending = d.by_key("pendiente")
    else:
        answered, pending = {}, {}
    today = d.today.isoformat()
    out = {
        "en_plazo": answered.get(ON_TIME, 0),
        "fuera_de_plazo": answered.get(LATE, 0),
        "pendiente_en_plazo": 0,
        "pendiente_vencido": 0,
        "prevencion_vencida": 0,
    }
    for key, n in pending.items():
        if key.startswith(f"{SUSPENDED}:"):
            # A prevención: in term while the petitioner may still answer, apart once not.
            expired = key.split(":", 1)[1] < today
            out["prevencion_vencida" if expired else "pendiente_en_plazo"] += n
            continue
        overdue = key not in (SUSPENDED, NO_DUE_DATE) and key < today
        out["pendiente_vencido" if overdue else "pendiente_en_plazo"] += n
    return out


def _histogram(counts: dict[str, int]) -> dict[int, int]:
    return {int(k): n for k, n in counts.items() if n}


def fig_per_day(d: Datos) -> Figure:
    end = d.today if d.year == d.today.year else date(d.year, 12, 31)
    days = [end - timedelta(days=DAYS_SHOWN - 1 - i) for i in range(DAYS_SHOWN)]
    values = [
        d.cells.get((day.year, "dia"), {}).get((day.month, day.isoformat()), 0) for day in days
    ]
    ticks = [(i, MONTHS_SHORT[day.month - 1]) for i, day in enumerate(days) if day.day == 1]
    rows = [[f"{day:%d/%m/%Y}", fmt(n)] for day, n in zip(days, values, strict=True)]
    return Figure(
        "por-dia",
        "Escritos recibidos por día",
        f"Los últimos {DAYS_SHOWN} días hasta el {end:%d/%m/%Y}: {fmt(sum(values))} escritos.",
        charts.columns(values, label="Escritos por día; los datos están en la tabla", ticks=ticks),
        Table("Escritos recibidos por día", ["Fecha", "Escritos"], rows[::-1], collapsed=True),
    )


def fig_per_month(d: Datos) -> Figure:
    this, last = d.by_month("mes"), d.by_month("mes", d.year - 1)
    upto = _last_month(d)
    first = [this.get(m, 0) if m <= upto else None for m in range(1, 13)]
    second = [last.get(m, 0) for m in range(1, 13)]
    rows = []
    for m in range(1, 13):
        now, before = first[m - 1], second[m - 1]
        running = d.year == d.today.year and m == upto
        if running:
            # A month under way against the same days of the year before, not its whole.
            last_day = min(d.today.day, monthrange(d.year - 1, m)[1])
            same_days = _days_sum(d, d.year - 1, m, last_day)
            change = _change(_days_sum(d, d.year, m, last_day), same_days).strip(" ()") or "—"
        elif now is None:
            change = "—"
        elif before:
            change = f"{100 * (now - before) / before:+.1f}\u00a0%"
        else:
            change = "—"
        rows.append(
            [MONTHS[m - 1].capitalize(), "—" if now is None else fmt(now), fmt(before), change]
        )
    return Figure(
        "por-mes",
        f"Por mes: {d.year} contra {d.year - 1}",
        "Cada mes junto al mismo mes del año anterior."
        + (
            f" El cambio de {MONTHS[upto - 1]}, en curso, compara del 1 al {d.today.day} de "
            "ambos años."
            if d.year == d.today.year
            else ""
        ),
        charts.paired_columns(
            [m[0].upper() for m in MONTHS_SHORT],
            first,
            second,
            names=(str(d.year), str(d.year - 1)),
            label=f"Escritos por mes de {d.year} y {d.year - 1}; los datos están en la tabla",
        ),
        Table(
            f"Escritos por mes, {d.year} y {d.year - 1}",
            ["Mes", str(d.year), str(d.year - 1), "Cambio"],
            rows,
        ),
    )


def fig_per_year(d: Datos) -> Figure:
    years = sorted(y for y, n in d.years.items() if n) or [d.year]
    values = [d.years.get(y, 0) for y in years]
    css = ["c-main" if y == d.year else "c-alt" for y in years]
    return Figure(
        "por-anio",
        "Por año",
        "Todos los años con escritos registrados.",
        charts.columns(
            values,
            label="Escritos por año; los datos están en la tabla",
            ticks=[(i, str(y)) for i, y in enumerate(years)],
            css=css,
        ),
        Table(
            "Escritos recibidos por año",
            ["Año", "Escritos"],
            [[str(y), fmt(n)] for y, n in zip(years, values, strict=True)],
            highlight={years.index(d.year)} if d.year in years else set(),
        ),
    )


def fig_busiest_months(d: Datos) -> Figure:
    per_month = d.by_month("mes")
    ranked = sorted((m for m in per_month if per_month[m]), key=lambda m: (-per_month[m], m))
    top = ranked[:TOP_MONTHS]
    return Figure(
        "meses",
        "Los meses con más escritos",
        f"Los {TOP_MONTHS} meses de {d.year} que más escritos recibieron.",
        charts.bars(
            [Bar(MONTHS[m - 1].capitalize(), per_month[m], fmt(per_month[m])) for m in top],
            label=f"Meses con más escritos en {d.year}; los datos están en la tabla",
        ),
        Table(
            f"Meses con más escritos en {d.year}",
            ["Mes", "Escritos", "Lugar"],
            [
                [MONTHS[m - 1].capitalize(), fmt(per_month[m]), f"{i}.º"]
                for i, m in enumerate(top, start=1)
            ],
        ),
    )


def fig_per_secretaria(d: Datos) -> Figure:
    ranked = sorted(
        ((k, n) for k, n in d.ranking.items() if n and k),
        key=lambda kn: (-kn[1], _name(d, kn[0])),
    )
    if d.ranking.get(""):
        ranked.append(("", d.ranking[""]))
    chosen = {i for i, (k, _) in enumerate(ranked) if k and int(k) == d.scope}
    items = [
        Bar(
            _name(d, k),
            n,
            fmt(n),
            "c-muted" if not k else ("c-hl" if i in chosen else "c-main"),
        )
        for i, (k, n) in enumerate(ranked)
    ]
    return Figure(
        "por-secretaria",
        "Por secretaría",
        "Escritos turnados para atención a cada secretaría (uno turnado a dos cuenta en ambas).",
        charts.bars(items, label="Escritos por secretaría; los datos están en la tabla"),
        Table(
            f"Escritos por secretaría, {d.year}",
            ["Secretaría", "Escritos"],
            [[_name(d, k), fmt(n)] for k, n in ranked],
            highlight=chosen,
        ),
        note="Esta comparación muestra todas las secretarías aunque haya elegido una."
        if d.scope
        else "",
    )


def fig_per_tramite(d: Datos) -> Figure:
    counts = d.by_key("tramite")
    ranked = sorted(
        ((int(k), n) for k, n in counts.items() if k and n),
        key=lambda kn: (-kn[1], d.tramites.get(kn[0], "")),
    )
    top, rest = ranked[:TOP_TRAMITES], ranked[TOP_TRAMITES:]
    rows = [[d.tramites.get(k, f"Trámite {k}"), fmt(n)] for k, n in top]
    if rest:
        rows.append([f"Otros {len(rest)} trámites", fmt(sum(n for _, n in rest))])
    if counts.get(""):
        rows.append(["Sin trámite identificado", fmt(counts[""])])
    return Figure(
        "por-tramite",
        "Por tema o trámite",
        f"Los {TOP_TRAMITES} trámites más solicitados.",
        charts.bars(
            [Bar(d.tramites.get(k, f"Trámite {k}"), n, fmt(n)) for k, n in top],
            label="Escritos por trámite; los datos están en la tabla",
        ),
        Table(f"Escritos por trámite, {d.year}", ["Trámite", "Escritos"], rows),
    )


def fig_per_channel(d: Datos) -> Figure:
    counts = d.by_key("canal")
    total = sum(counts.values())
    ranked = sorted(Channel, key=lambda c: (-counts.get(c.value, 0), c.label))
    return Figure(
        "por-medio",
        "Por medio de recepción",
        "En línea, en la ventanilla o por otro medio.",
        charts.bars(
            [Bar(c.label, counts.get(c.value, 0), fmt(counts.get(c.value, 0))) for c in ranked],
            label="Escritos por medio de recepción; los datos están en la tabla",
        ),
        Table(
            f"Escritos por medio de recepción, {d.year}",
            ["Medio", "Escritos", "%"],
            [
                [c.label, fmt(counts.get(c.value, 0)), pct(counts.get(c.value, 0), total)]
                for c in ranked
            ],
        ),
    )


def _month_cut(d: Datos, metric: str, categories: list[tuple[str, str]], caption: str) -> Table:
    """Months by categories of one metric, the withheld cells withheld."""
    cells = d.month_key(metric)
    rows = []
    for m in range(1, _last_month(d) + 1):
        row = [MONTHS_SHORT[m - 1].capitalize()]  # short: the table must fit a phone
        for key, _ in categories:
            row.append(d.shown(metric, m, key, cells.get((m, key), 0), short=True))
        rows.append(row)
    return Table(caption, ["Mes", *[label for _, label in categories]], rows)


def _person_bars(d: Datos, metric: str, categories: list[tuple[str, str]]) -> list[Bar]:
    """A withheld figure has no bar: its length would tell it."""
    counts = d.by_key(metric)
    return [
        Bar(label, 0, SUPPRESSED)
        if (0, metric, k) in d.hidden
        else Bar(label, counts.get(k, 0), fmt(counts.get(k, 0)))
        for k, label in categories
    ]


def _person_rows(
    d: Datos, metric: str, categories: list[tuple[str, str]], total_hidden: bool
) -> list[list[str]]:
    """The year's table of a cut by person: a withheld figure keeps its percentage too, and
    when the total is withheld no percentage is shown (with the visible figures it would
    give the total back)."""
    counts = d.by_key(metric)
    total = sum(counts.values())
    rows = []
    for k, label in categories:
        n = counts.get(k, 0)
        hidden = (0, metric, k) in d.hidden
        share = "—" if total_hidden else (SUPPRESSED if hidden else pct(n, total))
        rows.append([label, d.shown(metric, 0, k, n), share])
    return rows


def fig_gender(d: Datos) -> Figure:
    categories = list(GENDER_LABELS.items())
    return Figure(
        "por-genero",
        "Quién pide: mujeres y hombres",
        "Escritos de personas físicas por género del peticionario (las personas morales y las "
        "dependencias no tienen género).",
        charts.bars(
            _person_bars(d, "genero", categories),
            label="Peticionarios por género; los datos están en la tabla",
        ),
        Table(
            f"Escritos de personas físicas por género, {d.year}",
            ["Género", "Escritos", "%"],
            _person_rows(
                d, "genero", categories, total_hidden=(0, "tipo", PetitionerType.FISICA) in d.hidden
            ),
        ),
        extra_tables=[
            _month_cut(d, "genero", categories, f"Por mes y género, {d.year}"),
        ],
        note=_suppression_note(d, "genero"),
    )


def fig_type(d: Datos) -> Figure:
    categories = [(t.value, t.label) for t in PetitionerType]
    short = [(t.value, TYPE_SHORT[t.value]) for t in PetitionerType]
    return Figure(
        "por-tipo",
        "Quién pide: personas, empresas y dependencias",
        "Escritos por tipo de peticionario.",
        charts.bars(
            _person_bars(d, "tipo", categories),
            label="Peticionarios por tipo; los datos están en la tabla",
        ),
        Table(
            f"Escritos por tipo de peticionario, {d.year}",
            ["Tipo", "Escritos", "%"],
            _person_rows(d, "tipo", categories, total_hidden=False),
        ),
        extra_tables=[_month_cut(d, "tipo", short, f"Por mes y tipo, {d.year}")],
        note=_suppression_note(d, "tipo"),
    )


def _suppression_note(d: Datos, metric: str) -> str:
    if not any(m == metric for _, m, _ in d.hidden):
        return ""
    return (
        f"«{SUPPRESSED.capitalize()}» («{SUPPRESSED_SHORT}» en la tabla por mes): cifra que "
        "no se publica para que nadie pueda ser "
        f"identificado: las de 1 a {settings.TRANSPARENCIA_CIFRA_MINIMA - 1} escritos, y las "
        "que permitirían calcularlas restando otras cifras publicadas (el total del mes o del "
        "año, las demás secretarías)."
    )


def fig_response_time(d: Datos) -> Figure:
    rows_data = []
    for scope in [
        ALL_SCOPE,
        *sorted({s for s, metric in d.per_secretaria if s and metric == "dias"}),
    ]:
        histogram = _histogram(d.per_secretaria.get((scope, "dias"), {}))
        answers = sum(histogram.values())
        if scope and not answers:
            continue
        name = "Todas las secretarías" if scope == ALL_SCOPE else _name(d, scope)
        rows_data.append(
            (scope, name, answers, percentile(histogram, 0.5), percentile(histogram, 0.9))
        )
    overall, per = rows_data[:1], rows_data[1:]
    per.sort(key=lambda r: (r[3], r[4], r[1]))
    rows_data = overall + per
    chosen = {i for i, r in enumerate(rows_data) if r[0] and r[0] == d.scope}

    def days(v: int | None) -> str:
        return "—" if v is None else f"{v}"

    return Figure(
        "tiempo-respuesta",
        "Tiempo de respuesta",
        "Días hábiles desde la recepción hasta la respuesta de cada secretaría: la mediana (la "
        "mitad respondió en ese tiempo o menos) y el percentil 90 (nueve de cada diez).",
        charts.ranges(
            [
                Range(
                    name,
                    med,
                    p90,
                    f"mediana {days(med)} · p90 {days(p90)}",
                    "chart__label--hl" if i in chosen or scope == ALL_SCOPE else "",
                )
                for i, (scope, name, _, med, p90) in enumerate(rows_data)
            ],
            label="Días hábiles de respuesta por secretaría, mediana y percentil 90; "
            "los datos están en la tabla",
        ),
        Table(
            f"Días hábiles de respuesta por secretaría (mediana y percentil 90, P90), {d.year}",
            ["Secretaría", "Respuestas", "Mediana", "P90"],
            [[name, fmt(n), days(med), days(p90)] for _, name, n, med, p90 in rows_data],
            highlight=chosen | {0},
        ),
        note="Barra oscura: mediana; barra clara: percentil 90. De la más rápida a la más lenta.",
    )


def fig_sense(d: Datos) -> Figure:
    counts = d.by_key("sentido")
    total = sum(counts.values())
    parts = [
        Bar(
            s.label,
            counts.get(s.value, 0),
            f"{fmt(counts.get(s.value, 0))} · {pct(counts.get(s.value, 0), total)}",
            SENSE_CSS[s],
        )
        for s in Sense
    ]
    return Figure(
        "sentido",
        "Sentido de las respuestas",
        f"{fmt(total)} respuestas de las secretarías a escritos de {d.year}.",
        charts.stacked(parts, label="Sentido de las respuestas; los datos están en la tabla"),
        Table(
            f"Respuestas por sentido, {d.year}",
            ["Sentido", "Respuestas", "%"],
            [
                [s.label, fmt(counts.get(s.value, 0)), pct(counts.get(s.value, 0), total)]
                for s in Sense
            ],
        ),
    )


def fig_article_8(d: Datos) -> Figure:
    counts = article_8(d)
    total = sum(counts.values())
    return Figure(
        "articulo-8",
        "Respuestas dentro del plazo",
        "Cada turno para atención: respondido dentro o fuera de su plazo en días hábiles, o "
        f"pendiente y, al {d.today:%d/%m/%Y}, todavía en plazo o ya vencido (los suspendidos "
        "por una prevención cuentan en plazo mientras el peticionario puede responder; si su "
        "plazo pasó sin respuesta se cuentan aparte).",
        charts.stacked(
            [
                Bar(label, counts[key], f"{fmt(counts[key])} · {pct(counts[key], total)}", css)
                for key, label, css in ARTICLE_8
            ],
            label="Respuestas dentro y fuera del plazo; los datos están en la tabla",
        ),
        Table(
            f"Turnos para atención por cumplimiento del plazo, escritos de {d.year}",
            ["Situación", "Turnos", "%"],
            [[label, fmt(counts[key]), pct(counts[key], total)] for key, label, _ in ARTICLE_8],
        ),
    )


def fig_rating(d: Datos) -> Figure:
    rows_data = []
    scopes = sorted({s for s, metric in d.per_secretaria if s and metric == "calificacion"})
    for scope in [ALL_SCOPE, *scopes]:
        counts = d.per_secretaria.get((scope, "calificacion"), {})
        n = sum(counts.values())
        if scope and not n:
            continue
        average = sum(int(k) * v for k, v in counts.items()) / n if n else None
        name = "Todas las secretarías" if scope == ALL_SCOPE else _name(d, scope)
        rows_data.append((scope, name, n, average))
    overall, per = rows_data[:1], rows_data[1:]
    per.sort(key=lambda r: (-(r[3] or 0), r[1]))
    rows_data = overall + per
    chosen = {i for i, r in enumerate(rows_data) if r[0] and r[0] == d.scope}

    def avg(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    return Figure(
        "calificacion",
        "Calificación de la atención",
        "Promedio de 1 a 5 que dieron los peticionarios a la atención recibida, por secretaría "
        "que respondió.",
        charts.bars(
            [
                Bar(
                    name,
                    a,
                    f"{avg(a)} de 5 ({fmt(n)})",
                    "c-hl" if i in chosen else ("c-alt" if scope == ALL_SCOPE else "c-main"),
                )
                for i, (scope, name, n, a) in enumerate(rows_data)
            ],
            label="Calificación promedio por secretaría; los datos están en la tabla",
            scale=5,
        ),
        Table(
            f"Calificación de la atención por secretaría, escritos de {d.year}",
            ["Secretaría", "Calificaciones", "Promedio (de 5)"],
            [[name, fmt(n), avg(a)] for _, name, n, a in rows_data],
            highlight=chosen | {0},
        ),
    )


def _days_sum(d: Datos, year: int, month: int, last_day: int) -> int:
    """Escritos received from the 1st to `last_day` of a month (read from the day counters)."""
    cells = d.cells.get((year, "dia"), {})
    return sum(n for (m, day), n in cells.items() if m == month and int(day[8:10]) <= last_day)


def _change(now: int, before: int) -> str:
    return f" ({100 * (now - before) / before:+.1f}\u00a0%)" if before else ""


def _span(first_month: str, last_day: int, whole: bool) -> str:
    if whole:
        return f"{first_month} completo"
    return f"el 1 de {first_month}" if last_day == 1 else f"del 1 al {last_day} de {first_month}"


def month_kpi(d: Datos) -> Kpi:
    """This month against the month before and the same month a year before, over the same
    span of days: the 1st to today in the current month (a month under way is never set
    against a whole one); whole months for a year gone by."""
    month = _last_month(d)
    whole = d.year != d.today.year
    last_day = monthrange(d.year, month)[1] if whole else d.today.day
    now = _days_sum(d, d.year, month, last_day)
    py, pm = (d.year, month - 1) if month > 1 else (d.year - 1, 12)
    prev_last = monthrange(py, pm)[1] if whole else min(last_day, monthrange(py, pm)[1])
    before = _days_sum(d, py, pm, prev_last)
    ago_last = min(last_day, monthrange(d.year - 1, month)[1])
    year_ago = _days_sum(d, d.year - 1, month, ago_last)
    name = MONTHS[month - 1]
    label = _span(f"{name} de {d.year}", last_day, whole)
    before_label = _span(f"{MONTHS[pm - 1]} de {py}", prev_last, whole)
    ago_label = _span(f"{name} de {d.year - 1}", ago_last, whole)
    return Kpi(
        label[0].upper() + label[1:],
        fmt(now),
        f"{before_label[0].upper() + before_label[1:]}: {fmt(before)}{_change(now, before)}; "
        f"{ago_label}: {fmt(year_ago)}{_change(now, year_ago)}",
    )


def kpis(d: Datos) -> list[Kpi]:
    per_month = d.by_month("mes")
    histogram = _histogram(d.by_key("dias"))
    median = percentile(histogram, 0.5)
    a8 = article_8(d)
    answered = a8["en_plazo"] + a8["fuera_de_plazo"]
    return [
        Kpi(f"Escritos recibidos en {d.year}", fmt(sum(per_month.values()))),
        month_kpi(d),
        Kpi(
            "Respondidos en plazo",
            pct(a8["en_plazo"], answered),
            f"{fmt(a8['en_plazo'])} de {fmt(answered)} respuestas",
        ),
        Kpi(
            "Mediana de respuesta",
            "—" if median is None else f"{median} días hábiles",
            f"{fmt(a8['pendiente_vencido'])} turnos pendientes vencidos",
        ),
    ]


FIGURE_BUILDERS = [
    fig_per_day,
    fig_per_month,
    fig_per_year,
    fig_busiest_months,
    fig_per_secretaria,
    fig_per_tramite,
    fig_per_channel,
    fig_gender,
    fig_type,
    fig_response_time,
    fig_sense,
    fig_article_8,
    fig_rating,
]


def build_figures(d: Datos) -> Estadisticas:
    return Estadisticas(
        year=d.year,
        scope=d.scope,
        scope_name=_name(d, d.scope) if d.scope else "Todas las secretarías",
        today=d.today,
        total=sum(d.by_month("mes").values()),
        kpis=kpis(d),
        figures=[build(d) for build in FIGURE_BUILDERS],
        refreshed_at=d.refreshed_at,
    )
