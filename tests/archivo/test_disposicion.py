"""Transfers and the baja documental: exactly what is due, custody that moves, and files
suppressed only after the baja is published (LGA art. 31)."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from archivo import disposicion, indice, vigencia
from archivo.expedientes import escrito_classify, escrito_index
from archivo.models import (
    BajaDocumental,
    BajaEstado,
    Custodia,
    Expediente,
    ExpedienteEstado,
    TransferenciaTipo,
)
from correspondencia.models import Adjunto
from correspondencia.retencion import retention_ends
from correspondencia.services import acuse_generate
from oficialia.acciones import ActionError

from .conftest import file_with

pytestmark = pytest.mark.django_db


def closed(tramite, *, on: date, custodia=Custodia.TRAMITE, files: int = 1) -> Expediente:
    escrito = file_with(tramite, files=files)
    expediente = escrito_classify(escrito_id=escrito.pk)
    Expediente.objects.filter(pk=expediente.pk).update(
        estado=ExpedienteEstado.CERRADO, abierto_en=on, cerrado_en=on, custodia=custodia
    )
    expediente.refresh_from_db()
    return expediente


def test_the_transfer_list_holds_exactly_the_expedientes_due(cuadro, bacheo, licencia, archivista):
    today = timezone.localdate()
    # Bacheo: 1 year in trámite. Licencias: 3.
    due = closed(bacheo, on=today - timedelta(days=366))
    due_today = closed(bacheo, on=vigencia.add_years(today, -1))
    not_yet = closed(bacheo, on=today - timedelta(days=300))
    licencia_young = closed(licencia, on=today - timedelta(days=800))
    escrito_classify(escrito_id=file_with(bacheo).pk)  # open: no clock
    already = closed(bacheo, on=today - timedelta(days=900), custodia=Custodia.CONCENTRACION)
    assert {e.numero for e in disposicion.due_primary()} == {due.numero, due_today.numero}
    assert not_yet.numero and licencia_young.numero and already.numero

    transferencia = disposicion.transfer_make(
        tipo=TransferenciaTipo.PRIMARIA, expediente_ids=[due.pk, due_today.pk], user=archivista
    )
    assert set(Expediente.objects.filter(custodia=Custodia.CONCENTRACION)) == {
        due,
        due_today,
        already,
    }
    assert disposicion.due_primary() == []
    with pytest.raises(ActionError, match="no han cumplido"):
        disposicion.transfer_make(
            tipo=TransferenciaTipo.PRIMARIA, expediente_ids=[not_yet.pk], user=archivista
        )
    rows = disposicion.inventory_rows(transferencia.expedientes.order_by("numero"))
    assert [r["numero"] for r in rows] == sorted([due.numero, due_today.numero])
    assert transferencia.numero.startswith("TP-")


def test_the_inventory_comes_as_pdf_and_csv(client, cuadro, bacheo, archivista):
    expediente = closed(bacheo, on=timezone.localdate() - timedelta(days=400), files=2)
    client.force_login(archivista)
    page = client.get(reverse("archivo_transferencias")).content.decode()
    assert expediente.numero in page
    client.post(
        reverse("archivo_transferencias"), {"accion": "primaria", "expediente": [expediente.pk]}
    )
    transferencia = expediente.transferencias.get()
    csv_response = client.get(reverse("archivo_inventario", args=[transferencia.numero, "csv"]))
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [r["Expediente"] for r in rows] == [expediente.numero]
    assert rows[0]["Fojas"] == "3" and rows[0]["Serie"].startswith("AM.4S.2")
    pdf = client.get(reverse("archivo_inventario", args=[transferencia.numero, "pdf"])).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert expediente.numero in text and "Inventario de transferencia primaria" in text


def test_a_secondary_transfer_takes_only_the_historic_series(cuadro, bacheo, licencia, archivista):
    long_ago = timezone.localdate() - timedelta(days=365 * 11 + 5)
    historic = closed(licencia, on=long_ago, custodia=Custodia.CONCENTRACION)
    to_baja = closed(bacheo, on=long_ago, custodia=Custodia.CONCENTRACION)
    assert disposicion.due_secondary() == [historic]
    assert disposicion.due_baja() == [to_baja]
    disposicion.transfer_make(
        tipo=TransferenciaTipo.SECUNDARIA, expediente_ids=[historic.pk], user=archivista
    )
    historic.refresh_from_db()
    assert historic.custodia == Custodia.HISTORICO


def test_a_baja_suppresses_files_only_after_its_publication(
    client, cuadro, bacheo, archivista, django_capture_on_commit_callbacks
):
    long_ago = timezone.localdate() - timedelta(days=365 * 6)
    expediente = closed(bacheo, on=long_ago, custodia=Custodia.CONCENTRACION, files=2)
    escrito_id = expediente.escritos.get().escrito_id
    acuse_generate(acuse_id=expediente.escritos.get().escrito.acuse.pk)
    escrito_index(escrito_id=escrito_id)
    files = [a.file.name for a in Adjunto.objects.filter(escrito_id=escrito_id)]
    assert all(default_storage.exists(name) for name in files)

    baja = disposicion.baja_dictaminar(expediente_ids=[expediente.pk], user=archivista)
    assert disposicion.due_baja() == []  # already in a baja
    assert not vigencia.retention_ended(escrito_id)
    with pytest.raises(ActionError, match="después de publicarse"):
        disposicion.baja_ejecutar(baja_id=baja.pk, user=archivista)
    assert all(default_storage.exists(name) for name in files)
    # Not public yet: neither the list nor its documents.
    assert baja.numero not in client.get(reverse("archivo_bajas_publicas")).content.decode()
    dictamen = reverse("archivo_baja_documento", args=[baja.numero, "dictamen"])
    assert client.get(dictamen).status_code == 404

    escrito = expediente.escritos.get().escrito
    assert retention_ends(escrito) is None  # blocked personal data is kept until then
    disposicion.baja_publicar(baja_id=baja.pk, user=archivista)
    assert vigencia.retention_ended(escrito_id)
    # By default the personal-data suppression asks the archive: from the publication on.
    assert retention_ends(escrito) == timezone.localtime(
        BajaDocumental.objects.get(pk=baja.pk).publicada_en
    ).date()
    assert baja.numero in client.get(reverse("archivo_bajas_publicas")).content.decode()
    text = PdfReader(io.BytesIO(client.get(dictamen).content)).pages[0].extract_text()
    assert expediente.numero in text and "Rosa" not in text and "Bache" not in text

    with django_capture_on_commit_callbacks(execute=True):
        disposicion.baja_ejecutar(baja_id=baja.pk, user=archivista)
    baja.refresh_from_db()
    expediente.refresh_from_db()
    assert baja.estado == BajaEstado.EJECUTADA and expediente.custodia == Custodia.BAJA
    assert not any(default_storage.exists(name) for name in files)
    placeholder = Adjunto.objects.filter(escrito_id=escrito_id).first().file
    assert b"%PDF" in placeholder.read()[:8]
    # The index keeps every row and its SHA-256; its chain still holds.
    assert expediente.documentos.count() == 3
    assert indice.verify(expediente) == []


def test_the_public_list_keeps_a_baja_seven_years(cuadro, bacheo, archivista):
    long_ago = timezone.localdate() - timedelta(days=365 * 6)
    expediente = closed(bacheo, on=long_ago, custodia=Custodia.CONCENTRACION)
    baja = disposicion.baja_dictaminar(expediente_ids=[expediente.pk], user=archivista)
    disposicion.baja_publicar(baja_id=baja.pk, user=archivista)
    published = timezone.localtime(baja.publicada_en).date()
    assert disposicion.bajas_publicas(today=vigencia.add_years(published, 7)) == [baja]
    assert (
        disposicion.bajas_publicas(today=vigencia.add_years(published, 7) + timedelta(days=1)) == []
    )


def test_the_publication_term_is_a_setting(settings, cuadro, bacheo, archivista):
    settings.ARCHIVO_BAJA_PUBLICACION_ANIOS = 10
    expediente = closed(
        bacheo, on=timezone.localdate() - timedelta(days=365 * 6), custodia=Custodia.CONCENTRACION
    )
    baja = disposicion.baja_dictaminar(expediente_ids=[expediente.pk], user=archivista)
    with time_machine.travel(timezone.now()):
        disposicion.baja_publicar(baja_id=baja.pk, user=archivista)
    baja.refresh_from_db()
    assert disposicion.publicada_hasta(baja).year == timezone.localdate().year + 10
