"""The desks at the speed of a real office: bulk work, answer templates, stand-ins, short
folios, one notice per event."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import EscritoState, Transicion
from oficialia.acciones_bitacora import Accion, action_label
from oficialia.avisos import notifications_email, staff_notify
from oficialia.folios import parse_folio
from oficialia.models import Bitacora, Notificacion, Suplencia
from oficialia.suplencias_acciones import suplencia_name
from oficialia.text import shorten
from oficios.models import PlantillaRespuesta
from oficios.plantillas import PlantillaData, fill, plantilla_save, values_for
from tests.factories import TramiteFactory, file_escrito
from turnos.models import Sense, Tarea, Turno, TurnoState
from turnos.services import (
    Route,
    escrito_turn,
    reminders_send,
    turno_accept,
    turno_give_back,
)

from .conftest import local, staff_member

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Bulk work ------------------------------------------------------------------------------


def test_a_bulk_route_of_50_with_one_that_fails_routes_the_49_and_says_which_and_why(
    obras, turnador, titular_obras
):
    escritos = [file_escrito(queue_acuse=False).escrito for _ in range(50)]
    # One was routed meanwhile by someone else: it cannot be routed again.
    taken = escritos[17]
    escrito_turn(escrito_id=taken.pk, user=turnador, routes=[Route(obras)])
    before = Bitacora.objects.filter(action=Accion.ESCRITO_TURNAR).count()

    response = _client(turnador).post(
        reverse("oficialia_turnar_lote"),
        {
            "lote-escritos": [str(e.pk) for e in escritos],
            "lote-secretaria": str(obras.pk),
            "lote-instruccion": "Atender y responder en tiempo",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "49 de 50 turnados a Secretaría de Obras Públicas" in html
    assert taken.folio in html.split('data-testid="lote-fallos"')[1]
    assert "No se puede hacer esto ahora" in html
    # Each one its own transition, timeline step and bitácora entry; the failed one untouched.
    assert Bitacora.objects.filter(action=Accion.ESCRITO_TURNAR).count() == before + 49
    for escrito in escritos:
        escrito.refresh_from_db()
        assert escrito.state == EscritoState.TURNADO
        assert escrito.turnos.count() == 1
    assert Turno.objects.filter(instruccion="Atender y responder en tiempo").count() == 49
    assert Transicion.objects.filter(action="turnar", turno_id__isnull=True).count() == 50
    # The routed list shows them, the most recent first, with their state, a page at a time.
    html = _client(turnador).get(reverse("oficialia_turnados")).content.decode()
    assert "Pendiente de aceptar" in html and escritos[-1].folio in html
    assert "50 turnos" in html and escritos[0].folio not in html


def test_bulk_accept_and_assign_go_through_each_turno(
    obras, agua, turnador, enlace_obras, operativo_obras
):
    turnos = []
    for _ in range(3):
        escrito = file_escrito(queue_acuse=False).escrito
        turnos += escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    escrito = file_escrito(queue_acuse=False).escrito
    (ajeno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(agua)])
    client = _client(enlace_obras)
    ids = [str(t.pk) for t in turnos] + [str(ajeno.pk)]

    html = client.post(reverse("bandeja_lote", args=["aceptar"]), {"turnos": ids}).content
    html = html.decode()
    assert "3 de 4 aceptados" in html
    assert "No tiene permiso" in html and ajeno.escrito.folio in html
    assert Turno.objects.filter(state=TurnoState.ACEPTADO).count() == 3

    response = client.post(
        reverse("bandeja_lote", args=["asignar"]),
        {
            "turnos": [str(t.pk) for t in turnos],
            "assignee": str(operativo_obras.pk),
            "descripcion": "Visita de inspección",
            "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert "3 de 3 con tarea asignada" in response.content.decode()
    assert Tarea.objects.filter(assigned_to=operativo_obras).count() == 3
    assert Turno.objects.filter(state=TurnoState.EN_ATENCION).count() == 3


def test_notices_are_marked_read_marked_ones_or_all(titular_obras):
    staff_notify([titular_obras], "Uno")
    staff_notify([titular_obras], "Dos")
    staff_notify([titular_obras], "Tres")
    client = _client(titular_obras)
    page = client.get(reverse("notificaciones")).content.decode()
    # Seeing the list does not mark them read: opening one or marking them does.
    assert "3 sin leer" in page
    first = Notificacion.objects.get(texto="Uno")
    client.post(reverse("notificaciones"), {"avisos-avisos": [str(first.pk)]})
    assert Notificacion.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notificaciones"), {"todas": "1"})
    assert Notificacion.objects.filter(read_at__isnull=True).count() == 0


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(titular_obras, enlace_obras):
    (mine,) = staff_notify([titular_obras], "Nuevo turno", "/bandeja/")
    (theirs,) = staff_notify([enlace_obras], "Otro", "/bandeja/")
    client = _client(titular_obras)
    response = client.get(reverse("notificacion_abrir", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/bandeja/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("notificacion_abrir", args=[theirs.pk])).status_code == 404
    (odd,) = staff_notify([titular_obras], "Raro", "//otro-sitio.example/")
    response = client.get(reverse("notificacion_abrir", args=[odd.pk]))
    assert response["Location"] == reverse("notificaciones")


# Answer templates -----------------------------------------------------------------------


def test_a_template_fills_the_draft_with_the_escritos_data_and_nothing_else_runs(
    obras, turnador, titular_obras, enlace_obras
):
    tramite = TramiteFactory(
        nombre="Bacheo", secretaria=obras, fundamento="Reglamento de Obras, art. 12"
    )
    escrito = file_escrito(queue_acuse=False).escrito
    escrito.tramite = tramite
    escrito.asunto = "Bache {folio} {{ settings.SECRET_KEY }} {% debug %}"
    escrito.save(update_fields=["tramite", "asunto"])
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=enlace_obras)
    plantilla = plantilla_save(
        user=titular_obras,
        data=PlantillaData(
            nombre="Bacheo programado",
            texto="Folio {folio}. Estimado(a) {peticionario}: sobre «{asunto}», con fundamento "
            "en {fundamento}, se programó. {{ 7|add:1 }} {fecha}",
            sense=Sense.POSITIVA,
        ),
    )
    response = _client(enlace_obras).get(
        reverse("borrador_respuesta", args=[turno.pk]) + f"?plantilla={plantilla.pk}"
    )
    html = response.content.decode()
    assert f"Folio {escrito.folio}." in html
    assert "José Luis Martínez" in html or escrito.peticionario.nombre in html
    assert "Reglamento de Obras, art. 12" in html
    # The asunto is inserted as written: its {folio} is not filled, its tags do not run.
    assert "Bache {folio} {{ settings.SECRET_KEY }} {% debug %}" in html.replace(
        "&#x27;", "'"
    ).replace("&quot;", '"')
    assert "{{ 7|add:1 }}" in html
    assert re.search(r'<input type="radio" name="sense" value="positiva"[^>]*checked', html)


def test_fill_is_one_pass_and_leaves_unknown_braces():
    values = {"folio": "{peticionario}", "peticionario": "Ana"}
    assert fill("{folio} {peticionario} {otro} {", values) == "{peticionario} Ana {otro} {"


def test_a_blocked_petitioners_name_never_fills_a_template(obras, turnador):
    escrito = file_escrito(queue_acuse=False).escrito
    escrito.peticionario.bloqueado_at = timezone.now()
    escrito.peticionario.save()
    values = values_for(escrito, secretaria_nombre="Obras")
    assert escrito.peticionario.nombre not in values.values()


def test_the_templates_page_previews_and_refuses_unknown_variables(titular_obras, agua):
    client = _client(titular_obras)
    data = {"nombre": "Negativa", "texto": "Folio {folio} para {peticionario}", "activa": "on"}
    html = client.post(reverse("plantillas"), {**data, "vista_previa": "1"}).content.decode()
    assert "Folio OP-2026-000123 para María Guadalupe López Hernández" in html
    assert not PlantillaRespuesta.objects.exists()
    assert client.post(reverse("plantillas"), data).status_code == 302
    plantilla = PlantillaRespuesta.objects.get()
    assert plantilla.secretaria == titular_obras.perfil.secretaria
    other = staff_member("alma.titular", "Alma", "titular", agua)
    assert _client(other).get(reverse("plantilla_editar", args=[plantilla.pk])).status_code == 404


# Stand-ins ------------------------------------------------------------------------------


def test_a_stand_in_receives_the_reminder_and_the_absent_one_does_not(
    turn, enlace_obras, operativo_obras, obras
):
    today = date(2026, 3, 2)  # a Monday
    with time_machine.travel(local(today, 9), tick=False):
        turno = turn(local(date(2026, 2, 16)), due_date=today, reason="Urgente")
        suplencia_name(
            user=enlace_obras,
            suplente=operativo_obras,
            desde=today,
            hasta=today + timedelta(days=4),
            motivo="Vacaciones",
        )
        Notificacion.objects.all().delete()
        assert reminders_send(today=today) == 1
    got = Notificacion.objects.get(user=operativo_obras)
    assert got.texto.startswith("Por ausencia de Ernesto")
    assert turno.escrito.folio in got.texto
    assert not Notificacion.objects.filter(user=enlace_obras).exists()


def test_the_stand_ins_acts_say_for_whom_and_it_ends_by_itself(
    turn, titular_obras, operativo_obras, obras
):
    today = date(2026, 3, 2)
    with time_machine.travel(local(today, 9), tick=False):
        turno = turn(local(date(2026, 2, 27)))
        suplencia_name(
            user=titular_obras, suplente=operativo_obras, desde=today, hasta=today, motivo=""
        )
        # The operativo holds the titular's roles today: the bandeja and the turno open.
        client = _client(operativo_obras)
        assert client.get(reverse("bandeja")).status_code == 200
        client.post(reverse("turno_accion", args=[turno.pk, "aceptar"]))
        step = Transicion.objects.filter(turno_id=turno.pk, action="accept").get()
        assert step.actor_label == "Óscar, por ausencia de Olga"
        entry = Bitacora.objects.filter(action=Accion.TURNO_ACEPTAR).latest("id")
        assert entry.changes["suplencia"] == "por ausencia de Olga"
    with time_machine.travel(local(today + timedelta(days=1), 9), tick=False):
        # The next day it is over: nothing had to run.
        assert _client(operativo_obras).get(reverse("bandeja")).status_code == 403
        (line,) = staff_notify([titular_obras], "De vuelta")
        assert line.user == titular_obras


def test_the_oficio_signed_by_a_stand_in_says_so(obras):
    from django.template.loader import render_to_string

    from oficios.services import oficio_render_pdf  # noqa: F401 (the template is what counts)

    html = render_to_string(
        "oficios/oficio.html",
        {
            "firmante": type("F", (), {"nombre": "ÓSCAR", "rfc": "X", "numero_serie": "1"})(),
            "turno": type("T", (), {"secretaria": obras})(),
            "escrito": None,
            "borrador": None,
            "ausencia": "por ausencia de Olga",
        },
    )
    assert "Firma por ausencia de Olga, titular de Secretaría de Obras Públicas" in html


def test_a_suplencia_is_only_within_the_same_secretaria(titular_obras, titular_agua):
    from oficialia.acciones import ActionError

    with pytest.raises(ActionError):
        suplencia_name(
            user=titular_obras,
            suplente=titular_agua,
            desde=timezone.localdate(),
            hasta=timezone.localdate(),
        )
    assert not Suplencia.objects.exists()


# Small things ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "full"),
    [
        ("OP-2026-000123", "OP-2026-000123"),
        ("op-2026-123", "OP-2026-000123"),
        ("2026-123", "OP-2026-000123"),
        (" 2025-7 ", "OP-2025-000007"),
        ("123", "OP-2026-000123"),
        ("qd-2026-5", "QD-2026-000005"),
        ("calle morelos", None),
        ("", None),
    ],
)
def test_a_short_folio_is_the_full_one(typed, full):
    assert parse_folio(typed, today=date(2026, 5, 1)) == full


def test_the_public_lookup_takes_a_short_folio(db):
    from correspondencia.forms import ConsultaForm

    form = ConsultaForm({"folio": "123", "codigo": "ABCDE-23456"})
    assert form.is_valid()
    year = timezone.localdate().year
    assert form.cleaned_data["folio"] == f"OP-{year}-000123"


def test_the_last_turno_returned_tells_the_oficialia_once(obras, turnador, enlace_obras):
    escrito = file_escrito(queue_acuse=False).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    Notificacion.objects.all().delete()
    turno_give_back(turno_id=turno.pk, user=enlace_obras, reason="No es nuestro")
    assert Notificacion.objects.filter(user=turnador).count() == 1


def test_one_notice_per_person_however_many_lists_they_are_on(titular_obras):
    assert len(staff_notify([titular_obras, titular_obras], "Una vez")) == 1


def test_a_staff_email_subject_is_cut_at_a_word(titular_obras):
    texto = (
        "Nuevo turno para atención: OP-2026-000123 «Solicitud de reparación del alumbrado "
        "público en la colonia Independencia»"
    )
    staff_notify([titular_obras], texto)
    notifications_email(ids=list(Notificacion.objects.values_list("pk", flat=True)))
    subject = mail.outbox[-1].subject
    assert subject.endswith("…")
    words = subject.removeprefix("Oficialía de Partes: ").removesuffix("…").split()
    assert all(word in texto.split() for word in words)
    assert shorten("uno dos tres", 7) == "uno…"


def test_administracion_lands_on_its_desk(db):
    from tests.factories import UserFactory

    admin = UserFactory(username="adriana.admin", roles=["administracion"])
    admin.is_staff = True
    admin.save()
    response = _client(admin).get(reverse("staff_home"))
    assert response["Location"] == reverse("admin:index")


def test_the_sense_agrees_with_its_noun():
    assert Sense.sentido(Sense.POSITIVA) == "positivo"
    assert Sense.sentido(Sense.PARCIAL) == "parcial"


def test_paper_counts_are_pluralised(obras, turnador):
    from django.template.loader import render_to_string

    escrito = file_escrito(queue_acuse=False).escrito
    escrito.fojas, escrito.anexos = 1, 1
    html = render_to_string("turnos/_escrito_resumen.html", {"escrito": escrito})
    assert "1 foja, 1 anexo " in html


def test_the_bitacora_filter_has_no_two_options_alike():
    labels = [action_label(code) for code in Accion.values]
    assert len(labels) == len(set(labels))
    assert action_label("viejo.codigo") == "Otra acción (viejo.codigo)"
