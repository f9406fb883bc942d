"""A secretaría's titular and enlace read the expedientes of their own escritos: read-only,
and another secretaría's expediente is a 404."""

import pytest
from django.urls import reverse

from archivo.expedientes import escrito_classify
from turnos.services import Route, escrito_turn

from .conftest import file_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_expedientes(cuadro, bacheo, obras, agua, turnador, django_capture_on_commit_callbacks):
    """One escrito turned to Obras Públicas, one to Agua Potable; each opens its expediente."""
    mine, theirs = file_with(bacheo), file_with(bacheo, asunto="Fuga de agua")
    with django_capture_on_commit_callbacks(execute=True):
        escrito_turn(escrito_id=mine.pk, user=turnador, routes=[Route(secretaria=obras)])
        escrito_turn(escrito_id=theirs.pk, user=turnador, routes=[Route(secretaria=agua)])
    return escrito_classify(escrito_id=mine.pk), escrito_classify(escrito_id=theirs.pk)


def test_the_enlace_reads_the_expediente_of_an_escrito_of_their_secretaria(
    client, two_expedientes, enlace_obras
):
    mine, theirs = two_expedientes
    client.force_login(enlace_obras)
    listing = client.get(reverse("archivo_expedientes")).content.decode()
    assert mine.numero in listing and theirs.numero not in listing
    page = client.get(reverse("archivo_expediente", args=[mine.numero]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Índice íntegro" in html
    # Read-only: no reclassifying, no closing, no archivist's menu.
    assert "Reclasificar" not in html and "Cerrar expediente" not in html
    assert reverse("archivo_cajas") not in html
    caratula = client.get(reverse("archivo_caratula", args=[mine.numero]))
    assert caratula["Content-Type"] == "application/pdf"


def test_another_secretarias_expediente_is_a_404(
    client, two_expedientes, titular_agua, enlace_obras
):
    mine, theirs = two_expedientes
    client.force_login(enlace_obras)
    assert client.get(reverse("archivo_expediente", args=[theirs.numero])).status_code == 404
    assert client.get(reverse("archivo_caratula", args=[theirs.numero])).status_code == 404
    assert client.get(reverse("archivo_expediente", args=["EXP-1999-000001"])).status_code == 404
    client.force_login(titular_agua)
    assert client.get(reverse("archivo_expediente", args=[theirs.numero])).status_code == 200
    assert client.get(reverse("archivo_expediente", args=[mine.numero])).status_code == 404


def test_a_secretaria_cannot_change_an_expediente(client, two_expedientes, enlace_obras, cuadro):
    mine, _ = two_expedientes
    client.force_login(enlace_obras)
    reclasificar = reverse("archivo_expediente_reclasificar", args=[mine.numero])
    response = client.post(reclasificar, {"serie": cuadro["licencias"].pk, "motivo": "x"})
    assert response.status_code == 403
    cerrar = reverse("archivo_expediente_cerrar", args=[mine.numero])
    assert client.post(cerrar).status_code == 403
    mine.refresh_from_db()
    assert mine.serie == cuadro["servicios"] and mine.estado == "abierto"


def test_the_escrito_page_links_the_secretaria_to_its_expediente(
    client, two_expedientes, enlace_obras
):
    mine, _ = two_expedientes
    folio = mine.escritos.get().escrito.folio
    client.force_login(enlace_obras)
    html = client.get(reverse("escrito_detalle", args=[folio])).content.decode()
    assert reverse("archivo_expediente", args=[mine.numero]) in html
    assert "Unir a un expediente" not in html and "Cambiar la serie" not in html
