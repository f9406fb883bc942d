"""Access and opposition asked from the citizen's account, like rectification and
cancellation: to the Unidad de Transparencia, with a receipt folio of the ARCO series, the
answer's term in business days, a notice to the Unidad, the answer by email. Access delivers
the data (the account's own export, PDF and JSON); opposition names the treatment opposed
and the reason."""

import io
import json
from datetime import date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cuentas import plazos_arco
from cuentas.models import (
    OPTIONAL_NOTICE_KINDS,
    ArcoChannel,
    ArcoKind,
    ArcoState,
    Cuenta,
    SolicitudArco,
)
from cuentas.services import arco_reminders_send
from oficialia.models import Bitacora, DiaInhabil, Notificacion
from tests.factories import file_escrito

from .conftest import LUPITA, link, signed_in

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_the_account_page_offers_the_four_rights(lupita_client):
    page = lupita_client.get(reverse("cuenta_privacidad")).content.decode()
    for testid in ("arco-acceso", "arco-rectificacion", "arco-cancelacion", "arco-oposicion"):
        assert f'data-testid="{testid}"' in page
    assert "Unidad de Transparencia" in page


def test_access_from_the_account_goes_to_the_unidad_and_its_answer_delivers_the_data(
    lupita, unidad, django_capture_on_commit_callbacks
):
    escrito = file_escrito(nombre=LUPITA["nombre"], email="lupita@example.com").escrito
    link(lupita, escrito)
    DiaInhabil.objects.create(
        start=date(2026, 12, 16), end=date(2027, 1, 6), descripcion="Vacaciones de invierno"
    )
    with time_machine.travel(at(date(2026, 12, 14)), tick=False):  # a Monday
        response = signed_in(lupita).post(
            reverse("cuenta_privacidad"),
            {"derecho": "acceso", "acc-detalle": "Todos mis datos, por favor."},
            follow=True,
        )
    solicitud = SolicitudArco.objects.get()
    assert (solicitud.kind, solicitud.channel, solicitud.cuenta) == (
        ArcoKind.ACCESO,
        ArcoChannel.CUENTA,
        lupita,
    )
    assert solicitud.folio.startswith("DP-2026-")
    # 20 business days across the ayuntamiento's winter vacation (and 1 Feb, a holiday).
    assert solicitud.answer_due == date(2027, 2, 3)
    assert solicitud.answer_due == plazos_arco.answer_due(at(date(2026, 12, 14)))
    page = response.content.decode()
    assert solicitud.folio in page and "03/02/2027" in page
    assert "Unidad de Transparencia le responderá" in page
    (notice,) = Notificacion.objects.filter(user=unidad)
    assert solicitud.folio in notice.texto and "acceso" in notice.texto
    # The Unidad is reminded before the term ends, like for every right.
    assert arco_reminders_send(today=date(2027, 1, 28)) == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client(unidad).post(
            reverse("arco_solicitud", args=[solicitud.pk]),
            {"decision": "aplicar", "resolucion": "Le entregamos todos sus datos."},
        )
    assert answer.status_code == 302
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.ATENDIDA and solicitud.notified_at is not None
    entry = Bitacora.objects.get(action="arco.resolver", object_ref=solicitud.folio)
    assert entry.changes["entrega"] == "correo de la cuenta"

    (email,) = mail.outbox
    assert email.to == ["lupita@example.com"]
    assert solicitud.folio in email.subject and "acceso" in email.subject
    assert "fue resuelta: atendida" in email.body and "Adjuntamos sus datos" in email.body
    files = {name: (content, mimetype) for name, content, mimetype in email.attachments}
    (pdf_name,) = [n for n in files if n.endswith(".pdf")]
    (json_name,) = [n for n in files if n.endswith(".json")]
    data = json.loads(files[json_name][0])
    assert data["cuenta"]["correo"] == "lupita@example.com"
    assert [e["folio"] for e in data["escritos"]] == [escrito.folio]
    assert data["solicitudes_arco"][0]["folio"] == solicitud.folio
    pdf = PdfReader(io.BytesIO(files[pdf_name][0]))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert escrito.folio in text and LUPITA["nombre"] in text


