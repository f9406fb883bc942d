"""Slow and large clients, against a real gunicorn the test starts with the product's own
configuration (config/gunicorn.conf.py) on a free port."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WORKERS = 3  # as the production run had


class Gunicorn:
    """A gunicorn the test starts with the product's configuration (config/gunicorn.conf.py),
    plus any command-line options given (they win over the file)."""

    def __init__(self, tmp_path: Path, *options: str, env: dict | None = None, name="gunicorn"):
        self.tmp_path = tmp_path
        self.port = _free_port()
        self.log_path = tmp_path / f"{name}.log"
        environ = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        }
        environ.update(
            {
                "OFICIALIA_VAR_DIR": str(tmp_path),
                "WEB_CONCURRENCY": str(WORKERS),
                "GUNICORN_TIMEOUT": "60",
                "LOG_LEVEL": "info",
                **(env or {}),
            }
        )
        self.env = environ
        self.options = options
        self.process: subprocess.Popen | None = None

    def start(self, *, prepare: bool = True) -> "Gunicorn":
        for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]) if prepare else ():
            subprocess.run(
                [sys.executable, "manage.py", *step, "-v", "0"],
                cwd=ROOT, env=self.env, check=True,
            )  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py",
             "--worker-tmp-dir", str(self.tmp_path), "--bind", f"127.0.0.1:{self.port}",
             *self.options, "config.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(self._up, timeout=60, message="gunicorn did not start")
        # Every worker booted, not just the first one that answered.
        wait_for(
            lambda: self.log.count("Booting worker") >= WORKERS,
            timeout=60,
            message="gunicorn did not boot its workers",
        )
        return self

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def _up(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/salud/vivo", timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """The production shape: the product's configuration as it is."""
    server = Gunicorn(tmp_path_factory.mktemp("gunicorn")).start()
    yield server
    server.stop()


def _slow_upload(port: int) -> socket.socket:
    """A phone on a bad network: the start of a POST, then a byte now and then."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        b"POST /consulta/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
    )
    return sock


def _served_while_slow_clients_hold_connections(port: int, *, requests: int) -> list:
    """Open twice as many slow connections as there are workers, then ask for a page as
    another user would, `requests` times. Returns each request's seconds, or None for one
    that got no answer within PROMPT seconds."""
    slow = [_slow_upload(port) for _ in range(2 * WORKERS)]
    try:
        time.sleep(1)  # every slow connection accepted by now
        timings = []
        for _ in range(requests):
            started = time.monotonic()
            try:
                url = f"http://127.0.0.1:{port}/tramites/"
                with urllib.request.urlopen(url, timeout=PROMPT) as response:
                    assert response.status == 200
                timings.append(time.monotonic() - started)
            except (TimeoutError, urllib.error.URLError) as exc:
                if "timed out" not in str(exc):
                    raise
                timings.append(None)
            for sock in slow:
                sock.sendall(b"X-Lento: 1\r\n")  # still alive, still slow
        return timings
    finally:
        for sock in slow:
            sock.close()


PROMPT = 5  # seconds: "promptly", for a page that takes milliseconds


@pytest.mark.timeout(900)  # two servers, the first one migrating a new database
def test_slow_clients_do_not_keep_other_people_out(gunicorn):
    """The production configuration keeps serving; the same test against sync workers with
    the same worker count is starved, which shows the test can fail."""
    assert "Using worker: gthread" in gunicorn.log
    served = _served_while_slow_clients_hold_connections(gunicorn.port, requests=10)
    assert None not in served and max(served) < PROMPT, served

    # Same configuration, same workers, but sync (one thread: with more, gunicorn silently
    # turns "sync" into gthread, which is how a sync run could seem to pass).
    # Its database and static files are the first one's, ready.
    sync = Gunicorn(
        gunicorn.tmp_path,
        "--worker-class", "sync", "--threads", "1",
        env={"GUNICORN_THREADS": "1"},
        name="sync",
    ).start(prepare=False)  # fmt: skip
    try:
        assert "Using worker: sync" in sync.log
        starved = _served_while_slow_clients_hold_connections(sync.port, requests=2)
    finally:
        sync.stop()
    assert starved == [None, None], starved


def test_an_upload_above_the_limit_is_refused_before_its_body_is_sent(gunicorn):
    sock = socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10)
    try:
        sock.sendall(
            b"POST /escritos/nuevo/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 314572800\r\n\r\n"  # 300 MB announced, none of it sent
        )
        # The headers and the page may come in separate packets: read until the page is in
        # or the server closes (the socket's timeout bounds the wait).
        received = b""
        while b"</html>" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        answer = received.decode(errors="replace")
    finally:
        sock.close()
    assert answer.startswith("HTTP/1.1 413")
    assert "demasiado grandes" in answer


def test_the_size_limit_answers_413_in_spanish_without_reading_the_body(client, db, settings):
    response = client.generic(
        "POST",
        reverse("escrito_nuevo"),
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert "No se guardó nada" in response.content.decode()
    fine = client.post(reverse("consulta"), {"folio": "OP-2026-000001", "codigo": "X"})
    assert fine.status_code == 200


def test_the_proxy_limit_matches_the_product_limit(settings):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    megabytes = settings.MAX_REQUEST_BYTES // (1024 * 1024)
    assert f"client_max_body_size {megabytes}m;" in conf
    assert "proxy_request_buffering on;" in conf
