"""The acuerdo de tener por no presentado is a document of its own, signed PAdES with the
institution's certificate, recognised by /verificar/ and downloadable by staff and by its
petitioner only; opening it (or a prórroga) electronically records a signed acuse."""

import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from correspondencia import verificacion
from cuentas.services import escrito_link_if_signed_in
from notificaciones.models import (
    Acto,
    AcuseNotificacion,
    Canal,
    Documento,
    EstadoNotificacion,
    Medio,
    NotificacionPeticionario,
)
from notificaciones.services import acuse_notificacion_generate, content_digest_of
from oficialia import firma
from tests.conftest import ARTIFACTS
from tests.factories import file_escrito, turno_prevent_notified
from turnos.models import Prevencion
from turnos.services import (
    Route,
    acuerdo_pdf_generate,
    escrito_turn,
    turno_accept,
    turno_extend,
    turno_not_presented,
)

from ..archivo.conftest import archivista, bacheo, cuadro, licencia  # noqa: F401
from ..cuentas.conftest import beto  # noqa: F401
from ..turnos.conftest import local

pytestmark = pytest.mark.django_db

ACUERDO = "Con fundamento en el artículo 17-A, se tiene por no presentado el escrito."


def at(time_machine, day: int, hour: int = 10):
    time_machine.move_to(local(date(2026, 10, day), hour), tick=False)


@pytest.fixture
def online(time_machine, turnador, obras, titular_obras):
    """Filed online on Mon 5 Oct with an email, routed to Obras Públicas and accepted."""
    at(time_machine, 5)
    result = file_escrito(queue_acuse=False, email="jose@example.com")
    (turno,) = escrito_turn(escrito_id=result.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    return result, turno


@pytest.fixture
def acordado(online, titular_obras, time_machine, django_capture_on_commit_callbacks):
    """Its prevención went unanswered and the secretaría had it for not presented on the 15th."""
    result, turno = online
    at(time_machine, 6)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    at(time_machine, 15)
    with django_capture_on_commit_callbacks(execute=True):
        turno_not_presented(turno_id=turno.pk, user=titular_obras, texto=ACUERDO)
    return result, turno, Prevencion.objects.get(turno=turno)


def consulta(client, result):
    return client.post(
        reverse("consulta"), {"folio": result.escrito.folio, "codigo": result.access_code}
    )


def test_the_acuerdo_is_a_signed_pdf_that_verificar_recognises(acordado, tmp_path):
    result, _, prevencion = acordado
    # Made when the acuerdo committed, stored with its digest.
    assert prevencion.acuerdo_pdf and prevencion.acuerdo_pdf_sha256
    content = prevencion.acuerdo_pdf.read()
    assert firma.sha256_hex(content) == prevencion.acuerdo_pdf_sha256
    [verdict] = firma.verify_pdf(content, roots=[firma.institution_identity().root], offline=True)
    assert verdict.valida
    checked = verificacion.pdf_check(content)
    assert checked.veredicto == "autentico"
    assert checked.emitido.folio == result.escrito.folio
    assert checked.emitido.documento == "Acuerdo de tener por no presentado"
    # Made once: asking again serves the same bytes.
    again = acuerdo_pdf_generate(prevencion_id=prevencion.pk)
    assert again.acuerdo_pdf.read() == content
    # A changed byte is not the acuerdo any more.
    assert verificacion.pdf_check(content[:-1] + b" ").veredicto != "autentico"
    pdf = tmp_path / "acuerdo.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert result.escrito.folio in text and "Acuerdo de tener por no presentado" in text
    assert "17-A" in text and "se tiene por no presentado el escrito" in text
    assert "Obras" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(ARTIFACTS / "acuerdo-no-presentado")], check=True)
    assert (ARTIFACTS / "acuerdo-no-presentado-1.png").stat().st_size > 5_000


def test_staff_and_the_petitioner_download_the_same_signed_bytes_and_nobody_else(
    acordado, titular_obras, client
):
    result, turno, prevencion = acordado
    signed = prevencion.acuerdo_pdf.read()
    staff = Client()
    staff.force_login(titular_obras)
    page = staff.get(reverse("turno_detalle", args=[turno.pk])).content.decode()
    url = reverse("turno_acuerdo_pdf", args=[turno.pk, prevencion.pk])
    assert url in page
    assert b"".join(staff.get(url).streaming_content) == signed
    # The petitioner, from /consulta/.
    shown = consulta(client, result).content.decode()
    mine = reverse("consulta_acuerdo", args=[result.escrito.folio, prevencion.pk])
    assert mine in shown
    response = client.get(mine)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == signed
    # Another petitioner, who opened only their own escrito, gets nothing.
    other = file_escrito(queue_acuse=False, email="otra@example.com")
    stranger = Client()
    consulta(stranger, other)
    assert stranger.get(mine).status_code == 404
    theirs = reverse("consulta_acuerdo", args=[other.escrito.folio, prevencion.pk])
    assert stranger.get(theirs).status_code == 404


