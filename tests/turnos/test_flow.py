"""The whole life of an escrito through the pages each role uses."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Escrito, Transicion
from oficialia import access_codes
from oficialia.models import Notificacion
from tests.factories import TramiteFactory, file_escrito, pdf_bytes, upload
from turnos.models import Evaluacion, Tarea, Turno

pytestmark = pytest.mark.django_db(transaction=True)


def follow_post(client, url, data=None, **extra):
    response = client.post(url, data or {}, follow=True, **extra)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def route_form(secretaria, kind="atencion", instruccion="Atender y responder"):
    data = {
        "ruta-TOTAL_FORMS": "3",
        "ruta-INITIAL_FORMS": "0",
        "ruta-MIN_NUM_FORMS": "0",
        "ruta-MAX_NUM_FORMS": "8",
        "ruta-0-secretaria": secretaria.pk,
        "ruta-0-kind": kind,
        "ruta-0-instruccion": instruccion,
        "ruta-1-kind": "atencion",
        "ruta-2-kind": "atencion",
    }
    return data


def test_an_escrito_goes_from_filing_to_a_rated_answer(
    obras, agua, turnador, titular_obras, enlace_obras, operativo_obras, titular_agua, mailoutbox
):
    tramite = TramiteFactory(nombre="Bacheo", secretaria=obras, plazo_dias_habiles=15)
    result = file_escrito(email="vecina@example.com", asunto="Bache en la calle Juárez")
    Escrito.objects.filter(pk=result.escrito.pk).update(tramite=tramite)
    escrito = Escrito.objects.get(pk=result.escrito.pk)
    folio, code = escrito.folio, access_codes.display(result.access_code)

    # The oficialía sees it in its inbox, with the trámite's secretaría suggested.
    oficialia = Client()
    oficialia.force_login(turnador)
    inbox = oficialia.get(reverse("oficialia_inbox")).content.decode()
    assert folio in inbox
    page = oficialia.get(reverse("oficialia_escrito", args=[folio]), {"sugerencia": "1"})
    html = page.content.decode()
    assert "Sugerencia" in html and obras.nombre in html
    assert f'<option value="{obras.pk}" selected>' in html  # shown, not applied
    assert Turno.objects.count() == 0
    data = route_form(obras)
    data.update(
        {
            "ruta-1-secretaria": agua.pk,
            "ruta-1-kind": "conocimiento",
            "plazo-due_date": page.context["suggestion"].due.isoformat(),
        }
    )
    follow_post(oficialia, reverse("oficialia_escrito", args=[folio]), data)
    escrito.refresh_from_db()
    assert escrito.state == "turnado"
    atencion = Turno.objects.get(secretaria=obras)
    copia = Turno.objects.get(secretaria=agua)
    assert (atencion.kind, copia.kind) == ("atencion", "conocimiento")
    assert atencion.due_date == page.context["suggestion"].due
    assert Notificacion.objects.filter(user=titular_obras).exists()

    # The secretaría accepts, assigns a task, the operativo reports it done.
    obras_client = Client()
    obras_client.force_login(titular_obras)
    bandeja = obras_client.get(reverse("bandeja")).content.decode()
    assert folio in bandeja and "A tiempo" in bandeja
    follow_post(obras_client, reverse("turno_accion", args=[atencion.pk, "aceptar"]))
    escrito.refresh_from_db()
    assert escrito.state == "en_atencion"
    follow_post(
        obras_client,
        reverse("turno_accion", args=[atencion.pk, "asignar"]),
        {
            "tarea-assignee": operativo_obras.pk,
            "tarea-descripcion": "Inspeccionar el bache y estimar el material",
            "tarea-due_date": timezone.localdate().isoformat(),
        },
    )
    tarea = Tarea.objects.get()
    operativo = Client()
    operativo.force_login(operativo_obras)
    assert folio in operativo.get(reverse("tareas")).content.decode()
    follow_post(
        operativo,
        reverse("tarea_detalle", args=[tarea.pk]),
        {"state": "terminada", "texto": "Bache de 2 m², se requieren 3 bultos"},
    )
    tarea.refresh_from_db()
    assert tarea.state == "terminada"

    # A prevención: the petitioner answers it on /consulta/.
    follow_post(
        obras_client,
        reverse("turno_accion", args=[atencion.pk, "prevenir"]),
        {"prevencion-texto": "Indique entre qué calles está el bache."},
    )
    escrito.refresh_from_db()
    assert escrito.state == "prevenido"
    citizen = Client()
    status = follow_post(citizen, reverse("consulta"), {"folio": folio, "codigo": code})
    assert "Indique entre qué calles" in status
    status = follow_post(
        citizen,
        reverse("consulta_prevencion", args=[folio]),
        {"texto": "Entre Morelos y Allende", "adjuntos": [upload("foto.pdf", pdf_bytes())]},
    )
    assert "Recibimos su respuesta" in status
    escrito.refresh_from_db()
    assert escrito.state == "en_atencion"
    assert escrito.adjuntos.filter(origin="prevencion").count() == 1

    # The secretaría answers with a signed oficio.
    follow_post(
        obras_client,
        reverse("turno_accion", args=[atencion.pk, "responder"]),
        {
            "respuesta-texto": "Se programó el bacheo para la próxima semana.",
            "respuesta-sense": "positiva",
            "respuesta-oficio": upload("oficio.pdf", pdf_bytes(2)),
        },
    )
    escrito.refresh_from_db()
    assert escrito.state == "respondido"
    subjects = [m.subject for m in mailoutbox]
    assert f"Su escrito {folio}: Respondido" in subjects

    # The petitioner sees and downloads the answer, then rates the attention.
    status = follow_post(citizen, reverse("consulta"), {"folio": folio, "codigo": code})
    assert "Se programó el bacheo" in status
    oficio_url = re.search(r'href="(/consulta/[^"]+/respuestas/\d+/)"', status).group(1)
    pdf = citizen.get(oficio_url)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    status = follow_post(
        citizen, reverse("consulta_evaluar", args=[folio]), {"score": "5", "comentario": "Rápido"}
    )
    assert "Gracias por calificar" in status
    escrito.refresh_from_db()
    assert escrito.state == "concluido"
    assert Evaluacion.objects.get().score == 5

    # Every step is on record, and the staff page shows it all.
    actions = list(Transicion.objects.filter(escrito=escrito).values_list("action", flat=True))
    for action in (
        "recibir",
        "turnar",
        "accept",
        "asignar",
        "avance",
        "prevenir",
        "desahogar",
        "responder",
        "calificar",
        "concluir",
    ):
        assert action in actions
    page = oficialia.get(reverse("escrito_detalle", args=[folio])).content.decode()
    assert "Tarea asignada a" in page and "El peticionario calificó la atención: 5 de 5" in page


def test_a_returned_turno_goes_back_to_the_oficialia_and_is_routed_again(
    obras, agua, turnador, titular_obras, titular_agua
):
    escrito = file_escrito().escrito
    oficialia = Client()
    oficialia.force_login(turnador)
    follow_post(oficialia, reverse("oficialia_escrito", args=[escrito.folio]), route_form(obras))
    turno = Turno.objects.get()
    obras_client = Client()
    obras_client.force_login(titular_obras)
    follow_post(
        obras_client,
        reverse("turno_accion", args=[turno.pk, "devolver"]),
        {"devolucion-reason": "El agua potable corresponde a la CAPA"},
    )
    escrito.refresh_from_db()
    assert escrito.state == "no_competente"
    inbox = oficialia.get(reverse("oficialia_inbox")).content.decode()
    assert escrito.folio in inbox and "Turnar de nuevo" in inbox
    follow_post(
        oficialia,
        reverse("turno_returnar", args=[turno.pk]),
        {"secretaria": agua.pk, "instruccion": "Le corresponde"},
    )
    escrito.refresh_from_db()
    assert escrito.state == "turnado"
    nuevo = Turno.objects.get(secretaria=agua)
    assert nuevo.previous == turno
    assert nuevo.due_date == turno.due_date


def test_an_illegal_action_gets_a_message_not_an_error(obras, turnador, titular_obras):
    escrito = file_escrito().escrito
    oficialia = Client()
    oficialia.force_login(turnador)
    follow_post(oficialia, reverse("oficialia_escrito", args=[escrito.folio]), route_form(obras))
    turno = Turno.objects.get()
    client = Client()
    client.force_login(titular_obras)
    follow_post(client, reverse("turno_accion", args=[turno.pk, "aceptar"]))
    html = follow_post(client, reverse("turno_accion", args=[turno.pk, "aceptar"]))
    assert "No se puede hacer esto ahora" in html
    # Routing an escrito twice is refused the same way, on the page with the routes typed.
    response = oficialia.post(
        reverse("oficialia_escrito", args=[escrito.folio]), route_form(obras, instruccion="Otra")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "ya no está por turnar" in html or "No se puede hacer esto ahora" in html
    assert Turno.objects.count() == 1


def test_routing_with_the_suggestion_as_it_was_offered_routes_the_escrito(obras, turnador):
    """The prefilled suggestion counts as a route even when the form posts it unchanged."""
    tramite = TramiteFactory(nombre="Alumbrado", secretaria=obras)
    escrito = file_escrito().escrito
    Escrito.objects.filter(pk=escrito.pk).update(tramite=tramite)
    client = Client()
    client.force_login(turnador)
    url = reverse("oficialia_escrito", args=[escrito.folio]) + "?sugerencia=1"
    data = route_form(obras, instruccion="")
    follow_post(client, url, data)
    assert Turno.objects.filter(escrito=escrito, secretaria=obras, kind="atencion").exists()
