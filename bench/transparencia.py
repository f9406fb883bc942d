"""/transparencia/ on a million escritos: the page next to plain GROUP BY, the CSV stream, and
filing with the statistics consumer running or not.

    .venv/bin/python bench/transparencia.py [--escritos N] [--requests N] [--group-by N]
                                            [--filings N] [--rounds N] [--keep-db]

1. Seeds N escritos (1,000,000 by default) with `demo.seeding.escritos_seed` (what
   `manage.py sembrar_escritos` runs: COPY, with turnos, answers, ratings and the Transicion
   log) and times the statistics consumer catching up on that log.
2. GETs /transparencia/?anio=<this year> through the Django test client: warm (the figures
   cached) and cold (the cache emptied before each request: the figures built from the
   counters), next to the same figures computed by plain GROUP BY over the raw tables
   (transparencia/reference.py), checked equal.
3. Streams /transparencia/datos/escritos.csv (all N rows) in a child process of its own and
   prints rows/s, MB/s and the peak memory of that process, next to the floor: PostgreSQL's
   own COPY ... TO STDOUT of the same rows.
4. Files escritos through correspondencia.services.escrito_file in rounds, alternately with
   a consumer process running `statistics_refresh()` every second (30 times more often than
   beat) and with it stopped (SIGSTOP), and prints both rates.

Needs PostgreSQL only (default postgres://postgres@127.0.0.1:5432/oficialia_bench_transparencia,
dropped and created again at every run; DATABASE_URL changes it). See bench/README.md.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as `python bench/transparencia.py`: the project root first, so bench.common imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import drop_database, fail, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_bench_transparencia"
SEED = 20260101
CSV_URL = "/transparencia/datos/escritos.csv"
TRACEMALLOC_ROWS = 200_000


def log(message: str) -> None:
    print(f"· {message}", flush=True)


def configure(media_root: str) -> str:
    database_url = common.configure_environment(media_root, DEFAULT_DATABASE_URL)
    # No broker: nothing is queued. The cache is the in-process one (REDIS_URL unset).
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("REDIS_URL", None)
    return database_url


def ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


# --- 1. seed and catch up ------------------------------------------------------------------


def seed(count: int) -> dict:
    from django.db import connection

    from demo.seeding import escritos_seed
    from transparencia.services import statistics_refresh

    started = time.perf_counter()
    result = escritos_seed(count=count, years=3, seed=SEED, log=log)
    seeded = time.perf_counter() - started
    log(f"sembrados {result.escritos:,} escritos en {seeded:.0f} s; consumiendo el registro…")
    started = time.perf_counter()
    refresh = statistics_refresh(wait=True)
    consumed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in (
            "correspondencia_escrito",
            "correspondencia_peticionario",
            "correspondencia_transicion",
            "turnos_turno",
            "turnos_respuesta",
            "turnos_evaluacion",
            "transparencia_escritopublico",
            "transparencia_summarycell",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return {
        "escritos": result.escritos,
        "transiciones": result.transiciones,
        "seed_s": seeded,
        "consume_s": consumed,
        "consumed_escritos": refresh.escritos,
        "rows": refresh.rows,
    }


# --- 2. the page next to GROUP BY ----------------------------------------------------------


def bench_page(requests: int, group_by_runs: int, rounds: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from transparencia.figures import build_figures
    from transparencia.models import ALL_SCOPE
    from transparencia.reference import datos_by_group_by
    from transparencia.selectors import datos_read

    year = timezone.localdate().year
    today = timezone.localdate()
    url = f"/transparencia/?anio={year}"
    client = Client()

    def get() -> float:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            fail(f"GET {url} respondió {response.status_code}")
        return elapsed

    def group_by() -> float:
        start = time.perf_counter()
        build_figures(datos_by_group_by(year=year, scope=ALL_SCOPE, today=today))
        return time.perf_counter() - start

    get()  # the consumer's watermark and the cache, warm
    with CaptureQueriesContext(connection) as captured:
        cache.clear()
        get()
    # Now: every later request empties the connection's log (request_started).
    queries = [q["sql"] for q in captured.captured_queries]
    raw = [
        sql
        for sql in queries
        if any(t in sql for t in ("correspondencia_", "turnos_"))
        and "correspondencia_secretaria" not in sql
        and "correspondencia_tramite" not in sql
    ]
    warm, cold, baseline = [], [], []
    per_round = max(1, requests // rounds)
    for i in range(rounds):
        # Alternate which goes first, so a neighbour's burst falls on both alike.
        order = ["warm", "cold", "group_by"]
        if i % 2:
            order.reverse()
        for what in order:
            if what == "warm":
                get()
                warm.extend(get() for _ in range(per_round))
            elif what == "cold":
                for _ in range(max(1, per_round // 4)):
                    cache.clear()
                    cold.append(get())
            elif len(baseline) < group_by_runs:
                baseline.append(group_by())
    same = build_figures(datos_read(year=year, scope=ALL_SCOPE, today=today)) == build_figures(
        datos_by_group_by(year=year, scope=ALL_SCOPE, today=today)
    )
    return {
        "year": year,
        "warm_ms": ms(warm),
        "warm_p90_ms": statistics.quantiles(warm, n=10)[-1] * 1000 if len(warm) > 2 else 0,
        "cold_ms": ms(cold),
        "group_by_ms": ms(baseline),
        "group_by_runs": len(baseline),
        "warm_n": len(warm),
        "cold_n": len(cold),
        "queries": len(queries),
        "raw_queries": len(raw),
        "same": same,
    }


# --- 3. the CSV stream, in a process of its own ---------------------------------------------


def csv_child(limit: int | None, trace: bool) -> None:
    """Stream the CSV through the view; print one JSON line with what was measured."""
    import django

    django.setup()
    import tracemalloc

    from django.test import Client

    client = Client()
    client.get("/transparencia/datos/escritos.csv?anio=2000")  # imports and connection, warm
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(CSV_URL)
    rows = size = 0
    for piece in response.streaming_content:
        size += len(piece)
        rows += piece.count(b"\n")
        if limit and rows >= limit:
            break
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    response.close()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    floor_rows = floor_bytes = 0
    floor_s = 0.0
    if not trace:
        from django.db import connection

        with connection.cursor() as cursor:
            start = time.perf_counter()
            with cursor.cursor.copy(
                "COPY (SELECT p.public_id, p.year, p.received_at, p.channel, p.turnos,"
                " p.tramite_id, p.state, p.due_date, p.answered_at, p.sense, p.business_days,"
                " p.within_term"
                " FROM transparencia_escritopublico p ORDER BY p.escrito_id)"
                " TO STDOUT WITH (FORMAT csv, HEADER)"
            ) as copy:
                for data in copy:
                    floor_bytes += len(data)
                    floor_rows += bytes(data).count(b"\n")
            floor_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "rows": rows - 1,
                "bytes": size,
                "seconds": elapsed,
                "maxrss_before_kb": before,
                "maxrss_after_kb": after,
                "tracemalloc_peak": peak,
                "floor_rows": floor_rows - 1,
                "floor_bytes": floor_bytes,
                "floor_s": floor_s,
            }
        ),
        flush=True,
    )


def run_child(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    if result.returncode != 0:
        fail(f"el proceso hijo {' '.join(args)} falló:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- 4. filing with the consumer running or not ---------------------------------------------


def consumer_child() -> None:
    """Consume the log every second until killed: what beat does every 30 s, 30 times more."""
    import django

    django.setup()
    from transparencia.services import statistics_refresh

    while True:
        statistics_refresh()
        time.sleep(1)


def bench_filing(filings: int, rounds: int) -> dict:
    from correspondencia.models import Channel, PetitionerType
    from correspondencia.services import EscritoData, PetitionerData, escrito_file

    def file_one(i: int) -> None:
        data = EscritoData(
            peticionario=PetitionerData(
                tipo=PetitionerType.FISICA, nombre=f"Peticionaria {i}", genero="mujer"
            ),
            asunto="Reparación de luminaria en calle Morelos",
            texto="Solicito atentamente la reparación de la luminaria.",
        )
        escrito_file(data=data, channel=Channel.EN_LINEA, queue_acuse=False)

    consumer = subprocess.Popen([sys.executable, __file__, "--consumer-child"], env={**os.environ})
    try:
        time.sleep(3)  # Django set up, first run done
        on_rates, off_rates, counter = [], [], 0
        per_round = max(1, filings // (2 * rounds))
        for _ in range(5):  # warm-up
            file_one(counter)
            counter += 1
        for i in range(rounds):
            for running in (True, False) if i % 2 == 0 else (False, True):
                consumer.send_signal(signal.SIGCONT if running else signal.SIGSTOP)
                time.sleep(0.2)
                start = time.perf_counter()
                for _ in range(per_round):
                    file_one(counter)
                    counter += 1
                rate = per_round / (time.perf_counter() - start)
                (on_rates if running else off_rates).append(rate)
        consumer.send_signal(signal.SIGCONT)
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
    ratios = [a / b for a, b in zip(on_rates, off_rates, strict=True)]
    return {
        "on": statistics.median(on_rates),
        "off": statistics.median(off_rates),
        "ratio": statistics.median(ratios),
        "quartiles": common.quartiles(ratios),
        "filings": counter,
        "per_round": per_round,
    }


# --- report ---------------------------------------------------------------------------------


def report(context: str, s: dict, p: dict, csv: dict, trace: dict, f: dict, elapsed: float) -> None:
    mb = csv["bytes"] / 1e6
    print()
    print("Oficialía de Partes · benchmark de transparencia")
    print(context)
    print()
    print(
        f"Siembra: {s['escritos']:,} escritos y {s['transiciones']:,} transiciones en "
        f"{s['seed_s']:.0f} s ({s['escritos'] / s['seed_s']:,.0f} escritos/s)."
    )
    print(
        f"Consumidor al día desde cero: {s['rows']:,} transiciones, {s['consume_s']:.0f} s "
        f"({s['escritos'] / s['consume_s']:,.0f} escritos/s)."
    )
    print()
    print(f"/transparencia/?anio={p['year']}                     mediana ms")
    print(
        f"  tibia (cifras en caché), {p['warm_n']} GET          {p['warm_ms']:9.1f}"
        f"   (p90 {p['warm_p90_ms']:.1f})"
    )
    print(f"  fría (caché vacía: de los contadores), {p['cold_n']} GET {p['cold_ms']:6.1f}")
    print(
        f"  mismas cifras con GROUP BY sobre las tablas, {p['group_by_runs']} veces"
        f" {p['group_by_ms']:6.1f}"
    )
    print(
        f"  GROUP BY / tibia = {p['group_by_ms'] / p['warm_ms']:.0f}x; "
        f"GROUP BY / fría = {p['group_by_ms'] / p['cold_ms']:.0f}x; cifras iguales: "
        f"{'sí' if p['same'] else 'NO'}; {p['queries']} consultas por GET en frío, "
        f"{p['raw_queries']} a tablas de escritos o turnos."
    )
    print()
    growth = (csv["maxrss_after_kb"] - csv["maxrss_before_kb"]) / 1024
    print(f"{CSV_URL}: {csv['rows']:,} filas, {mb:.0f} MB en {csv['seconds']:.1f} s")
    print(
        f"  {csv['rows'] / csv['seconds']:,.0f} filas/s, {mb / csv['seconds']:.1f} MB/s; "
        f"piso (COPY de PostgreSQL): {csv['floor_rows'] / csv['floor_s']:,.0f} filas/s, "
        f"{csv['floor_bytes'] / 1e6 / csv['floor_s']:.1f} MB/s"
    )
    print(
        f"  memoria máxima del proceso (ru_maxrss): {csv['maxrss_before_kb'] / 1024:.0f} MB "
        f"antes, {csv['maxrss_after_kb'] / 1024:.0f} MB después (+{growth:.1f} MB)"
    )
    print(
        f"  tracemalloc, pico de Python en las primeras {trace['rows']:,} filas: "
        f"{trace['tracemalloc_peak'] / 1e6:.1f} MB"
    )
    print()
    spread = f"{f['quartiles'][0]:.3f} a {f['quartiles'][1]:.3f}" if f["quartiles"] else "—"
    print(f"Recepción (escrito_file), {f['filings']:,} escritos en rondas de {f['per_round']}:")
    print(f"  con el consumidor corriendo cada segundo  {f['on']:7.1f} escritos/s")
    print(f"  con el consumidor detenido                {f['off']:7.1f} escritos/s")
    print(f"  razón (con/sin), mediana de rondas: {f['ratio']:.3f} (p25 a p75: {spread})")
    print()
    print(f"{elapsed:.0f} s en total.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--escritos", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="GET tibios (200)")
    parser.add_argument("--group-by", type=int, default=5, help="corridas con GROUP BY (5)")
    parser.add_argument("--filings", type=int, default=400, help="escritos recibidos (400)")
    parser.add_argument("--rounds", type=int, default=10, help="rondas alternadas (10)")
    parser.add_argument("--keep-db", action="store_true", help="no borrar la base al final")
    parser.add_argument("--csv-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--consumer-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.csv_child:
        common.use_project_path()
        csv_child(TRACEMALLOC_ROWS if args.trace else None, args.trace)
        return 0
    if args.consumer_child:
        common.use_project_path()
        consumer_child()
        return 0
    if min(args.escritos, args.requests, args.group_by, args.filings, args.rounds) < 1:
        parser.error("todas las cantidades deben ser al menos 1")

    started = time.perf_counter()
    media_root = tempfile.mkdtemp(prefix="oficialia-bench-media-")
    try:
        database_url = configure(media_root)
        pg_version = recreate_database(database_url)
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"sembrando {args.escritos:,} escritos…")
        seeded = seed(args.escritos)
        log("midiendo la página…")
        page = bench_page(args.requests, args.group_by, args.rounds)
        connections.close_all()
        log("midiendo el CSV…")
        stream = run_child("--csv-child")
        traced = run_child("--csv-child", "--trace")
        log("midiendo la recepción…")
        filing = bench_filing(args.filings, args.rounds)
        connections.close_all()
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
    if not args.keep_db:
        drop_database(database_url)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    context = (
        f"PostgreSQL {pg_version} ({common.database_name(database_url)}) · Python "
        f"{platform.python_version()} · {os.cpu_count()} CPU · carga {load}"
    )
    report(context, seeded, page, stream, traced, filing, time.perf_counter() - started)
    return 0 if page["same"] and not page["raw_queries"] else 1


if __name__ == "__main__":
    sys.exit(main())
