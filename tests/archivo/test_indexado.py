"""The acuse enters the expediente's index the moment it is generated, and the answer's oficio
the moment it is issued: correspondencia announces them on commit, the archive listens."""

import pytest

from archivo.expedientes import escrito_classify
from archivo.indice import verify
from archivo.models import DocumentoTipo
from correspondencia.models import Channel
from correspondencia.services import acuse_generate
from correspondencia.services.corregir import escrito_correct
from oficialia.adjuntos import inspect
from tests.factories import file_escrito, pdf_bytes, upload
from turnos.services import Route, escrito_turn, turno_accept, turno_answer

from .conftest import file_with

pytestmark = pytest.mark.django_db


def test_the_acuse_is_indexed_when_it_is_generated(
    cuadro, bacheo, django_capture_on_commit_callbacks
):
    escrito = file_with(bacheo)
    expediente = escrito_classify(escrito_id=escrito.pk)
    assert list(expediente.documentos.values_list("tipo", flat=True)) == [DocumentoTipo.ESCRITO]
    with django_capture_on_commit_callbacks(execute=True):
        acuse = acuse_generate(acuse_id=escrito.acuse.pk)
    last = expediente.documentos.order_by("orden").last()
    assert last.tipo == DocumentoTipo.ACUSE and last.sha256 == acuse.pdf_sha256
    expediente.refresh_from_db()
    assert verify(expediente) == []


def test_a_reissued_acuse_is_indexed_too_and_the_old_row_stays(
    cuadro, ventanilla_clerk, django_capture_on_commit_callbacks
):
    escrito = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    ).escrito
    expediente = escrito_classify(escrito_id=escrito.pk)
    with django_capture_on_commit_callbacks(execute=True):
        acuse_generate(acuse_id=escrito.acuse.pk)
    with django_capture_on_commit_callbacks(execute=True):
        escrito_correct(
            escrito_id=escrito.pk, user=ventanilla_clerk, changes={"fojas": 7}, reason="Eran 7"
        )
    escrito.acuse.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        acuse_generate(acuse_id=escrito.acuse.pk)
    acuses = list(expediente.documentos.filter(tipo=DocumentoTipo.ACUSE).order_by("orden"))
    assert len(acuses) == 2 and acuses[0].sha256 != acuses[1].sha256
    assert "sustituye al anterior" in acuses[1].descripcion
    expediente.refresh_from_db()
    assert verify(expediente) == []


def test_the_answer_oficio_is_indexed_when_it_is_issued(
    settings, cuadro, bacheo, obras, turnador, enlace_obras, django_capture_on_commit_callbacks
):
    settings.RESPUESTA_SIN_FIRMA = True
    escrito = file_with(bacheo)
    with django_capture_on_commit_callbacks(execute=True):
        (turno,) = escrito_turn(
            escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)]
        )
        turno_accept(turno_id=turno.pk, user=enlace_obras)
    oficio = inspect(upload("oficio.pdf", pdf_bytes(2), "application/pdf"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        respuesta = turno_answer(
            turno_id=turno.pk, user=enlace_obras, texto="Procede.", sense="positiva", oficio=oficio
        )
    assert callbacks  # the announcement rode on the commit
    from archivo.expedientes import expediente_of

    expediente = expediente_of(escrito.pk)
    row = expediente.documentos.get(tipo=DocumentoTipo.RESPUESTA)
    assert row.sha256 == respuesta.oficio.sha256 and row.fojas == 2
    assert verify(expediente) == []


def test_documents_of_an_escrito_without_expediente_wait_for_its_classification(
    cuadro, bacheo, django_capture_on_commit_callbacks
):
    escrito = file_with(bacheo)
    with django_capture_on_commit_callbacks(execute=True):
        acuse_generate(acuse_id=escrito.acuse.pk)
    expediente = escrito_classify(escrito_id=escrito.pk)
    assert sorted(expediente.documentos.values_list("tipo", flat=True)) == [
        DocumentoTipo.ACUSE,
        DocumentoTipo.ESCRITO,
    ]
