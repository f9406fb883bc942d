"""Fast where people wait: every figure of issue 18 next to its floor, in one table.

    .venv/bin/python bench/rapido.py [--escritos N] [--turnos N] [--requests N]
                                     [--rounds N] [--keep-db] [--solo FILA,...]

On PostgreSQL, in a database of its own (default oficialia_bench_rapido, dropped and made
again at every run; DATABASE_URL changes it, its name must contain "bench"), with the
product served by gunicorn with 2 sync workers on a free loopback port. Each figure and its
floor run in alternating rounds (3 by default: A B, B A, A B); the ratio is the median of the
rounds' ratios. The script exits 1 when a measured path fails (the row says FALLA and
where), never because a figure is slow: figures vary on a shared machine, ratios less.

Rows (see bench/README.md):
  filing     POST /escritos/nuevo/ with a 100 KB PDF  vs the same POST to a view saving one row
  consulta   POST /consulta/ with folio and code      vs a view finding the escrito by folio
             GET /consulta/                           vs a static page of the same size
  acuse      acuse_generate() in this process         vs WeasyPrint alone on the same HTML
             its drawing (acuse_render_pdf)           vs WeasyPrint alone on the same HTML
             its signature (firma.sign_pdf)           vs pyHanko's sign_pdf, bare, same key
  csv        escritos.csv: first byte and rows/s      vs PostgreSQL's COPY of the same rows
  bandeja    the deepest page (2000) of a secretaría  vs its first page
  transp.    /transparencia/ warm                     vs a static page of the same size

--solo measures only the rows named (recepcion, consulta, acuse, csv, transparencia,
bandeja); the acuse row files a few escritos first when the filing row is not measured.

The bandeja runs in a child process on a second database (<name>_bandeja), seeded with
bench/bandeja.py's generator.
"""

import argparse
import http.client
import io
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

# Run as `python bench/rapido.py`: the project root first, so bench.common imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import ROOT, drop_database, fail, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_bench_rapido"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
PDF_BYTES = 100 * 1024
DEEP_PAGE = 2000
ACUSE_SAMPLE = 50  # acuses generated in turn by the acuse row
ROWS = ("recepcion", "consulta", "acuse", "csv", "transparencia", "bandeja")
SEED = 20261204


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


# --- what a row is ---------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    figure: str = ""
    floor: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    error: str = ""


@dataclass
class Pair:
    """Samples (seconds) of the measured side and of its floor, round by round."""

    real: list[list[float]] = field(default_factory=list)
    base: list[list[float]] = field(default_factory=list)

    def all_real(self) -> list[float]:
        return [s for r in self.real for s in r]

    def all_base(self) -> list[float]:
        return [s for r in self.base for s in r]

    def ratio(self) -> float:
        """Median over rounds of floor/measured (1 = as fast as the floor)."""
        return statistics.median(
            statistics.median(b) / statistics.median(r)
            for r, b in zip(self.real, self.base, strict=True)
        )


def alternate(real, base, per_round: int, rounds: int) -> Pair:
    """A B, B A, A B...: a neighbour's burst falls on both sides alike."""
    pair = Pair()
    for i in range(rounds):
        sides = [(real, pair.real), (base, pair.base)]
        for fn, store in sides if i % 2 == 0 else reversed(sides):
            samples = []
            for _ in range(per_round):
                start = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - start)
            store.append(samples)
    return pair


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def where(exc: BaseException) -> str:
    """The innermost project frame of the traceback (not the venv)."""
    found = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv"):
            found = f"{path.relative_to(ROOT)}:{frame.lineno}"
    return found


def guarded(measure: str, fn) -> list[Row]:
    try:
        return fn()
    except Exception as exc:  # the row says what failed; the exit code too
        log(traceback.format_exc())
        return [Row(measure, error=f"{type(exc).__name__}: {exc} en {where(exc) or '?'}")]


# --- HTTP to gunicorn --------------------------------------------------------------------------


