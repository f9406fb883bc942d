"""`make test` touches no service it was not pointed at: without TEST_REDIS_URL the Redis
tests skip (or fail under REQUIRE_SERVICES=1) and nothing connects to a Redis on its
default port; without DATABASE_URL the suite runs on SQLite."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import REDIS_DEFAULT_PORT, TEST_REDIS_URL, UnrequestedServiceError

ROOT = Path(__file__).resolve().parent.parent
REDIS_TESTS = [
    "tests/correspondencia/test_acuse_worker.py::"
    "test_a_real_worker_makes_the_acuse_with_folio_hashes_and_verification_url",
    "tests/correspondencia/test_acuse_worker.py::test_the_relay_runs_as_a_task_on_the_worker",
]
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "TEST_REDIS_URL",
    "REQUIRE_SERVICES",
    "CELERY_BROKER_URL",
    "REDIS_URL",
)
# Loaded into the inner pytest before anything else: writes down every connection attempt
# to the default ports of Redis and PostgreSQL, whatever the suite's own guard does.
WATCHER = """
import os, sys

def watch(event, args):
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and len(address) >= 2 and address[1] in (6379, 5432):
            with open(os.environ["CONNECTIONS_LOG"], "a") as log:
                log.write(f"{address[0]}:{address[1]}\\n")

sys.addaudithook(watch)
"""


def run_pytest(
    tmp_path: Path, *, require_services: bool
) -> tuple[subprocess.CompletedProcess, str]:
    (tmp_path / "connection_watcher.py").write_text(WATCHER)
    log = tmp_path / "connections.log"
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(
        PYTHONPATH=str(tmp_path),
        CONNECTIONS_LOG=str(log),
        # Its own SQLite test database, not the one of the suite running this test.
        OFICIALIA_VAR_DIR=str(tmp_path / "var"),
    )
    if require_services:
        env["REQUIRE_SERVICES"] = "1"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "connection_watcher",
            "-p",
            "no:cacheprovider",
            "-rs",
            "-q",
            *REDIS_TESTS,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return result, log.read_text() if log.exists() else ""


def test_without_test_redis_url_the_redis_tests_skip_and_connect_to_nothing(tmp_path):
    result, connections = run_pytest(tmp_path, require_services=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 skipped" in result.stdout
    assert result.stdout.count("needs Redis: set TEST_REDIS_URL") == 2
    assert connections == ""


def test_with_require_services_a_missing_test_redis_url_fails(tmp_path):
    result, connections = run_pytest(tmp_path, require_services=True)
    assert result.returncode != 0
    assert "2 errors" in result.stdout
    assert (
        "needs Redis: set TEST_REDIS_URL=redis://host:port/db (it is flushed) (REQUIRE_SERVICES=1)"
        in (result.stdout)
    )
    assert connections == ""


def test_the_suite_refuses_to_open_the_default_redis_it_was_not_given():
    if TEST_REDIS_URL:
        pytest.skip("this run was pointed at a Redis (TEST_REDIS_URL)")
    with pytest.raises(UnrequestedServiceError), socket.socket() as sock:
        sock.settimeout(1)
        sock.connect(("127.0.0.1", REDIS_DEFAULT_PORT))


def test_without_database_url_the_suite_runs_on_sqlite():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("this run was pointed at a database (DATABASE_URL)")
    assert connection.vendor == "sqlite"
