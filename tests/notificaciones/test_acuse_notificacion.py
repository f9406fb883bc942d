"""Electronic notification with proof: the first time the petitioner opens an answer or a
prevención, a signed acuse de notificación records when, what and its digest; that moment is
the notification date shown to staff and petitioner."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from correspondencia import verificacion
from cuentas.services import escrito_link_if_signed_in
from notificaciones.models import AcuseNotificacion, Documento, Medio
from notificaciones.services import acuse_notificacion_generate, content_digest_of
from oficialia import firma
from oficialia.acciones_bitacora import Accion
from oficialia.models import Bitacora
from tests.factories import file_escrito
from turnos.services import Route, escrito_turn, turno_accept, turno_answer, turno_prevent

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(turnador, obras, titular_obras):
    """An escrito filed online, routed to Obras Públicas and answered; with its access code."""
    result = file_escrito(queue_acuse=False)
    (turno,) = escrito_turn(escrito_id=result.escrito.pk, user=turnador,
                            routes=[Route(secretaria=obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    respuesta = turno_answer(turno_id=turno.pk, user=titular_obras,
                             texto="Se programó el bacheo para el lunes.", sense="positiva")
    return result.escrito, result.access_code, respuesta


def lookup(client, escrito, code):
    return client.post(reverse("consulta"), {"folio": escrito.folio, "codigo": code})


def test_opening_the_answer_in_consulta_is_its_notification_and_only_the_first_time_counts(
    client, answered
):
    escrito, code, respuesta = answered
    assert not AcuseNotificacion.objects.exists()
    opened_at = timezone.now().replace(microsecond=0)
    with time_machine.travel(opened_at, tick=False):
        page = lookup(client, escrito, code).content.decode()
    record = AcuseNotificacion.objects.get()
    assert record.respuesta == respuesta
    assert record.documento == Documento.RESPUESTA and record.medio == Medio.CONSULTA
    assert record.abierto_en == opened_at
    assert record.contenido_sha256 == content_digest_of(respuesta=respuesta)
    assert 'data-testid="notificada"' in page
    assert Bitacora.objects.filter(action=Accion.NOTIFICACION_ELECTRONICA,
                                   folio=escrito.folio).count() == 1
    # Opening it again a day later changes nothing: the notification already happened.
    with time_machine.travel(opened_at + timezone.timedelta(days=1), tick=False):
        lookup(client, escrito, code)
    assert AcuseNotificacion.objects.get().abierto_en == opened_at


def test_the_acuse_de_notificacion_is_signed_and_verifiable(client, answered):
    escrito, code, _ = answered
    lookup(client, escrito, code)
    record = AcuseNotificacion.objects.get()
    response = client.get(reverse("consulta_notificacion", args=[escrito.folio, record.pk]))
    content = b"".join(response.streaming_content)
    [verdict] = firma.verify_pdf(content, roots=[firma.institution_identity().root],
                                 offline=True)
    assert verdict.valida
    result = verificacion.pdf_check(content)
    assert result.veredicto == "autentico"
    assert result.emitido.folio == escrito.folio
    assert result.emitido.certifica == record.contenido_sha256
    # Made once: asking again serves the same bytes.
    again = acuse_notificacion_generate(acuse_id=record.pk)
    assert again.pdf.read() == content


def test_the_staff_see_the_notification_date_on_the_turno(client, answered, titular_obras):
    escrito, code, respuesta = answered
    client.force_login(titular_obras)
    page = client.get(reverse("turno_detalle", args=[respuesta.turno_id])).content.decode()
    assert "Pendiente de notificar</strong> (electrónica" in page
    client.logout()
    lookup(client, escrito, code)
    client.force_login(titular_obras)
    page = client.get(reverse("turno_detalle", args=[respuesta.turno_id])).content.decode()
    record = AcuseNotificacion.objects.get()
    local = timezone.localtime(record.abierto_en)
    assert f"Notificada el {local:%d/%m/%Y %H:%M} en forma electrónica" in page


def test_a_prevencion_opened_in_the_account_is_notified_there(
    lupita_client, lupita, turnador, obras, titular_obras
):
    result = file_escrito(queue_acuse=False)
    escrito_link_if_signed_in(user=lupita.user, escrito_id=result.escrito.pk)
    (turno,) = escrito_turn(escrito_id=result.escrito.pk, user=turnador,
                            routes=[Route(secretaria=obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    prevencion = turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Falta la INE.")
    page = lupita_client.get(reverse("cuenta_escrito", args=[result.escrito.folio]))
    assert page.status_code == 200
    record = AcuseNotificacion.objects.get()
    assert record.prevencion_id == getattr(prevencion, "pk", prevencion)
    assert record.medio == Medio.CUENTA
    pdf = lupita_client.get(reverse("cuenta_escrito_notificacion",
                                    args=[result.escrito.folio, record.pk]))
    assert pdf.status_code == 200


def test_opening_again_reads_every_acuse_de_notificacion_in_one_query(
    client, turnador, obras, agua, titular_obras, titular_agua
):
    """Two answers opened before: the page reads both acuses together, not one per answer."""
    result = file_escrito(queue_acuse=False)
    turnos = escrito_turn(escrito_id=result.escrito.pk, user=turnador,
                          routes=[Route(secretaria=obras), Route(secretaria=agua)])
    for turno, titular in zip(turnos, (titular_obras, titular_agua), strict=True):
        turno_accept(turno_id=turno.pk, user=titular)
        turno_answer(turno_id=turno.pk, user=titular, texto=f"Respuesta de {titular}.",
                     sense="positiva")
    lookup(client, result.escrito, result.access_code)
    assert AcuseNotificacion.objects.count() == 2
    with CaptureQueriesContext(connection) as captured:
        page = lookup(client, result.escrito, result.access_code).content.decode()
    assert page.count('data-testid="notificada"') == 2
    reads = [q["sql"] for q in captured.captured_queries
             if 'FROM "notificaciones_acusenotificacion"' in q["sql"]]
    assert len(reads) == 1, "\n".join(reads)
