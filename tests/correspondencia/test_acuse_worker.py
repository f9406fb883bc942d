"""The acuse through a real Celery worker and a real Redis, including a broker outage."""

import hashlib
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from correspondencia import services, tasks
from correspondencia.acuse import verification_url
from correspondencia.models import Acuse, Escrito
from tests.conftest import celery_broker, wait_for
from tests.factories import escrito_form_data, file_escrito, image_bytes, pdf_bytes, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", "", text)


def acuse_ready(escrito: Escrito) -> bool:
    return Acuse.objects.filter(escrito=escrito, generated_at__isnull=False).exists()


def test_a_real_worker_makes_the_acuse_with_folio_hashes_and_verification_url(
    redis_url, celery_worker_factory
):
    celery_worker_factory(redis_url)
    client = Client()
    files = [upload("solicitud.pdf", pdf_bytes(3)), upload("croquis.jpg", image_bytes("JPEG"))]
    with celery_broker(redis_url):
        response = client.post(reverse("escrito_nuevo"), {**escrito_form_data(), "adjuntos": files})
    assert response.status_code == 302
    escrito = Escrito.objects.get()
    wait_for(lambda: acuse_ready(escrito), timeout=60, message="the worker made no acuse")

    pdf = client.get(reverse("escrito_recibido_acuse", args=[escrito.submission_token]))
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content))
    assert escrito.folio in text
    for adjunto in escrito.adjuntos.all():
        assert adjunto.sha256 in text
    assert escrito.digest in text
    assert verification_url(escrito.acuse) in text
    assert "Sinarchivos" not in text


def test_with_the_broker_down_the_citizen_gets_the_folio_and_the_acuse_comes_later(
    redis_server_factory, celery_worker_factory
):
    broker = redis_server_factory().start()
    broker.stop()  # a real Redis, stopped: connections are refused
    client = Client()
    with celery_broker(broker.url):
        response = client.post(reverse("escrito_nuevo"), escrito_form_data(), follow=True)
        assert response.status_code == 200
        escrito = Escrito.objects.get()
        assert escrito.folio in response.content.decode()
        assert "Estamos generando su acuse" in response.content.decode()
        acuse = Acuse.objects.get()
        assert acuse.generated_at is None
        assert acuse.queued_at is None  # nothing reached the broker: the relay will send it

        # The relay cannot reach the broker either; the acuse stays pending, nothing is lost.
        assert services.acuses_relay() == 0

        broker.start()
        celery_worker_factory(broker.url)
        assert services.acuses_relay() == 1  # what beat runs every minute
        wait_for(lambda: acuse_ready(escrito), timeout=60, message="the acuse never came")

    page = client.get(reverse("escrito_recibido_estado", args=[escrito.submission_token]))
    assert 'data-testid="acuse-link"' in page.content.decode()


def test_the_relay_runs_as_a_task_on_the_worker(redis_url, celery_worker_factory):
    escrito = file_escrito().escrito  # in-process: the acuse is made at once
    Acuse.objects.filter(escrito=escrito).update(generated_at=None, pdf="", queued_at=None)
    celery_worker_factory(redis_url)
    with celery_broker(redis_url):
        tasks.relay_pending_acuses.delay()
        wait_for(lambda: acuse_ready(escrito), timeout=60, message="relay did not reach the worker")


def test_generating_an_acuse_twice_gives_the_same_pdf():
    escrito = file_escrito(attachments=[upload("a.pdf", pdf_bytes())]).escrito
    acuse = Acuse.objects.get(escrito=escrito)
    first = services.acuse_render_pdf(acuse)
    second = services.acuse_render_pdf(acuse)
    assert first == second
    # The signed acuse is made once and served again: its bytes carry the signing time.
    stored = acuse.pdf.read()
    assert acuse.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    again = services.acuse_generate(acuse_id=acuse.pk)
    assert again.pdf.read() == stored
    assert again.pdf_sha256 == acuse.pdf_sha256


def test_a_redelivered_task_does_nothing_the_second_time(mailoutbox):
    escrito = file_escrito(email="vecino@example.com").escrito
    acuse = Acuse.objects.get(escrito=escrito)
    generated_at, sha = acuse.generated_at, acuse.pdf_sha256
    tasks.generate_acuse.apply(args=[acuse.pk]).get()
    tasks.send_acuse_email.apply(args=[acuse.pk]).get()
    acuse.refresh_from_db()
    assert (acuse.generated_at, acuse.pdf_sha256) == (generated_at, sha)
    assert len(mailoutbox) == 1


def test_the_worker_settings_do_not_leave_a_crashed_task_waiting_an_hour():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert options["visibility_timeout"] < 3600
    # A retry countdown longer than the visibility timeout would be redelivered early.
    assert options["visibility_timeout"] > settings.TASK_RETRY_BACKOFF_MAX
    assert tasks.generate_acuse.acks_late is True
    assert tasks.generate_acuse.max_retries >= 5
