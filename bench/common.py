"""What every benchmark script shares: its own PostgreSQL database, made and dropped at each
run, and the environment Django reads before it starts.

Scripts run as `python bench/<name>.py` put the project root on the path first (see the top
of bench/filing.py) and then import this module as bench.common.
"""

import os
import statistics
import sys
import warnings
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_bench"


def fail(message: str) -> NoReturn:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


def configure_environment(media_root: str, default_database_url: str = DEFAULT_DATABASE_URL) -> str:
    """Set what config.settings reads (database, media, DEBUG off). Returns the database
    URL. Redis, when a script needs it, is the script's own business."""
    database_url = os.environ.get("DATABASE_URL") or default_database_url
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres"):
        fail(f"el benchmark mide PostgreSQL; DATABASE_URL es {parts.scheme}://")
    if "bench" not in name:
        # The database is dropped at the start: never one that may hold real escritos.
        fail(
            f"DATABASE_URL nombra la base {name!r}, que el benchmark borraría. "
            "Use una cuyo nombre contenga 'bench', p. ej. .../oficialia_bench"
        )

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["OFICIALIA_MEDIA_ROOT"] = media_root
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every query in memory
    hosts = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if hosts and "testserver" not in hosts:
        os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join([*hosts, "testserver"])
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    use_project_path()
    warnings.filterwarnings("ignore", message="No directory at")
    return database_url


def use_redis(redis_url: str) -> None:
    """Broker and cache on a Redis database of the bench's own: .delay() only enqueues there
    (no PDF is made in the measured process), and the bench empties it afterwards. The
    filing rate limit is lifted for the measurement."""
    os.environ["CELERY_BROKER_URL"] = redis_url
    os.environ["REDIS_URL"] = redis_url
    os.environ["OFICIALIA_RATE_FILING"] = "1000000/h"


def redis_client(redis_url: str):
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        fail(f"no se alcanza Redis en {redis_url}: {exc}")
    return client


def use_project_path() -> None:
    """The project root on the path; bench/ itself off it, so its modules are reachable only
    as bench.* (run as `python bench/x.py`, bench/ is first on the path)."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _admin_connection(database_url: str, **kwargs):
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
        **kwargs,
    )


def recreate_database(database_url: str) -> str:
    """Drop and create the bench database, through the server's `postgres` database.
    Returns the server's version, e.g. '15.20'."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    try:
        admin = _admin_connection(database_url, connect_timeout=5)
    except psycopg.OperationalError as exc:
        fail(f"no se alcanza PostgreSQL en {parts.hostname}:{parts.port or 5432}: {exc}")
    with admin:
        version = admin.info.server_version
        force = sql.SQL(" WITH (FORCE)") if version >= 130000 else sql.SQL("")
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{version // 10000}.{version % 10000}"


def drop_database(database_url: str) -> None:
    from psycopg import sql

    name = urlsplit(database_url).path.lstrip("/")
    with _admin_connection(database_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def quartiles(values: list[float]) -> tuple[float, float] | None:
    """(p25, p75), or None with fewer than two values."""
    if len(values) < 2:
        return None
    low, _, high = statistics.quantiles(values, n=4)
    return low, high
