"""RFC 3161 timestamps of the daily heads, against a real TSA: OpenSSL's `ts -reply`
behind a small HTTP server the test starts on a free port."""

import base64
import shutil
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion
from oficialia.models import BitacoraCabeza
from oficialia.sello_tiempo import TimestampError, request_timestamp

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@pytest.fixture
def tsa(tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl program")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", tmp_path / "tsa.key", "-out", tmp_path / "tsa.crt",
         "-subj", "/CN=TSA de prueba", "-addext", "extendedKeyUsage=critical,timeStamping"],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "serial").write_text("01\n")
    (tmp_path / "tsa.cnf").write_text(TSA_CONFIG.format(dir=tmp_path))
    requests: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            query = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(query)
            (tmp_path / "q.tsq").write_bytes(query)
            subprocess.run(
                [openssl, "ts", "-reply", "-config", tmp_path / "tsa.cnf",
                 "-queryfile", tmp_path / "q.tsq", "-out", tmp_path / "r.tsr"],
                check=True, capture_output=True,
            )  # fmt: skip
            body = (tmp_path / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", tmp_path, requests
    server.shutdown()
    server.server_close()


def test_a_head_is_stamped_and_openssl_verifies_the_token(tsa, settings, db):
    url, folder, requests = tsa
    settings.TSA_URL = url
    bitacora.record(action=Accion.SESION_ENTRAR, actor=None)
    head = bitacora.publish_head(day=date(2026, 3, 2))
    assert head.tsa_token and head.tsa_at is not None
    assert len(requests) == 1
    (folder / "token.der").write_bytes(base64.b64decode(head.tsa_token))
    (folder / "head.bin").write_bytes(bytes.fromhex(head.last_hash))
    verified = subprocess.run(
        ["openssl", "ts", "-verify", "-data", folder / "head.bin", "-in", folder / "token.der",
         "-token_in", "-CAfile", folder / "tsa.crt"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Verification: OK" in verified.stdout, verified.stdout + verified.stderr
    # Stamped once: publishing again the same day asks nothing more.
    bitacora.publish_head(day=date(2026, 3, 2))
    assert len(requests) == 1


def test_without_a_tsa_the_head_is_published_unstamped(settings, db):
    settings.TSA_URL = ""
    head = bitacora.publish_head(day=date(2026, 3, 3))
    assert head.tsa_token == ""


def test_a_tsa_that_does_not_answer_leaves_the_head_for_the_next_run(settings, db):
    settings.TSA_URL = "http://127.0.0.1:9/"  # discard port: nothing listens
    settings.TSA_TIMEOUT = 2
    head = bitacora.publish_head(day=date(2026, 3, 4))
    assert head.tsa_token == ""
    assert BitacoraCabeza.objects.get(day=date(2026, 3, 4)).tsa_token == ""
    with pytest.raises(TimestampError):
        request_timestamp(b"\0" * 32)
