"""Personal data (LGPDPPSO), from the account: access (JSON and PDF), rectification and
cancellation requests that the administración resolves, and what a cancellation leaves."""

import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from correspondencia.models import Escrito, EscritoState, Peticionario, Transicion
from correspondencia.services import acuse_generate
from cuentas.models import ArcoKind, ArcoState, Cuenta, SolicitudArco
from cuentas.services import REDACTED, arco_request_create, arco_request_resolve
from oficialia.adjuntos import inspect_all
from oficialia.models import Bitacora
from tests.factories import escrito_form_data, pdf_bytes, upload
from transparencia.models import EscritoPublico, SummaryCell
from transparencia.services import statistics_rebuild, statistics_refresh
from turnos.services import (
    ActionError,
    Route,
    escrito_rate,
    escrito_turn,
    escrito_withdraw,
    tarea_assign,
    tarea_progress,
    turno_accept,
    turno_answer,
    turno_prevent,
)

from .conftest import LUPITA, PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return meta + "\n" + "\n".join(page.extract_text() for page in reader.pages)


def file_as_lupita(client: Client, **overrides) -> Escrito:
    data = escrito_form_data(
        nombre=LUPITA["nombre"],
        email="lupita@example.com",
        telefono=LUPITA["telefono"],
        curp=LUPITA["curp"],
        domicilio=LUPITA["domicilio"],
        **overrides,
    )
    response = client.post(reverse("escrito_nuevo"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Escrito.objects.get(submission_token=data["submission_token"])


# Access ------------------------------------------------------------------------------------


def test_the_citizen_downloads_all_the_data_as_json_and_pdf(lupita, lupita_client):
    escrito = file_as_lupita(lupita_client)
    response = lupita_client.get(reverse("cuenta_mis_datos_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mis-datos-')
    data = json.loads(response.content)
    assert data["cuenta"]["correo"] == "lupita@example.com"
    assert data["cuenta"]["datos_guardados"]["domicilio"] == LUPITA["domicilio"]
    (exported,) = data["escritos"]
    assert exported["folio"] == escrito.folio
    assert exported["peticionario"]["curp"] == LUPITA["curp"]
    assert exported["texto"].startswith("Solicito atentamente")
    assert exported["historial"][0]["paso"].startswith("Escrito recibido")
    assert {"cuenta.registrar", "cuenta.confirmar"} <= {a["accion"] for a in data["actividad"]}

    pdf = lupita_client.get(reverse("cuenta_mis_datos_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for expected in (escrito.folio, "María Guadalupe Hernández Ruiz", "lupita@example.com"):
        assert expected in text
    formats = Bitacora.objects.filter(action="arco.acceso", actor=lupita.user)
    assert [e.changes["formato"] for e in formats.order_by("pk")] == ["json", "pdf"]


# Rectification -----------------------------------------------------------------------------


def test_a_rectification_is_asked_for_and_applied_to_every_escrito_of_the_account(
    lupita, lupita_client, administracion, django_capture_on_commit_callbacks
):
    first = file_as_lupita(lupita_client)
    second = file_as_lupita(lupita_client, asunto="Poda de árbol")
    url = reverse("cuenta_privacidad")
    empty = lupita_client.post(url, {"derecho": "rectificacion", "rect-detalle": "Está mal"})
    assert "al menos un dato corregido" in empty.content.decode()
    response = lupita_client.post(
        url,
        {
            "derecho": "rectificacion",
            "rect-nombre": "María Guadalupe Hernández Ruíz",
            "rect-detalle": "Mi segundo apellido lleva acento.",
        },
    )
    assert response.status_code == 302
    solicitud = SolicitudArco.objects.get()
    assert solicitud.rectificacion == {"nombre": "María Guadalupe Hernández Ruíz"}
    asked = Bitacora.objects.get(action="arco.solicitar")
    assert asked.changes == {
        "solicitud": solicitud.pk,
        "derecho": "rectificacion",
        "campos": ["nombre"],
    }
    again = lupita_client.post(
        url, {"derecho": "rectificacion", "rect-telefono": "7471112233", "rect-detalle": "x"}
    )
    assert "Ya tiene una solicitud de este tipo" in again.content.decode()

    staff = signed_in_staff(administracion)
    page = staff.get(reverse("arco_solicitud", args=[solicitud.pk]))
    assert page.status_code == 200
    assert first.folio in page.content.decode()
    assert Bitacora.objects.filter(action="datos.ver", actor=administracion).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("arco_solicitud", args=[solicitud.pk]),
            {"decision": "aplicar", "resolucion": "Se corrigió el nombre."},
        )
    assert response.status_code == 302
    for escrito in (first, second):
        peticionario = Peticionario.objects.get(escritos=escrito)
        assert peticionario.nombre == "María Guadalupe Hernández Ruiz".replace("Ruiz", "Ruíz")
        # The history keeps what was corrected.
        assert peticionario.history.order_by("history_date").first().nombre == LUPITA["nombre"]
        step = Transicion.objects.get(escrito=escrito, action="rectificar")
        assert step.actor == administracion
    solicitud.refresh_from_db()
    assert (solicitud.state, solicitud.resolved_by) == (ArcoState.ATENDIDA, administracion)
    resolved = Bitacora.objects.get(action="arco.resolver")
    assert resolved.changes["campos"] == ["nombre"] and resolved.changes["resultado"] == "atendida"
    (notice,) = [
        m for m in mail.outbox if m.to == ["lupita@example.com"] and "solicitud" in m.subject
    ]
    assert "fue resuelta: atendida" in notice.body


def signed_in_staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_request_declared_improcedente_needs_the_reason_and_is_resolved_once(
    lupita, administracion, titular_obras
):
    solicitud = arco_request_create(
        cuenta_id=lupita.pk,
        kind=ArcoKind.RECTIFICACION,
        detalle="Mi CURP",
        rectificacion={"curp": "HERM850101MGRRZR07"},
    )
    with pytest.raises(PermissionDenied):
        arco_request_resolve(
            solicitud_id=solicitud.pk, user=titular_obras, accept=False, resolucion="No"
        )
    with pytest.raises(ActionError, match="fundamento"):
        arco_request_resolve(
            solicitud_id=solicitud.pk, user=administracion, accept=False, resolucion=" "
        )
    arco_request_resolve(
        solicitud_id=solicitud.pk,
        user=administracion,
        accept=False,
        resolucion="La CURP que envió es la misma que ya tenemos.",
    )
    assert SolicitudArco.objects.get().state == ArcoState.IMPROCEDENTE
    with pytest.raises(ActionError, match="ya fue resuelta"):
        arco_request_resolve(
            solicitud_id=solicitud.pk, user=administracion, accept=True, resolucion=""
        )


# Cancellation ------------------------------------------------------------------------------


def test_cancellation_waits_until_no_escrito_is_in_process(lupita, lupita_client, administracion):
    escrito = file_as_lupita(lupita_client)
    response = lupita_client.post(
        reverse("cuenta_privacidad"), {"derecho": "cancelacion", "canc-detalle": "Ya no uso"}
    )
    assert "Marque la casilla" in response.content.decode()
    lupita_client.post(
        reverse("cuenta_privacidad"),
        {"derecho": "cancelacion", "canc-detalle": "Ya no uso la cuenta", "canc-confirmo": "on"},
    )
    solicitud = SolicitudArco.objects.get(kind=ArcoKind.CANCELACION)
    response = signed_in_staff(administracion).post(
        reverse("arco_solicitud", args=[solicitud.pk]), {"decision": "aplicar"}
    )
    assert response.status_code == 200
    assert "escritos en trámite" in response.content.decode()
    assert escrito.folio in response.content.decode()
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.PENDIENTE
    assert Peticionario.objects.get(escritos=escrito).nombre == LUPITA["nombre"]


# What the citizen wrote, and what the staff wrote about her, in many places.
PERSONAL = [
    "María Guadalupe",
    "Hernández",
    "lupita@example.com",
    "747 123 4567",
    "HERM850101MGRRZR07",
    "Calle Morelos",
    "Lupita",
]


def text_values(instance) -> list[str]:
    values = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            value = getattr(instance, field.attname)
            if value:
                values.append(
                    json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                )
    return values


def personal_strings_in_database(*, skip=()) -> list[tuple[str, str, str]]:
    """(model, value, personal string) for every text column of every model that holds one."""
    found = []
    for model in apps.get_models():
        if model in skip:
            continue
        for instance in model._default_manager.all():
            texts = text_values(instance)
            if model is Session:
                texts.append(json.dumps(instance.get_decoded(), ensure_ascii=False))
            for text in texts:
                for personal in PERSONAL:
                    if personal.lower() in text.lower():
                        found.append((model._meta.label, text[:120], personal))
    return found


def personal_strings_in_files(root: Path) -> list[tuple[str, str]]:
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes()
        text = pdf_text(content) if content.startswith(b"%PDF") else content.decode("latin-1")
        found += [(path.name, p) for p in PERSONAL if p.lower() in text.lower()]
    return found


def figures() -> tuple[list, list]:
    cells = sorted(SummaryCell.objects.values_list("year", "scope", "metric", "month", "key", "n"))
    public = sorted(
        EscritoPublico.objects.values_list(
            "folio", "received_at", "channel", "state", "tipo", "genero", "turnos", "sense"
        )
    )
    return cells, public


@pytest.fixture
def a_whole_life(
    lupita,
    lupita_client,
    turnador,
    obras,
    titular_obras,
    operativo_obras,
    administracion,
    settings,
    django_capture_on_commit_callbacks,
):
    """Lupita files two escritos; one lives every step (with her name written by the staff
    here and there), the other she withdraws; she once asked for a rectification."""
    identificacion = upload(
        "INE-Lupita-Hernandez.pdf", pdf_bytes(text="INE de María Guadalupe"), "application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        escrito = file_as_lupita(
            lupita_client,
            texto="Vivo en Calle Morelos 12 y la luminaria lleva un mes fundida.",
            adjuntos=identificacion,
            genero="mujer",
        )
    (turno,) = escrito_turn(
        escrito_id=escrito.pk,
        user=turnador,
        routes=[Route(obras, instruccion="Atender a la Sra. Hernández")],
    )
    turno_accept(turno_id=turno.pk, user=titular_obras)
    tarea = tarea_assign(
        turno_id=turno.pk,
        user=titular_obras,
        assignee=operativo_obras,
        descripcion="Visitar a la Sra. Hernández en Calle Morelos 12",
        due_date=timezone.localdate(),
    )
    tarea_progress(
        tarea_id=tarea.pk, user=operativo_obras, texto="Hablé con Lupita", state="terminada"
    )
    turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Sra. Hernández, su INE vigente")
    lupita_client.post(
        reverse("cuenta_escrito_prevencion", args=[escrito.folio]),
        {
            "texto": "Soy María Guadalupe, adjunto mi INE",
            "adjuntos": upload("INE-vigente-Lupita.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    oficio = inspect_all(
        [upload("Respuesta-Hernandez.pdf", pdf_bytes(text="Lupita"), "application/pdf")]
    )
    turno_answer(
        turno_id=turno.pk,
        user=titular_obras,
        texto="C. María Guadalupe Hernández Ruiz: la luminaria se repuso.",
        sense="positiva",
        oficio=oficio[0],
    )
    escrito_rate(escrito_id=escrito.pk, score=5, comentario="Gracias, atendieron a Lupita")
    retirado = file_as_lupita(lupita_client, asunto="Bache frente a Calle Morelos 12")
    escrito_withdraw(escrito_id=retirado.pk, reason="Lo retiro, soy Lupita", actor=lupita.user)
    rectificacion = arco_request_create(
        cuenta_id=lupita.pk,
        kind=ArcoKind.RECTIFICACION,
        detalle="Mi teléfono es 747 123 4567",
        rectificacion={"telefono": "747 123 4567"},
    )
    arco_request_resolve(
        solicitud_id=rectificacion.pk,
        user=administracion,
        accept=True,
        resolucion="Se confirmó el teléfono de Lupita.",
    )
    for e in (escrito, retirado):
        acuse_generate(acuse_id=e.acuse.pk)
    return escrito, retirado


def test_cancellation_removes_every_personal_string_and_keeps_the_figures(
    a_whole_life,
    lupita,
    lupita_client,
    administracion,
    settings,
    django_capture_on_commit_callbacks,
):
    escrito, _retirado = a_whole_life
    assert personal_strings_in_database(skip={Bitacora})  # the test sees them before
    statistics_refresh(wait=True)
    before = figures()
    assert escrito.folio in [row[0] for row in before[1]]
    received_at = Escrito.objects.get(pk=escrito.pk).received_at
    staff = signed_in_staff(administracion)

    lupita_client.post(
        reverse("cuenta_privacidad"),
        {
            "derecho": "cancelacion",
            "canc-detalle": "Borren mis datos, Lupita",
            "canc-confirmo": "on",
        },
    )
    solicitud = SolicitudArco.objects.get(kind=ArcoKind.CANCELACION)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("arco_solicitud", args=[solicitud.pk]),
            {"decision": "aplicar", "resolucion": "Procede la cancelación."},
        )
    assert response.status_code == 302

    # Nothing personal remains, in any table or file, outside the bitácora.
    assert personal_strings_in_database(skip={Bitacora}) == []
    assert personal_strings_in_files(Path(settings.MEDIA_ROOT)) == []

    # What the figures count is intact: the same counters, the same public records.
    statistics_refresh(wait=True)
    assert figures() == before
    statistics_rebuild()
    assert figures() == before
    kept = Escrito.objects.select_related("peticionario").get(pk=escrito.pk)
    assert (kept.folio, kept.received_at, kept.state) == (
        escrito.folio,
        received_at,
        EscritoState.CONCLUIDO,
    )
    assert (kept.peticionario.tipo, kept.peticionario.genero) == ("fisica", "mujer")
    assert kept.peticionario.nombre == REDACTED and kept.asunto == REDACTED
    assert [a.original_name for a in kept.adjuntos.order_by("position")] == [
        "documento-1.pdf",
        "documento-2.pdf",
        "documento-3.pdf",
    ]
    placeholder = kept.adjuntos.first().file.read()
    assert "Documento cancelado" in pdf_text(placeholder)
    # The acuse was made again, without her data.
    acuse = kept.acuse
    acuse.refresh_from_db()
    assert acuse.is_ready and escrito.folio in pdf_text(acuse.pdf.read())
    assert Transicion.objects.filter(escrito=kept, action="cancelar_datos").exists()

    # The bitácora is append-only and was not rewritten: the petitioner's name, email, phone,
    # CURP and address were never written there; what it keeps are the free-text reasons
    # of the timeline's steps, copied as written ("motivo").
    for entry in Bitacora.objects.all():
        text = json.dumps(entry.changes, ensure_ascii=False) + entry.actor_label + entry.object_ref
        leaks = [p for p in PERSONAL if p.lower() in text.lower()]
        if leaks:
            assert "motivo" in entry.changes, (entry.action, entry.changes)
            assert all(p.lower() in entry.changes["motivo"].lower() for p in leaks), entry.changes
    for personal in ("María Guadalupe Hernández Ruiz", "lupita@example.com", "HERM850101MGRRZR07"):
        assert not Bitacora.objects.filter(changes__icontains=personal).exists()
    assert (
        Bitacora.objects.filter(action="arco.resolver", changes__resultado="atendida").count() == 2
    )

    # The account is closed: it cannot sign in. (A failed sign-in is recorded in the
    # bitácora with what was typed, like any other: the one way a person puts text there.)
    cuenta = Cuenta.objects.select_related("user").get(pk=lupita.pk)
    assert cuenta.cancelled_at and not cuenta.user.is_active
    assert not cuenta.user.has_usable_password()
    assert lupita_client.get(reverse("cuenta_escritos")).status_code == 302
    login = Client().post(
        reverse("cuenta_entrar"), {"username": "lupita@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.ATENDIDA and solicitud.detalle == REDACTED
    notice = mail.outbox[-1]
    assert notice.to == ["lupita@example.com"] and "cuenta quedó cerrada" in notice.body


def test_after_a_cancellation_the_address_may_open_a_new_account(
    lupita, administracion, django_capture_on_commit_callbacks
):
    solicitud = arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.CANCELACION, detalle="x")
    arco_request_resolve(solicitud_id=solicitud.pk, user=administracion, accept=True, resolucion="")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cuenta_registro"),
            {
                "email": "lupita@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "acepto_aviso": "on",
            },
        )
    assert Cuenta.objects.filter(email="lupita@example.com").exclude(pk=lupita.pk).exists()
    assert "Confirme su correo" in mail.outbox[-1].subject


def test_the_staff_list_shows_pending_requests_to_the_administracion(
    lupita, administracion, titular_obras
):
    arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.CANCELACION, detalle="x")
    page = signed_in_staff(administracion).get(reverse("arco_solicitudes"))
    assert page.status_code == 200
    assert "Cancelación" in page.content.decode()
    assert signed_in_staff(titular_obras).get(reverse("arco_solicitudes")).status_code == 403
    assert signed_in(lupita).get(reverse("arco_solicitudes")).status_code == 403
