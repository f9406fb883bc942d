"""Personal data (LGPDPPSO), from the account: access (JSON and PDF), rectification and
cancellation requests that the administración resolves, and what a cancellation leaves."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from correspondencia.models import (
    Acuse,
    Adjunto,
    Escrito,
    Peticionario,
    Transicion,
)
from correspondencia.services import acuse_generate
from cuentas.models import ArcoKind, ArcoState, Cuenta, EscritoVinculado, SolicitudArco
from cuentas.services import arco_request_create, arco_request_resolve
from oficialia.adjuntos import inspect_all
from oficialia.models import Bitacora
from tests.factories import escrito_form_data, pdf_bytes, upload
from transparencia.models import EscritoPublico, SummaryCell
from transparencia.services import statistics_refresh
from turnos.models import Respuesta
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
    lupita, lupita_client, unidad, django_capture_on_commit_callbacks
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
    assert solicitud.folio == f"DP-{timezone.localdate().year}-000001"
    assert asked.changes == {
        "solicitud": solicitud.folio,
        "derecho": "rectificacion",
        "campos": ["nombre"],
    }
    again = lupita_client.post(
        url, {"derecho": "rectificacion", "rect-telefono": "7471112233", "rect-detalle": "x"}
    )
    assert "Ya tiene una solicitud de este tipo" in again.content.decode()

    staff = signed_in_staff(unidad)
    page = staff.get(reverse("arco_solicitud", args=[solicitud.pk]))
    assert page.status_code == 200
    assert first.folio in page.content.decode()
    assert Bitacora.objects.filter(action="datos.ver", actor=unidad).exists()
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
        assert step.actor == unidad
    solicitud.refresh_from_db()
    assert (solicitud.state, solicitud.resolved_by) == (ArcoState.ATENDIDA, unidad)
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
    lupita, unidad, titular_obras
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
        arco_request_resolve(solicitud_id=solicitud.pk, user=unidad, accept=False, resolucion=" ")
    arco_request_resolve(
        solicitud_id=solicitud.pk,
        user=unidad,
        accept=False,
        resolucion="La CURP que envió es la misma que ya tenemos.",
    )
    assert SolicitudArco.objects.get().state == ArcoState.IMPROCEDENTE
    with pytest.raises(ActionError, match="ya fue respondida"):
        arco_request_resolve(solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="")


# Cancellation ------------------------------------------------------------------------------


def test_cancellation_waits_until_no_escrito_is_in_process(lupita, lupita_client, unidad):
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
    response = signed_in_staff(unidad).post(
        reverse("arco_solicitud", args=[solicitud.pk]), {"decision": "aplicar"}
    )
    assert response.status_code == 409  # refused, shown again with its reason
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
            "public_id", "received_at", "channel", "state", "tipo", "genero", "turnos", "sense"
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
    unidad,
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
        user=unidad,
        accept=True,
        resolucion="Se confirmó el teléfono de Lupita.",
    )
    for e in (escrito, retirado):
        acuse_generate(acuse_id=e.acuse.pk)
    return escrito, retirado


def stored_files() -> dict[str, str]:
    """Every stored file (in MEDIA_ROOT or the object store), by name, with its SHA-256."""
    from oficialia.almacen import sha256_of, walk

    return {name: sha256_of(name) for name in walk("")}


def records_of(escrito: Escrito) -> dict:
    """Every column of the escrito, its attachments, answers, acuse and timeline."""
    escrito = Escrito.objects.get(pk=escrito.pk)
    return {
        "escrito": model_to_dict(escrito),
        "adjuntos": [model_to_dict(a) for a in Adjunto.objects.filter(escrito=escrito)],
        "respuestas": [model_to_dict(r) for r in Respuesta.objects.filter(turno__escrito=escrito)],
        "acuse": model_to_dict(Acuse.objects.get(escrito=escrito)),
        "transiciones": [
            model_to_dict(t) for t in Transicion.objects.filter(escrito=escrito).order_by("pk")
        ],
    }


IDENTIFYING = [LUPITA["nombre"], "lupita@example.com", LUPITA["telefono"], LUPITA["curp"]]


def test_cancellation_blocks_the_data_and_changes_no_byte_of_the_escritos(
    a_whole_life,
    lupita,
    lupita_client,
    unidad,
    turnador,
    titular_obras,
    contraloria_user,
    settings,
    django_capture_on_commit_callbacks,
):
    escrito, retirado = a_whole_life
    files_before = stored_files()
    assert len(files_before) == 5  # the INE, the prevención's answer, the oficio, two acuses
    records_before = {e.pk: records_of(e) for e in (escrito, retirado)}
    statistics_refresh(wait=True)
    before = figures()
    contraloria = signed_in_staff(contraloria_user)
    page = contraloria.get(reverse("escrito_detalle", args=[escrito.folio])).content.decode()
    assert LUPITA["nombre"] in page  # the pages show her before

    lupita_client.post(
        reverse("cuenta_privacidad"),
        {"derecho": "cancelacion", "canc-detalle": "Cancelen mis datos", "canc-confirmo": "on"},
    )
    solicitud = SolicitudArco.objects.get(kind=ArcoKind.CANCELACION)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_staff(unidad).post(
            reverse("arco_solicitud", args=[solicitud.pk]),
            {"decision": "aplicar", "resolucion": "Procede la cancelación."},
        )
    assert response.status_code == 302

    # Every byte of every stored file, and every column of the escrito, its attachments,
    # answers and acuse are as they were; the timeline only gained the blocking step.
    assert stored_files() == files_before
    for e in (escrito, retirado):
        after = records_of(e)
        added = after["transiciones"][len(records_before[e.pk]["transiciones"]) :]
        assert [t["action"] for t in added] == ["cancelar_datos"]
        after["transiciones"] = after["transiciones"][: -len(added)]
        assert after == records_before[e.pk]
    # The data is kept, blocked.
    peticionario = Peticionario.objects.get(escritos=escrito)
    assert peticionario.nombre == LUPITA["nombre"] and peticionario.bloqueado_at is not None

    for personal in IDENTIFYING:
        assert not Bitacora.objects.filter(changes__icontains=personal).exists()

    # No staff page, export, open data or search shows or finds her.
    staff_pages = [
        (contraloria, reverse("escrito_detalle", args=[escrito.folio])),
        (contraloria, reverse("escrito_detalle", args=[retirado.folio])),
        (signed_in_staff(turnador), reverse("escrito_detalle", args=[escrito.folio])),
        (signed_in_staff(turnador), reverse("oficialia_escrito", args=[escrito.folio])),
        (signed_in_staff(titular_obras), reverse("turno_detalle", args=[escrito.turnos.get().pk])),
        (signed_in_staff(titular_obras), reverse("bandeja") + "?estado=todos&q=Hernández"),
        (signed_in_staff(unidad), reverse("arco_solicitud", args=[solicitud.pk])),
        (contraloria, reverse("contraloria_senales")),
        (contraloria, reverse("contraloria_bitacora_csv")),
        (Client(), reverse("transparencia_escritos_csv")),
        (Client(), reverse("transparencia_escritos_json")),
    ]
    for client, url in staff_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        text = body.decode()
        leaks = [p for p in IDENTIFYING if p.lower() in text.lower()]
        assert leaks == [], (url, leaks)
    detail = contraloria.get(reverse("escrito_detalle", args=[escrito.folio])).content.decode()
    assert "Datos bloqueados" in detail and escrito.folio in detail
    # The answer's text and the turno's instruction named her; the page masks her name,
    # the records keep it.
    turno_page = signed_in_staff(titular_obras).get(
        reverse("turno_detalle", args=[escrito.turnos.get().pk])
    )
    text = turno_page.content.decode()
    assert "la luminaria se repuso" in text and "[dato bloqueado]" in text

    # Open data: the same records, without her gender; the counters follow.
    statistics_refresh(wait=True)
    _cells, after_public = figures()
    assert [row[:5] + row[6:] for row in after_public] == [row[:5] + row[6:] for row in before[1]]
    assert {
        row[5] for row in after_public if row[0] in (escrito.public_id, retirado.public_id)
    } == {"no_especificado"}

    # The account's data went at once: closed, no email, no links, no sign-in.
    cuenta = Cuenta.objects.select_related("user").get(pk=lupita.pk)
    assert cuenta.cancelled_at and not cuenta.user.is_active and cuenta.email == ""
    assert (cuenta.nombre, cuenta.curp, cuenta.user.email) == ("", "", "")
    assert not cuenta.user.has_usable_password()
    assert not EscritoVinculado.objects.filter(cuenta=cuenta).exists()
    assert lupita_client.get(reverse("cuenta_escritos")).status_code == 302
    login = Client().post(
        reverse("cuenta_entrar"), {"username": "lupita@example.com", "password": PASSWORD}
    )
    assert login.status_code == 400
    solicitud.refresh_from_db()
    assert solicitud.state == ArcoState.ATENDIDA
    notice = mail.outbox[-1]
    assert notice.to == ["lupita@example.com"] and "bloqueados" in notice.body


def test_blocked_data_is_suppressed_only_past_archival_retention_and_only_when_asked(
    a_whole_life, lupita, unidad, settings
):
    escrito, retirado = a_whole_life
    solicitud = arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.CANCELACION, detalle="x")
    arco_request_resolve(solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="")
    files = stored_files()

    def run(*args) -> str:
        out = io.StringIO()
        call_command("suprimir_datos_bloqueados", *args, stdout=out)
        return out.getvalue()

    # The rule by years after closing (the archive's baja is tested in tests/archivo). With no
    # years configured retention never ends: nothing is suppressed, even when asked.
    settings.ARCHIVAL_RETENTION_ENDS = "correspondencia.retencion.retention_ends_by_years"
    settings.ARCHIVAL_RETENTION_YEARS = 0
    assert "de 0 escrito(s); 2 bloqueado(s)" in run("--aplicar")
    settings.ARCHIVAL_RETENTION_YEARS = 2
    assert "de 0 escrito(s)" in run()
    with time_machine.travel(timezone.now() + timedelta(days=2 * 366)):
        report = run()  # dry-run by default
        assert escrito.folio in report and "Nada cambió" in report
        assert Peticionario.objects.get(escritos=escrito).nombre == LUPITA["nombre"]
        assert not Bitacora.objects.filter(action="datos.suprimir").exists()
        report = run("--aplicar")
        assert "Se suprimieron los datos de 2 escrito(s)" in report
    for e in (escrito, retirado):
        p = Peticionario.objects.get(escritos=e)
        assert (p.nombre, p.email, p.curp, p.telefono) == ("[Datos suprimidos]", "", "", "")
        assert p.suprimido_at is not None
        assert not Peticionario.history.filter(id=p.pk, nombre=LUPITA["nombre"]).exists()
    assert set(
        Bitacora.objects.filter(action="datos.suprimir").values_list("folio", flat=True)
    ) == {escrito.folio, retirado.folio}
    # The documents themselves are the archive's to dispose of (baja documental).
    assert stored_files() == files
    assert "de 0 escrito(s)" in run("--aplicar")


def test_after_a_cancellation_the_address_may_open_a_new_account(
    lupita, unidad, django_capture_on_commit_callbacks
):
    solicitud = arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.CANCELACION, detalle="x")
    arco_request_resolve(solicitud_id=solicitud.pk, user=unidad, accept=True, resolucion="")
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


def test_the_staff_list_shows_pending_requests_to_the_administracion(lupita, unidad, titular_obras):
    arco_request_create(cuenta_id=lupita.pk, kind=ArcoKind.CANCELACION, detalle="x")
    page = signed_in_staff(unidad).get(reverse("arco_solicitudes"))
    assert page.status_code == 200
    assert "Cancelación" in page.content.decode()
    assert signed_in_staff(titular_obras).get(reverse("arco_solicitudes")).status_code == 403
    assert signed_in(lupita).get(reverse("arco_solicitudes")).status_code == 403
