"""The folio under real concurrency, on PostgreSQL: distinct, consecutive, no gaps."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, IntegrityError, connection
from django.test import Client
from django.urls import reverse

from correspondencia.models import Escrito
from oficialia import bitacora
from oficialia.models import FolioCounter
from tests.factories import escrito_form_data, file_escrito

pytestmark = pytest.mark.django_db(transaction=True)

MEXICO = ZoneInfo("America/Mexico_City")


def run_in_threads(count: int, work):
    """Run `work(i)` in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def job(i):
        barrier.wait()
        try:
            return work(i)
        except Exception as exc:  # collected, asserted by the caller
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(job, range(count)))


def test_fifty_parallel_filings_get_fifty_consecutive_folios(postgres):
    results = run_in_threads(50, lambda i: file_escrito(asunto=f"Escrito {i}").escrito.folio)
    assert not [r for r in results if isinstance(r, Exception)], results
    year = datetime.now(MEXICO).year
    assert sorted(results) == [f"OP-{year}-{n:06d}" for n in range(1, 51)]
    assert FolioCounter.objects.get(series="OP", year=year).last_number == 50


def test_filings_that_fail_midway_leave_no_gap(postgres):
    def work(i):
        # Every fourth filing carries a subject longer than its column: PostgreSQL refuses
        # the INSERT after the folio was taken, inside the same transaction.
        asunto = "x" * 300 if i % 4 == 0 else f"Escrito {i}"
        return file_escrito(asunto=asunto).escrito.number

    results = run_in_threads(40, work)
    failures = [r for r in results if isinstance(r, Exception)]
    numbers = sorted(r for r in results if not isinstance(r, Exception))
    assert len(failures) == 10
    assert all(isinstance(f, DataError) for f in failures)
    assert numbers == list(range(1, 31))
    assert Escrito.objects.count() == 30


@pytest.fixture
def fails_at_commit(postgres):
    """A deferred constraint trigger that refuses, at COMMIT, any escrito whose subject starts
    with FALLA: a failure after the folio, the bitácora entry and every other row of the
    filing were written, the latest a filing can fail."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_falla() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN IF NEW.asunto LIKE 'FALLA%' THEN"
            " RAISE EXCEPTION 'refused at commit' USING ERRCODE = 'integrity_constraint_violation';"
            " END IF; RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE CONSTRAINT TRIGGER test_refuse_falla AFTER INSERT ON correspondencia_escrito"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_falla()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_refuse_falla ON correspondencia_escrito")
        cursor.execute("DROP FUNCTION test_refuse_falla()")


def test_fifty_parallel_filings_failing_midway_and_at_commit_leave_no_gap(fails_at_commit):
    def work(i):
        # One in five fails on its INSERT (a subject longer than its column), one in five at
        # COMMIT (the trigger above): both after the folio was taken.
        asunto = {0: "x" * 300, 1: f"FALLA {i}"}.get(i % 5, f"Escrito {i}")
        return file_escrito(asunto=asunto).escrito.number

    results = run_in_threads(50, work)
    failures = [r for r in results if isinstance(r, Exception)]
    numbers = sorted(r for r in results if not isinstance(r, Exception))
    assert len(failures) == 20
    assert sum(isinstance(f, DataError) for f in failures) == 10
    assert sum(isinstance(f, IntegrityError) for f in failures) == 10
    assert numbers == list(range(1, 31))
    assert Escrito.objects.count() == 30
    year = datetime.now(MEXICO).year
    assert FolioCounter.objects.get(series="OP", year=year).last_number == 30
    assert sorted(Escrito.objects.values_list("folio", flat=True)) == [
        f"OP-{year}-{n:06d}" for n in range(1, 31)
    ]
    assert bitacora.verify().ok


def test_the_same_post_sent_ten_times_at_once_makes_one_escrito(postgres):
    data = escrito_form_data()

    def post(_):
        response = Client().post(reverse("escrito_nuevo"), data)
        return response.status_code, response["Location"]

    results = run_in_threads(10, post)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Escrito.objects.count() == 1
    escrito = Escrito.objects.get()
    expected = reverse("escrito_recibido", args=[escrito.submission_token])
    assert results == [(302, expected)] * 10
    assert FolioCounter.objects.get().last_number == 1
    page = Client().get(expected)
    assert escrito.folio in page.content.decode()


def test_the_series_restarts_each_year_in_mexico_city_time(db):
    last_of_2025 = datetime(2025, 12, 31, 23, 59, tzinfo=MEXICO)  # already 2026 in UTC
    first_of_2026 = datetime(2026, 1, 1, 0, 1, tzinfo=MEXICO)
    a = file_escrito(received_at=last_of_2025).escrito
    b = file_escrito(received_at=last_of_2025).escrito
    c = file_escrito(received_at=first_of_2026).escrito
    assert [a.folio, b.folio, c.folio] == ["OP-2025-000001", "OP-2025-000002", "OP-2026-000001"]
