"""The Unidad de Transparencia and the ARCO requests (LGPDPPSO): received from the account
and on paper at the ventanilla, each with a receipt folio of its own series; the terms in
business days over the ayuntamiento's calendar (a vacation period included); a reminder
before each term ends; the answer, its notification, and each right's flow."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Escrito, EscritoState, Peticionario
from cuentas.models import ArcoChannel, ArcoKind, ArcoState, Cuenta, SolicitudArco
from cuentas.services import (
    arco_answer_notify,
    arco_reminders_send,
    arco_request_create,
    arco_request_execute,
    arco_request_extend,
    arco_request_register,
    arco_request_resolve,
)
from oficialia.acciones import ActionError
from oficialia.models import Bitacora, DiaInhabil, Notificacion
from tests.factories import file_escrito

pytestmark = pytest.mark.django_db

WINTER = "Vacaciones de invierno (acuerdo de Cabildo)"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def winter(db):
    """The ayuntamiento's published winter vacation."""
    return DiaInhabil.objects.create(
        start=date(2026, 12, 16), end=date(2027, 1, 6), descripcion=WINTER
    )


def test_terms_are_counted_in_business_days_over_a_vacation_period(winter, lupita, unidad):
    with time_machine.travel(at(date(2026, 12, 14)), tick=False):  # a Monday
        solicitud = arco_request_create(
            cuenta_id=lupita.pk, kind=ArcoKind.ACCESO, detalle="Quiero saber qué datos tienen"
        )
    # 20 business days: 15 Dec; the vacation (16 Dec-6 Jan, 1 Jan too); 7 Jan-29 Jan (17);
    # 1 Feb 2027 is Constitution Day (first Monday of February); 2 and 3 Feb.
    assert solicitud.answer_due == date(2027, 2, 3)
    # Extended once by 10: 4-5, 8-12, 15-17 Feb.
    with time_machine.travel(at(date(2027, 1, 20)), tick=False):
        arco_request_extend(solicitud_id=solicitud.pk, user=unidad, reason="Revisar el archivo")
        solicitud.refresh_from_db()
        assert solicitud.answer_due == date(2027, 2, 17)
        with pytest.raises(ActionError, match="ya se amplió una vez"):
            arco_request_extend(solicitud_id=solicitud.pk, user=unidad, reason="Otra vez")
    # Procedente, notified by email at once; 15 business days to carry it out.
    with time_machine.travel(at(date(2027, 2, 3)), tick=False):
        arco_request_resolve(
            solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="", execute=False
        )
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.PROCEDENTE
    assert solicitud.notified_at == at(date(2027, 2, 3))
    assert solicitud.execution_due == date(2027, 2, 24)  # 4-5, 8-12, 15-19, 22-24 Feb


def test_a_request_on_paper_at_the_ventanilla_gets_a_folio_of_its_own_series(
    ventanilla_clerk, unidad, titular_obras
):
    filed = file_escrito(nombre="Rosa Petra Díaz", email="rosa@example.com", queue_acuse=False)
    clerk = staff_client(ventanilla_clerk)
    url = reverse("arco_nueva")
    missing = clerk.post(
        url,
        {
            "derecho": "cancelacion",
            "titular_nombre": "Rosa Petra Díaz",
            "titular_contacto": "Calle Juárez 4",
            "detalle": "Cancelen",
        },
    )
    assert "Anote el folio" in missing.content.decode()
    response = clerk.post(
        url,
        {
            "derecho": "cancelacion",
            "titular_nombre": "Rosa Petra Díaz",
            "titular_contacto": "Calle Juárez 4, Centro",
            "folios": filed.escrito.folio.lower(),
            "detalle": "Cancelen mis datos del escrito",
        },
    )
    assert response.status_code == 200
    solicitud = SolicitudArco.objects.get()
    year = timezone.localdate().year
    assert solicitud.folio == f"DP-{year}-000001"
    assert solicitud.channel == ArcoChannel.VENTANILLA and solicitud.cuenta is None
    assert solicitud.folios == [filed.escrito.folio]
    assert solicitud.folio in response.content.decode()
    assert solicitud.answer_due.strftime("%Y") in response.content.decode()
    # Its own series: the escritos' folios go on.
    assert file_escrito(queue_acuse=False).escrito.folio == f"OP-{year}-000002"
    # The Unidad is told; a secretaría may not capture them.
    assert Notificacion.objects.filter(user=unidad, texto__contains=solicitud.folio).exists()
    assert staff_client(titular_obras).get(url).status_code == 403


