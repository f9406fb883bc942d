"""The escrito's archive from its staff page: open or join an expediente, change its serie
with a reason, place its paper original in a box and move it."""

import pytest
from django.urls import reverse

from archivo.expedientes import escrito_classify, escrito_join, expediente_close, expediente_of
from archivo.indice import verify
from archivo.models import Documento, ExpedienteEstado, UbicacionOriginal
from correspondencia.models import Channel
from oficialia.acciones import ActionError
from oficialia.models import Bitacora

from .conftest import file_with

pytestmark = pytest.mark.django_db


def page_of(escrito) -> str:
    return reverse("escrito_detalle", args=[escrito.folio])


def action_of(escrito) -> str:
    return reverse("archivo_escrito", args=[escrito.folio])


def test_the_escrito_page_shows_its_expediente_and_the_proposed_serie(
    client, cuadro, bacheo, turnador
):
    escrito = file_with(bacheo)
    client.force_login(turnador)
    html = client.get(page_of(escrito)).content.decode()
    assert "Aún sin expediente" in html and "AM.4S.2" in html
    expediente = escrito_classify(escrito_id=escrito.pk)
    html = client.get(page_of(escrito)).content.decode()
    assert expediente.numero in html and "Cambiar la serie del expediente" in html


def test_an_unclassified_escrito_joins_an_open_expediente_from_its_page(
    client, cuadro, bacheo, turnador
):
    open_one = escrito_classify(escrito_id=file_with(bacheo).pk)
    escrito = file_with(bacheo, asunto="El mismo bache, otra vez")
    client.force_login(turnador)
    response = client.post(
        action_of(escrito), {"accion": "unir", "unir-expediente": open_one.numero.lower()}
    )
    assert response.status_code == 302 and response["Location"] == page_of(escrito)
    assert expediente_of(escrito.pk) == open_one
    assert open_one.documentos.count() == 2  # the first escrito's file, then this one's
    open_one.refresh_from_db()
    assert verify(open_one) == []


def test_a_classified_escrito_is_accumulated_with_a_reason_and_its_index_kept(
    client, cuadro, bacheo, turnador
):
    target = escrito_classify(escrito_id=file_with(bacheo).pk)
    escrito = file_with(bacheo, files=2)
    own = escrito_classify(escrito_id=escrito.pk)
    client.force_login(turnador)

    # Without a reason: the page stays, keeps what was typed, says why next to the field.
    response = client.post(action_of(escrito), {"accion": "unir", "unir-expediente": target.numero})
    assert response.status_code == 409
    html = response.content.decode()
    assert f'value="{target.numero}"' in html
    assert "Escriba por qué se acumula" in html and "field--error" in html
    assert expediente_of(escrito.pk) == own

    response = client.post(
        action_of(escrito),
        {"accion": "unir", "unir-expediente": target.numero, "unir-motivo": "Mismo bache"},
    )
    assert response.status_code == 302
    assert expediente_of(escrito.pk) == target
    own.refresh_from_db()
    target.refresh_from_db()
    assert own.estado == ExpedienteEstado.ACUMULADO and own.acumulado_a == target
    assert own.documentos.count() == 2 and verify(own) == []  # its index stays whole
    assert target.documentos.count() == 3 and verify(target) == []
    entry = Bitacora.objects.filter(action="expediente.unir").last()
    assert entry.changes["acumulado"] == own.numero and entry.changes["motivo"] == "Mismo bache"
    with pytest.raises(ActionError, match="acumulado a otro"):
        expediente_close(expediente_id=own.pk, user=None)
    with pytest.raises(ActionError, match="ya está en el expediente"):
        escrito_join(escrito_id=escrito.pk, expediente=target, user=None, motivo="Otra vez")
    # The accumulated one says where its documents went.
    html = client.get(reverse("archivo_expediente", args=[own.numero])).content.decode()
    assert "al expediente <a" in html and target.numero in html


def test_a_closed_expediente_cannot_be_joined(client, cuadro, bacheo, turnador, archivista):
    closed = escrito_classify(escrito_id=file_with(bacheo).pk)
    expediente_close(expediente_id=closed.pk, user=archivista)
    escrito = file_with(bacheo)
    client.force_login(turnador)
    response = client.post(action_of(escrito), {"accion": "unir", "unir-expediente": closed.numero})
    assert response.status_code == 400
    assert "está cerrado: elija uno abierto" in response.content.decode()
    assert expediente_of(escrito.pk) is None


