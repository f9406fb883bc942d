"""Throughput of filing an escrito and of making its acuse, each next to a floor.

    .venv/bin/python bench/filing.py [--filings N] [--pdfs N] [--rounds N] [--keep-db]

Shared machines are noisy, so every figure is printed next to a floor measured in the same
run, in interleaved rounds; the ratio is what to compare between runs. See bench/README.md.

Needs PostgreSQL (default postgres://postgres@127.0.0.1:5432/oficialia_bench, dropped and
created again at every run) and Redis (default redis://127.0.0.1:6379/13, emptied before
and after). DATABASE_URL and BENCH_REDIS_URL change them.
"""

import argparse
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# Run as `python bench/filing.py`: the project root first, so bench.common imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import ROOT, drop_database, fail, recreate_database

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
FILING_PATH = "/escritos/nuevo/"
WARMUP_FILINGS = 10
WARMUP_PDFS = 3


# --- environment, before Django reads its settings ------------------------------------------


def configure_environment(media_root: str) -> tuple[str, str]:
    """Set what config.settings reads. Returns (database URL, Redis URL)."""
    database_url = common.configure_environment(media_root)
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    common.use_redis(redis_url)
    return database_url, redis_url


# --- measurement helpers ---------------------------------------------------------------------


@dataclass
class Series:
    """Work done and time spent, per round."""

    counts: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, count: int, seconds: float) -> None:
        self.counts.append(count)
        self.seconds.append(seconds)

    @property
    def rate(self) -> float:
        return sum(self.counts) / sum(self.seconds)

    def round_rates(self) -> list[float]:
        return [c / s for c, s in zip(self.counts, self.seconds, strict=True)]


def timed(fn, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return time.perf_counter() - start


def split(total: int, rounds: int) -> list[int]:
    base, extra = divmod(total, rounds)
    return [base + (1 if i < extra else 0) for i in range(rounds)]


def interleave(real, floor, total: int, rounds: int) -> tuple[Series, Series]:
    """Run `real` and `floor` in alternating rounds (ABBA...), so drift in the machine's
    load falls on both alike."""
    measured, base = Series(), Series()
    for i, count in enumerate(split(total, rounds)):
        if count == 0:
            continue
        pair = [(real, measured), (floor, base)]
        for fn, series in pair if i % 2 == 0 else reversed(pair):
            series.add(count, fn(count))
    return measured, base


# --- 1. filings through the real view ------------------------------------------------------


def small_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": "Escrito de prueba del benchmark"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def form_payload(pdf: bytes) -> dict:
    """What a citizen sends from the online form: a fresh token and one PDF every time."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
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
        "adjuntos": SimpleUploadedFile("escrito.pdf", pdf, content_type="application/pdf"),
    }


def form_errors(pdf: bytes) -> str:
    """Why the form rejects the payload (the test client keeps no context outside tests)."""
    from django.utils.datastructures import MultiValueDict

    from correspondencia.forms import EscritoForm

    data = form_payload(pdf)
    files = MultiValueDict({"adjuntos": [data.pop("adjuntos")]})
    form = EscritoForm(data, files)
    return "" if form.is_valid() else f"; errores del formulario: {form.errors.as_json()}"


def make_poster(client, path: str, pdf: bytes, expect_prefix: str):
    def post() -> None:
        response = client.post(path, form_payload(pdf))
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith(expect_prefix):
            fail(
                f"POST {path} respondió {response.status_code} {location!r}"
                f"{form_errors(pdf) if path == FILING_PATH else ''}"
            )

    return lambda count: timed(post, count)


def bench_filings(count: int, rounds: int, redis) -> tuple[Series, Series]:
    from django.test import Client

    from bench import floor
    from correspondencia.models import Acuse, Escrito

    floor.create_table()
    pdf = small_pdf()
    client = Client()
    real = make_poster(client, FILING_PATH, pdf, "/escritos/recibido/")
    base = make_poster(client, floor.FLOOR_PATH, pdf, "/")

    real(WARMUP_FILINGS)
    base(WARMUP_FILINGS)
    measured, baseline = interleave(real, base, count, rounds)

    # The filing path must only have queued the acuses, never made them.
    filed = WARMUP_FILINGS + count
    if Escrito.objects.count() != filed or floor.row_count() != filed:
        fail("el número de filas guardadas no coincide con el de POST enviados")
    if Acuse.objects.filter(generated_at__isnull=False).exists():
        fail("se generó un acuse durante la medición de escritos: las tareas corren en el proceso")
    queued = redis.llen("celery")
    if queued != filed:
        fail(f"{filed} escritos pero {queued} tareas en la cola del broker")
    return measured, baseline


# --- 2. acuse PDFs in the worker ------------------------------------------------------------


@dataclass
class Failure:
    """The measured side could not run: what failed, and where in the product."""

    error: str
    where: str


def product_frame(exc: BaseException) -> str:
    """The innermost frame of the traceback that is project code (not the venv, not bench)."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv"):
            relative = path.relative_to(ROOT)
            if relative.parts[0] != "bench":
                where = f"{relative}:{frame.lineno}"
    return where


