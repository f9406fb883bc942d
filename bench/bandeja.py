"""Render time of a secretaría's bandeja of 100,000 turnos, next to the floor of one indexed
query for the same page.

    .venv/bin/python bench/bandeja.py [--turnos N] [--otros N] [--requests N] [--rounds N]
                                      [--keep-db]

Seeds the turnos with COPY into a database of its own, runs VACUUM ANALYZE, then GETs
/bandeja/ through the Django test client as the secretaría's titular (first page, the
"vencido" light, page 50), in rounds alternated with the floor: the very SQL of the page's
rows (same WHERE, ORDER BY, LIMIT and OFFSET) run alone through a cursor. Also prints the
queries per page, the paginator's COUNT(*) and the lights' count, and EXPLAIN ANALYZE of the
page query, flagging a sequential scan or a sort of the secretaría's rows. See
bench/README.md.

Needs PostgreSQL only (default postgres://postgres@127.0.0.1:5432/oficialia_bench_bandeja,
dropped and created again at every run; DATABASE_URL changes it).
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

# Run as `python bench/bandeja.py`: the project root first, so bench.common imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import drop_database, fail, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_bench_bandeja"
PAGE_SIZE = 25  # turnos.views.PAGE_SIZE
WARMUP = 5
SEED = 20250601


@dataclass(frozen=True)
class Page:
    label: str
    url: str


PAGES = [
    Page("primera página", "/bandeja/"),
    Page("semáforo vencido", "/bandeja/?semaforo=vencido"),
    Page("página 50", "/bandeja/?pagina=50"),
]

SECRETARIAS = [
    ("Secretaría de Obras Públicas", "SOP", ["Bacheo", "Alumbrado público", "Pavimentación"]),
    ("Secretaría de Agua Potable", "SAP", ["Redes", "Atención a usuarios"]),
    ("Secretaría de Desarrollo Urbano", "SDU", ["Licencias", "Uso de suelo"]),
    ("Secretaría de Servicios Públicos", "SSP", ["Limpia", "Parques y jardines"]),
    ("Secretaría de Seguridad Pública", "SEGP", ["Tránsito"]),
    ("Secretaría de Bienestar", "SB", ["Programas sociales"]),
    ("Secretaría de Finanzas", "SF", ["Catastro", "Ingresos"]),
    ("Secretaría del Ayuntamiento", "SA", ["Asuntos jurídicos"]),
    ("Secretaría de Ecología", "SE", ["Inspección ambiental"]),
    ("Secretaría de Cultura", "SC", []),
]
ASUNTOS = [
    "Reparación de luminaria",
    "Bacheo",
    "Fuga de agua potable",
    "Poda de árbol",
    "Recolección de basura",
    "Licencia de construcción",
    "Desazolve de drenaje",
    "Solicitud de apoyo",
    "Queja por ruido",
    "Pavimentación",
]
CALLES = ["Morelos", "Hidalgo", "Juárez", "Allende", "Zaragoza", "Guerrero", "Reforma", "Bravo"]

# (state, weight) of the turnos para atención and para conocimiento: about a third open.
ATENCION_STATES = [
    ("respondido", 62),
    ("devuelto", 4),
    ("pendiente", 6),
    ("aceptado", 6),
    ("en_atencion", 17),
    ("prevencion", 5),
]
CONOCIMIENTO_STATES = [("enterado", 80), ("pendiente", 20)]
ESCRITO_STATE = {
    "pendiente": "turnado",
    "aceptado": "en_atencion",
    "en_atencion": "en_atencion",
    "prevencion": "prevenido",
    "respondido": "respondido",
    "devuelto": "no_competente",
    "enterado": "turnado",
}


# --- seeding --------------------------------------------------------------------------------


def copy_rows(model, fields: list[str], rows) -> int:
    """COPY `rows` (tuples in the order of `fields`) into the model's table. Columns not given
    take Django's default ('' for a blank text field) or NULL; a required column without
    one stops the bench, so a new field is noticed here and not as a wrong figure."""
    from django.db import connection

    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    filled, constants, per_row = [], [], []
    for f in opts.concrete_fields:
        if f in given or f.null:
            continue
        if f.unique and callable(f.default):
            per_row.append(f)  # a random default (a public id): one for each row
            continue
        default = f.get_default()
        if default is None:
            fail(f"{opts.label}.{f.name} es obligatorio y la siembra del benchmark no lo llena")
        filled.append(f)
        constants.append(f.get_db_prep_save(default, connection))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *filled, *per_row])
    extra = tuple(constants)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            fresh = tuple(f.get_db_prep_save(f.get_default(), connection) for f in per_row)
            copy.write_row(row + extra + fresh)
            count += 1
    return count


@dataclass
class Seeded:
    titular: object
    secretaria: object
    mine: Counter  # turnos of the titular's secretaría, by state
    others: int
    secretarias: int
    seconds: float


def weighted(rng: random.Random, pairs: list[tuple[str, int]]):
    states = [s for s, _ in pairs]
    cum, total = [], 0
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return lambda: rng.choices(states, cum_weights=cum)[0]


def seed(mine: int, others: int) -> Seeded:
    """`mine` turnos for Obras Públicas and `others` spread over nine more secretarías, each
    on an escrito of its own, in the order they were received (ids follow time)."""
    from django.contrib.auth.models import Group, User
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from correspondencia.models import Area, Escrito, Peticionario, Secretaria
    from oficialia import access_codes
    from turnos.models import Perfil, Turno

    started = time.perf_counter()
    rng = random.Random(SEED)
    now = timezone.now()
    secretarias, areas = [], {}
    for nombre, siglas, area_names in SECRETARIAS:
        s = Secretaria.objects.create(nombre=nombre, siglas=siglas)
        secretarias.append(s)
        areas[s.pk] = [Area.objects.create(secretaria=s, nombre=a).pk for a in area_names]
    sop = secretarias[0]
    turnador = User.objects.create(username="tomas.turnador", first_name="Tomás")
    turnador.groups.add(Group.objects.get(name="oficialia"))
    titular = User.objects.create(username="olga.titular", first_name="Olga")
    titular.groups.add(Group.objects.get(name="titular"))
    Perfil.objects.create(user=titular, secretaria=sop)

    atencion_state = weighted(rng, ATENCION_STATES)
    conocimiento_state = weighted(rng, CONOCIMIENTO_STATES)
    open_states = {"pendiente", "aceptado", "en_atencion", "prevencion"}
    rows = []
    for i in range(mine + others):
        secretaria = sop if i < mine else secretarias[1 + i % (len(secretarias) - 1)]
        kind = "atencion" if rng.random() < 0.85 else "conocimiento"
        state = atencion_state() if kind == "atencion" else conocimiento_state()
        if state in open_states:
            # Most open turnos are recent; some are a stale backlog.
            age = rng.uniform(0, 20) if rng.random() < 0.7 else rng.uniform(20, 365)
        else:
            age = rng.uniform(0, 3 * 365)
        turned_at = now - timedelta(days=age)
        term = rng.choice((5, 10, 10, 10, 15)) if kind == "atencion" else None
        due = timezone.localdate(turned_at) + timedelta(days=term * 7 // 5) if term else None
        answered = None
        if state == "respondido":
            answered = min(now, turned_at + timedelta(days=rng.uniform(1, term * 1.6)))
        area_ids = areas[secretaria.pk]
        area = rng.choice(area_ids) if area_ids and rng.random() < 0.7 else None
        rows.append((turned_at, secretaria.pk, area, kind, state, term, due, answered))
    rows.sort(key=lambda r: r[0])

    codes = [access_codes.generate() for _ in range(64)]
    sealed = [(access_codes.hash_code(c), access_codes.seal(c)) for c in codes]
    numbers: Counter = Counter()
    escritos = []
    for i, (turned_at, *_rest) in enumerate(rows, start=1):
        received = turned_at - timedelta(hours=rng.uniform(1, 48))
        year = timezone.localtime(received).year
        numbers[year] += 1
        code_hash, code_sealed = sealed[i % len(sealed)]
        escritos.append(
            (
                i,
                f"OP-{year}-{numbers[year]:06d}",
                year,
                numbers[year],
                "en_linea" if i % 3 else "ventanilla",
                ESCRITO_STATE[rows[i - 1][4]],
                received,
                i,
                f"{ASUNTOS[i % len(ASUNTOS)]} en calle {CALLES[i % len(CALLES)]} número {i % 300}",
                "Solicito atentamente su intervención.",
                received,
                code_hash,
                code_sealed,
                f"{i:064x}",
            )
        )

    with transaction.atomic():
        copy_rows(
            Peticionario,
            ["id", "tipo", "nombre"],
            ((i, "fisica", f"Peticionario {i}") for i in range(1, len(rows) + 1)),
        )
        copy_rows(
            Escrito,
            [
                "id",
                "folio",
                "year",
                "number",
                "channel",
                "state",
                "received_at",
                "peticionario",
                "asunto",
                "texto",
                "privacy_accepted_at",
                "access_code_hash",
                "access_code_sealed",
                "digest",
            ],
            escritos,
        )
        copy_rows(
            Turno,
            [
                "id",
                "escrito",
                "secretaria",
                "area",
                "kind",
                "instruccion",
                "state",
                "term_days",
                "due_date",
                "turned_by",
                "turned_at",
                "answered_at",
            ],
            (
                (
                    i,
                    i,
                    secretaria,
                    area,
                    kind,
                    "Atender y responder" if kind == "atencion" else "Para su conocimiento",
                    state,
                    term,
                    due,
                    turnador.pk,
                    turned_at,
                    answered,
                )
                for i, (turned_at, secretaria, area, kind, state, term, due, answered) in enumerate(
                    rows, start=1
                )
            ),
        )
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Peticionario, Escrito, Turno]
            ):
                cursor.execute(statement)
    with connection.cursor() as cursor:
        # As autovacuum would leave them: statistics, and the visibility map that lets a
        # count be answered from an index.
        for model in (Peticionario, Escrito, Turno):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    return Seeded(
        titular=titular,
        secretaria=sop,
        mine=Counter(r[4] for r in rows if r[1] == sop.pk),
        others=others,
        secretarias=len(secretarias) - 1,
        seconds=time.perf_counter() - started,
    )


# --- measurement ----------------------------------------------------------------------------


@dataclass
class Probe:
    """One thing timed, call by call, round by round."""

    rounds: list[list[float]] = field(default_factory=list)

    @property
    def all(self) -> list[float]:
        return [s for r in self.rounds for s in r]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.all) * 1000


@dataclass
class PageResult:
    page: Page
    queries: int
    render: Probe
    floor: Probe
    count: Probe
    lights: Probe
    sql_ms: float  # time inside the database driver during a render, median
    by_query: dict[str, tuple[float, float]]  # label → (times per render, median ms)
    page_sql: str
    plans: dict[str, tuple[str, dict]]  # what → (text plan, JSON plan)

    @property
    def needed(self) -> int:
        """The rows the page query must produce: its offset and its own."""
        offset = re.search(r"OFFSET (\d+)$", self.page_sql)
        return (int(offset.group(1)) if offset else 0) + PAGE_SIZE

    def ratios(self) -> list[float]:
        return [
            statistics.median(r) / statistics.median(f)
            for r, f in zip(self.render.rounds, self.floor.rounds, strict=True)
        ]


TURNO_LINK = re.compile(r'href="/turnos/(\d+)/"')


def classify(queries: list[str]) -> dict[str, str]:
    """The page's own queries among those of a request: rows, COUNT(*), lights."""
    found = {}
    for sql in queries:
        if 'FROM "turnos_turno"' not in sql:
            continue
        if sql.startswith('SELECT COUNT(*) AS "__count"'):
            found["count"] = sql
        elif "FILTER (WHERE" in sql:
            found["lights"] = sql
        elif re.search(rf"LIMIT {PAGE_SIZE}( OFFSET \d+)?$", sql):
            found["page"] = sql
    missing = {"page", "count", "lights"} - set(found)
    if missing:
        fail(f"no se encontraron las consultas {sorted(missing)} entre las de la página")
    return found