def test_the_account_holder_downloads_the_acuerdo_and_another_account_does_not(
    acordado, lupita, lupita_client, beto  # noqa: F811
):
    result, _, prevencion = acordado
    escrito_link_if_signed_in(user=lupita.user, escrito_id=result.escrito.pk)
    url = reverse("cuenta_escrito_acuerdo", args=[result.escrito.folio, prevencion.pk])
    page = lupita_client.get(reverse("cuenta_escrito", args=[result.escrito.folio]))
    assert url in page.content.decode()
    assert b"".join(lupita_client.get(url).streaming_content) == prevencion.acuerdo_pdf.read()
    other = Client()
    other.force_login(beto.user)
    assert other.get(url).status_code == 404


def test_opening_the_acuerdo_electronically_records_a_signed_acuse(acordado, client):
    result, _, prevencion = acordado
    notificacion = NotificacionPeticionario.objects.get(acto=Acto.ACUERDO, prevencion=prevencion)
    assert notificacion.estado == EstadoNotificacion.PENDIENTE
    consulta(client, result)
    acuse = AcuseNotificacion.objects.get(documento=Documento.ACUERDO)
    assert acuse.acuerdo == prevencion and acuse.medio == Medio.CONSULTA
    assert acuse.contenido_sha256 == content_digest_of(acuerdo=prevencion)
    notificacion.refresh_from_db()
    assert notificacion.is_done and notificacion.acuse_electronico == acuse
    assert notificacion.notificada_en == acuse.abierto_en
    content = acuse_notificacion_generate(acuse_id=acuse.pk).pdf.read()
    [verdict] = firma.verify_pdf(content, roots=[firma.institution_identity().root], offline=True)
    assert verdict.valida
    checked = verificacion.pdf_check(content)
    assert checked.veredicto == "autentico" and "acuerdo" in checked.emitido.documento
    # Opening it again records nothing more.
    consulta(client, result)
    assert AcuseNotificacion.objects.filter(documento=Documento.ACUERDO).count() == 1


def test_opening_a_prorroga_electronically_records_a_signed_acuse(
    online, titular_obras, time_machine, client
):
    result, turno = online
    at(time_machine, 7)
    prorroga = turno_extend(turno_id=turno.pk, user=titular_obras, days=3, reason="Visita")
    at(time_machine, 8, 16)
    consulta(client, result)
    acuse = AcuseNotificacion.objects.get(documento=Documento.PRORROGA)
    assert acuse.prorroga == prorroga
    assert acuse.abierto_en == local(date(2026, 10, 8), 16)
    notificacion = NotificacionPeticionario.objects.get(prorroga=prorroga)
    assert notificacion.is_done and notificacion.acuse_electronico == acuse
    response = client.get(reverse("consulta_notificacion", args=[result.escrito.folio, acuse.pk]))
    content = b"".join(response.streaming_content)
    [verdict] = firma.verify_pdf(content, roots=[firma.institution_identity().root], offline=True)
    assert verdict.valida
    assert verificacion.pdf_check(content).veredicto == "autentico"


def test_an_acuerdo_notified_in_person_is_not_notified_again_by_opening_it(acordado, client):
    result, _, prevencion = acordado
    notificacion = NotificacionPeticionario.objects.get(acto=Acto.ACUERDO, prevencion=prevencion)
    notificacion.canal = Canal.VENTANILLA
    notificacion.estado = EstadoNotificacion.NOTIFICADA
    notificacion.save()
    consulta(client, result)
    assert not AcuseNotificacion.objects.filter(documento=Documento.ACUERDO).exists()


def test_the_signed_acuerdo_enters_the_expediente(
    online, titular_obras, time_machine, django_capture_on_commit_callbacks,
    cuadro,  # noqa: F811 (the fixture imported above)
):
    from archivo.expedientes import escrito_classify, expediente_of

    result, turno = online
    escrito_classify(escrito_id=result.escrito.pk, serie=cuadro["servicios"])
    at(time_machine, 6)
    turno_prevent_notified(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    at(time_machine, 15)
    with django_capture_on_commit_callbacks(execute=True):
        turno_not_presented(turno_id=turno.pk, user=titular_obras, texto=ACUERDO)
    prevencion = Prevencion.objects.get(turno=turno)
    documento = expediente_of(result.escrito.pk).documentos.get(origen=f"acuerdo:{prevencion.pk}")
    assert documento.sha256 == prevencion.acuerdo_pdf_sha256
