"""The read replica (oficialia/replica.py) against a real PostgreSQL streaming replica.

The fixture runs a primary cluster of its own (initdb) and a hot standby made from it with
`pg_basebackup -R`, each on a spare loopback port, and two gunicorn nodes of the product over
them: one that accepts any replica lag, one that accepts one second. A cluster of its own,
not the suite's server: that one refuses replication connections, and copying it would copy
every other database on it. The tests pause the standby's replay (`pg_wal_replay_pause()`)
to make it lag on purpose.
"""

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from oficialia import replica
from tests.conftest import missing_service, wait_for

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
PORTS = range(28000, 29000)


def _spare_port(taken: set[int]) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError("no spare port")


class Cluster:
    """A PostgreSQL cluster in a directory of its own, run as the postgres user if we are
    root (PostgreSQL refuses to run as root)."""

    def __init__(self, bin_dir: Path, data: Path, port: int):
        self.bin, self.data, self.port = bin_dir, data, port
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            check=True,
            capture_output=True,
            cwd="/",
        )

    def configure(self, **values: str) -> None:
        lines = "".join(f"{k} = {v}\n" for k, v in values.items())
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(lines)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-w", "start")

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
             "-w", "stop"],
            capture_output=True, check=False, cwd="/",
        )  # fmt: skip

    def url(self, name: str = "oficialia") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, *, database: str = "oficialia"):
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def clusters():
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("needs PostgreSQL: set DATABASE_URL=postgres://... (the services suite)")
    if not PG_BIN or (shutil.which("runuser") is None and os.geteuid() == 0):
        missing_service("needs PostgreSQL's server programs (initdb, pg_basebackup)")
    bin_dir = PG_BIN[-1]
    root = Path(tempfile.mkdtemp(prefix="oficialia-replica-"))
    taken: set[int] = set()
    primary = Cluster(bin_dir, root / "primaria", _spare_port(taken))
    standby = Cluster(bin_dir, root / "replica", _spare_port(taken))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    try:
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        primary.configure(
            port=str(primary.port),
            listen_addresses="'127.0.0.1'",
            unix_socket_directories=f"'{root}'",
            wal_level="replica",
            max_wal_senders="4",
            fsync="off",
            full_page_writes="off",
            shared_buffers="'32MB'",
        )
        primary.start()
        primary.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(standby.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        # A standby cancels a read that holds back replay for longer than 30 s unless it
        # tells the primary what it still reads (hot_standby_feedback): the open data's
        # long reads need it in production too (README).
        standby.configure(port=str(standby.port), hot_standby="on", hot_standby_feedback="on")
        standby.start()
        primary.sql("CREATE DATABASE oficialia", database="postgres")
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


def _caught_up(primary: Cluster, standby: Cluster) -> None:
    (lsn,) = primary.sql("SELECT pg_current_wal_lsn()::text")[0]

    def replayed() -> bool:
        return standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0][0]

    wait_for(replayed, timeout=60, message="the replica did not catch up")


@pytest.fixture(scope="module")
def nodes(clusters, tmp_path_factory):
    """Two gunicorn nodes over the pair: "tolerante" accepts any lag, "estricto" one second."""
    primary, standby = clusters
    tmp = tmp_path_factory.mktemp("replica-nodes")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        DATABASE_URL=primary.url(),
        DATABASE_REPLICA_URL=standby.url(),
        OFICIALIA_VAR_DIR=str(tmp),
        WEB_CONCURRENCY="1",
        GUNICORN_TIMEOUT="120",
        LOG_LEVEL="warning",
    )
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *step, "-v", "0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
    taken = {primary.port, standby.port}
    processes, ports = [], {}
    for name, lag in (("tolerante", "86400"), ("estricto", "1")):
        port = _spare_port(taken)
        log = (tmp / f"{name}.log").open("w")
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "config/gunicorn.conf.py",
                    "--worker-tmp-dir",
                    str(tmp),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "config.wsgi:application",
                ],
                cwd=ROOT,
                env={**env, "OFICIALIA_REPLICA_MAX_LAG": lag},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        ports[name] = port

    def up(port: int) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/salud/vivo", timeout=1):
                return True
        except OSError:
            return False

    for port in ports.values():
        wait_for(lambda p=port: up(p), timeout=90, message="gunicorn did not start")
    yield Nodes(primary, standby, ports, env)
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class Nodes:
    def __init__(self, primary: Cluster, standby: Cluster, ports: dict[str, int], env: dict):
        self.primary, self.standby, self.ports, self.env = primary, standby, ports, env

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              check=True, capture_output=True, text=True)  # fmt: skip
        return done.stdout

    def get(self, node: str, path: str, session: str = "") -> tuple[int, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports[node]}{path}")
        if session:
            request.add_header("Cookie", f"sessionid={session}")
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(request, timeout=60) as response:
            return response.status, response.read()

    def figures_at(self, node: str) -> datetime:
        """When the figures the statistics page shows were computed ("Cifras al ...")."""
        status, body = self.get(node, "/transparencia/")
        assert status == 200
        found = re.search(r"Cifras al (\d\d/\d\d/\d{4} \d\d:\d\d:\d\d)", body.decode())
        assert found, "the statistics page says when its figures were computed"
        return datetime.strptime(found.group(1), "%d/%m/%Y %H:%M:%S")

    def csv_folios(self, node: str) -> set[str]:
        status, body = self.get(node, "/transparencia/datos/escritos.csv")
        assert status == 200
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        return {row["id_publico"] for row in rows}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _public_folios(cluster: Cluster) -> set[str]:
    rows = cluster.sql("SELECT public_id::text FROM transparencia_escritopublico")
    return {r[0] for r in rows}


SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.create_user("carla.contraloria", password="x" * 20)
for name in ("contraloria", "sin_segundo_factor"):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def test_reports_read_the_replica_stale_but_consistent_and_the_primary_past_the_lag(nodes):
    primary, standby = nodes.primary, nodes.standby
    nodes.manage("sembrar_escritos", "--cantidad", "30", "--anios", "1", "--semilla", "1")
    _caught_up(primary, standby)
    before = _public_folios(primary)
    assert len(before) == 30
    assert nodes.csv_folios("tolerante") == before
    assert nodes.csv_folios("estricto") == before
    figures_at = nodes.figures_at("tolerante")

    standby.sql("SELECT pg_wal_replay_pause()")
    try:
        # Twenty more escritos, and the statistics consumer run over them, on the primary
        # only; the figures' watermark the replica holds is still fresh, so no request
        # catches the statistics up (which would write, and then read the primary).
        nodes.manage("sembrar_escritos", "--cantidad", "20", "--anios", "1", "--semilla", "2")
        after = _public_folios(primary)
        assert len(after) == 50 and before < after
        assert _public_folios(standby) == before

        # Within the lag it accepts, a node serves what the replica has: the thirty, all of
        # them and nothing half-way, and the statistics of the same moment.
        assert nodes.csv_folios("tolerante") == before
        assert nodes.figures_at("tolerante") == figures_at
        # Past it, the other node reads the primary: the fifty, and the newer statistics.
        assert nodes.csv_folios("estricto") == after
        assert nodes.figures_at("estricto") > figures_at

        # A request that writes reads its own writes from the primary: the contraloría's
        # export records itself in the bitácora first, then lists the bitácora up to that
        # entry, which the paused replica does not have. Its session, made after the pause,
        # is read from the primary too.
        session = nodes.manage("shell", "-c", SIGN_IN).strip().splitlines()[-1]
        status, body = nodes.get("tolerante", "/contraloria/bitacora/", session)
        assert status == 200, body[:300]
        status, body = nodes.get("tolerante", "/contraloria/bitacora/exportar.csv", session)
        assert status == 200, body[:300]
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
        (mark,) = primary.sql(
            "SELECT max(id) FROM oficialia_bitacora WHERE action = 'bitacora.exportar'"
        )[0]
        listed = [r[0] for r in primary.sql(f"SELECT id FROM oficialia_bitacora WHERE id < {mark}")]
        (replayed,) = standby.sql("SELECT coalesce(max(id), 0) FROM oficialia_bitacora")[0]
        assert sorted(int(r[0]) for r in rows) == sorted(listed)
        assert max(listed) > replayed  # the newest ones, which the replica lacks
    finally:
        standby.sql("SELECT pg_wal_replay_resume()")

    _caught_up(primary, standby)
    assert nodes.csv_folios("tolerante") == after


# --- the router's rules, without a replica -------------------------------------------------


@pytest.fixture
def request_state():
    replica._new_request(None)
    yield
    replica._new_request(None)


def test_a_request_that_wrote_reads_from_the_primary(request_state, db):
    class Escrito:
        class _meta:
            app_label = "correspondencia"

    router = replica.ReplicaRouter()
    replica._state.reading = True
    from django.db import connections

    connections["default"].in_atomic_block, was = False, connections["default"].in_atomic_block
    try:
        assert router.db_for_read(Escrito) == replica.REPLICA
        replica._track_writes(lambda *a: None, "SELECT 1", None, False, {})
        assert router.db_for_read(Escrito) == replica.REPLICA
        replica._track_writes(lambda *a: None, 'UPDATE "x" SET y = 1', None, False, {})
        assert replica.request_wrote()
        assert router.db_for_read(Escrito) == replica.PRIMARY
        replica._new_request(None)  # the next request starts clean
        replica._state.reading = True
        assert router.db_for_read(Escrito) == replica.REPLICA
        connections["default"].in_atomic_block = True
        assert router.db_for_read(Escrito) == replica.PRIMARY
    finally:
        connections["default"].in_atomic_block = was
    assert router.db_for_write(Escrito) == replica.PRIMARY


def test_identity_and_unmarked_reads_stay_on_the_primary(request_state):
    from django.contrib.sessions.models import Session

    from correspondencia.models import Escrito

    router = replica.ReplicaRouter()
    assert router.db_for_read(Escrito) == replica.PRIMARY  # no view asked for the replica
    replica._state.reading = True
    assert router.db_for_read(Session) == replica.PRIMARY


def test_without_a_replica_the_marked_views_read_as_before(client, db):
    from django.conf import settings

    assert not replica.configured()
    assert "replica" not in settings.DATABASES
    assert client.get("/transparencia/datos/").status_code == 200
