"""The contraloría's search of a bitácora of 1,000,000 entries, and what the bitácora costs
a filing.

    .venv/bin/python bench/bitacora.py [--entries N] [--requests N] [--filings N]
                                       [--records N] [--rounds N] [--keep-db]

1. Seeds the entries with COPY into a database of its own, each with a valid hash chained to
   the previous one (computed here, exactly as oficialia.bitacora does), then VACUUM ANALYZE.
2. GETs /contraloria/bitacora/ through the Django test client as the contraloría, once per
   filter of the desk (user, secretaría, action, folio, date range, combined), in rounds
   alternated with the floor: the very SQL of the page's rows run alone through a cursor.
   Prints each next to its floor, the plan of each page query, and the slowest filter.
3. Files escritos through the real view (POST /escritos/nuevo/) with the bitácora writing
   and with oficialia.bitacora.record replaced by a no-op (here only, never in the
   product), in alternated rounds, and prints the ratio; then times record() alone, one
   entry in its transaction, as a steadier figure of the same cost.
Then checks that the chain, seeded and appended to by the filings, still verifies at its
tail. See bench/README.md.

Needs PostgreSQL (default postgres://postgres@127.0.0.1:5432/oficialia_bench_bitacora,
dropped and created again at every run; DATABASE_URL changes it) and Redis (default
redis://127.0.0.1:6379/12, emptied before and after; BENCH_BITACORA_REDIS_URL changes it):
the filings queue their acuse there instead of making the PDF in the process.
"""

import argparse
import hashlib
import itertools
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as `python bench/bitacora.py`: the project root first, so bench.common imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import drop_database, fail, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_bench_bitacora"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
SEARCH_PATH = "/contraloria/bitacora/"
FILING_PATH = "/escritos/nuevo/"
WARMUP = 5
WARMUP_FILINGS = 10
SEED = 20261121
GENESIS = "0" * 64

SECRETARIAS = [
    ("Secretaría de Control Patrimonial", "SCP"),
    ("Secretaría de Finanzas y Administración", "SFA"),
    ("Secretaría de Bienestar Social", "SBS"),
    ("Secretaría de Salud Municipal", "SSM"),
    ("Secretaría de Obras Públicas", "SOP"),
    ("Secretaría de Recursos Humanos", "SRH"),
    ("Secretaría de Planeación y Presupuesto", "SPP"),
    ("Secretaría de Desarrollo Urbano", "SDU"),
    ("Dirección de Catastro", "CAT"),
    ("Oficialía del Registro Civil", "RC"),
    ("Dirección de Licencias Comerciales", "LC"),
    ("Contraloría Interna", "CI"),
    ("Unidad de Transparencia", "UT"),
]
NOMBRES = [
    "Olga", "Ernesto", "Óscar", "Alma", "Andrés", "Lucía", "Joaquín", "Mónica", "Raúl",
    "Beatriz", "Héctor", "Iris", "Martín", "Sofía", "Tomás", "Verónica", "Carla", "Adán",
]  # fmt: skip
APELLIDOS = [
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Jiménez", "Reyes",
]  # fmt: skip


# --- environment, before Django reads its settings ------------------------------------------


