"""The notification of each act to the petitioner as a record: its channel, its date and its
evidence; the term measured on the notification date; the ventanilla's personal notification
with a signed cédula; what staff are told; what the citizen may not switch off."""

import subprocess
from datetime import date, datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from archivo.expedientes import escrito_classify, expediente_of
from contraloria.selectors import overdue_count, overdue_report
from correspondencia import verificacion
from correspondencia.models import Channel
from cuentas.forms import AvisosForm
from cuentas.models import Cuenta, NoticeKind
from cuentas.selectors import email_notice_wanted
from cuentas.services import cuenta_notices_update, escrito_link_if_signed_in
from notificaciones import practica
from notificaciones.models import (
    Acto,
    Canal,
    EstadoNotificacion,
    NotificacionPeticionario,
    Resultado,
)
from oficialia import firma
from oficialia.acciones import ActionError
from oficialia.adjuntos import inspect
from tests.conftest import ARTIFACTS
from tests.factories import file_escrito, image_bytes, notify_electronically, pdf_bytes, upload
from turnos.models import Respuesta
from turnos.plazos import turno_due
from turnos.services import (
    Route,
    escrito_turn,
    turno_accept,
    turno_answer,
    turno_extend,
    turno_prevent,
)

from ..archivo.conftest import archivista, bacheo, cuadro, licencia  # noqa: F401
from ..turnos.conftest import local

pytestmark = pytest.mark.django_db

# Received Monday 5 October 2026 at 10:00; 10 business days: due Monday 19 October.
MONDAY_5_OCT = date(2026, 10, 5)
DUE = date(2026, 10, 19)


def at(time_machine, day: int, hour: int = 10):
    time_machine.move_to(local(date(2026, 10, day), hour), tick=False)


