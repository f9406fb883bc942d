"""The consumer of the Transicion log: incremental, idempotent, single-writer, never losing a
row that commits late, and never in the way of a filing."""

import io
import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from correspondencia.models import Transicion
from tests.factories import file_escrito
from transparencia import services
from transparencia.models import ALL_SCOPE, EscritoPublico, SummaryCell, Watermark

from .conftest import local

pytestmark = pytest.mark.django_db


def received(year: int) -> int:
    """Escritos of `year` for all secretarías, as the counters have them."""
    return sum(
        SummaryCell.objects.filter(year=year, scope=ALL_SCOPE, metric="mes").values_list(
            "n", flat=True
        )
    )


def counters() -> dict:
    return {
        (c.year, c.scope, c.metric, c.month, c.key): c.n for c in SummaryCell.objects.exclude(n=0)
    }


def test_a_new_escrito_counts_after_the_next_run():
    year = timezone.localdate().year
    file_escrito(queue_acuse=False)
    assert services.statistics_refresh().rows == 1
    assert received(year) == 1
    file_escrito(queue_acuse=False)
    assert received(year) == 1  # not until the consumer reads it
    services.statistics_refresh()
    assert received(year) == 2
    assert EscritoPublico.objects.count() == 2


def test_reading_the_whole_log_again_changes_no_counter(life, obras):
    e = life.live(local(2025, 3, 3), obras, genero="mujer", answered=local(2025, 3, 5, 12), score=4)
    life.live(local(2025, 3, 4), obras, genero="hombre")
    services.statistics_refresh()
    before, generation = counters(), Watermark.objects.get().generation
    Watermark.objects.update(last_id=0)
    result = services.statistics_refresh()
    assert result.rows == Transicion.objects.count()
    assert result.cells == 0
    assert counters() == before
    assert Watermark.objects.get().generation == generation  # the page's cache stays warm
    assert EscritoPublico.objects.get(pk=e.pk).score == 4


def test_an_answer_moves_a_turno_from_pending_to_answered(life, obras):
    escrito = life.receive(local(2025, 3, 3), genero="mujer")
    (turno,) = life.turn(escrito, local(2025, 3, 3, 11), obras)
    services.statistics_refresh()
    pending = SummaryCell.objects.filter(year=2025, scope=obras.pk, metric="pendiente")
    assert {c.key: c.n for c in pending} == {"2025-03-18": 1}
    life.accept(turno, local(2025, 3, 4))
    life.answer(turno, local(2025, 3, 5, 12), "positiva")
    services.statistics_refresh()
    assert {c.key: c.n for c in pending.all()} == {"2025-03-18": 0}
    answered = SummaryCell.objects.filter(year=2025, scope=obras.pk, metric__in=["sentido", "dias"])
    assert {(c.metric, c.key): c.n for c in answered} == {
        ("sentido", "positiva"): 1,
        ("dias", "2"): 1,
    }


def test_a_row_that_commits_below_the_watermark_is_still_read():
    """Ids come from a sequence: a transaction can take id 7, another take 8 and commit
    first. The consumer then sees 8 and must come back for 7."""
    year = timezone.localdate().year
    first = file_escrito(queue_acuse=False).escrito
    # The log starts here (the test database's sequence does not start at 1).
    Watermark.objects.create(
        name=services.WATERMARK_NAME,
        last_id=Transicion.objects.get(escrito=first).pk - 1,
        version=services.FIGURES_VERSION,
    )
    services.statistics_refresh()
    late = file_escrito(queue_acuse=False).escrito
    row = Transicion.objects.get(escrito=late)
    # Its row moves five ids up: the ids in between are what other transactions hold.
    Transicion.objects.filter(pk=row.pk).update(id=row.pk + 5)
    services.statistics_refresh()
    mark = Watermark.objects.get()
    assert mark.last_id == row.pk + 5
    assert [g for g, _ in mark.gaps] == list(range(row.pk, row.pk + 5))
    assert received(year) == 2
    # A transaction that held one of those ids commits now, below the watermark. (Its id is
    # set by hand: PostgreSQL's sequence would hand out a gap id, SQLite never would, since it
    # serialises writers, but the consumer must read such a row wherever it comes from.)
    third = file_escrito(queue_acuse=False).escrito
    Transicion.objects.filter(escrito=third).update(id=row.pk + 1)
    services.statistics_refresh()
    assert received(year) == 3
    assert len(Watermark.objects.get().gaps) == 4