def configure_environment(media_root: str) -> tuple[str, str]:
    database_url = common.configure_environment(media_root, DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_BITACORA_REDIS_URL") or DEFAULT_REDIS_URL
    common.use_redis(redis_url)
    return database_url, redis_url


# --- seeding --------------------------------------------------------------------------------


@dataclass
class Staff:
    pk: int
    label: str
    role: str
    secretaria: str
    kind: str  # ventanilla, oficialia, secretaria, contraloria, administracion


@dataclass
class Seeded:
    entries: int
    seconds: float
    generate_seconds: float  # Python: the rows and their chained hashes
    copy_seconds: float
    index_seconds: float
    contraloria: object
    staff: list[Staff]
    first_at: datetime
    last_at: datetime
    last_seeded_id: int
    actions: Counter = field(default_factory=Counter)


def create_staff(rng: random.Random) -> tuple[object, list[Staff]]:
    """The city hall's staff, without signals (the seed writes the bitácora itself)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from correspondencia.models import Secretaria
    from turnos.models import Perfil

    secretarias = Secretaria.objects.bulk_create(
        Secretaria(nombre=n, siglas=s) for n, s in SECRETARIAS
    )
    groups = {g.name: g for g in Group.objects.all()}
    password = make_password(None)
    plan: list[tuple[str, str, Secretaria | None, str]] = []  # username, role, secretaría, kind
    for s in secretarias:
        plan.append((f"titular.{s.siglas.lower()}", "titular", s, "secretaria"))
        plan += [(f"enlace{i}.{s.siglas.lower()}", "enlace", s, "secretaria") for i in (1, 2)]
        plan += [
            (f"operativo{i}.{s.siglas.lower()}", "operativo", s, "secretaria") for i in (1, 2, 3)
        ]
    plan += [(f"ventanilla{i}", "ventanilla", None, "ventanilla") for i in range(1, 7)]
    plan += [(f"turnador{i}", "oficialia", None, "oficialia") for i in range(1, 4)]
    plan += [(f"contraloria{i}", "contraloria", None, "contraloria") for i in range(1, 3)]
    plan += [(f"admin{i}", "administracion", None, "administracion") for i in range(1, 3)]
    users = User.objects.bulk_create(
        User(
            username=username,
            first_name=rng.choice(NOMBRES),
            last_name=f"{rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}",
            password=password,
        )
        for username, *_ in plan
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=groups[role].pk)
        for u, (_, role, _, _) in zip(users, plan, strict=True)
    )
    Perfil.objects.bulk_create(
        Perfil(user=u, secretaria=s) for u, (_, _, s, _) in zip(users, plan, strict=True) if s
    )
    staff = [
        Staff(u.pk, u.get_full_name(), role, s.nombre if s else "", kind)
        for u, (_, role, s, kind) in zip(users, plan, strict=True)
    ]
    contraloria = next(u for u, p in zip(users, plan, strict=True) if p[1] == "contraloria")
    return contraloria, staff


def canonical_hash(prev_hash: str, row: tuple) -> str:
    """oficialia.bitacora.entry_hash, on a row of the COPY (checked against it after)."""
    at, actor, label, role, secretaria, ip, action, otype, oref, folio, changes = row
    content = {
        "at": at.isoformat(),
        "actor": actor,
        "actor_label": label,
        "role": role,
        "secretaria": secretaria,
        "ip": ip,
        "action": action,
        "object_type": otype,
        "object_ref": oref,
        "folio": folio,
        "changes": changes,
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


# (action, weight, what it is about): "nuevo" a new escrito, "escrito" an escrito in its life,
# "turno" one of its turnos, "sesion" a sign-in, "fallida" a failed one, "catalogo" a change
# of a catalogue, "exportar" the contraloría's export.
ACTIONS = [
    ("escrito.recibir", 120, "nuevo"),
    ("datos.ver", 220, "escrito"),
    ("escrito.turnar", 70, "escrito"),
    ("turno.turnar", 80, "turno"),
    ("turno.accept", 60, "turno"),
    ("escrito.atender", 50, "escrito"),
    ("turno.asignar", 45, "turno"),
    ("turno.avance", 40, "turno"),
    ("turno.responder", 45, "turno"),
    ("escrito.responder", 35, "escrito"),
    ("turno.prevenir", 8, "turno"),
    ("turno.desahogar", 6, "turno"),
    ("turno.devolver", 4, "turno"),
    ("escrito.calificar", 10, "escrito"),
    ("escrito.concluir", 20, "escrito"),
    ("archivo.descargar", 70, "escrito"),
    ("acuse.descargar", 30, "escrito"),
    ("sesion.entrar", 60, "sesion"),
    ("sesion.salir", 40, "sesion"),
    ("sesion.fallida", 8, "fallida"),
    ("catalogo.cambiar", 3, "catalogo"),
    ("bitacora.exportar", 1, "exportar"),
]  # fmt: skip
CITIZEN_ACTIONS = {"escrito.calificar", "turno.desahogar"}
STAFF_KIND = {
    "datos.ver": ("oficialia", "secretaria", "secretaria", "ventanilla", "contraloria"),
    "escrito.turnar": ("oficialia",),
    "turno.turnar": ("oficialia",),
    "archivo.descargar": ("secretaria", "secretaria", "oficialia", "contraloria"),
    "acuse.descargar": ("ventanilla",),
    "sesion.entrar": ("secretaria", "ventanilla", "oficialia", "contraloria", "administracion"),
    "sesion.salir": ("secretaria", "ventanilla", "oficialia"),
    "catalogo.cambiar": ("administracion",),
    "bitacora.exportar": ("contraloria",),
}


def entry_times(rng: random.Random, count: int, end: datetime) -> list[datetime]:
    """`count` moments of the last year, in order, in office hours of working days (UTC)."""
    days = [end - timedelta(days=d) for d in range(365, -1, -1)]
    days = [d for d in days if d.weekday() < 5]
    times = []
    for _ in range(count):
        day = rng.choice(days)
        # 08:00 to 17:00 in Mexico City is 14:00 to 23:00 UTC.
        moment = day.replace(hour=14, minute=0, second=0) + timedelta(
            seconds=rng.uniform(0, 9 * 3600)
        )
        times.append(min(moment, end))
    times.sort()
    return times


def drop_secondary_indexes(table: str) -> list[str]:
    """Drop every index and unique constraint of `table` but its primary key; return the
    statements that make them again, exactly as the migrations left them."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    return [
        *(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(n)} {d}" for n, d in constraints),
        *(definition for _, definition in indexes),
    ]


