"""An archive action refused by its use case (closing, taking a loan back, transferring,
publishing or carrying out a baja) comes back on its own page with the reason next to its
button, and a list keeps what was marked: never a redirect with only a message."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archivo import disposicion
from archivo.expedientes import escrito_classify
from archivo.models import Custodia, Expediente, ExpedienteEstado, Prestamo, Transferencia
from archivo.originales import prestamo_open, prestamo_return
from tests.factories import UserFactory

from .conftest import file_with

pytestmark = pytest.mark.django_db


def _closed(tramite, *, years_ago: int, custodia=Custodia.TRAMITE) -> Expediente:
    on = timezone.localdate() - timedelta(days=365 * years_ago)
    expediente = escrito_classify(escrito_id=file_with(tramite).pk)
    Expediente.objects.filter(pk=expediente.pk).update(
        estado=ExpedienteEstado.CERRADO, abierto_en=on, cerrado_en=on, custodia=custodia
    )
    expediente.refresh_from_db()
    return expediente


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _near(html: str, testid: str) -> str:
    """The element marked `testid`, up to its end tag."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</", start)]


def test_closing_a_closed_expediente_says_why_on_its_page(cuadro, bacheo, archivista):
    expediente = _closed(bacheo, years_ago=1)
    response = _signed_in(archivista).post(
        reverse("archivo_expediente_cerrar", args=[expediente.numero])
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert expediente.numero in html
    assert "El expediente ya está cerrado." in _near(html, "cerrar-error")


def test_taking_back_a_returned_loan_says_why_by_its_row(cuadro, bacheo, archivista):
    expediente = escrito_classify(escrito_id=file_with(bacheo).pk)
    titular = UserFactory(username="olga.titular", roles=["titular"])
    prestamo = prestamo_open(
        expediente_id=expediente.pk,
        solicitante=titular,
        motivo="Consulta",
        vence=timezone.localdate() + timedelta(days=2),
        user=archivista,
    )
    prestamo_return(prestamo_id=prestamo.pk, user=archivista)
    response = _signed_in(archivista).post(reverse("archivo_prestamo_devolver", args=[prestamo.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    row = html[html.index(expediente.numero) :]
    assert "Ese préstamo ya se devolvió." in _near(row, "devolucion-error")
    # The ledger's links still lead to the ledger, not to the return's address.
    assert f'href="{reverse("archivo_prestamos")}?ver=abiertos"' in html
    assert Prestamo.objects.get().recibido_por == archivista


def test_a_transfer_with_nothing_marked_says_so_and_keeps_the_other_rows_unmarked(
    cuadro, bacheo, archivista
):
    first = _closed(bacheo, years_ago=2)
    second = _closed(bacheo, years_ago=2)
    client = _signed_in(archivista)
    assert {e.pk for e in disposicion.due_primary()} == {first.pk, second.pk}
    response = client.post(reverse("archivo_transferencias"), {"accion": "primaria"})
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index('data-testid="lista-primaria"') :]
    assert "Elija al menos un expediente de la lista." in _near(section, "lista-error")
    # What was marked (nothing) is what comes back marked.
    assert f'value="{first.pk}" checked' not in section
    assert f'value="{second.pk}" checked' not in section


def test_a_refused_transfer_keeps_the_rows_that_were_marked(cuadro, bacheo, archivista):
    due = _closed(bacheo, years_ago=2)
    other = _closed(bacheo, years_ago=2)
    not_due = _closed(bacheo, years_ago=0)
    response = _signed_in(archivista).post(
        reverse("archivo_transferencias"),
        {"accion": "primaria", "expediente": [str(due.pk), str(not_due.pk)]},
    )
    assert response.status_code == 409
    section = response.content.decode()
    section = section[section.index('data-testid="lista-primaria"') :]
    assert "no han cumplido su vigencia" in _near(section, "lista-error")
    assert f'value="{due.pk}" checked' in section
    assert f'value="{other.pk}" checked' not in section
    assert not Transferencia.objects.exists()


def test_carrying_out_an_unpublished_baja_says_why_by_its_button(cuadro, bacheo, archivista):
    expediente = _closed(bacheo, years_ago=6, custodia=Custodia.CONCENTRACION)
    baja = disposicion.baja_dictaminar(expediente_ids=[expediente.pk], user=archivista)
    response = _signed_in(archivista).post(
        reverse("archivo_baja_accion", args=[baja.numero, "ejecutar"])
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "se ejecuta solo después de publicarse" in _near(html, "baja-error")
    # The page still offers the step that is possible: publishing.
    assert reverse("archivo_baja_accion", args=[baja.numero, "publicar"]) in html
