"""Operations: JSON logs with a request id shared by web and worker, Prometheus metrics."""

import io
import json
import logging
import logging.config

import pytest
from django.test import Client
from django.urls import reverse

from oficialia.models import Notificacion
from tests.factories import UserFactory, escrito_form_data, file_escrito


@pytest.fixture
def json_log(settings):
    """The product's JSON formatter and request-id filter, writing to a buffer."""
    buffer = io.StringIO()
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": settings.LOGGING["filters"],
        "formatters": {"json": settings.LOGGING["formatters"]["json"]},
        "handlers": {
            "buffer": {
                "class": "logging.StreamHandler",
                "stream": buffer,
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "loggers": {"oficialia": {"handlers": ["buffer"], "level": "INFO"}},
    }
    logging.config.dictConfig(config)
    yield buffer
    logging.getLogger("oficialia").handlers.clear()


def test_a_request_keeps_its_id_and_its_log_lines_carry_it(client, db, json_log):
    response = client.get("/tramites/?q=%00", HTTP_X_REQUEST_ID="peticion-1234abcd")
    assert response.status_code == 400
    assert response["X-Request-ID"] == "peticion-1234abcd"
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    refused = [line for line in lines if "refused" in line["message"]]
    assert refused and refused[0]["request_id"] == "peticion-1234abcd"
    assert {"hora", "nivel", "origen"} <= set(refused[0])


def test_a_request_without_an_id_gets_one_and_a_forged_one_is_replaced(client, db):
    fresh = client.get("/")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_metrics_count_requests_filings_and_outbox_age(client, db, settings):
    file_escrito(queue_acuse=False)
    user = UserFactory(username="olga.titular", email="olga@municipio.gob.mx")
    Notificacion.objects.create(user=user, texto="x", created_at="2026-01-01T00:00:00Z")
    client.get("/tramites/")
    body = client.get(reverse("metrics")).content.decode()
    assert 'oficialia_http_peticiones_total{estado="200",metodo="GET",ruta="tramites"}' in body
    assert "oficialia_http_latencia_segundos_bucket" in body
    assert 'oficialia_escritos_total{medio="en_linea"} 1' in body
    age = next(line for line in body.splitlines() if 'tipo="aviso_personal"' in line)
    assert float(age.split()[-1]) > 3600
    assert 'oficialia_outbox_antiguedad_segundos{tipo="acuse"}' in body


def test_metrics_ask_for_the_token_when_one_is_set(client, db, settings):
    settings.METRICS_TOKEN = "s3creto-de-metricas"
    assert client.get(reverse("metrics")).status_code == 401
    ok = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer s3creto-de-metricas")
    assert ok.status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_the_worker_logs_with_the_id_of_the_request_that_queued_it(
    redis_url, celery_worker_factory, monkeypatch
):
    from tests.conftest import celery_broker, wait_for

    monkeypatch.setenv("LOG_FORMAT", "json")
    worker = celery_worker_factory(redis_url)
    with celery_broker(redis_url):
        response = Client().post(
            reverse("escrito_nuevo"),
            escrito_form_data(),
            HTTP_X_REQUEST_ID="radicacion-5678efgh",
        )
    assert response.status_code == 302

    def logged() -> list[dict]:
        found = []
        for line in worker.log.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "acuse of" in record.get("message", ""):
                found.append(record)
        return found

    (record,) = wait_for(logged, timeout=60, message="the worker logged no acuse")
    assert record["request_id"] == "radicacion-5678efgh"
