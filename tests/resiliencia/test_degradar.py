"""Degrade, never fail: with Redis stopped the pages answer and the limits still count (or
fail open, by a setting); /healthz says what is down; staff notices wait in the outbox."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oficialia import salud
from oficialia.avisos import notifications_relay, staff_notify
from oficialia.models import Latido, Notificacion
from tests.factories import UserFactory


def _redis_caches(url: str, policy: str) -> dict:
    return {
        "respaldo": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "oficialia_cache_respaldo",
        },
        "abierta": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
        "default": {
            "BACKEND": "oficialia.cache.FailoverCache",
            "OPTIONS": {
                "PRIMARY": "redis",
                "FALLBACK": "respaldo" if policy == "base" else "abierta",
            },
        },
    }


@pytest.fixture
def use_caches(db, settings):
    """Point the caches somewhere for one test, and put them back before the database goes
    (the autouse fixture clears the cache after every test)."""
    original = settings.CACHES

    def use(url: str, policy: str = "base") -> None:
        settings.REDIS_URL = url
        settings.CACHES = _redis_caches(url, policy)

    yield use
    settings.CACHES = original


@pytest.fixture
def stopped_redis(redis_server_factory):
    server = redis_server_factory().start()
    server.stop()
    return server


def _consultas(client: Client, n: int) -> list[int]:
    return [
        client.post(reverse("consulta"), {"folio": "OP-2026-000001", "codigo": "X"}).status_code
        for _ in range(n)
    ]


def test_with_redis_down_the_limits_go_on_counting_in_the_database(
    stopped_redis, settings, use_caches, caplog
):
    use_caches(stopped_redis.url, "base")
    settings.RATE_CONSULTA = "3/m"
    with caplog.at_level(logging.WARNING, logger="oficialia.cache"):
        statuses = _consultas(Client(), 5)
    assert statuses == [200, 200, 200, 429, 429]
    assert "unreachable" in caplog.text and "respaldo" in caplog.text


def test_with_redis_down_and_abrir_the_limits_fail_open_with_a_log_line(
    stopped_redis, settings, use_caches, caplog
):
    use_caches(stopped_redis.url, "abrir")
    settings.RATE_CONSULTA = "3/m"
    with caplog.at_level(logging.WARNING, logger="oficialia.cache"):
        statuses = _consultas(Client(), 5)
    assert statuses == [200] * 5
    assert "abierta" in caplog.text


def test_with_redis_up_the_counters_are_in_redis(redis_server_factory, settings, use_caches):
    server = redis_server_factory().start()
    use_caches(server.url, "base")
    settings.RATE_CONSULTA = "3/m"
    assert _consultas(Client(), 4) == [200, 200, 200, 429]
    import redis

    assert redis.Redis.from_url(server.url).dbsize() > 0  # the counters are there
    assert caches["respaldo"].get_many(["x"]) == {}


def test_alive_asks_nothing_and_ready_reports_every_dependency(client, db, settings):
    assert client.get(reverse("salud_vivo")).json() == {"estado": "ok", "vivo": True}
    body = client.get(reverse("healthz")).json()
    assert body["listo"] is True and body["estado"] == "ok"
    deps = body["dependencias"]
    assert deps["base_de_datos"]["estado"] == "ok"
    for name in ("redis", "broker", "almacen_de_objetos", "worker", "beat"):
        assert deps[name]["estado"] == "sin configurar"


def test_ready_is_degraded_not_down_when_redis_and_the_worker_are_gone(
    client, use_caches, settings, stopped_redis
):
    use_caches(stopped_redis.url, "base")
    settings.CELERY_BROKER_URL = stopped_redis.url
    Latido.objects.create(proceso="beat", at=timezone.now())
    Latido.objects.create(proceso="worker", at=timezone.now() - timedelta(minutes=10))
    response = client.get(reverse("salud_listo"))
    assert response.status_code == 200
    body = response.json()
    assert body["estado"] == "degradado"
    deps = body["dependencias"]
    assert deps["redis"]["estado"] == "error" and deps["redis"]["limites"] == "base"
    assert deps["broker"]["estado"] == "error"
    assert deps["beat"]["estado"] == "ok"
    assert deps["worker"]["estado"] == "error" and deps["worker"]["segundos"] >= 600


def test_ready_is_503_without_the_database():
    """No `db` fixture: every query fails, as with the database down."""
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["dependencias"]["base_de_datos"]["estado"] == "error"
    assert Client().get(reverse("salud_vivo")).status_code == 200


def test_a_heartbeat_is_written_and_read(db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    salud.beat_once("worker")
    assert salud._heartbeat("worker")["estado"] == "ok"


def test_staff_notices_made_while_the_broker_is_down_are_emailed_once_by_the_relay(
    db, settings, stopped_redis, django_capture_on_commit_callbacks
):
    from tests.conftest import celery_broker

    olga = UserFactory(username="olga.titular", email="olga@municipio.gob.mx")
    with celery_broker(stopped_redis.url), django_capture_on_commit_callbacks(execute=True):
        staff_notify([olga], "Nuevo turno OP-2026-000001", "/bandeja/")
        # The broker refused: nothing was sent, the notice waits.
    notice = Notificacion.objects.get()
    assert notice.emailed_at is None and mail.outbox == []
    # Too recent for the relay: it may still be on its way.
    assert notifications_relay() == 0
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS + 1)
    assert notifications_relay(now=later) == 1  # in-process tasks: sent now
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["olga@municipio.gob.mx"]
    assert notifications_relay(now=later) == 0
    assert len(mail.outbox) == 1


def test_the_relay_redoes_lost_work_within_two_minutes(settings):
    """The worst case for an acuse whose worker was killed: it waits OUTBOX_REQUEUE_SECONDS
    and then up to one relay interval."""
    worst = settings.OUTBOX_REQUEUE_SECONDS + settings.OUTBOX_RELAY_SECONDS
    assert worst <= 120
    schedule = settings.CELERY_BEAT_SCHEDULE
    for task in ("relay-pending-acuses", "relay-petitioner-notices", "relay-staff-notifications"):
        assert schedule[task]["schedule"] == settings.OUTBOX_RELAY_SECONDS


def test_a_counter_gone_between_add_and_incr_starts_again_and_is_no_outage(
    redis_server_factory, use_caches, caplog
):
    server = redis_server_factory().start()
    use_caches(server.url, "base")
    cache = caches["default"]
    assert cache.add("limite:ventana", 1, 60)
    import redis

    redis.Redis.from_url(server.url).flushdb()  # expired or flushed right after the add
    with caplog.at_level(logging.WARNING, logger="oficialia.cache"):
        assert cache.incr("limite:ventana") == 1
        assert cache.incr("limite:ventana") == 2
    assert "unreachable" not in caplog.text
    assert caches["respaldo"].get("limite:ventana") is None  # counted in Redis, not the fallback