def test_the_paper_cancellation_flow_answer_notification_then_bloqueo(ventanilla_clerk, unidad):
    filed = file_escrito(nombre="Rosa Petra Díaz", email="rosa@example.com", queue_acuse=False)
    escrito = filed.escrito
    Escrito.objects.filter(pk=escrito.pk).update(state=EscritoState.CONCLUIDO)
    solicitud = arco_request_register(
        user=ventanilla_clerk,
        kind=ArcoKind.CANCELACION,
        titular_nombre="Rosa Petra Díaz",
        titular_contacto="rosa@example.com",
        detalle="Cancelen mis datos",
        folios=[escrito.folio],
    )
    page = staff_client(unidad)
    detail = reverse("arco_solicitud", args=[solicitud.pk])
    assert page.get(detail).status_code == 200
    page.post(detail, {"accion": "responder", "decision": "procedente", "resolucion": ""})
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.PROCEDENTE and solicitud.notified_at is None
    assert solicitud.execution_due is None  # counts from the notification
    assert Peticionario.objects.get(pk=escrito.peticionario_id).bloqueado_at is None
    page.post(detail, {"accion": "notificar", "medio": "En persona, en ventanilla"})
    solicitud.refresh_from_db()
    assert solicitud.notification_channel == "En persona, en ventanilla"
    assert solicitud.execution_due is not None
    page.post(detail, {"accion": "efectiva"})
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.ATENDIDA and solicitud.executed_at
    peticionario = Peticionario.objects.get(pk=escrito.peticionario_id)
    assert peticionario.bloqueado_at is not None and peticionario.nombre == "Rosa Petra Díaz"
    actions = set(
        Bitacora.objects.filter(object_ref=solicitud.folio).values_list("action", flat=True)
    )
    assert actions >= {"arco.solicitar", "arco.responder", "arco.notificar", "arco.resolver"}


def test_an_improcedente_answer_needs_its_reason(lupita, unidad):
    solicitud = arco_request_create(
        cuenta_id=lupita.pk, kind=ArcoKind.OPOSICION, detalle="x", tratamiento="calificacion"
    )
    with pytest.raises(ActionError, match="fundamento y motivo"):
        arco_request_resolve(solicitud_id=solicitud.pk, user=unidad, accept=False, resolucion="")
    arco_request_resolve(
        solicitud_id=solicitud.pk, user=unidad, accept=False, resolucion="Art. 55: no procede."
    )
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.IMPROCEDENTE and solicitud.notified_at is not None
    assert Cuenta.objects.get(pk=lupita.pk).notify_avance  # nothing was applied


def test_opposition_stops_the_optional_email_notices(lupita, unidad):
    solicitud = arco_request_create(
        cuenta_id=lupita.pk,
        kind=ArcoKind.OPOSICION,
        detalle="No quiero avisos por correo",
        tratamiento="avisos",
    )
    arco_request_resolve(solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="")
    cuenta = Cuenta.objects.get(pk=lupita.pk)
    assert not any(
        (
            cuenta.notify_avance,
            cuenta.notify_prevencion,
            cuenta.notify_respuesta,
            cuenta.notify_cierre,
        )
    )
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.ATENDIDA


def test_access_is_procedente_and_recorded(lupita, unidad):
    solicitud = arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.ACCESO, detalle="Mis datos")
    arco_request_resolve(
        solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="", execute=False
    )
    with pytest.raises(ActionError, match="ya está registrada"):
        arco_answer_notify(solicitud_id=solicitud.pk, user=unidad, channel="Otra vez")
    arco_request_execute(solicitud_id=solicitud.pk, user=unidad)
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.ATENDIDA
    entry = Bitacora.objects.get(action="arco.resolver", object_ref=solicitud.folio)
    assert entry.changes["derecho"] == "acceso" and entry.actor == unidad


def test_only_the_unidad_answers(lupita, administracion):
    solicitud = arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.ACCESO, detalle="x")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        arco_request_resolve(
            solicitud_id=solicitud.pk, user=administracion, accept=True, resolucion=""
        )


def test_the_unidad_is_reminded_once_before_each_term_ends(winter, lupita, unidad):
    with time_machine.travel(at(date(2026, 12, 14)), tick=False):
        solicitud = arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.ACCESO, detalle="x")
    assert solicitud.answer_due == date(2027, 2, 3)
    # 1 Feb is a holiday: 4 business days before on 27 Jan, 3 on 28 Jan.
    assert arco_reminders_send(today=date(2027, 1, 27)) == 0
    assert arco_reminders_send(today=date(2027, 1, 28)) == 1
    assert arco_reminders_send(today=date(2027, 1, 29)) == 0  # once per term
    (notice,) = Notificacion.objects.filter(user=unidad, texto__contains="plazo para responder")
    assert "03/02/2027" in notice.texto and solicitud.folio in notice.texto
    # The execution term gets its own reminder.
    with time_machine.travel(at(date(2027, 2, 3)), tick=False):
        arco_request_resolve(
            solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="", execute=False
        )
    assert arco_reminders_send(today=date(2027, 2, 19)) == 1
    assert Notificacion.objects.filter(user=unidad, texto__contains="hacer efectiva").exists()
    # An overdue term that was never reminded is reminded too.
    other = arco_request_create(
        cuenta_id=lupita.pk, kind=ArcoKind.OPOSICION, detalle="y", tratamiento="estadisticas"
    )
    assert arco_reminders_send(today=other.answer_due + timedelta(days=1)) == 1
