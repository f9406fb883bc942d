"""Expedientes: opened at turnado in the serie of the trámite, indexed with a hash chain,
closed to start the retention clock."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from archivo import indice, vigencia
from archivo.expedientes import (
    escrito_classify,
    escrito_index,
    expediente_close,
    expediente_of,
    expediente_reclassify,
)
from archivo.models import Documento, DocumentoTipo, Expediente
from correspondencia.services import acuse_generate
from oficialia.acciones import ActionError
from tests.factories import UserFactory
from turnos.services import Route, escrito_turn

from .conftest import file_with

pytestmark = pytest.mark.django_db


def test_turning_an_escrito_opens_its_expediente_in_the_serie_of_its_tramite(
    cuadro, bacheo, obras, django_capture_on_commit_callbacks
):
    turnador = UserFactory(username="tomas.turnador", roles=["oficialia"])
    escrito = file_with(bacheo, files=2)
    assert expediente_of(escrito.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    expediente = expediente_of(escrito.pk)
    assert expediente is not None
    assert expediente.serie == cuadro["servicios"]
    assert expediente.numero.startswith("EXP-") and expediente.secretaria == obras
    assert escrito.folio in expediente.titulo and "Rosa" not in expediente.titulo
    docs = list(expediente.documentos.order_by("orden"))
    assert [d.tipo for d in docs] == [DocumentoTipo.ESCRITO, DocumentoTipo.ESCRITO]
    assert [d.fojas for d in docs] == [1, 2]
    assert docs[0].sha256 == escrito.adjuntos.order_by("position")[0].sha256
    assert indice.verify(expediente) == []


def test_the_acuse_joins_the_index_once_it_exists(cuadro, bacheo):
    escrito = file_with(bacheo)
    expediente = escrito_classify(escrito_id=escrito.pk)
    assert expediente.documentos.count() == 1
    acuse_generate(acuse_id=escrito.acuse.pk)
    assert escrito_index(escrito_id=escrito.pk) == 1
    assert escrito_index(escrito_id=escrito.pk) == 0  # indexing again adds nothing
    last = expediente.documentos.order_by("orden").last()
    assert last.tipo == DocumentoTipo.ACUSE
    expediente.refresh_from_db()
    assert indice.verify(expediente) == []


def test_an_escrito_may_join_an_open_expediente_not_a_closed_one(cuadro, bacheo, archivista):
    first = escrito_classify(escrito_id=file_with(bacheo).pk)
    second = escrito_classify(escrito_id=file_with(bacheo).pk, expediente=first)
    assert second == first and first.escritos.count() == 2
    assert Expediente.objects.count() == 1
    expediente_close(expediente_id=first.pk, user=archivista)
    with pytest.raises(ActionError, match="cerrado"):
        escrito_classify(escrito_id=file_with(bacheo).pk, expediente=first)


def test_the_serie_is_changed_only_with_a_reason(cuadro, bacheo, archivista):
    expediente = escrito_classify(escrito_id=file_with(bacheo).pk)
    with pytest.raises(ActionError, match="por qué"):
        expediente_reclassify(
            expediente_id=expediente.pk, serie=cuadro["licencias"], user=archivista, motivo=""
        )
    expediente_reclassify(
        expediente_id=expediente.pk,
        serie=cuadro["licencias"],
        user=archivista,
        motivo="Es una licencia, no un bache",
    )
    expediente.refresh_from_db()
    assert expediente.serie == cuadro["licencias"]
    assert "AM.4S.5" in expediente.clasificacion


def test_the_retention_clock_starts_when_the_expediente_closes(cuadro, licencia, archivista):
    escrito = file_with(licencia)
    expediente = escrito_classify(escrito_id=escrito.pk)
    Expediente.objects.filter(pk=expediente.pk).update(abierto_en=date(2026, 1, 5))
    # Open: no clock, however old.
    assert vigencia.fin_tramite(expediente) is None
    assert not vigencia.retention_over(expediente, on=date(2099, 1, 1))
    expediente_close(expediente_id=expediente.pk, user=archivista, on=date(2026, 3, 15))
    expediente.refresh_from_db()
    # Licencias: 3 years in trámite, 7 in concentración.
    assert vigencia.fin_tramite(expediente) == date(2029, 3, 15)
    assert vigencia.fin_concentracion(expediente) == date(2036, 3, 15)
    assert not vigencia.retention_over(expediente, on=date(2036, 3, 14))
    assert vigencia.retention_over(expediente, on=date(2036, 3, 15))
    with pytest.raises(ActionError, match="ya está cerrado"):
        expediente_close(expediente_id=expediente.pk, user=archivista)


def test_a_leap_day_closing_counts_whole_years():
    assert vigencia.add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


@pytest.fixture
def indexed(cuadro, bacheo):
    escrito = file_with(bacheo, files=3)
    expediente = escrito_classify(escrito_id=escrito.pk)
    assert indice.verify(expediente) == []
    return expediente


def test_the_index_detects_a_swapped_file(indexed):
    doc = indexed.documentos.get(orden=2)
    default_storage.delete(doc.archivo)
    default_storage.save(doc.archivo, ContentFile(b"%PDF-1.4 otro documento"))
    problems = indice.verify(indexed)
    assert [(p.orden, p.problema) for p in problems] == [
        (2, "el archivo fue sustituido (su SHA-256 no coincide)")
    ]


def test_the_index_detects_two_documents_swapped_in_order(indexed):
    one, two = indexed.documentos.get(orden=1), indexed.documentos.get(orden=2)
    Documento.objects.filter(pk=one.pk).update(orden=99)
    Documento.objects.filter(pk=two.pk).update(orden=1)
    Documento.objects.filter(pk=one.pk).update(orden=2)
    orders = {p.orden for p in indice.verify(indexed)}
    assert {1, 2} <= orders


def test_the_index_detects_a_row_rewritten_to_match_a_new_file(indexed):
    doc = indexed.documentos.get(orden=1)
    Documento.objects.filter(pk=doc.pk).update(sha256="0" * 64)
    assert [p.orden for p in indice.verify(indexed, files=False)] == [1]


@pytest.mark.parametrize("orden", [2, 3])
def test_the_index_detects_a_missing_document(indexed, orden):
    Documento.objects.filter(expediente=indexed, orden=orden).delete()
    problems = indice.verify(indexed)
    assert problems, "a missing document went unnoticed"
    assert any("falta" in p.problema for p in problems)