def test_access_carried_out_later_sends_the_data_when_it_is_done(
    lupita, lupita_client, unidad, django_capture_on_commit_callbacks
):
    lupita_client.post(reverse("cuenta_privacidad"), {"derecho": "acceso", "acc-detalle": "x"})
    solicitud = SolicitudArco.objects.get()
    staff = staff_client(unidad)
    url = reverse("arco_solicitud", args=[solicitud.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"decision": "procedente", "resolucion": "Procede."})
    (first,) = mail.outbox
    assert "procedente" in first.body and not first.attachments
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"accion": "efectiva"})
    second = mail.outbox[1]
    assert "atendida" in second.body
    assert sorted(n.rsplit(".", 1)[1] for n, _, _ in second.attachments) == ["json", "pdf"]


def test_opposition_names_the_treatment_and_the_reason(lupita, lupita_client, unidad):
    url = reverse("cuenta_privacidad")
    missing = lupita_client.post(url, {"derecho": "oposicion", "opos-detalle": "No quiero."})
    page = missing.content.decode()
    assert missing.status_code == 400
    assert "Elija el uso de sus datos al que se opone." in page
    assert "No quiero." in page  # what was typed stays
    assert not SolicitudArco.objects.exists()

    lupita_client.post(
        url,
        {
            "derecho": "oposicion",
            "opos-tratamiento": "estadisticas",
            "opos-detalle": "No quiero que mi género cuente en las estadísticas.",
        },
    )
    solicitud = SolicitudArco.objects.get()
    assert (solicitud.kind, solicitud.tratamiento) == (ArcoKind.OPOSICION, "estadisticas")
    assert solicitud.detalle == "No quiero que mi género cuente en las estadísticas."
    assert solicitud.folio.startswith("DP-") and solicitud.answer_due is not None
    asked = Bitacora.objects.get(action="arco.solicitar")
    assert asked.changes["tratamiento"] == "estadisticas"
    listed = lupita_client.get(url).content.decode()
    assert "Se opone a: Estadísticas públicas" in listed and solicitud.folio in listed
    detail = staff_client(unidad).get(reverse("arco_solicitud", args=[solicitud.pk]))
    assert "Estadísticas públicas" in detail.content.decode()


def test_opposing_the_email_notices_switches_them_off_and_other_treatments_do_not(
    lupita, lupita_client, beto, unidad, django_capture_on_commit_callbacks
):
    url = reverse("cuenta_privacidad")
    lupita_client.post(
        url, {"derecho": "oposicion", "opos-tratamiento": "avisos", "opos-detalle": "Basta."}
    )
    signed_in(beto).post(
        url,
        {"derecho": "oposicion", "opos-tratamiento": "calificacion", "opos-detalle": "No."},
    )
    staff = staff_client(unidad)
    for solicitud in SolicitudArco.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(
                reverse("arco_solicitud", args=[solicitud.pk]),
                {"decision": "aplicar", "resolucion": "Procede."},
            )
    lupita_now, beto_now = Cuenta.objects.get(pk=lupita.pk), Cuenta.objects.get(pk=beto.pk)
    assert not any(lupita_now.wants_email(k) for k in OPTIONAL_NOTICE_KINDS)
    assert all(beto_now.wants_email(k) for k in OPTIONAL_NOTICE_KINDS)
    entries = Bitacora.objects.filter(action="arco.resolver").order_by("pk")
    assert [e.changes["tratamiento"] for e in entries] == ["avisos", "calificacion"]
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Dejamos de usar sus datos para: Avisos por correo" in bodies["lupita@example.com"]
    assert "Medición de la calidad" in bodies["beto@example.com"]


def test_a_paper_opposition_names_the_treatment(ventanilla_clerk):
    client = staff_client(ventanilla_clerk)
    data = {
        "derecho": "oposicion",
        "titular_nombre": "Rosa Pérez",
        "titular_contacto": "rosa@example.com",
        "detalle": "Que no usen mi calificación.",
    }
    refused = client.post(reverse("arco_nueva"), data)
    assert "Elija el tratamiento al que se opone el titular." in refused.content.decode()
    received = client.post(reverse("arco_nueva"), {**data, "tratamiento": "calificacion"})
    assert received.status_code == 200
    solicitud = SolicitudArco.objects.get()
    assert (solicitud.channel, solicitud.tratamiento) == (ArcoChannel.VENTANILLA, "calificacion")