@pytest.fixture
def paper(time_machine, turnador, ventanilla_clerk, obras, titular_obras):
    """A paper escrito without email, captured at the ventanilla on Mon 5, routed and accepted."""
    at(time_machine, 5)
    result = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False,
        nombre="Remedios Salgado",
    )
    (turno,) = escrito_turn(escrito_id=result.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno.refresh_from_db()
    assert turno.due_date == DUE
    return result, turno


@pytest.fixture
def online(time_machine, turnador, obras, titular_obras):
    """An escrito filed online on Mon 5 with an email, routed and accepted."""
    at(time_machine, 5)
    result = file_escrito(queue_acuse=False, email="jose@example.com")
    (turno,) = escrito_turn(escrito_id=result.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    return result, turno


def answer(turno, user, texto="Se programó el bacheo."):
    return turno_answer(turno_id=turno.pk, user=user, texto=texto, sense="positiva")


def deliver(notificacion, user, when: datetime, scan=None):
    """The ventanilla: print the cédula, register who received it, upload the signed scan."""
    practica.cedula_generate(notificacion_id=notificacion.pk, user=user)
    practica.diligencia_register(
        notificacion_id=notificacion.pk, user=user, resultado=Resultado.ENTREGADA, at=when,
        recibio_nombre="Remedios Salgado", recibio_identificacion="INE",
    )
    scan = scan or inspect(upload("cedula.pdf", pdf_bytes(), "application/pdf"))
    return practica.escaneo_upload(notificacion_id=notificacion.pk, user=user, scan=scan)


# Channel ----------------------------------------------------------------------------------------


def test_each_act_creates_its_notification_with_the_channel_the_petitioners_data_give(
    paper, online, titular_obras, time_machine
):
    _, paper_turno = paper
    _, online_turno = online
    at(time_machine, 6)
    prevencion = turno_prevent(turno_id=paper_turno.pk, user=titular_obras, texto="Falta el plano")
    prorroga = turno_extend(turno_id=online_turno.pk, user=titular_obras, days=3, reason="Visita")
    respuesta = answer(online_turno, titular_obras)
    by_act = {n.acto: n for n in NotificacionPeticionario.objects.all()}
    assert set(by_act) == {Acto.PREVENCION, Acto.PRORROGA, Acto.RESPUESTA}
    assert by_act[Acto.PREVENCION].prevencion == prevencion
    assert by_act[Acto.PREVENCION].canal == Canal.VENTANILLA  # paper, no email
    assert by_act[Acto.PRORROGA].prorroga == prorroga
    assert by_act[Acto.RESPUESTA].respuesta == respuesta
    assert by_act[Acto.RESPUESTA].canal == Canal.ELECTRONICA  # online, with email
    # Nothing was made known yet: no date anywhere.
    assert all(n.estado == EstadoNotificacion.PENDIENTE for n in by_act.values())
    prevencion.refresh_from_db()
    respuesta.refresh_from_db()
    assert prevencion.notified_at is None and prevencion.deadline is None
    assert respuesta.notified_at is None and respuesta.within_term is None
    # Only the personal one waits in the ventanilla's queue.
    assert list(practica.personal_queue()) == [by_act[Acto.PREVENCION]]


def test_a_paper_filer_with_email_is_notified_electronically(ventanilla_clerk, time_machine):
    at(time_machine, 5)
    escrito = file_escrito(channel=Channel.VENTANILLA, captured_by=ventanilla_clerk,
                           email="remedios@example.com", queue_acuse=False).escrito
    assert practica.channel_for(escrito) == Canal.ELECTRONICA


def test_the_electronic_notification_is_the_opening_and_its_acuse_is_the_evidence(
    online, titular_obras, time_machine
):
    result, turno = online
    at(time_machine, 8)
    respuesta = answer(turno, titular_obras)
    at(time_machine, 12, 17)
    notify_electronically(result.escrito)
    notificacion = NotificacionPeticionario.objects.get(respuesta=respuesta)
    respuesta.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.NOTIFICADA
    assert notificacion.notificada_en == local(date(2026, 10, 12), 17)
    assert notificacion.acuse_electronico.respuesta == respuesta
    assert respuesta.notified_at == notificacion.notificada_en
    assert respuesta.within_term is True


def test_a_prorroga_is_notified_electronically_when_the_petitioner_opens_the_escrito(
    client, online, titular_obras, time_machine
):
    result, turno = online
    at(time_machine, 7)
    prorroga = turno_extend(turno_id=turno.pk, user=titular_obras, days=3, reason="Visita")
    notificacion = NotificacionPeticionario.objects.get(prorroga=prorroga)
    assert notificacion.estado == EstadoNotificacion.PENDIENTE
    at(time_machine, 8, 16)
    client.post(reverse("consulta"), {"folio": result.escrito.folio,
                                      "codigo": result.access_code})
    notificacion.refresh_from_db()
    assert notificacion.is_done and notificacion.notificada_en == local(date(2026, 10, 8), 16)
    assert notificacion.medio_electronico == "consulta"


def test_staff_change_the_channel_with_a_reason_and_estrados_only_where_the_law_allows(
    paper, titular_obras, turnador, settings, time_machine
):
    _, turno = paper
    at(time_machine, 6)
    answer(turno, titular_obras)
    notificacion = NotificacionPeticionario.objects.get()
    with pytest.raises(ActionError, match="por qué cambia"):
        practica.notificacion_channel_change(notificacion_id=notificacion.pk, user=turnador,
                                             canal=Canal.DOMICILIO, motivo=" ")
    settings.NOTIFICATION_ESTRADOS = False
    with pytest.raises(ActionError, match="ley"):
        practica.notificacion_channel_change(notificacion_id=notificacion.pk, user=turnador,
                                             canal=Canal.ESTRADOS, motivo="No se le encontró")
    practica.notificacion_channel_change(notificacion_id=notificacion.pk, user=turnador,
                                         canal=Canal.DOMICILIO, motivo="Pidió que se le lleve")
    settings.NOTIFICATION_ESTRADOS = True
    practica.notificacion_channel_change(notificacion_id=notificacion.pk, user=turnador,
                                         canal=Canal.ESTRADOS, motivo="No se le encontró")
    at(time_machine, 9)
    practica.diligencia_register(notificacion_id=notificacion.pk, user=turnador,
                                 resultado=Resultado.PUBLICADA, at=timezone.now())
    notificacion.refresh_from_db()
    assert notificacion.is_done and notificacion.notificada_en == local(date(2026, 10, 9))


# Within term on the notification date --------------------------------------------------------


def test_an_answer_written_in_term_but_notified_late_is_late(
    paper, titular_obras, ventanilla_clerk, time_machine
):
    _, turno = paper
    at(time_machine, 16)  # Friday 16: three days before the due date
    respuesta = answer(turno, titular_obras)
    respuesta.refresh_from_db()
    assert respuesta.within_term is None  # pendiente de notificar: neither yet
    # The term runs out while it waits: the contraloría sees it.
    at(time_machine, 20)
    report = overdue_report()
    assert [r.pk for r in report.unnotified_answers] == [respuesta.pk]
    assert overdue_count() == 1
    # Notified at the ventanilla on Tuesday 20: after the due date.
    notificacion = NotificacionPeticionario.objects.get(respuesta=respuesta)
    deliver(notificacion, ventanilla_clerk, timezone.now())
    respuesta.refresh_from_db()
    assert respuesta.notified_at == local(date(2026, 10, 20))
    assert respuesta.within_term is False
    assert overdue_report().unnotified_answers == []


def test_an_answer_notified_on_the_due_date_is_on_time(
    paper, titular_obras, ventanilla_clerk, time_machine
):
    _, turno = paper
    at(time_machine, 7)
    respuesta = answer(turno, titular_obras)
    at(time_machine, 19, 14)  # the due date itself
    deliver(NotificacionPeticionario.objects.get(), ventanilla_clerk, timezone.now())
    respuesta.refresh_from_db()
    assert respuesta.within_term is True


def test_the_diligencia_date_not_the_upload_date_closes_the_term(
    paper, titular_obras, ventanilla_clerk, time_machine
):
    _, turno = paper
    at(time_machine, 7)
    respuesta = answer(turno, titular_obras)
    at(time_machine, 21)  # the scan is uploaded late, for a delivery on Monday 19
    deliver(NotificacionPeticionario.objects.get(), ventanilla_clerk,
            local(date(2026, 10, 19), 12))
    respuesta.refresh_from_db()
    assert respuesta.notified_at == local(date(2026, 10, 19), 12)
    assert respuesta.within_term is True


# The prevención's clock ---------------------------------------------------------------------


def test_the_prevencion_stops_the_clock_from_its_notification_not_from_its_writing(
    paper, titular_obras, ventanilla_clerk, time_machine
):
    result, turno = paper
    at(time_machine, 6)  # written Tuesday 6
    prevencion = turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Falta el plano")
    turno.refresh_from_db()
    # Not notified yet: nothing stands still and the petitioner has no deadline.
    assert not turno_due(turno).suspended
    assert prevencion.deadline is None
    at(time_machine, 8, 11)  # notified at the ventanilla on Thursday 8
    deliver(NotificacionPeticionario.objects.get(prevencion=prevencion), ventanilla_clerk,
            timezone.now())
    prevencion.refresh_from_db()
    assert prevencion.notified_at == local(date(2026, 10, 8), 11)
    # Five business days from Thursday 8: Fri 9, Mon 12, Tue 13, Wed 14, Thu 15.
    assert prevencion.deadline == date(2026, 10, 15)
    turno.refresh_from_db()
    assert turno_due(turno).suspended
    # Answered Tuesday 13: Fri 9 .. Tue 13 stood still (3 business days), Tue 6 and Wed 7 ran.
    from turnos.services import prevencion_answer

    at(time_machine, 13, 12)
    prevencion_answer(escrito_id=result.escrito.pk, texto="Anexo el plano", files=[])
    turno.refresh_from_db()
    assert turno.due_date == date(2026, 10, 22)  # Mon 19 + Tue 20, Wed 21, Thu 22
    skipped = {s.day for s in turno_due(turno).skipped if "Prevención" in s.reason}
    assert date(2026, 10, 7) not in skipped and date(2026, 10, 9) in skipped


# Personal notification at the ventanilla -----------------------------------------------------


def test_the_cedula_is_a_signed_pdf_that_verificar_recognises(
    paper, titular_obras, ventanilla_clerk, time_machine, tmp_path
):
    result, turno = paper
    at(time_machine, 7)
    answer(turno, titular_obras, texto="Se autoriza la poda del árbol frente a su domicilio.")
    notificacion = practica.cedula_generate(
        notificacion_id=NotificacionPeticionario.objects.get().pk, user=ventanilla_clerk
    )
    content = notificacion.cedula.read()
    [verdict] = firma.verify_pdf(content, roots=[firma.institution_identity().root], offline=True)
    assert verdict.valida
    checked = verificacion.pdf_check(content)
    assert checked.veredicto == "autentico"
    assert checked.emitido.folio == result.escrito.folio
    assert "Cédula de notificación" in checked.emitido.documento
    # Printing it again hands out the same signed bytes.
    again = practica.cedula_generate(notificacion_id=notificacion.pk, user=ventanilla_clerk)
    assert again.cedula.read() == content
    # It renders, with the folio and the text being notified.
    pdf = tmp_path / "cedula.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert result.escrito.folio in text and "Cédula de notificación" in text
    assert "Se autoriza la poda" in text and "Firma de quien recibe" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(ARTIFACTS / "cedula-notificacion")], check=True)
    assert (ARTIFACTS / "cedula-notificacion-1.png").stat().st_size > 5_000


