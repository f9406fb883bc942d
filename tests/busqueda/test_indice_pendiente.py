"""The search index's outbox: a change marks its escrito in its own transaction and the
worker writes the document, so the request never does; a change committed while no worker
runs is not lost (the relay queues it again), and a rollback leaves no mark."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from busqueda import indice
from busqueda.consulta import search
from busqueda.indice import index_relay, pending_reindex, reindex_on_commit
from busqueda.models import DocumentoBusqueda, IndicePendiente, TextoAdjunto, TextoState
from correspondencia.models import Escrito
from tests.conftest import celery_broker
from tests.factories import file_escrito, pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def folios(user, text) -> list[str]:
    return [r.escrito.folio for r in search(user, text).items]


def test_a_filing_leaves_its_document_to_the_worker_and_a_mark_until_then(turnador):
    with celery_broker("memory://"):  # queued, and no worker takes it
        escrito = file_escrito(asunto="Poda de un árbol", queue_acuse=False).escrito
    assert IndicePendiente.objects.filter(escrito=escrito).exists()
    assert not DocumentoBusqueda.objects.filter(escrito=escrito).exists()
    assert folios(turnador, "arbol") == []

    assert index_relay() == 0  # not stale yet: its task may still be on its way
    assert index_relay(now=timezone.now() + timedelta(minutes=5)) == 1  # runs here, eagerly
    assert folios(turnador, "arbol") == [escrito.folio]
    assert not IndicePendiente.objects.exists()


def test_without_a_broker_the_document_is_written_at_the_commit(turnador):
    escrito = file_escrito(asunto="Bacheo en la calle Morelos", queue_acuse=False).escrito
    assert folios(turnador, "morelos") == [escrito.folio]
    assert not IndicePendiente.objects.exists()


def test_a_rollback_leaves_no_mark():
    escrito = file_escrito(queue_acuse=False).escrito
    with pytest.raises(RuntimeError), transaction.atomic():
        Escrito.objects.filter(pk=escrito.pk).update(asunto="Otro asunto")
        reindex_on_commit(escrito.pk)
        assert IndicePendiente.objects.filter(escrito=escrito).exists()
        raise RuntimeError
    assert not IndicePendiente.objects.exists()


def test_a_change_committed_during_a_reindex_keeps_its_mark(turnador, monkeypatch):
    with celery_broker("memory://"):
        escrito = file_escrito(asunto="Alumbrado", queue_acuse=False).escrito
        write = indice.escrito_reindex

        def with_a_change_meanwhile(*, escrito_id: int) -> None:
            write(escrito_id=escrito_id)
            # Another request commits a change after the document was read: it marks the
            # escrito again and queues its own task (which no worker takes here).
            Escrito.objects.filter(pk=escrito_id).update(asunto="Alumbrado y poda")
            reindex_on_commit(escrito_id)

        monkeypatch.setattr(indice, "escrito_reindex", with_a_change_meanwhile)
        assert pending_reindex(escrito_id=escrito.pk)
    assert IndicePendiente.objects.filter(escrito=escrito).exists()  # the change is not lost
    assert folios(turnador, "poda") == []
    monkeypatch.undo()
    assert pending_reindex(escrito_id=escrito.pk)
    assert folios(turnador, "poda") == [escrito.folio]
    assert not IndicePendiente.objects.exists()
    assert not pending_reindex(escrito_id=escrito.pk)  # a redelivery finds nothing to do


def test_the_text_of_an_attachment_filed_without_a_worker_is_queued_by_the_relay():
    with celery_broker("memory://"):
        escrito = file_escrito(
            attachments=[upload("a.pdf", pdf_bytes())], queue_acuse=False
        ).escrito
    adjunto = escrito.adjuntos.get()
    assert not TextoAdjunto.objects.filter(adjunto=adjunto).exists()  # the request left it
    assert index_relay(now=timezone.now() + timedelta(minutes=5)) == 1
    assert TextoAdjunto.objects.get(adjunto=adjunto).state != TextoState.PENDIENTE