COLUMNS = [
    "id", "at", "actor_id", "actor_label", "role", "secretaria", "ip", "action", "object_type",
    "object_ref", "folio", "changes", "prev_hash", "hash",
]  # fmt: skip
COPY_CHUNK = 50_000


def generate_entries(rng: random.Random, staff: list[Staff], times, first_id: int, prev_hash):
    """The rows of the COPY, in chain order: who did what to which escrito, from where."""
    by_kind: dict[str, list[Staff]] = {}
    for s in staff:
        by_kind.setdefault(s.kind, []).append(s)
    # Some people work far more than others (the busiest clerk, the most active enlace).
    weights = {
        kind: [1 + 4 * (i == 0) + rng.random() for i in range(len(people))]
        for kind, people in by_kind.items()
    }
    secretaria_names = [n for n, _ in SECRETARIAS]
    names, cum, total = [], [], 0
    for name, weight, _ in ACTIONS:
        total += weight
        names.append(name)
        cum.append(total)
    about = {name: what for name, _, what in ACTIONS}
    per_year: Counter = Counter()
    received: list[str] = []  # folios in the order they arrived
    ips = [
        f"10.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(400)
    ]

    def pick_staff(kind: str) -> Staff:
        return rng.choices(by_kind[kind], weights=weights[kind])[0]

    def recent_folio() -> str:
        # An escrito is worked during the weeks after it arrived: mostly the last ~3,000.
        back = min(len(received) - 1, int(rng.expovariate(1 / 600)))
        return received[-1 - back]

    for i, at in enumerate(times):
        action = rng.choices(names, cum_weights=cum)[0]
        what = about[action]
        if not received and what in ("escrito", "turno"):
            action, what = "escrito.recibir", "nuevo"
        folio = otype = oref = ""
        changes: dict = {}
        if what == "nuevo":
            per_year[at.year] += 1
            folio = f"OP-{at.year}-{per_year[at.year]:06d}"
            received.append(folio)
            otype, oref = "escrito", folio
            changes = {"descripcion": "Escrito recibido (en línea)", "a": "recibido"}
        elif what in ("escrito", "turno"):
            folio = recent_folio()
            otype = what
            oref = folio if what == "escrito" else str(rng.randint(1, 400_000))
            changes = {"descripcion": action.split(".")[1].capitalize()}
            if what == "turno":
                changes["secretaria"] = rng.choice(secretaria_names)
        elif what == "catalogo":
            otype, oref = "tramite", str(rng.randint(1, 80))
            changes = {"objeto": "Licencia de funcionamiento", "plazo_dias_habiles": [10, 15]}
        elif what == "exportar":
            otype = "bitacora"
            changes = {"filtros": {"accion": "datos.ver"}, "formato": "csv"}
        else:
            otype = "usuario"

        ip: str | None = rng.choice(ips)
        if what == "fallida":
            actor, label, role, secretaria = None, "Intento como «admin»", "", ""
            oref, changes = "admin", {"usuario": "admin"}
        elif action in CITIZEN_ACTIONS or (action == "escrito.recibir" and rng.random() < 0.7):
            actor, label, role, secretaria = None, f"Ciudadano ({folio})", "", ""
            ip = f"189.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        else:
            if action == "escrito.recibir":
                kind = "ventanilla"
            elif action in STAFF_KIND:
                kind = rng.choice(STAFF_KIND[action])
            elif what == "turno" or action in ("escrito.atender", "escrito.responder"):
                kind = "secretaria"
            else:
                kind = "oficialia"
            s = pick_staff(kind)
            actor, label, role, secretaria = s.pk, s.label, s.role, s.secretaria
            if what == "sesion":
                oref = str(s.pk)
        content = (at, actor, label, role, secretaria, ip, action, otype, oref, folio, changes)
        entry_hash = canonical_hash(prev_hash, content)
        yield (
            first_id + i, *content[:-1], json.dumps(changes, ensure_ascii=False), prev_hash,
            entry_hash,
        )  # fmt: skip
        prev_hash = entry_hash