def test_nobody_found_leaves_it_pending_and_a_scan_needs_a_delivery(
    paper, titular_obras, ventanilla_clerk, time_machine
):
    _, turno = paper
    at(time_machine, 7)
    answer(turno, titular_obras)
    notificacion = NotificacionPeticionario.objects.get()
    scan = inspect(upload("cedula.pdf", pdf_bytes(), "application/pdf"))
    with pytest.raises(ActionError, match="Registre primero la diligencia"):
        practica.escaneo_upload(notificacion_id=notificacion.pk, user=ventanilla_clerk, scan=scan)
    practica.diligencia_register(notificacion_id=notificacion.pk, user=ventanilla_clerk,
                                 resultado=Resultado.NO_LOCALIZADO, at=timezone.now())
    notificacion.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.PENDIENTE
    assert Respuesta.objects.get().notified_at is None
    with pytest.raises(ActionError, match="futuro"):
        practica.diligencia_register(
            notificacion_id=notificacion.pk, user=ventanilla_clerk,
            resultado=Resultado.ENTREGADA, recibio_nombre="X",
            at=timezone.now() + timezone.timedelta(hours=2),
        )


def test_the_signed_scan_is_checked_by_its_content(
    client, paper, titular_obras, ventanilla_clerk, time_machine
):
    _, turno = paper
    at(time_machine, 7)
    answer(turno, titular_obras)
    notificacion = NotificacionPeticionario.objects.get()
    practica.diligencia_register(
        notificacion_id=notificacion.pk, user=ventanilla_clerk, resultado=Resultado.ENTREGADA,
        at=timezone.now(), recibio_nombre="Remedios Salgado",
    )
    client.force_login(ventanilla_clerk)
    url = reverse("notificacion_escaneo", args=[notificacion.pk])
    fake = upload("cedula.pdf", b"esto no es un PDF", "application/pdf")
    page = client.post(url, {"escaneo-escaneo": fake}).content.decode()
    assert "no es un PDF, JPEG ni PNG" in page
    notificacion.refresh_from_db()
    assert not notificacion.is_done and not notificacion.escaneo
    photo = upload("cedula.jpg", image_bytes("JPEG"), "image/jpeg")
    response = client.post(url, {"escaneo-escaneo": photo})
    assert response.status_code == 302
    notificacion.refresh_from_db()
    assert notificacion.is_done and notificacion.escaneo_content_type == "image/jpeg"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Notificación practicada el 07/10/2026")