def test_gaps_are_forgotten_after_the_longest_transaction(settings):
    file_escrito(queue_acuse=False)
    row = Transicion.objects.get()
    Transicion.objects.filter(pk=row.pk).update(id=row.pk + 3)
    Watermark.objects.create(
        name=services.WATERMARK_NAME, last_id=row.pk - 1, version=services.FIGURES_VERSION
    )
    services.statistics_refresh()
    assert len(Watermark.objects.get().gaps) == 3
    with time_machine.travel(timezone.now() + services.GAP_TIMEOUT + timedelta(seconds=1)):
        services.statistics_refresh()
    assert Watermark.objects.get().gaps == []


@pytest.mark.postgres("a row lock taken with SKIP LOCKED; SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_a_second_consumer_does_not_wait_for_the_first():
    """Beat and a page request may run together: the second one returns at once and the
    page shows the figures it has."""
    file_escrito(queue_acuse=False)
    services.watermark()
    locked, release = threading.Event(), threading.Event()

    def first_consumer():
        with transaction.atomic():
            Watermark.objects.select_for_update().get()
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=first_consumer)
    thread.start()
    try:
        assert locked.wait(10)
        assert services.statistics_refresh() == services.RefreshResult(ran=False)
        mark = services.statistics_catch_up()  # what a page does: no waiting either
        assert mark.last_id == 0
    finally:
        release.set()
        thread.join()
    assert services.statistics_refresh().rows == 1


def test_filing_does_not_touch_the_statistics():
    """The statistics add nothing to the filing's transaction (the design in models.py)."""
    with CaptureQueriesContext(connection) as filing:
        file_escrito(queue_acuse=False)
    assert not [q["sql"] for q in filing.captured_queries if "transparencia_" in q["sql"]]


def page_total(client) -> int:
    """The escritos received, as the page's first figure shows them (a page served from the
    cache has no template context to read)."""
    html = client.get("/transparencia/").content.decode()
    return int(re.search(r'kpi__value">([\d,\s]+)<', html).group(1).replace(",", "").strip())


def test_the_page_catches_up_when_the_consumer_has_not_run_for_30_seconds(client):
    year = timezone.localdate().year
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        file_escrito(queue_acuse=False)
        assert page_total(client) == 1
        file_escrito(queue_acuse=False)
        # Consumed 0 s ago: the page shows what it has (at most 30 s behind).
        assert page_total(client) == 1
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert page_total(client) == 2
    assert received(year) == 2


def test_a_page_request_reads_at_most_a_bounded_batch(monkeypatch):
    monkeypatch.setattr(services, "REQUEST_MAX_ROWS", 2)
    monkeypatch.setattr(services, "BATCH_ROWS", 1)
    for _ in range(3):
        file_escrito(queue_acuse=False)
    services.statistics_catch_up()
    assert Watermark.objects.get().last_id == Transicion.objects.order_by("pk")[1].pk
    assert services.statistics_refresh().rows == 1


def test_new_figures_rebuild_every_counter_but_not_in_a_request(monkeypatch):
    file_escrito(queue_acuse=False)
    services.statistics_refresh()
    before = counters()
    SummaryCell.objects.update(n=99)  # counters made by "another version"
    monkeypatch.setattr(services, "FIGURES_VERSION", services.FIGURES_VERSION + 1)
    services.statistics_catch_up()
    assert set(counters().values()) == {99}  # a request does not rebuild
    result = services.statistics_refresh()  # beat does
    assert result.rows == 1
    assert counters() == before
    assert Watermark.objects.get().version == services.FIGURES_VERSION


def test_the_rebuild_command_computes_everything_again(life, obras):
    from django.core.management import call_command

    life.live(local(2025, 3, 3), obras, genero="mujer", answered=local(2025, 3, 5, 12))
    services.statistics_refresh()
    before = counters()
    SummaryCell.objects.all().delete()
    call_command("reconstruir_estadisticas", stdout=io.StringIO())
    assert counters() == before