def seed(count: int) -> Seeded:
    """`count` entries over the last year, chained from the current head of the chain."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from oficialia import bitacora
    from oficialia.models import Bitacora

    started = time.perf_counter()
    rng = random.Random(SEED)
    contraloria, staff = create_staff(rng)
    now = timezone.now().astimezone(UTC)
    times = entry_times(rng, count, now - timedelta(minutes=5))
    last_id, prev_hash, _ = bitacora.head()
    rows = generate_entries(rng, staff, times, last_id + 1, prev_hash)
    actions: Counter = Counter()
    table = connection.ops.quote_name(Bitacora._meta.db_table)
    # Loading into a bare table and building its indexes afterwards (as pg_restore does) is
    # several times faster than keeping eight indexes up to date row by row.
    rebuild = drop_secondary_indexes(Bitacora._meta.db_table)
    copy_sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    generating = 0.0
    while True:
        # Each chunk made first and sent at once: the server never sits inside a COPY
        # waiting for Python (a backend in that state holds up DROP DATABASE elsewhere).
        tick = time.perf_counter()
        chunk = list(itertools.islice(rows, COPY_CHUNK))
        generating += time.perf_counter() - tick
        if not chunk:
            break
        actions.update(row[7] for row in chunk)
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in chunk:
                copy.write_row(row)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute("RESET maintenance_work_mem")
        for statement in connection.ops.sequence_reset_sql(no_style(), [Bitacora]):
            cursor.execute(statement)
        indexed = time.perf_counter()
        # As autovacuum would leave it: statistics, and the visibility map of index-only scans.
        cursor.execute(f"VACUUM (ANALYZE) {table}")
    return Seeded(
        entries=count,
        seconds=time.perf_counter() - started,
        generate_seconds=generating,
        copy_seconds=loaded - started - generating,
        index_seconds=indexed - loaded,
        contraloria=contraloria,
        staff=staff,
        first_at=times[0],
        last_at=times[-1],
        last_seeded_id=last_id + count,
        actions=actions,
    )


def check_seeded_hashes(sample: int = 300) -> None:
    """The seeded hashes are the product's: its own entry_hash agrees on entries read back."""
    from oficialia.bitacora import entry_hash
    from oficialia.models import Bitacora

    entries = list(Bitacora.objects.order_by("id")[:sample]) + list(
        Bitacora.objects.order_by("-id")[:sample]
    )
    for entry in entries:
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            fail(f"la entrada {entry.pk} sembrada no tiene el hash que calcula la bitácora")


def verify_tail(from_id: int) -> int:
    """Walk the chain from entry `from_id` to the end with the product's own hash; the
    entries the filings appended must continue the seeded chain. Returns how many."""
    from oficialia.bitacora import entry_hash
    from oficialia.models import Bitacora

    entries = list(Bitacora.objects.filter(id__gte=from_id).order_by("id"))
    for before, entry in itertools.pairwise(entries):
        if entry.prev_hash != before.hash or entry_hash(entry.prev_hash, entry) != entry.hash:
            fail(f"la cadena se rompe en la entrada {entry.pk}")
    return len(entries) - 1


# --- 1. the desk's search -------------------------------------------------------------------


@dataclass
class Search:
    label: str
    params: dict