def test_the_archive_files_the_cedula_and_its_signed_scan(
    paper, titular_obras, ventanilla_clerk, time_machine, django_capture_on_commit_callbacks,
    cuadro,  # noqa: F811 (the fixture imported above)
):
    result, turno = paper
    escrito_classify(escrito_id=result.escrito.pk, serie=cuadro["servicios"])
    at(time_machine, 7)
    answer(turno, titular_obras)
    notificacion = NotificacionPeticionario.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(notificacion, ventanilla_clerk, timezone.now())
    expediente = expediente_of(result.escrito.pk)
    origins = set(expediente.documentos.values_list("origen", flat=True))
    assert {f"cedula:{notificacion.pk}", f"cedula-firmada:{notificacion.pk}"} <= origins


# What staff are told -----------------------------------------------------------------------------


def _post_answer(client, turno):
    return client.post(
        reverse("turno_accion", args=[turno.pk, "responder"]),
        {"respuesta-texto": "Se programó el bacheo.", "respuesta-sense": "positiva"},
    )


def test_the_staff_message_says_the_answer_waits_for_the_ventanilla(
    client, paper, titular_obras, time_machine
):
    _, turno = paper
    at(time_machine, 7)
    client.force_login(titular_obras)
    response = _post_answer(client, turno)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Respuesta registrada; pendiente de notificar por ventanilla."]
    assert not any("notificada al peticionario" in m for m in messages)
    assert Respuesta.objects.get().notified_at is None


