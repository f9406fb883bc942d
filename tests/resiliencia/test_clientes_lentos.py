"""Slow and large clients, against a real gunicorn the test starts with the product's own
configuration (config/gunicorn.conf.py) on a free port."""

import os
import socket
import subprocess
import sys
import time
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


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        {
            "OFICIALIA_VAR_DIR": str(tmp_path),
            # Three workers, as the production run had; the threads are the product's.
            "WEB_CONCURRENCY": "3",
            "GUNICORN_TIMEOUT": "60",
            "LOG_LEVEL": "warning",
        }
    )
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *step, "-v", "0"], cwd=ROOT, env=env, check=True
        )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py",
         "--worker-tmp-dir", str(tmp_path), "--bind", f"127.0.0.1:{port}",
         "config.wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    def up() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/salud/vivo", timeout=1):
                return True
        except OSError:
            return False

    wait_for(up, timeout=60, message="gunicorn did not start")
    yield port
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _slow_upload(port: int) -> socket.socket:
    """A phone on a bad network: the start of a POST, then a byte now and then."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        b"POST /consulta/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
    )
    return sock


def test_slow_clients_do_not_keep_other_people_out(gunicorn):
    slow = [_slow_upload(gunicorn) for _ in range(6)]  # twice the workers
    try:
        time.sleep(1)
        timings = []
        for _ in range(10):
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{gunicorn}/tramites/", timeout=10) as r:
                assert r.status == 200
            timings.append(time.monotonic() - started)
            for sock in slow:
                sock.sendall(b"X-Lento: 1\r\n")  # still alive, still slow
        assert max(timings) < 5, timings
    finally:
        for sock in slow:
            sock.close()


def test_an_upload_above_the_limit_is_refused_before_its_body_is_sent(gunicorn):
    sock = socket.create_connection(("127.0.0.1", gunicorn), timeout=10)
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