def searches(seeded: Seeded) -> list[Search]:
    """One search per filter of the desk, with values the seed made common or rare."""
    from django.db.models import Count

    from oficialia.models import Bitacora

    busiest = (
        Bitacora.objects.exclude(actor=None)
        .values("actor_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["actor_id"]
    )
    secretaria = (
        Bitacora.objects.exclude(secretaria="")
        .values("secretaria")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["secretaria"]
    )
    middle = seeded.first_at + (seeded.last_at - seeded.first_at) / 2
    folio = (
        Bitacora.objects.filter(action="escrito.recibir", at__gte=middle)
        .order_by("at")
        .values_list("folio", flat=True)
        .first()
    )
    week = middle.date()
    return [
        Search("sin filtros", {}),
        Search("usuario (el más activo)", {"usuario": busiest}),
        Search("secretaría", {"secretaria": secretaria}),
        Search("acción común (datos.ver)", {"accion": "datos.ver"}),
        Search("acción rara (exportar)", {"accion": "bitacora.exportar"}),
        Search("folio", {"folio": folio}),
        Search(
            "fechas: una semana, hace 6 meses",
            {"desde": week.isoformat(), "hasta": (week + timedelta(days=6)).isoformat()},
        ),
        Search(
            "combinado: usuario+acción+mes",
            {
                "usuario": busiest,
                "accion": "datos.ver",
                "desde": week.isoformat(),
                "hasta": (week + timedelta(days=30)).isoformat(),
            },
        ),
    ]


@dataclass
class Probe:
    """One thing timed, call by call, round by round."""

    rounds: list[list[float]] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(s for r in self.rounds for s in r) * 1000


@dataclass
class SearchResult:
    search: Search
    url: str
    rows: int
    queries: int
    render: Probe
    floor: Probe
    count: Probe
    options: Probe
    sql_ms: float
    page_sql: str
    plan: tuple[str, dict]

    def ratios(self) -> list[float]:
        return [
            statistics.median(r) / statistics.median(f)
            for r, f in zip(self.render.rounds, self.floor.rounds, strict=True)
        ]


ENTRY_ROW = re.compile(r'data-entry="(\d+)"')


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


def classify(queries: list[str]) -> dict[str, str]:
    """The search's own queries among those of a request: the page, its count, the options."""
    from contraloria.selectors import PAGE_SIZE

    found: dict[str, str] = {}
    for sql in queries:
        if '"oficialia_bitacora"' not in sql:
            continue
        if sql.lstrip().startswith("WITH RECURSIVE"):
            found.setdefault("options", "")
            found["options"] += sql + ";\n"
        elif sql.startswith("SELECT COUNT(*)"):
            found["count"] = sql
        elif re.search(rf"ORDER BY .* LIMIT {PAGE_SIZE + 1}$", sql):
            found["page"] = sql
    missing = {"page", "count", "options"} - set(found)
    if missing:
        fail(f"no se encontraron las consultas {sorted(missing)} entre las de la búsqueda")
    return found


def measure_search(client, search: Search, requests: int, rounds: int) -> SearchResult:
    from urllib.parse import urlencode

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contraloria.selectors import PAGE_SIZE

    url = SEARCH_PATH + (f"?{urlencode(search.params)}" if search.params else "")

    def render() -> str:
        response = client.get(url)
        if response.status_code != 200:
            fail(f"GET {url} respondió {response.status_code}")
        return response.content.decode()

    for _ in range(WARMUP):
        render()
    with CaptureQueriesContext(connection) as captured:
        html = render()
    queries = [q["sql"] for q in captured.captured_queries]
    sqls = classify(queries)
    shown = ENTRY_ROW.findall(html)
    floor_ids = [str(row[0]) for row in run_sql(sqls["page"])][:PAGE_SIZE]
    if shown != floor_ids:
        fail(f"{url}: la página muestra otras entradas que la consulta del piso")
    if not shown:
        fail(f"{url}: la búsqueda no encontró nada; el benchmark mediría una página vacía")

    recording = False
    spent: list[float] = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if recording:
                spent[-1] += time.perf_counter() - start

    def measured_render() -> None:
        nonlocal recording
        spent.append(0.0)
        recording = True
        try:
            render()
        finally:
            recording = False

    options_sql = [q for q in sqls["options"].split(";\n") if q.strip()]
    probes = {
        "render": (Probe(), measured_render),
        "floor": (Probe(), lambda: run_sql(sqls["page"])),
        "count": (Probe(), lambda: run_sql(sqls["count"])),
        "options": (Probe(), lambda: [run_sql(q) for q in options_sql]),
    }
    for name in ("floor", "count", "options"):
        for _ in range(WARMUP):
            probes[name][1]()
    with connection.execute_wrapper(timer):
        for i, n in enumerate(split(requests, rounds)):
            order = list(probes.values())
            # ABBA: the drift in the machine's load falls on every side alike.
            for probe, fn in order if i % 2 == 0 else reversed(order):
                samples = []
                for _ in range(n):
                    start = time.perf_counter()
                    fn()
                    samples.append(time.perf_counter() - start)
                probe.rounds.append(samples)
    return SearchResult(
        search=search,
        url=url,
        rows=len(shown),
        queries=len(queries),
        render=probes["render"][0],
        floor=probes["floor"][0],
        count=probes["count"][0],
        options=probes["options"][0],
        sql_ms=statistics.median(spent) * 1000,
        page_sql=sqls["page"],
        plan=explain(sqls["page"]),
    )


def split(total: int, rounds: int) -> list[int]:
    """`total` calls over `rounds` rounds (fewer rounds when there are fewer calls)."""
    base, extra = divmod(total, rounds)
    return [n for n in (base + (1 if i < extra else 0) for i in range(rounds)) if n]


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


def verdict(plan: dict, needed: int, entries: int) -> tuple[bool, str]:
    """(good, what the plan does with the bitácora). Bad: a sequential scan, or reading far
    more entries than the page needs (filtering or sorting its way to 51 rows): more than
    50 times as many, and more than 1 % of the bitácora."""
    parts, good, read_total = [], True, 0
    for node in walk(plan):
        if node.get("Relation Name") == "oficialia_bitacora" or node["Node Type"].startswith(
            "Bitmap Index"
        ):
            index = node.get("Index Name")
            read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read = round(
                (read + node.get("Rows Removed by Index Recheck", 0)) * node["Actual Loops"]
            )
            if node.get("Relation Name") == "oficialia_bitacora":
                read_total += read
            parts.append(f"{node['Node Type']}{f' con {index}' if index else ''}, {read} filas")
            if node["Node Type"] == "Seq Scan":
                good = False
        elif node["Node Type"] == "Sort":
            parts.append(f"Sort ({node.get('Sort Method', '?')})")
        elif node["Node Type"] == "Incremental Sort":
            parts.append("Incremental Sort (desempata en el mismo instante)")
    if read_total > max(50 * needed, entries // 100):
        good = False
    return good, "; ".join(parts)


@dataclass
class ExportResult:
    url: str
    rows: int
    megabytes: float
    seconds: float
    first_chunk_seconds: float
    refused_seconds: float | None = None  # asking for the whole bitácora, when too big

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def bench_export(client, params: dict) -> ExportResult:
    """One export of a large search, read to the end as a browser would."""
    from urllib.parse import urlencode

    from contraloria.selectors import EXPORT_MAX, BitacoraFilters
    from oficialia.models import Bitacora

    url = f"{SEARCH_PATH}exportar.csv?{urlencode(params)}"
    expected = Bitacora.objects.filter(BitacoraFilters(action=params.get("accion", "")).q()).count()
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200 or not response.streaming:
        fail(f"GET {url} respondió {response.status_code}")
    size = lines = 0
    first = None
    for chunk in response.streaming_content:
        first = first or time.perf_counter() - start
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    if lines - 1 != expected:
        fail(f"la exportación trae {lines - 1} entradas y la búsqueda tiene {expected}")
    result = ExportResult(url, lines - 1, size / 1e6, seconds, first or seconds)
    if Bitacora.objects.count() > EXPORT_MAX:
        start = time.perf_counter()
        response = client.get(f"{SEARCH_PATH}exportar.csv")
        result.refused_seconds = time.perf_counter() - start
        if response.status_code != 302:
            fail(f"exportar toda la bitácora respondió {response.status_code}, no 302")
    return result


# --- 2. the bitácora's cost on a filing -----------------------------------------------------


@dataclass
class FilingResult:
    with_log: object  # bench.filing.Series
    without_log: object
    appended: int  # entries the filings added to the chain
    queries_with: list[str]  # the SQL of one filing, with the bitácora
    queries_without: list[str]

    def extra_queries(self) -> list[str]:
        """The statements a filing runs only when the bitácora writes (savepoint names and
        values aside)."""

        def shape(sql: str) -> str:
            sql = re.sub(r'"s\d+_x\d+"', '"s…"', sql)
            sql = re.sub(r"'[^']*'", "'…'", sql)
            sql = re.sub(r"VALUES \(.*\)", "VALUES (…)", sql)
            return re.sub(r"\b\d+\b", "N", sql)

        extra = Counter(map(shape, self.queries_with)) - Counter(map(shape, self.queries_without))
        return [sql for sql in map(shape, self.queries_with) if extra.pop(sql, 0)]

    def ratios(self) -> list[float]:
        return [
            w / wo
            for w, wo in zip(
                self.with_log.round_rates(), self.without_log.round_rates(), strict=True
            )
        ]


def bench_filings(count: int, rounds: int, redis) -> FilingResult:
    """Filings per second through the real view, with the bitácora and without it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.filing import interleave, make_poster, small_pdf
    from correspondencia.models import Acuse, Escrito
    from oficialia import bitacora
    from oficialia.models import Bitacora

    client = Client()
    post = make_poster(client, FILING_PATH, small_pdf(), "/escritos/recibido/")

    def without_log(n: int) -> float:
        # Only here, for the measurement: the product never runs without its bitácora.
        original = bitacora.record
        bitacora.record = lambda **kwargs: None
        try:
            return post(n)
        finally:
            bitacora.record = original

    before = Bitacora.objects.count()
    post(WARMUP_FILINGS - 1)
    without_log(WARMUP_FILINGS - 1)
    queries = {}
    for name, fn in (("with", post), ("without", without_log)):
        with CaptureQueriesContext(connection) as captured:
            fn(1)
        queries[name] = [q["sql"] for q in captured.captured_queries]
    with_log, baseline = interleave(post, without_log, count, rounds)
    filed = 2 * (WARMUP_FILINGS + count)
    if Escrito.objects.count() != filed:
        fail("el número de escritos guardados no coincide con el de POST enviados")
    if Acuse.objects.filter(generated_at__isnull=False).exists():
        fail("se generó un acuse durante la medición: las tareas corren en el proceso")
    if redis.llen("celery") != filed:
        fail(f"{filed} escritos pero {redis.llen('celery')} tareas en la cola del broker")
    appended = Bitacora.objects.count() - before
    if appended != WARMUP_FILINGS + count:
        fail(f"{WARMUP_FILINGS + count} escritos con bitácora escribieron {appended} entradas")
    return FilingResult(
        with_log=with_log,
        without_log=baseline,
        appended=appended,
        queries_with=queries["with"],
        queries_without=queries["without"],
    )


def bench_record(count: int, rounds: int) -> Probe:
    """oficialia.bitacora.record alone, as a filing calls it: inside a transaction already
    open (the COMMIT, which a filing pays anyway, is left out: one per round)."""
    from django.db import transaction

    from oficialia import bitacora

    def one() -> None:
        bitacora.record(
            action="escrito.recibir",
            object_type="escrito",
            object_ref="OP-2026-999999",
            folio="OP-2026-999999",
            changes={"descripcion": "Escrito recibido (en línea)", "a": "recibido"},
            actor=None,
        )

    with transaction.atomic():
        for _ in range(WARMUP):
            one()
    probe = Probe()
    for n in split(count, rounds):
        samples = []
        with transaction.atomic():
            for _ in range(n):
                start = time.perf_counter()
                one()
                samples.append(time.perf_counter() - start)
        probe.rounds.append(samples)
    return probe


# --- report ---------------------------------------------------------------------------------


def thousands(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def print_report(
    seeded: Seeded,
    results: list[SearchResult],
    export: ExportResult,
    filings: FilingResult,
    record: Probe,
    context: str,
    args,
) -> bool:
    from contraloria.selectors import EXPORT_MAX, PAGE_SIZE

    print()
    print("Oficialía de Partes · benchmark de la bitácora")
    print(context)
    print(
        f"Datos: {thousands(seeded.entries)} entradas encadenadas del "
        f"{seeded.first_at:%d/%m/%Y} al {seeded.last_at:%d/%m/%Y}, {len(seeded.staff)} usuarios;"
        f" sembradas en {seeded.seconds:.0f} s (Python y hashes {seeded.generate_seconds:.0f} s,"
        f" COPY {seeded.copy_seconds:.0f} s, índices {seeded.index_seconds:.0f} s)."
    )
    print()
    header = (
        f"{'Búsqueda':<34} {'filas':>5} {'consultas':>9} {'render ms':>9} {'SQL ms':>7}"
        f" {'piso ms':>8} {'render/piso':>11}  {'p25 a p75':<11} {'COUNT ms':>8}"
        f" {'opciones ms':>11}"
    )
    print(header)
    print("─" * len(header))
    for r in results:
        ratios = r.ratios()
        quarts = common.quartiles(ratios)
        spread = f"{quarts[0]:.0f} a {quarts[1]:.0f}" if quarts else "—"
        print(
            f"{r.search.label:<34} {r.rows:>5} {r.queries:>9} {r.render.median_ms:>9.2f}"
            f" {r.sql_ms:>7.2f} {r.floor.median_ms:>8.3f} {statistics.median(ratios):>10.1f}x"
            f"  {spread:<11} {r.count.median_ms:>8.2f} {r.options.median_ms:>11.2f}"
        )
    print("─" * len(header))
    slowest = max(results, key=lambda r: r.render.median_ms)
    slowest_floor = max(results, key=lambda r: r.floor.median_ms)
    print(
        f"Filtro más lento: «{slowest.search.label}», {slowest.render.median_ms:.1f} ms por"
        f" página (su piso: {slowest.floor.median_ms:.2f} ms)."
    )
    print(
        f"Piso más lento: «{slowest_floor.search.label}», {slowest_floor.floor.median_ms:.2f} ms."
    )
    print("Medianas por llamada. render: GET con el cliente de pruebas, sesión y plantilla;")
    print("SQL ms: lo que de ese render pasa en la base; piso: solo la consulta de las filas de")
    print(f"la página ({PAGE_SIZE} + 1, la que dice si hay otra), con un cursor. COUNT: el conteo")
    print("con tope de la búsqueda; opciones: las listas de usuarios, secretarías y acciones")
    print("(recorridos de índice salteados). Ambos van dentro del render.")

    all_good = True
    for r in results:
        text, plan = r.plan
        good, summary = verdict(plan, PAGE_SIZE + 1, seeded.entries)
        all_good &= good
        print()
        print(f"── EXPLAIN ANALYZE · {r.search.label} ({r.url})")
        print("\n".join(f"   {line}" for line in text.splitlines()))
        print(f"   {'bien' if good else 'ATENCIÓN'}: {summary}")

    print()
    print(f"Exportación CSV ({export.url})")
    print(
        f"   {thousands(export.rows)} entradas, {export.megabytes:.0f} MB en {export.seconds:.1f} s"
        f" ({thousands(export.rate)} entradas/s; el primer bloque a los"
        f" {1000 * export.first_chunk_seconds:.0f} ms)"
    )
    if export.refused_seconds is not None:
        print(
            f"   toda la bitácora ({thousands(seeded.entries)}, más que el tope de"
            f" {thousands(EXPORT_MAX)}) se rechaza en {1000 * export.refused_seconds:.0f} ms;"
            f" a ese ritmo tomaría ~{seeded.entries / export.rate:.0f} s"
        )

    ratios = filings.ratios()
    quarts = common.quartiles(ratios)
    spread = f"{quarts[0]:.3f} a {quarts[1]:.3f}" if quarts else "—"
    ratio = statistics.median(ratios)
    print()
    print(f"Costo de la bitácora en la recepción ({FILING_PATH}, la bitácora con")
    print(f"{thousands(seeded.entries)} entradas; {len(ratios)} rondas alternadas)")
    print(f"   con bitácora   {filings.with_log.rate:>7.1f} escritos/s")
    print(f"   sin bitácora   {filings.without_log.rate:>7.1f} escritos/s  (record() sin efecto)")
    if quarts is not None and quarts[0] <= 1 <= quarts[1]:
        verdict_text = "la diferencia queda dentro del ruido entre rondas"
    else:
        verdict_text = f"la bitácora cuesta {100 * (1 / ratio - 1):.1f} % de una recepción"
    print(f"   razón con/sin  {ratio:.3f} (p25 a p75: {spread}): {verdict_text}")
    per_filing_ms = 1000 / filings.with_log.rate
    print(
        f"   record() sola  {record.median_ms:.2f} ms por entrada (dentro de una transacción"
        f" abierta): {100 * record.median_ms / per_filing_ms:.1f} % de los"
        f" {per_filing_ms:.0f} ms de una recepción"
    )
    extra = len(filings.queries_with) - len(filings.queries_without)
    print(
        f"   consultas SQL por recepción: {len(filings.queries_with)} con bitácora,"
        f" {len(filings.queries_without)} sin ella; las {extra} de la bitácora:"
    )
    for sql in filings.extra_queries():
        print(f"      {sql[:96]}")
    print(
        f"   la cadena sigue íntegra: {filings.appended} entradas nuevas verificadas tras"
        f" las {thousands(seeded.entries)} sembradas"
    )
    print()
    print(f"{time.perf_counter() - args.started:.0f} s en total.")
    if not all_good:
        print(
            "ATENCIÓN: alguna búsqueda recorre la tabla o lee muchas más filas de las que muestra."
        )
    return all_good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entradas (1000000)")
    parser.add_argument("--requests", type=int, default=40, help="llamadas por cifra (40)")
    parser.add_argument("--filings", type=int, default=200, help="escritos por lado (200)")
    parser.add_argument("--records", type=int, default=500, help="record() solas (500)")
    parser.add_argument("--rounds", type=int, default=10, help="rondas alternadas (10)")
    parser.add_argument("--keep-db", action="store_true", help="no borrar la base al final")
    args = parser.parse_args()
    if min(args.requests, args.filings, args.records, args.rounds) < 1 or args.entries < 10_000:
        parser.error("--entries al menos 10000; las demás cifras, al menos 1")
    args.started = time.perf_counter()

    media_root = tempfile.mkdtemp(prefix="oficialia-bench-media-")
    try:
        database_url, redis_url = configure_environment(media_root)
        redis = common.redis_client(redis_url)
    except SystemExit:
        shutil.rmtree(media_root, ignore_errors=True)
        raise
    redis.flushdb()
    try:
        pg_version = recreate_database(database_url)
        import django
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        seeded = seed(args.entries)
        check_seeded_hashes()
        client = Client()
        client.force_login(seeded.contraloria)
        results = [measure_search(client, s, args.requests, args.rounds) for s in searches(seeded)]
        export = bench_export(client, {"accion": "turno.turnar"})
        filings = bench_filings(args.filings, min(args.rounds, args.filings), redis)
        record = bench_record(args.records, args.rounds)
        verify_tail(seeded.last_seeded_id)
        connections.close_all()
    finally:
        redis.flushdb()
        shutil.rmtree(media_root, ignore_errors=True)
    if not args.keep_db:
        drop_database(database_url)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    context = (
        f"PostgreSQL {pg_version} ({common.database_name(database_url)}) · Redis {redis_url}"
        f" · Python {platform.python_version()} · Django {django.get_version()}"
        f" · {os.cpu_count()} CPU · carga {load} · {datetime.now():%Y-%m-%d %H:%M}"
    )
    good = print_report(seeded, results, export, filings, record, context, args)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
