"""The fault test: Redis (broker and cache) stopped in the middle of the traffic. Every
answer is 2xx, 3xx or 4xx; after Redis comes back every escrito has its one acuse."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Acuse, Escrito
from correspondencia.services.acuses import acuses_relay
from tests.conftest import celery_broker, wait_for
from tests.factories import UserFactory, escrito_form_data

from .test_degradar import _redis_caches

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

PAGES = [
    "/",
    "/tramites/",
    "/escritos/nuevo/",
    "/consulta/",
    "/quejas/nueva/",
    "/fila/",
    "/transparencia/",
    "/healthz",
]
STAFF_PAGES = ["/oficialia/", "/notificaciones/"]


def _traffic(public: Client, staff: Client, statuses: list[tuple[str, int]], filings: int):
    for _ in range(filings):
        response = public.post(reverse("escrito_nuevo"), escrito_form_data())
        statuses.append(("POST /escritos/nuevo/", response.status_code))
    response = public.post(reverse("consulta"), {"folio": "OP-2026-000001", "codigo": "X"})
    statuses.append(("POST /consulta/", response.status_code))
    for path in PAGES:
        statuses.append((path, public.get(path).status_code))
    for path in STAFF_PAGES:
        statuses.append((path, staff.get(path).status_code))


def test_redis_stopped_mid_traffic_fails_nothing_and_loses_no_acuse(
    redis_server_factory, celery_worker_factory, settings
):
    redis = redis_server_factory().start()
    original_caches = settings.CACHES
    settings.REDIS_URL = redis.url
    settings.CACHES = _redis_caches(redis.url.replace("/0", "/1"), "base")
    settings.RATE_FILING = "1000/h"
    public, staff = Client(), Client()
    staff.force_login(UserFactory(username="tomas.turnador", roles=["oficialia"]))
    statuses: list[tuple[str, int]] = []
    try:
        with celery_broker(redis.url):
            celery_worker_factory(redis.url)
            _traffic(public, staff, statuses, filings=4)
            redis.stop()
            _traffic(public, staff, statuses, filings=4)
            redis.start()  # empty: what was waiting in it is gone, as after a crash
            _traffic(public, staff, statuses, filings=2)
            # What beat's relay does every OUTBOX_RELAY_SECONDS, once the requeue wait passed.
            later = timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS + 1)
            acuses_relay(now=later)
            wait_for(
                lambda: not Acuse.objects.filter(generated_at__isnull=True).exists(),
                timeout=120,
                message="some acuses were never made after Redis came back",
            )
    finally:
        settings.CACHES = original_caches

    failed = [(what, status) for what, status in statuses if status >= 500]
    assert not failed, failed
    assert Escrito.objects.count() == 10
    for escrito in Escrito.objects.all():
        acuse = Acuse.objects.get(escrito=escrito)  # one, not two
        assert acuse.generated_at is not None
    # One PDF per escrito: a redelivered or requeued task did not make a second one.
    pdfs = list((Path(settings.MEDIA_ROOT) / "acuses").rglob("*.pdf"))
    assert len(pdfs) == 10


def test_a_worker_killed_mid_task_has_its_acuse_made_again_once(
    redis_server_factory, celery_worker_factory, settings
):
    """SIGKILL while the acuse is being drawn: the message stays unacknowledged in Redis (it
    would come back only after the visibility timeout); the relay queues the acuse again
    once OUTBOX_REQUEUE_SECONDS have passed, and a new worker makes it, once."""
    import signal

    redis = redis_server_factory().start()
    with celery_broker(redis.url):
        doomed = celery_worker_factory(redis.url)
        response = Client().post(reverse("escrito_nuevo"), escrito_form_data())
        assert response.status_code == 302
        wait_for(
            lambda: "generate_acuse" in doomed.log.read_text(),
            timeout=30,
            message="the worker never received the acuse",
        )
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(timeout=10)
        acuse = Acuse.objects.get()
        killed_before_done = acuse.generated_at is None

        later = timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS + 1)
        queued = acuses_relay(now=later)
        assert queued == (1 if killed_before_done else 0)
        # The new worker starts after the relay ran: one that made the acuse between the
        # relay's reads would have it queue the acuse's email too.
        celery_worker_factory(redis.url)
        wait_for(
            lambda: Acuse.objects.filter(generated_at__isnull=False).exists(),
            timeout=60,
            message="the acuse was not made again",
        )
    pdfs = list((Path(settings.MEDIA_ROOT) / "acuses").rglob("*.pdf"))
    assert len(pdfs) == 1
    # Redone within two minutes of the kill, at the latest: requeue wait + one relay run.
    assert settings.OUTBOX_REQUEUE_SECONDS + settings.OUTBOX_RELAY_SECONDS <= 120