def bench_pdfs(count: int, rounds: int) -> tuple[Series | Failure, Series]:
    from weasyprint import HTML

    from correspondencia.models import Acuse
    from correspondencia.services import acuse_generate

    ids = list(Acuse.objects.order_by("pk").values_list("pk", flat=True))
    cursor = 0

    def take(n: int) -> list[int]:
        nonlocal cursor
        chosen = [ids[(cursor + i) % len(ids)] for i in range(n)]
        cursor += n
        # Pending again (untimed), in case an earlier round made them already.
        Acuse.objects.filter(pk__in=chosen).update(generated_at=None, pdf="", pdf_sha256="")
        return chosen

    def real(n: int) -> float:
        chosen = take(n)
        start = time.perf_counter()
        for acuse_id in chosen:
            acuse = acuse_generate(acuse_id=acuse_id)
            if not acuse.is_ready:
                fail(f"el acuse {acuse_id} no se generó")
        return time.perf_counter() - start

    def floor(n: int) -> float:
        return timed(lambda: HTML(string="<p>x</p>").write_pdf(), n)

    floor(WARMUP_PDFS)
    try:
        real(WARMUP_PDFS)
    except Exception as exc:
        # Still measure the floor, and say what broke instead of a bare traceback.
        failure = Failure(f"{type(exc).__name__}: {exc}".strip(), product_frame(exc))
        base = Series()
        for n in split(count, rounds):
            base.add(n, floor(n))
        return failure, base
    return interleave(real, floor, count, rounds)


# --- report ---------------------------------------------------------------------------------

LABEL = 36


def report_row(label: str, measured: Series | Failure, floor: Series) -> list[str]:
    count = sum(floor.counts)
    if isinstance(measured, Failure):
        return [
            f"{label:<{LABEL}} {count:>5} {'FALLA':>9} {floor.rate:>9.1f} {'—':>7} {'—':>8}",
            f"{'':<{LABEL}} {measured.error[:100]}",
            f"{'':<{LABEL}} en {measured.where or '?'}",
        ]
    # Each round runs both sides back to back, so its ratio saw one load: the median of the
    # rounds' ratios shrugs off a neighbour's burst that a ratio of totals would absorb.
    per_round = [m / f for m, f in zip(measured.round_rates(), floor.round_rates(), strict=True)]
    ratio = statistics.median(per_round)
    spread = "—"
    if (quarts := common.quartiles(per_round)) is not None:
        spread = f"{quarts[0]:.3f} a {quarts[1]:.3f}"
    return [
        f"{label:<{LABEL}} {count:>5} {measured.rate:>9.1f} {floor.rate:>9.1f}"
        f" {ratio:>7.3f} {1 / ratio:>7.1f}x  {spread}"
    ]


def print_report(rows: list[list[str]], context: str, rounds: int, elapsed: float) -> None:
    header = (
        f"{'':<{LABEL}} {'n':>5} {'medida/s':>9} {'piso/s':>9} {'razón':>7} {'lentitud':>8}"
        "  razón p25 a p75"
    )
    print()
    print("Oficialía de Partes · benchmark de recepción")
    print(context)
    print()
    print(header)
    print("─" * len(header))
    for row in rows:
        print("\n".join(row))
    print("─" * len(header))
    print("razón = medida/piso, mediana de las rondas (más alta, mejor); lentitud = 1/razón.")
    print("Piso de escritos: el mismo POST a una vista que solo guarda una fila.")
    print("Piso de acuses: WeasyPrint con HTML(string='<p>x</p>').write_pdf().")
    print(f"{rounds} rondas alternadas por cifra; {elapsed:.0f} s en total.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=500, help="escritos medidos (500)")
    parser.add_argument("--pdfs", type=int, default=100, help="acuses PDF medidos (100)")
    parser.add_argument("--rounds", type=int, default=20, help="rondas alternadas (20)")
    parser.add_argument("--keep-db", action="store_true", help="no borrar la base al final")
    args = parser.parse_args()
    if args.filings < 1 or args.pdfs < 1 or args.rounds < 1:
        parser.error("--filings, --pdfs y --rounds deben ser al menos 1")

    started = time.perf_counter()
    media_root = tempfile.mkdtemp(prefix="oficialia-bench-media-")
    try:
        database_url, redis_url = configure_environment(media_root)
        redis = common.redis_client(redis_url)
    except SystemExit:
        shutil.rmtree(media_root, ignore_errors=True)
        raise
    redis.flushdb()
    try:
        pg_version = recreate_database(database_url)
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        filings, filings_floor = bench_filings(args.filings, min(args.rounds, args.filings), redis)
        pdfs, pdfs_floor = bench_pdfs(args.pdfs, min(args.rounds, args.pdfs))
        connections.close_all()
    finally:
        redis.flushdb()
        shutil.rmtree(media_root, ignore_errors=True)
    if not args.keep_db:
        drop_database(database_url)

    import weasyprint

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    context = (
        f"PostgreSQL {pg_version} ({common.database_name(database_url)}) · Redis "
        f"{redis_url} · Python {platform.python_version()} · WeasyPrint "
        f"{weasyprint.__version__} · {os.cpu_count()} CPU · carga {load}"
    )
    rows = [
        report_row("Escritos por POST /escritos/nuevo/", filings, filings_floor),
        report_row("Acuses PDF (acuse_generate)", pdfs, pdfs_floor),
    ]
    print_report(rows, context, args.rounds, time.perf_counter() - started)
    return 1 if isinstance(pdfs, Failure) else 0


if __name__ == "__main__":
    sys.exit(main())
