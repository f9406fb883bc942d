"""Webhooks: signed after Standard Webhooks, retried with exponential backoff after a failure,
logged, re-sent from the admin, paused (and the owner told) when a target keeps failing."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Escrito
from interoperabilidad.models import Entrega, EntregaState, Evento, Webhook
from interoperabilidad.webhooks import backoff, entregas_relay, new_secret
from tests.conftest import celery_broker, wait_for
from tests.factories import UserFactory
from turnos.services import Route, escrito_turn

from .receiver import Receiver
from .test_api import file


@pytest.fixture
def receiver():
    started = Receiver(secret=new_secret()).start()
    yield started
    started.stop()


@pytest.fixture
def webhook(gobierno, receiver) -> Webhook:
    return Webhook.objects.create(
        institucion=gobierno,
        url=receiver.url,
        eventos=[Evento.RECIBIDO, Evento.TURNADO],
        secret=receiver.secret,
    )


def test_a_signed_delivery_is_retried_after_a_500(
    settings, gobierno_api, webhook, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_BACKOFF_BASE = 1
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        folio = file(gobierno_api).json()["folio"]
    entrega = Entrega.objects.get()
    assert (entrega.state, entrega.attempts, entrega.last_status) == ("pendiente", 1, 500)
    assert entrega.next_attempt_at > timezone.now()
    assert entregas_relay(now=entrega.next_attempt_at) == 1
    entrega.refresh_from_db()
    assert (entrega.state, entrega.attempts, entrega.last_status) == ("entregada", 2, 200)
    assert [i.status for i in entrega.intentos.all()] == [500, 200]
    first, retry = receiver.received
    assert first.verified and retry.verified
    assert first.headers["webhook-id"] == retry.headers["webhook-id"] == entrega.msg_id
    payload = json.loads(retry.body)
    assert payload["type"] == "escrito.recibido"
    assert payload["data"]["folio"] == folio
    assert payload["data"]["url"].endswith(f"/api/v1/escritos/{folio}")
    # The receiver's check is a real one: another secret does not verify the same delivery.
    from standardwebhooks import Webhook as Verifier

    with pytest.raises(Exception, match="signature"):
        Verifier(new_secret()).verify(retry.body, retry.headers)


def test_routing_is_announced_and_unwanted_events_are_not(
    gobierno_api, webhook, receiver, turnador, obras, django_capture_on_commit_callbacks
):
    webhook.eventos = [Evento.TURNADO]
    webhook.save()
    with django_capture_on_commit_callbacks(execute=True):
        folio = file(gobierno_api).json()["folio"]
    assert receiver.received == []
    escrito = Escrito.objects.get(folio=folio)
    with django_capture_on_commit_callbacks(execute=True):
        escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    (delivery,) = receiver.received
    assert json.loads(delivery.body)["type"] == "escrito.turnado"
    assert json.loads(delivery.body)["data"]["estado"] == "turnado"


def test_a_citizens_escrito_sends_nothing(webhook, receiver, django_capture_on_commit_callbacks):
    from tests.factories import file_escrito

    with django_capture_on_commit_callbacks(execute=True):
        file_escrito()
    assert Entrega.objects.count() == 0
    assert receiver.received == []


def test_the_backoff_doubles_up_to_a_cap(settings):
    settings.WEBHOOK_BACKOFF_BASE = 30
    settings.WEBHOOK_BACKOFF_MAX = 200
    assert [backoff(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_a_target_that_keeps_failing_is_paused_and_its_owner_told(
    settings, gobierno, gobierno_api, webhook, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_BACKOFF_BASE = 0
    settings.WEBHOOK_PAUSE_AFTER = 3
    receiver.statuses = [500] * 10
    with django_capture_on_commit_callbacks(execute=True):
        file(gobierno_api)
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            entregas_relay(now=timezone.now() + timedelta(seconds=5))
    webhook.refresh_from_db()
    assert webhook.paused_at is not None
    assert len(receiver.received) == 3  # nothing more once paused
    (aviso,) = [m for m in mail.outbox if "Webhook pausado" in m.subject]
    assert aviso.to == [gobierno.correo_contacto]
    assert webhook.url in aviso.body


def test_the_admin_resends_a_delivery_and_resumes_a_paused_target(
    client, gobierno_api, webhook, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file(gobierno_api)
    entrega = Entrega.objects.get()
    assert entrega.state == EntregaState.ENTREGADA
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:interoperabilidad_entrega_change", args=[entrega.pk]))
    assert page.status_code == 200
    assert entrega.msg_id in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:interoperabilidad_entrega_changelist"),
            {"action": "reenviar", "_selected_action": [entrega.pk]},
        )
    assert response.status_code == 302
    assert len(receiver.received) == 2
    assert receiver.received[1].headers["webhook-id"] == entrega.msg_id
    Webhook.objects.filter(pk=webhook.pk).update(paused_at=timezone.now())
    client.post(
        reverse("admin:interoperabilidad_webhook_changelist"),
        {"action": "reanudar", "_selected_action": [webhook.pk]},
    )
    webhook.refresh_from_db()
    assert webhook.paused_at is None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_delivers_and_retries_with_backoff(
    monkeypatch, settings, redis_url, celery_worker_factory, gobierno, receiver
):
    from .conftest import bearer, client_for

    monkeypatch.setenv("OFICIALIA_WEBHOOK_BACKOFF_S", "1")
    monkeypatch.setenv("OFICIALIA_WEBHOOK_PERMITIR_INTERNAS", "1")
    settings.WEBHOOK_BACKOFF_BASE = 1
    Webhook.objects.create(
        institucion=gobierno, url=receiver.url, eventos=[Evento.RECIBIDO], secret=receiver.secret
    )
    receiver.statuses = [500, 503]
    with celery_broker(redis_url):
        celery_worker_factory(redis_url)
        file(client_for(bearer(gobierno)))
        wait_for(lambda: len(receiver.received) == 3, timeout=30, message="no third attempt")
    first, second, third = receiver.received
    assert all(r.verified for r in receiver.received)
    # Exponential: about 1 s, then about 2 s.
    assert 0.9 <= second.at - first.at < 1.9 + 1
    assert third.at - second.at >= 1.9
    wait_for(lambda: Entrega.objects.get().state == EntregaState.ENTREGADA, timeout=10)
    assert Entrega.objects.get().attempts == 3


def test_every_step_of_the_life_of_an_oficio_is_announced(
    gobierno_api,
    webhook,
    receiver,
    turnador,
    obras,
    titular_obras,
    django_capture_on_commit_callbacks,
):
    from oficialia.adjuntos import inspect
    from tests.factories import pdf_bytes, upload
    from turnos.models import Sense
    from turnos.services import escrito_rate, turno_accept, turno_answer, turno_prevent

    webhook.eventos = list(Evento.values)
    webhook.save()
    with django_capture_on_commit_callbacks(execute=True):
        folio = file(gobierno_api).json()["folio"]
    escrito = Escrito.objects.get(folio=folio)
    with django_capture_on_commit_callbacks(execute=True):
        (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
        turno_accept(turno_id=turno.pk, user=titular_obras)
        turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Indique el tramo.")
    with django_capture_on_commit_callbacks(execute=True):
        gobierno_api.post(f"/api/v1/escritos/{folio}/prevencion", {"texto": "Tramo norte."})
    with django_capture_on_commit_callbacks(execute=True):
        turno_answer(
            turno_id=turno.pk,
            user=titular_obras,
            texto="Se atendió.",
            sense=Sense.POSITIVA,
            oficio=inspect(upload("oficio.pdf", pdf_bytes(), "application/pdf")),
        )
    with django_capture_on_commit_callbacks(execute=True):
        escrito_rate(escrito_id=escrito.pk, score=5)
    events = [json.loads(r.body)["type"] for r in receiver.received]
    assert events == [
        "escrito.recibido",
        "escrito.turnado",
        "escrito.prevenido",
        "escrito.respondido",
        "escrito.concluido",
    ]
    assert all(r.verified for r in receiver.received)


def test_an_institution_registers_its_webhook_by_api_and_gets_the_secret_once(
    gobierno_api, dif_api, receiver, django_capture_on_commit_callbacks
):
    response = gobierno_api.post(
        "/api/v1/webhooks",
        {"url": receiver.url, "eventos": ["escrito.recibido"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secreto"].startswith("whsec_")
    listed = gobierno_api.get("/api/v1/webhooks").json()
    assert [w["url"] for w in listed] == [receiver.url]
    assert "secreto" not in listed[0]
    assert dif_api.get("/api/v1/webhooks").json() == []
    assert dif_api.delete(f"/api/v1/webhooks/{created['id']}").status_code == 404
    receiver.secret = created["secreto"]
    with django_capture_on_commit_callbacks(execute=True):
        file(gobierno_api)
    (delivery,) = receiver.received
    assert delivery.verified
    assert gobierno_api.delete(f"/api/v1/webhooks/{created['id']}").status_code == 204
    assert gobierno_api.get("/api/v1/webhooks").json() == []


def test_a_webhook_may_not_point_inside_the_network(settings, gobierno_api):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1:6379/", "http://10.0.0.5/avisos", "ftp://example.com/x"):
        response = gobierno_api.post(
            "/api/v1/webhooks",
            {"url": url, "eventos": ["escrito.turnado"]},
            content_type="application/json",
        )
        assert response.status_code == 422, url
        assert response.json()["errores"][0]["campo"] == "url"
    unknown_event = gobierno_api.post(
        "/api/v1/webhooks",
        {"url": "https://example.com/x", "eventos": ["escrito.borrado"]},
        content_type="application/json",
    )
    assert unknown_event.json()["errores"][0]["campo"] == "eventos"
    assert "escrito.recibido" in unknown_event.json()["errores"][0]["mensaje"]