def test_an_expediente_shared_by_several_escritos_is_not_split(cuadro, bacheo, turnador):
    shared = escrito_classify(escrito_id=file_with(bacheo).pk)
    escrito = file_with(bacheo)
    escrito_classify(escrito_id=escrito.pk, expediente=shared)
    other = escrito_classify(escrito_id=file_with(bacheo).pk)
    with pytest.raises(ActionError, match="reúne otros escritos"):
        escrito_join(escrito_id=escrito.pk, expediente=other, user=turnador, motivo="Separar")


def test_the_serie_changes_from_the_escrito_page_only_with_a_reason(
    client, cuadro, bacheo, turnador
):
    escrito = file_with(bacheo)
    expediente = escrito_classify(escrito_id=escrito.pk)
    client.force_login(turnador)
    licencias = cuadro["licencias"]
    response = client.post(action_of(escrito), {"accion": "serie", "serie-serie": licencias.pk})
    assert response.status_code == 409
    assert "Escriba por qué cambia la serie" in response.content.decode()
    response = client.post(
        action_of(escrito),
        {"accion": "serie", "serie-serie": licencias.pk, "serie-motivo": "Es una licencia"},
    )
    assert response.status_code == 302
    expediente.refresh_from_db()
    assert expediente.serie == licencias and "AM.4S.5" in expediente.clasificacion


def test_an_unclassified_escrito_opens_its_expediente_in_another_serie_with_a_reason(
    client, cuadro, bacheo, turnador
):
    escrito = file_with(bacheo)
    client.force_login(turnador)
    licencias = cuadro["licencias"]
    response = client.post(action_of(escrito), {"accion": "serie", "serie-serie": licencias.pk})
    assert response.status_code == 409 and expediente_of(escrito.pk) is None
    assert "serie propuesta por su trámite (AM.4S.2)" in response.content.decode()
    client.post(
        action_of(escrito),
        {"accion": "serie", "serie-serie": licencias.pk, "serie-motivo": "Pide una licencia"},
    )
    assert expediente_of(escrito.pk).serie == licencias


def test_the_paper_original_is_placed_in_a_box_and_moved(client, caja_at, ventanilla_clerk):
    from tests.factories import file_escrito

    escrito = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    ).escrito
    client.force_login(ventanilla_clerk)
    assert "Guardar el original en una caja" in client.get(page_of(escrito)).content.decode()

    response = client.post(
        action_of(escrito), {"accion": "ubicar", "ubicar-caja": "at-e02-c099", "ubicar-legajo": "4"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "No hay una caja con la etiqueta AT-E02-C099" in html and 'value="4"' in html

    client.post(
        action_of(escrito), {"accion": "ubicar", "ubicar-caja": "at-e02-c014", "ubicar-legajo": "4"}
    )
    assert str(UbicacionOriginal.objects.get(escrito=escrito)) == "AT-E02-C014, legajo 4"
    client.post(action_of(escrito), {"accion": "ubicar", "ubicar-caja": "AT-E02-C015"})
    ubicacion = UbicacionOriginal.objects.get(escrito=escrito)
    assert ubicacion.caja.etiqueta == "AT-E02-C015" and ubicacion.legajo == ""
    escrito.refresh_from_db()
    assert escrito.ubicacion_original == "AT-E02-C015"
    html = client.get(page_of(escrito)).content.decode()
    assert "Mover el original a otra caja" in html and "AT-E02-C015" in html
    moves = Bitacora.objects.filter(action="original.ubicar", folio=escrito.folio)
    assert [m.changes["caja"] for m in moves.order_by("pk")] == ["AT-E02-C014", "AT-E02-C015"]


def test_an_online_escrito_has_no_original_to_place(client, caja_at, turnador):
    escrito = file_with()
    client.force_login(turnador)
    assert "Guardar el original" not in client.get(page_of(escrito)).content.decode()
    response = client.post(action_of(escrito), {"accion": "ubicar", "ubicar-caja": "AT-E02-C014"})
    assert response.status_code == 409 and not UbicacionOriginal.objects.exists()


def test_a_clerk_places_originals_but_does_not_classify(client, cuadro, bacheo, ventanilla_clerk):
    from tests.factories import file_escrito

    escrito = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    ).escrito
    client.force_login(ventanilla_clerk)
    assert "Unir a un expediente" not in client.get(page_of(escrito)).content.decode()
    response = client.post(
        action_of(escrito), {"accion": "serie", "serie-serie": cuadro["licencias"].pk}
    )
    assert response.status_code == 403 and expediente_of(escrito.pk) is None


def test_a_secretaria_cannot_use_the_escrito_archive(client, cuadro, bacheo, enlace_obras):
    escrito = file_with(bacheo)
    client.force_login(enlace_obras)
    response = client.post(action_of(escrito), {"accion": "serie", "serie-serie": 1})
    assert response.status_code == 403
    assert not Documento.objects.exists()