def test_the_staff_message_says_an_electronic_answer_waits_for_the_opening(
    client, online, titular_obras, time_machine
):
    _, turno = online
    at(time_machine, 7)
    client.force_login(titular_obras)
    response = _post_answer(client, turno)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Respuesta registrada; pendiente de notificar en forma electrónica")
    client.force_login(titular_obras)
    page = client.get(reverse("turno_detalle", args=[turno.pk])).content.decode()
    assert "Pendiente de notificar</strong>" in page


def test_the_ventanilla_queue_lists_what_awaits_personal_notification(
    client, paper, online, titular_obras, ventanilla_clerk, time_machine
):
    paper_result, paper_turno = paper
    online_result, online_turno = online
    at(time_machine, 7)
    answer(paper_turno, titular_obras)
    answer(online_turno, titular_obras)
    client.force_login(ventanilla_clerk)
    page = client.get(reverse("notificaciones_pendientes")).content.decode()
    assert paper_result.escrito.folio in page
    assert online_result.escrito.folio not in page


# The citizen's preferences ------------------------------------------------------------------------


def test_the_citizen_cannot_switch_off_the_notices_the_law_requires(
    lupita, lupita_client, online, titular_obras, time_machine
):
    result, _ = online
    escrito_link_if_signed_in(user=lupita.user, escrito_id=result.escrito.pk)
    offered = {value for value, _ in AvisosForm().fields["por_correo"].choices}
    assert NoticeKind.PREVENCION not in offered and NoticeKind.RESPUESTA not in offered
    assert NoticeKind.AVANCE in offered
    # Even a forged POST that unticks everything keeps them on.
    cuenta_notices_update(cuenta_id=lupita.pk, email_kinds=set())
    cuenta = Cuenta.objects.get(pk=lupita.pk)
    assert cuenta.notify_prevencion and cuenta.notify_respuesta and not cuenta.notify_avance
    Cuenta.objects.filter(pk=lupita.pk).update(notify_respuesta=False)
    from correspondencia.models import EscritoState

    escrito_id = result.escrito.pk
    assert email_notice_wanted(escrito_id=escrito_id, state=EscritoState.RESPONDIDO)
    assert email_notice_wanted(escrito_id=escrito_id, state=EscritoState.PREVENIDO)
    assert email_notice_wanted(escrito_id=escrito_id, state=EscritoState.EN_ATENCION,
                               action="prorrogar")
    assert not email_notice_wanted(escrito_id=escrito_id, state=EscritoState.EN_ATENCION)
    page = lupita_client.get(reverse("cuenta_avisos")).content.decode()
    assert 'data-testid="avisos-obligatorios"' in page


def test_the_answer_email_goes_out_even_when_the_account_muted_answers(
    lupita, online, titular_obras, time_machine, django_capture_on_commit_callbacks
):
    result, turno = online
    escrito_link_if_signed_in(user=lupita.user, escrito_id=result.escrito.pk)
    Cuenta.objects.filter(pk=lupita.pk).update(notify_respuesta=False)
    mail.outbox.clear()
    at(time_machine, 7)
    with django_capture_on_commit_callbacks(execute=True):
        answer(turno, titular_obras)
    assert any("Respondido" in m.subject for m in mail.outbox)

