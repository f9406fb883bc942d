"""The petitioner answers a prevención and withdraws an escrito, from the account and from
/consulta/ (with folio and access code). The service itself is tested with every other
transition in tests/turnos/test_state_machine.py."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import EscritoState, Transicion
from oficialia import access_codes
from oficialia.models import Notificacion
from tests.factories import file_escrito, pdf_bytes, upload
from turnos.models import Prevencion, TurnoState
from turnos.services import Route, escrito_turn, turno_accept, turno_prevent

from .conftest import link

pytestmark = pytest.mark.django_db


@pytest.fixture
def prevented(lupita, turnador, obras, titular_obras):
    """Lupita's escrito, routed to Obras, which asks her for her INE."""
    filed = file_escrito(email="lupita@example.com", queue_acuse=False)
    link(lupita, filed.escrito)
    (turno,) = escrito_turn(escrito_id=filed.escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Adjunte su INE")
    filed.escrito.refresh_from_db()
    filed.turno = turno
    return filed


def test_the_citizen_answers_a_prevencion_from_the_account(lupita_client, prevented):
    escrito = prevented.escrito
    page = lupita_client.get(reverse("cuenta_escrito", args=[escrito.folio]))
    assert "Adjunte su INE" in page.content.decode()
    url = reverse("cuenta_escrito_prevencion", args=[escrito.folio])
    empty = lupita_client.post(url, {"texto": " "})
    assert empty.status_code == 200
    assert "Escriba su respuesta" in empty.content.decode()
    response = lupita_client.post(
        url,
        {"texto": "Adjunto mi INE", "adjuntos": upload("ine.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 302
    prevencion = Prevencion.objects.get(turno=prevented.turno)
    assert prevencion.answer_text == "Adjunto mi INE"
    assert [a.original_name for a in prevencion.answer_files.all()] == ["ine.pdf"]
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.EN_ATENCION
    followed = lupita_client.get(response.url).content.decode()
    assert "Recibimos su respuesta" in followed
    assert "Se necesita información de usted" not in followed


def test_withdrawing_from_the_account_asks_for_confirmation_first(
    lupita, lupita_client, prevented, titular_obras
):
    escrito = prevented.escrito
    url = reverse("cuenta_escrito_desistir", args=[escrito.folio])
    page = lupita_client.get(url)
    assert page.status_code == 200
    assert "¿Desistirse del escrito" in page.content.decode()
    unconfirmed = lupita_client.post(url, {"motivo": "Ya se arregló"})
    assert unconfirmed.status_code == 200
    assert "Marque la casilla" in unconfirmed.content.decode()
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.PREVENIDO

    notices = Notificacion.objects.filter(user=titular_obras).count()
    response = lupita_client.post(url, {"motivo": "Ya se arregló", "confirmo": "on"})
    assert response.status_code == 302
    escrito.refresh_from_db()
    prevented.turno.refresh_from_db()
    assert escrito.state == EscritoState.DESISTIDO
    assert prevented.turno.state == TurnoState.CANCELADO
    step = Transicion.objects.get(escrito=escrito, action="desistir")
    assert (step.actor, step.reason) == (lupita.user, "Ya se arregló")
    assert step.actor_label == lupita.user.username  # the account's handle, not a name
    assert Notificacion.objects.filter(user=titular_obras).count() == notices + 1
    followed = lupita_client.get(response.url).content.decode()
    assert "Se registró su desistimiento" in followed
    assert "Se necesita información de usted" not in followed
    assert url not in followed  # nothing left to withdraw
    again = lupita_client.post(url, {"confirmo": "on"}, follow=True)
    assert "ya no es posible desistirse" in again.content.decode()


def consulta_client(filed) -> Client:
    client = Client()
    client.post(
        reverse("consulta"),
        {"folio": filed.escrito.folio, "codigo": access_codes.display(filed.access_code)},
    )
    return client


def test_withdrawing_from_consulta_needs_the_folio_and_code_and_a_confirmation(prevented):
    escrito = prevented.escrito
    url = reverse("consulta_desistir", args=[escrito.folio])
    assert Client().get(url).status_code == 404
    assert Client().post(url, {"confirmo": "on"}).status_code == 404
    client = consulta_client(prevented)
    result = client.post(
        reverse("consulta"),
        {"folio": escrito.folio, "codigo": access_codes.display(prevented.access_code)},
    )
    assert url in result.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Sí, desistirme" in page.content.decode()
    assert client.post(url, {}).status_code == 200
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.PREVENIDO
    response = client.post(url, {"confirmo": "on"})
    assert response.status_code == 200
    assert "Se registró su desistimiento" in response.content.decode()
    escrito.refresh_from_db()
    assert escrito.state == EscritoState.DESISTIDO
    step = Transicion.objects.get(escrito=escrito, action="desistir")
    assert (step.actor, step.actor_label, step.reason) == (None, "Ciudadano", "")
    assert url not in response.content.decode()


def test_a_received_escrito_is_withdrawn_from_consulta():
    filed = file_escrito(queue_acuse=False, received_at=timezone.now())
    client = consulta_client(filed)
    client.post(reverse("consulta_desistir", args=[filed.escrito.folio]), {"confirmo": "on"})
    filed.escrito.refresh_from_db()
    assert filed.escrito.state == EscritoState.DESISTIDO