def query_label(sql: str) -> str:
    """What a query of the render is, for the breakdown."""
    table = re.search(r'FROM "(\w+)"', sql)
    name = table.group(1) if table else sql.split()[0]
    if name == "turnos_turno":
        if sql.startswith('SELECT COUNT(*) AS "__count"'):
            return "turnos_turno: COUNT(*) del paginador"
        if "FILTER (WHERE" in sql:
            return "turnos_turno: conteo del semáforo"
        return "turnos_turno: filas de la página"
    if sql.startswith("SELECT COUNT(*)"):
        return f"{name}: COUNT(*)"
    return name


def run_sql(sql: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def explain(sql: str) -> tuple[str, dict]:
    text = "\n".join(r[0] for r in run_sql(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}"))
    (doc,) = run_sql(f"EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) {sql}")[0]
    plan = doc if isinstance(doc, list) else json.loads(doc)
    return text, plan[0]["Plan"]


def measure_page(client, page: Page, requests: int, rounds: int) -> PageResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def render() -> str:
        response = client.get(page.url)
        if response.status_code != 200:
            fail(f"GET {page.url} respondió {response.status_code}")
        return response.content.decode()

    for _ in range(WARMUP):
        render()
    with CaptureQueriesContext(connection) as captured:
        html = render()
    # Read now: the next request empties the connection's query log.
    queries = [q["sql"] for q in captured.captured_queries]
    sqls = classify(queries)
    shown = TURNO_LINK.findall(html)
    floor_ids = [str(row[0]) for row in run_sql(sqls["page"])]
    if len(shown) != PAGE_SIZE:
        fail(f"{page.url}: la página muestra {len(shown)} turnos, no {PAGE_SIZE}")
    if shown != floor_ids:
        fail(f"{page.url}: la página muestra otros turnos que la consulta del piso")

    # Inside the measured renders: the time in the database driver, in total and by query.
    recording = False
    spent: list[float] = []
    by_query: dict[str, list[float]] = {}

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if recording:
                elapsed = time.perf_counter() - start
                spent[-1] += elapsed
                by_query.setdefault(query_label(sql), []).append(elapsed)

    def measured_render() -> None:
        nonlocal recording
        spent.append(0.0)
        recording = True
        try:
            render()
        finally:
            recording = False

    probes = {
        "render": (Probe(), measured_render),
        "floor": (Probe(), lambda: run_sql(sqls["page"])),
        "count": (Probe(), lambda: run_sql(sqls["count"])),
        "lights": (Probe(), lambda: run_sql(sqls["lights"])),
    }
    for name in ("floor", "count", "lights"):
        for _ in range(WARMUP):
            probes[name][1]()
    per_round = split(requests, rounds)
    with connection.execute_wrapper(timer):
        for i, n in enumerate(per_round):
            order = list(probes.values())
            # ABBA: the drift in the machine's load falls on every side alike.
            for probe, fn in order if i % 2 == 0 else reversed(order):
                samples = []
                for _ in range(n):
                    start = time.perf_counter()
                    fn()
                    samples.append(time.perf_counter() - start)
                probe.rounds.append(samples)
    renders = len(spent)
    return PageResult(
        page=page,
        queries=len(queries),
        render=probes["render"][0],
        floor=probes["floor"][0],
        count=probes["count"][0],
        lights=probes["lights"][0],
        sql_ms=statistics.median(spent) * 1000,
        by_query={
            label: (len(times) / renders, statistics.median(times) * 1000)
            for label, times in by_query.items()
        },
        page_sql=sqls["page"],
        plans={what: explain(sqls[what]) for what in ("page", "count", "lights")},
    )


def split(total: int, rounds: int) -> list[int]:
    """`total` calls over `rounds` rounds (fewer rounds when there are fewer calls)."""
    base, extra = divmod(total, rounds)
    return [n for n in (base + (1 if i < extra else 0) for i in range(rounds)) if n]


# --- plans ----------------------------------------------------------------------------------


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


def verdict(plan: dict, needed: int | None = None) -> tuple[bool, str]:
    """(good, what the plan does with turnos_turno). Bad: a sequential scan of the table, or
    a sort of many more rows than the page needs (`needed`: its offset plus its rows), i.e.
    every matching row of the secretaría read and sorted to keep 25."""
    nodes = list(walk(plan))
    scans = [n for n in nodes if n.get("Relation Name") == "turnos_turno"]
    sorts = [n for n in nodes if n["Node Type"] in ("Sort", "Incremental Sort")]
    parts, good, read_total = [], True, 0
    for scan in scans:
        kind = scan["Node Type"]
        index = scan.get("Index Name")
        if index is None:
            for child in walk(scan):
                index = index or child.get("Index Name")
        # Per loop (a parallel scan has one per worker), as EXPLAIN prints them.
        read = scan["Actual Rows"] + scan.get("Rows Removed by Filter", 0)
        read = round((read + scan.get("Rows Removed by Index Recheck", 0)) * scan["Actual Loops"])
        read_total += read
        parts.append(f"{kind}{f' con {index}' if index else ''}, {thousands(read)} filas leídas")
        if kind == "Seq Scan":
            good = False
    if any(n["Node Type"].startswith("Gather") for n in nodes):
        parts.append("en paralelo (Gather)")
    for sort in sorts:
        if needed is not None and read_total > 2 * needed:
            good = False
        method = sort.get("Sort Method")
        parts.append(f"{sort['Node Type']}{f' ({method})' if method else ''}")
    return good, "; ".join(parts) if parts else "sin turnos_turno"


# --- report ---------------------------------------------------------------------------------


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def short_where(sql: str) -> str:
    return sql[sql.index(" WHERE ") + 1 :] if " WHERE " in sql else sql


def print_report(results: list[PageResult], seeded: Seeded, context: str, args) -> bool:
    mine = sum(seeded.mine.values())
    open_count = sum(seeded.mine[s] for s in ("pendiente", "aceptado", "en_atencion", "prevencion"))
    print()
    print("Oficialía de Partes · benchmark de la bandeja")
    print(context)
    print(
        f"Datos: {thousands(mine)} turnos de {seeded.secretaria.siglas} "
        f"({thousands(open_count)} abiertos) y {thousands(seeded.others)} de otras "
        f"{seeded.secretarias} secretarías; sembrados en {seeded.seconds:.1f} s."
    )
    print()
    header = (
        f"{'Página':<20} {'consultas':>9} {'render ms':>9} {'SQL ms':>7} {'piso ms':>8}"
        f" {'render/piso':>11}  {'p25 a p75':<13} {'COUNT ms':>8} {'semáforo ms':>11}"
    )
    print(header)
    print("─" * len(header))
    for r in results:
        ratios = r.ratios()
        quarts = common.quartiles(ratios)
        spread = f"{quarts[0]:.0f} a {quarts[1]:.0f}" if quarts else "—"
        print(
            f"{r.page.label:<20} {r.queries:>9} {r.render.median_ms:>9.2f} {r.sql_ms:>7.2f}"
            f" {r.floor.median_ms:>8.3f} {statistics.median(ratios):>10.1f}x  {spread:<13}"
            f" {r.count.median_ms:>8.2f} {r.lights.median_ms:>11.2f}"
        )
    print("─" * len(header))
    print("Medianas por llamada. render: GET con el cliente de pruebas, sesión y plantilla")
    print("incluidas; SQL ms: lo que de ese render pasa en la base (todas sus consultas);")
    print("piso: solo la consulta de las 25 filas de la página, con un cursor; render/piso:")
    print("mediana de las rondas (más baja, mejor). COUNT: el del paginador; semáforo: el")
    print("conteo de las tarjetas (bandeja_counts). Ambos van dentro del render.")
    per_round = split(args.requests, args.rounds)
    print(
        f"{len(per_round)} rondas alternadas, {args.requests} llamadas por cifra y página; "
        f"{time.perf_counter() - args.started:.0f} s en total."
    )

    first = results[0]
    print()
    print(f"Consultas de un render · {first.page.label} (mediana por consulta)")
    for label, (per_render, ms) in sorted(first.by_query.items(), key=lambda kv: -kv[1][1]):
        times = f" ({per_render:.0f} por render)" if round(per_render) != 1 else ""
        print(f"   {ms:>7.2f} ms  {label}{times}")

    all_good = True
    for r in results:
        print()
        print(f"── EXPLAIN ANALYZE · {r.page.label} ({r.page.url})")
        print(f"   {short_where(r.page_sql)}")
        for what, label in (("page", "filas"), ("count", "COUNT"), ("lights", "semáforo")):
            text, plan = r.plans[what]
            good, summary = verdict(plan, r.needed if what == "page" else None)
            if what == "page":
                print("\n".join(f"   {line}" for line in text.splitlines()))
                all_good &= good
            mark = "bien" if good else "ATENCIÓN"
            print(f"   {label:<9} {mark}: {summary}")
    print()
    if all_good:
        print("La consulta de cada página usa un índice y no ordena las filas de la secretaría.")
    else:
        print("ATENCIÓN: alguna página lee o ordena todas las filas de la secretaría (ver arriba).")
    return all_good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turnos", type=int, default=100_000, help="de la secretaría (100000)")
    parser.add_argument("--otros", type=int, default=100_000, help="de otras (100000)")
    parser.add_argument("--requests", type=int, default=100, help="llamadas por cifra (100)")
    parser.add_argument("--rounds", type=int, default=10, help="rondas alternadas (10)")
    parser.add_argument("--keep-db", action="store_true", help="no borrar la base al final")
    args = parser.parse_args()
    if args.turnos < 5000 or args.otros < 0 or args.requests < 1 or args.rounds < 1:
        parser.error(
            "--turnos al menos 5000 (para una página 50); --requests y --rounds al menos 1"
        )
    args.started = time.perf_counter()

    media_root = tempfile.mkdtemp(prefix="oficialia-bench-media-")
    try:
        database_url = common.configure_environment(media_root, DEFAULT_DATABASE_URL)
        pg_version = recreate_database(database_url)
        import django
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        seeded = seed(args.turnos, args.otros)
        client = Client()
        client.force_login(seeded.titular)
        results = [measure_page(client, page, args.requests, args.rounds) for page in PAGES]
        connections.close_all()
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
    if not args.keep_db:
        drop_database(database_url)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    context = (
        f"PostgreSQL {pg_version} ({common.database_name(database_url)}) · Python "
        f"{platform.python_version()} · Django {django.get_version()} · {os.cpu_count()} CPU"
        f" · carga {load} · {datetime.now():%Y-%m-%d %H:%M}"
    )
    good = print_report(results, seeded, context, args)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