class Http:
    """One browser: its cookies, a new connection per request (sync workers close them)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers=None, keep=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        head = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body or None, headers=head)
        response = conn.getresponse()
        if keep:
            for raw in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
        return conn, response

    def fetch(self, method: str, path: str, body: bytes = b"", headers=None, keep=True):
        conn, response = self.request(method, path, body, headers, keep)
        data = response.read()
        conn.close()
        return response.status, response, data

    def csrf(self, path: str) -> str:
        status, _, html = self.fetch("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} respondió {status}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            raise RuntimeError(f"GET {path}: sin csrfmiddlewaretoken")
        return match.group(1).decode()


def multipart(fields: dict[str, str], files: list[tuple[str, str, str, bytes]]):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for name, filename, ctype, content in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def urlencoded(fields: dict[str, str]):
    from urllib.parse import urlencode

    return "application/x-www-form-urlencoded", urlencode(fields).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int = 2) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "config/gunicorn.conf.py",
            "config.wsgi:application",
            # As the issue measures: sync workers (the product's file says gthread, whose
            # threads protect a deployment without nginx from slow clients).
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            os.devnull,
        ],
        cwd=ROOT,
        # The product's gunicorn settings but for the worker class, with 2 workers and room
        # for the million-row CSV.
        env={**os.environ, "WEB_CONCURRENCY": str(workers), "GUNICORN_TIMEOUT": "600"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail("gunicorn terminó al arrancar")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    fail("gunicorn no escuchó en 60 s")


# --- preparation ----------------------------------------------------------------------------


def hundred_kb_pdf() -> bytes:
    """A one-page PDF of ~100 KB: a content stream padded with comments."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    stream = DecodedStreamObject()
    filler = (b"% relleno del escrito de prueba del benchmark\n" * (PDF_BYTES // 46))[:PDF_BYTES]
    stream.set_data(filler)
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": "Escrito de prueba del benchmark"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def seed_escritos(count: int) -> tuple[str, str]:
    """Seed `count` escritos with their statistics; returns (folio, code) of one with a turno
    and an answer, whose access code is set to a known one."""
    from django.db import connection

    from correspondencia.models import Escrito
    from demo.seeding import escritos_seed
    from oficialia import access_codes
    from transparencia.services import statistics_refresh

    escritos_seed(count=count, years=3, seed=SEED)
    statistics_refresh(wait=True)
    with connection.cursor() as cursor:
        for table in (
            "correspondencia_escrito",
            "correspondencia_peticionario",
            "correspondencia_transicion",
            "turnos_turno",
            "transparencia_escritopublico",
            "transparencia_summarycell",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    escrito = (
        Escrito.objects.filter(turnos__respuesta__isnull=False).order_by("-pk").first()
        or Escrito.objects.order_by("-pk").first()
    )
    code = access_codes.generate()
    Escrito.objects.filter(pk=escrito.pk).update(
        access_code_hash=access_codes.hash_code(code), access_code_sealed=access_codes.seal(code)
    )
    return escrito.folio, code


# --- 1. filing -------------------------------------------------------------------------------


def filing_payload(csrf: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": csrf,
        "tipo": "fisica",
        "nombre": "María Guadalupe Hernández Ruiz",
        "email": "lupita@example.com",
        "telefono": "747 123 4567",
        "curp": "",
        "rfc": "",
        "genero": "mujer",
        "asunto": "Reparación de luminaria en calle Morelos",
        "texto": "Solicito atentamente la reparación de la luminaria frente al número 12.",
        "acepto_aviso": "on",
        "submission_token": str(uuid.uuid4()),
    }


def filing_post(port: int):
    """A function that POSTs one escrito with a 100 KB PDF to a path, and checks where it
    was sent."""
    pdf = hundred_kb_pdf()
    browser = Http(port)
    csrf = browser.csrf("/escritos/nuevo/")

    def post(path: str, expect: str):
        def go() -> None:
            ctype, body = multipart(
                filing_payload(csrf), [("adjuntos", "escrito.pdf", "application/pdf", pdf)]
            )
            status, response, data = browser.fetch(
                "POST", path, body, {"Content-Type": ctype}, keep=False
            )
            location = response.headers.get("Location", "")
            if status != 302 or expect not in location:
                raise RuntimeError(f"POST {path} respondió {status} {location!r}: {data[:300]!r}")

        return go

    return post


def file_escritos(port: int, count: int) -> None:
    """File `count` escritos with a PDF, as the filing row does, for the acuse row."""
    real = filing_post(port)("/escritos/nuevo/", "/escritos/recibido/")
    for _ in range(count):
        real()


def bench_filing(port: int, per_round: int, rounds: int) -> list[Row]:
    from bench import floor

    floor.create_table()
    post = filing_post(port)
    real = post("/escritos/nuevo/", "/escritos/recibido/")
    base = post(floor.FLOOR_PATH, "/")
    for _ in range(3):
        real()
        base()
    pair = alternate(real, base, per_round, rounds)
    ratio = pair.ratio()
    return [
        Row(
            "recepción con PDF de 100 KB (gunicorn) vs POST de una fila",
            ms(statistics.median(pair.all_real())),
            ms(statistics.median(pair.all_base())),
            ratio,
            "≥ 0.5x",
            ratio >= 0.5,
        )
    ]


# --- 2. /consulta/ -----------------------------------------------------------------------------


def bench_consulta(port: int, folio: str, code: str, per_round: int, rounds: int) -> list[Row]:
    from bench import floor

    setup = Http(port)
    csrf = setup.csrf("/consulta/")
    cookies = dict(setup.cookies)

    def post(path: str, check: bytes):
        def go() -> None:
            browser = Http(port)  # a citizen's first lookup: no session yet
            browser.cookies = dict(cookies)
            ctype, body = urlencoded({"csrfmiddlewaretoken": csrf, "folio": folio, "codigo": code})
            status, _, data = browser.fetch("POST", path, body, {"Content-Type": ctype}, False)
            if status != 200 or check not in data:
                raise RuntimeError(f"POST {path} respondió {status}: {data[:300]!r}")

        return go

    real = post("/consulta/", folio.encode())
    base = post(floor.LOOKUP_FLOOR_PATH, folio.encode())
    for _ in range(3):
        real()
        base()
    lookup = alternate(real, base, per_round, rounds)

    page = Http(port)
    status, _, html = page.fetch("GET", "/consulta/", keep=False)
    if status != 200:
        raise RuntimeError(f"GET /consulta/ respondió {status}")
    static = f"{floor.STATIC_FLOOR_PATH}{len(html)}/"

    def get(path: str):
        def go() -> None:
            status, _, _ = page.fetch("GET", path, keep=False)
            if status != 200:
                raise RuntimeError(f"GET {path} respondió {status}")

        return go

    form = alternate(get("/consulta/"), get(static), per_round, rounds)
    r1, r2 = lookup.ratio(), form.ratio()
    return [
        Row(
            "/consulta/ POST folio + código vs búsqueda por folio",
            ms(statistics.median(lookup.all_real())),
            ms(statistics.median(lookup.all_base())),
            r1,
            "≥ 0.5x",
            r1 >= 0.5,
        ),
        Row(
            f"/consulta/ GET vs página estática de {len(html) // 1024} KB",
            ms(statistics.median(form.all_real())),
            ms(statistics.median(form.all_base())),
            r2,
            "≥ 0.8x",
            r2 >= 0.8,
        ),
    ]


# --- 3. the acuse PDF ----------------------------------------------------------------------


def bench_acuse(per_round: int, rounds: int) -> list[Row]:
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from correspondencia.acuse import acuse_context
    from correspondencia.models import Acuse
    from correspondencia.services import acuse_generate

    ids = list(
        Acuse.objects.filter(escrito__adjuntos__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:ACUSE_SAMPLE]
    )
    if not ids:
        raise RuntimeError("no hay acuses de escritos con adjuntos (¿falló la recepción?)")
    html = {
        a.pk: render_to_string("correspondencia/acuse.html", acuse_context(a))
        for a in Acuse.objects.filter(pk__in=ids).select_related("escrito__peticionario")
    }
    fonts = FontConfiguration()
    turn = {"real": 0, "base": 0}

    def pick(side: str) -> int:
        acuse_id = ids[turn[side] % len(ids)]
        turn[side] += 1
        return acuse_id

    def real() -> None:
        acuse_id = pick("real")
        Acuse.objects.filter(pk=acuse_id).update(generated_at=None, pdf="", pdf_sha256="")
        start = time.perf_counter()
        acuse = acuse_generate(acuse_id=acuse_id)
        elapsed = time.perf_counter() - start
        if not acuse.is_ready:
            raise RuntimeError(f"el acuse {acuse_id} no se generó")
        timings.append(elapsed)

    def base() -> None:
        HTML(string=html[pick("base")], base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=fonts
        )

    timings: list[float] = []
    for _ in range(3):
        real()
        base()
    timings.clear()
    # The reset of the acuse is not the worker's work: time acuse_generate() alone.
    pair = Pair()
    for i in range(rounds):
        sides = [("real", real), ("base", base)]
        for name, fn in sides if i % 2 == 0 else reversed(sides):
            samples = []
            for _ in range(per_round):
                if name == "real":
                    fn()
                    samples.append(timings[-1])
                else:
                    start = time.perf_counter()
                    fn()
                    samples.append(time.perf_counter() - start)
            (pair.real if name == "real" else pair.base).append(samples)
    real_all = sorted(pair.all_real())
    median = statistics.median(real_all)
    p95 = real_all[min(len(real_all) - 1, round(0.95 * (len(real_all) - 1)))]
    slowdown = 1 / pair.ratio()
    rows = [
        Row(
            "PDF del acuse (acuse_generate) vs WeasyPrint solo, mismo HTML",
            f"{median * 1000:.0f} ms (p95 {p95 * 1000:.0f})",
            ms(statistics.median(pair.all_base())),
            slowdown,
            "≤ 40 ms, p95 ≤ 60; ≤ 1.1x",
            median <= 0.040 and p95 <= 0.060 and slowdown <= 1.1,
        )
    ]
    return rows + acuse_parts(ids, html, fonts, per_round, rounds)


def acuse_parts(ids, html, fonts, per_round: int, rounds: int) -> list[Row]:
    """acuse_generate's two halves, each against its own floor: the drawing (context, QR,
    template and WeasyPrint) against WeasyPrint alone on the same HTML, and the signature
    (oficialia.firma.sign_pdf: PAdES with the chain and its validation data in a DSS)
    against pyHanko's own sign_pdf as its documentation shows it, bare: the same key,
    certificate and chain in a SimpleSigner made once, a PAdES signature without
    validation data."""
    from django.conf import settings
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from weasyprint import HTML

    from correspondencia.models import Acuse
    from correspondencia.services import acuse_render_pdf
    from oficialia import firma

    acuses = list(
        Acuse.objects.filter(pk__in=ids).select_related("escrito__peticionario", "escrito__tramite")
    )
    pdfs = [acuse_render_pdf(a) for a in acuses]
    identity = firma.institution_identity()

    def asn1(cert):
        return firma._asn1_cert(cert)

    bare_signer = signers.SimpleSigner(
        signing_cert=asn1(identity.certificate),
        signing_key=firma._asn1_key(identity.private_key),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in identity.chain]),
    )
    turn = {"render": 0, "weasy": 0, "sign": 0, "pyhanko": 0}

    def nth(side: str, items: list):
        item = items[turn[side] % len(items)]
        turn[side] += 1
        return item

    def render() -> None:
        acuse_render_pdf(nth("render", acuses))

    def weasy() -> None:
        acuse = nth("weasy", acuses)
        HTML(string=html[acuse.pk], base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)

    def sign() -> None:
        firma.sign_pdf(nth("sign", pdfs), reason="Acuse de recibo", location="Ayuntamiento")

    def pyhanko() -> None:
        meta = signers.PdfSignatureMetadata(
            field_name=firma.FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason="Acuse de recibo",
            location="Ayuntamiento",
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(nth("pyhanko", pdfs)), strict=False)
        signers.sign_pdf(writer, meta, signer=bare_signer)

    if settings.TSA_URL:
        raise RuntimeError("la fila de la firma se mide sin TSA (OFICIALIA_TSA_URL vacío)")
    rows = []
    for name, real, base in (
        ("dibujo del acuse (acuse_render_pdf) vs WeasyPrint solo", render, weasy),
        ("firma del acuse (PAdES + DSS) vs pyHanko solo (PAdES), misma llave", sign, pyhanko),
    ):
        for _ in range(3):
            real()
            base()
        pair = alternate(real, base, per_round, rounds)
        slowdown = 1 / pair.ratio()
        rows.append(
            Row(
                name,
                ms(statistics.median(pair.all_real())),
                ms(statistics.median(pair.all_base())),
                slowdown,
                "≤ 1.1x",
                slowdown <= 1.1,
            )
        )
    return rows


# --- 4. escritos.csv ---------------------------------------------------------------------------


COPY_SQL = (
    "COPY (SELECT p.public_id, p.year, p.received_at, p.channel, p.turnos, p.tramite_id,"
    " p.state, p.due_date, p.answered_at, p.sense, p.business_days, p.within_term"
    " FROM transparencia_escritopublico p ORDER BY p.escrito_id)"
    " TO STDOUT WITH (FORMAT csv, HEADER)"
)


def bench_csv(port: int, rounds: int) -> list[Row]:
    from django.db import connection

    def download() -> tuple[float, float, int]:
        browser = Http(port)
        start = time.perf_counter()
        conn, response = browser.request("GET", "/transparencia/datos/escritos.csv", keep=False)
        if response.status != 200:
            raise RuntimeError(f"GET escritos.csv respondió {response.status}")
        first = None
        rows = 0
        while piece := response.read1(65536):
            if first is None:
                first = time.perf_counter() - start
            rows += piece.count(b"\n")
        conn.close()
        return first or 0.0, time.perf_counter() - start, rows - 1

    def copy() -> tuple[float, float, int]:
        rows = 0
        first = None
        with connection.cursor() as cursor:
            start = time.perf_counter()
            with cursor.cursor.copy(COPY_SQL) as stream:
                for data in stream:
                    if first is None:
                        first = time.perf_counter() - start
                    rows += bytes(data).count(b"\n")
            return first or 0.0, time.perf_counter() - start, rows - 1

    # The first download as beat's absence leaves it: the statistics more than
    # REFRESH_EVERY behind, so the download brings them up to date before its rows.
    from datetime import timedelta

    from django.utils import timezone

    from transparencia.models import Watermark

    Watermark.objects.update(refreshed_at=timezone.now() - timedelta(hours=1))
    behind, _, _ = download()
    if Watermark.objects.filter(refreshed_at__lt=timezone.now() - timedelta(minutes=1)):
        raise RuntimeError("escritos.csv no puso al día las estadísticas atrasadas")
    firsts, rates, floor_firsts, floor_rates, ratios = [], [], [], [], []
    for i in range(rounds):
        sides = [download, copy] if i % 2 == 0 else [copy, download]
        got = {}
        for fn in sides:
            got[fn] = fn()
        (f1, t1, n1), (f2, t2, n2) = got[download], got[copy]
        if n1 != n2:
            raise RuntimeError(f"escritos.csv trajo {n1} filas; COPY, {n2}")
        firsts.append(f1)
        floor_firsts.append(f2)
        rates.append(n1 / t1)
        floor_rates.append(n2 / t2)
        ratios.append((n1 / t1) / (n2 / t2))
    first, ratio = statistics.median(firsts), statistics.median(ratios)
    return [
        Row(
            f"escritos.csv, {n1:,} filas: primer byte (con estadísticas atrasadas)",
            f"{ms(first)} ({ms(behind)})",
            ms(statistics.median(floor_firsts)),
            None,
            "< 50 ms",
            first < 0.050 and behind < 0.050,
        ),
        Row(
            "escritos.csv: filas/s vs COPY",
            f"{statistics.median(rates):,.0f}/s",
            f"{statistics.median(floor_rates):,.0f}/s",
            ratio,
            "≥ 0.5x",
            ratio >= 0.5,
        ),
    ]


# --- 5. /transparencia/ --------------------------------------------------------------------


def bench_transparencia(port: int, per_round: int, rounds: int) -> list[Row]:
    from bench import floor

    browser = Http(port)
    status, _, html = browser.fetch("GET", "/transparencia/", keep=False)
    if status != 200:
        raise RuntimeError(f"GET /transparencia/ respondió {status}")
    static = f"{floor.STATIC_FLOOR_PATH}{len(html)}/"

    def get(path: str):
        def go() -> None:
            status, _, _ = browser.fetch("GET", path, keep=False)
            if status != 200:
                raise RuntimeError(f"GET {path} respondió {status}")

        return go

    for _ in range(3):
        get("/transparencia/")()
    pair = alternate(get("/transparencia/"), get(static), per_round, rounds)
    ratio = pair.ratio()
    return [
        Row(
            f"/transparencia/ tibia vs página estática de {len(html) // 1024} KB",
            ms(statistics.median(pair.all_real())),
            ms(statistics.median(pair.all_base())),
            ratio,
            "≥ 0.5x",
            ratio >= 0.5,
        )
    ]


# --- 6. the bandeja, in a child process on a database of its own ---------------------------


def bandeja_child(turnos: int, per_round: int, rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.bandeja import seed

    call_command("migrate", verbosity=0, interactive=False)
    seeded = seed(turnos, 0)
    from django.contrib.auth.models import Group

    from oficialia.segundo_factor import EXEMPT_GROUP

    # force_login knows no second factor: the titular signs in as the demo users do.
    seeded.titular.groups.add(Group.objects.get_or_create(name=EXEMPT_GROUP)[0])
    client = Client()
    client.force_login(seeded.titular)
    open_count = sum(seeded.mine[s] for s in ("pendiente", "aceptado", "en_atencion", "prevencion"))
    deep = min(DEEP_PAGE, max(2, -(-open_count // 25)))

    def html(url: str) -> str:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} respondió {response.status_code}")
        return response.content.decode()

    # The deep page as a desk reaches it: the "Siguiente" link of the page before it.
    before = html(f"/bandeja/?pagina={deep - 1}")
    link = re.search(r'href="(\?[^"]*)"[^>]*>Siguiente', before)
    if not link:
        raise RuntimeError(f"la página {deep - 1} no tiene enlace «Siguiente»")
    deep_url = "/bandeja/" + link.group(1).replace("&amp;", "&")
    if f"Página {deep} " not in html(deep_url):
        raise RuntimeError(f"{deep_url} no es la página {deep}")
    for _ in range(3):
        html("/bandeja/")
        html(deep_url)
    pair = alternate(lambda: html(deep_url), lambda: html("/bandeja/"), per_round, rounds)
    print(
        json.dumps(
            {
                "deep": deep,
                "open": open_count,
                "turnos": turnos,
                "deep_ms": statistics.median(pair.all_real()) * 1000,
                "first_ms": statistics.median(pair.all_base()) * 1000,
                "slowdown": 1 / pair.ratio(),
                "url": deep_url,
            }
        ),
        flush=True,
    )


def bench_bandeja(database_url: str, turnos: int, per_round: int, rounds: int) -> list[Row]:
    bandeja_url = database_url + "_bandeja"
    recreate_database(bandeja_url)
    try:
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--bandeja-child",
                "--turnos",
                str(turnos),
                "--requests",
                str(per_round),
                "--rounds",
                str(rounds),
            ],
            env={**os.environ, "DATABASE_URL": bandeja_url},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        drop_database(bandeja_url)
    if result.returncode != 0:
        raise RuntimeError(f"el proceso de la bandeja falló:\n{result.stderr[-2000:]}")
    got = json.loads(result.stdout.strip().splitlines()[-1])
    return [
        Row(
            f"bandeja, página {got['deep']} de {got['open']:,} abiertos vs página 1",
            f"{got['deep_ms']:.1f} ms",
            f"{got['first_ms']:.1f} ms",
            got["slowdown"],
            "≤ 2x (plana)",
            got["slowdown"] <= 2,
        )
    ]


# --- report ----------------------------------------------------------------------------------


def print_table(rows: list[Row], context: str, elapsed: float, rounds: int) -> None:
    header = ("medida", "cifra", "piso", "razón", "meta", "veredicto")
    lines = []
    for r in rows:
        if r.error:
            lines.append((r.measure, "FALLA", "—", "—", "—", r.error[:160]))
            continue
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}x"
        lines.append((r.measure, r.figure, r.floor, ratio, r.goal, "cumple" if r.met else "no"))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    widths[-1] = len(header[-1])

    def fmt(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    print()
    print("Oficialía de Partes · rápido donde la gente espera (issue 18)")
    print(context)
    print()
    print(fmt(header))
    print("─" * (sum(widths) + 2 * (len(widths) - 1) + 8))
    for line in lines:
        print(fmt(line))
    print()
    print(
        "cifra y piso: medianas por petición. razón: mediana de las rondas de piso/cifra (más"
        " alta, mejor);"
    )
    print("en el acuse, su dibujo, su firma y la bandeja es cifra/piso (más baja, mejor).")
    print(f"{rounds} rondas alternadas por fila; {elapsed:.0f} s en total.")




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--escritos", type=int, default=1_000_000, help="para el CSV (1 000 000)")
    parser.add_argument("--turnos", type=int, default=1_000_000, help="de la bandeja (1 000 000)")
    parser.add_argument("--requests", type=int, default=30, help="peticiones por ronda (30)")
    parser.add_argument("--rounds", type=int, default=3, help="rondas alternadas (3)")
    parser.add_argument("--keep-db", action="store_true", help="no borrar la base al final")
    parser.add_argument(
        "--solo",
        type=lambda v: {x.strip() for x in v.split(",") if x.strip()},
        default=set(ROWS),
        help=f"solo estas filas, separadas por comas ({', '.join(ROWS)})",
    )
    parser.add_argument("--bandeja-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.escritos, args.turnos, args.requests, args.rounds) < 1:
        parser.error("todas las cantidades deben ser al menos 1")
    if unknown := args.solo - set(ROWS):
        parser.error(f"filas desconocidas: {', '.join(sorted(unknown))}")

    media_root = tempfile.mkdtemp(prefix="oficialia-bench-media-")
    if args.bandeja_child:
        common.configure_environment(media_root, DEFAULT_DATABASE_URL)
        try:
            bandeja_child(args.turnos, args.requests, args.rounds)
        finally:
            shutil.rmtree(media_root, ignore_errors=True)
        return 0

    started = time.perf_counter()
    database_url = common.configure_environment(media_root, DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    common.use_redis(redis_url)
    os.environ["OFICIALIA_RATE_CONSULTA"] = "1000000/m"
    os.environ["OFICIALIA_RATE_CONSULTA_HORA"] = "1000000/h"
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ["DJANGO_ALLOWED_HOSTS"] = hosts
    redis = common.redis_client(redis_url)
    redis.flushdb()
    gunicorn = None
    rows: list[Row] = []
    n, k = args.requests, args.rounds
    try:
        pg_version = recreate_database(database_url)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"sembrando {args.escritos:,} escritos…")
        folio, code = seed_escritos(args.escritos)
        port = int(os.environ.get("BENCH_PORT") or free_port())
        gunicorn = start_gunicorn(port)
        log(f"gunicorn con 2 workers en el puerto {port}; midiendo…")
        solo = args.solo
        if "recepcion" in solo:
            rows += guarded("recepción", lambda: bench_filing(port, n, k))
        elif "acuse" in solo:
            rows += guarded("recepción", lambda: file_escritos(port, ACUSE_SAMPLE) or [])
        if "consulta" in solo:
            rows += guarded("/consulta/", lambda: bench_consulta(port, folio, code, 3 * n, k))
        if "acuse" in solo:
            rows += guarded("acuse", lambda: bench_acuse(n, k))
        if "csv" in solo:
            rows += guarded("escritos.csv", lambda: bench_csv(port, k))
        if "transparencia" in solo:
            rows += guarded("/transparencia/", lambda: bench_transparencia(port, 3 * n, k))
        if "bandeja" in solo:
            log(f"sembrando la bandeja ({args.turnos:,} turnos)…")
            rows += guarded("bandeja", lambda: bench_bandeja(database_url, args.turnos, n, k))
        from django.db import connections

        connections.close_all()
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        redis.flushdb()
        shutil.rmtree(media_root, ignore_errors=True)
    if not args.keep_db:
        drop_database(database_url)
    import weasyprint

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    context = (
        f"PostgreSQL {pg_version} ({common.database_name(database_url)}) · gunicorn, 2 workers"
        f" sync · Python {platform.python_version()} · WeasyPrint {weasyprint.__version__} ·"
        f" {os.cpu_count()} CPU · carga {load} · {args.escritos:,} escritos,"
        f" {args.turnos:,} turnos"
    )
    print_table(rows, context, time.perf_counter() - started, k)
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
