"""A day at the ventanilla: the form remembers, the list pages, a twin capture asks first,
and a wrong capture is corrected without losing anything."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Acuse, AcuseAnterior, Channel, Escrito
from correspondencia.services import acuse_generate, escrito_correct
from oficialia.acciones import ActionError
from oficialia.models import Bitacora
from tests.factories import escrito_form_data, file_escrito

pytestmark = pytest.mark.django_db


def paper(**overrides) -> dict:
    data = escrito_form_data(
        channel="correo_postal", fojas=3, anexos=0, ubicacion_original="Archivo de trámite, caja 7"
    )
    data.update(overrides)
    return data


def test_the_form_remembers_channel_and_place_for_the_next_capture(client, ventanilla_clerk):
    client.force_login(ventanilla_clerk)
    first = client.get(reverse("ventanilla_nuevo")).context["form"]
    assert first["channel"].value() == Channel.VENTANILLA
    assert not first["ubicacion_original"].value()
    client.post(reverse("ventanilla_nuevo"), paper())
    form = client.get(reverse("ventanilla_nuevo")).context["form"]
    assert form["channel"].value() == "correo_postal"
    assert form["ubicacion_original"].value() == "Archivo de trámite, caja 7"
    # What belongs to one escrito alone is not carried over.
    assert not form["nombre"].value()
    assert not form["asunto"].value()
    assert form["submission_token"].value() != paper()["submission_token"]


def test_the_days_list_pages_beyond_fifty(client, ventanilla_clerk):
    for n in range(53):
        file_escrito(
            channel=Channel.VENTANILLA,
            captured_by=ventanilla_clerk,
            asunto=f"Asunto número {n}",
            queue_acuse=False,
        )
    client.force_login(ventanilla_clerk)
    first = client.get(reverse("ventanilla"))
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 53
    second = client.get(reverse("ventanilla"), {"pagina": 2})
    folios = {e.folio for e in second.context["page"].object_list}
    assert len(folios) == 3
    assert folios.isdisjoint({e.folio for e in first.context["page"].object_list})
    assert "Página 2 de 2" in second.content.decode()


def test_an_identical_capture_asks_before_saving(client, ventanilla_clerk):
    client.force_login(ventanilla_clerk)
    client.post(reverse("ventanilla_nuevo"), paper())
    original = Escrito.objects.get()
    twin = paper(nombre="maría guadalupe hernández ruiz")
    response = client.post(reverse("ventanilla_nuevo"), twin)
    assert response.status_code == 200
    assert Escrito.objects.count() == 1
    assert response.context["duplicate"] == original
    page = response.content.decode()
    assert original.folio in page and "¿Es el mismo escrito?" in page
    # What was typed stays in the form.
    assert response.context["form"]["asunto"].value() == twin["asunto"]
    confirmed = client.post(reverse("ventanilla_nuevo"), {**twin, "confirmar_duplicado": "on"})
    assert confirmed.status_code == 302
    assert Escrito.objects.count() == 2


def test_a_capture_like_one_from_long_ago_is_saved_without_asking(client, ventanilla_clerk):
    file_escrito(
        channel=Channel.VENTANILLA,
        nombre="María Guadalupe Hernández Ruiz",
        asunto="Reparación de luminaria en calle Morelos",
        received_at=timezone.now() - timedelta(hours=9),
        queue_acuse=False,
    )
    client.force_login(ventanilla_clerk)
    response = client.post(reverse("ventanilla_nuevo"), paper())
    assert response.status_code == 302
    assert Escrito.objects.count() == 2


def test_a_correction_keeps_the_folio_both_versions_and_reissues_the_acuse(
    client, ventanilla_clerk, django_capture_on_commit_callbacks
):
    client.force_login(ventanilla_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ventanilla_nuevo"), paper(fojas=3))
    escrito = Escrito.objects.get()
    old_acuse = Acuse.objects.get(escrito=escrito)
    assert old_acuse.is_ready
    old_token, old_pdf, old_digest = (
        old_acuse.verification_token,
        old_acuse.pdf.name,
        escrito.digest,
    )

    url = reverse("ventanilla_corregir", args=[escrito.folio])
    form = client.get(url).context["form"]
    assert form["fojas"].value() == 3
    data = {k: v for k, v in paper(fojas=5).items() if k not in ("submission_token",)}
    data["nombre"] = "María Guadalupe Hernández Ruíz"
    no_reason = client.post(url, data)
    assert no_reason.status_code == 400 and "motivo" in no_reason.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "motivo": "Eran 5 fojas, no 3"})
    assert response.status_code == 302

    escrito.refresh_from_db()
    assert escrito.folio == Escrito.objects.get().folio and escrito.fojas == 5
    assert escrito.digest != old_digest
    # The history keeps both versions, with the reason and who corrected.
    versions = list(escrito.history.order_by("history_date"))
    assert [v.fojas for v in versions] == [3, 5]
    assert versions[-1].history_change_reason == "Corrección: Eran 5 fojas, no 3"
    assert versions[-1].history_user == ventanilla_clerk
    names = [p.nombre for p in escrito.peticionario.history.order_by("history_date")]
    assert names == ["María Guadalupe Hernández Ruiz", "María Guadalupe Hernández Ruíz"]
    # The bitácora keeps both too: plain for fojas, by fingerprint for the person's name.
    entry = Bitacora.objects.get(action="escrito.corregir")
    campos = entry.changes["campos"]
    assert campos["fojas"] == {"antes": "3", "despues": "5"}
    assert campos["nombre"]["antes"].startswith("sha256:")
    assert campos["nombre"]["antes"] != campos["nombre"]["despues"]
    assert "Hernández" not in str(entry.changes)
    assert entry.changes["motivo"] == "Eran 5 fojas, no 3"
    assert escrito.transiciones.filter(action="corregir").exists()

    # A new acuse, with a new token and file; the old one still verifies, as superseded.
    acuse = Acuse.objects.get(escrito=escrito)
    assert acuse.is_ready and acuse.verification_token != old_token
    assert acuse.pdf.name != old_pdf
    anterior = AcuseAnterior.objects.get(escrito=escrito)
    assert anterior.pdf.name == old_pdf and anterior.pdf.storage.exists(old_pdf)
    assert anterior.digest == old_digest
    client.logout()
    superseded = client.get(reverse("verificar", args=[old_token]))
    assert superseded.status_code == 200
    assert "ya fue sustituido" in superseded.content.decode()
    assert escrito.folio in superseded.content.decode()
    current = client.get(reverse("verificar", args=[acuse.verification_token]))
    assert "Este acuse es auténtico" in current.content.decode()
    assert escrito.digest in current.content.decode()


def test_a_correction_that_changes_nothing_is_refused(ventanilla_clerk):
    result = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    )
    with pytest.raises(ActionError, match="No cambió"):
        escrito_correct(
            escrito_id=result.escrito.pk,
            user=ventanilla_clerk,
            changes={"asunto": result.escrito.asunto},
            reason="nada",
        )
    assert not AcuseAnterior.objects.exists()


def test_an_online_filing_is_not_corrected_by_the_desk(ventanilla_clerk):
    result = file_escrito(queue_acuse=False)
    with pytest.raises(ActionError, match="papel"):
        escrito_correct(
            escrito_id=result.escrito.pk, user=ventanilla_clerk, changes={"fojas": 2}, reason="x"
        )


def test_another_clerk_cannot_correct_my_capture(client, ventanilla_clerk):
    from tests.factories import UserFactory

    result = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    )
    other = UserFactory(username="otra.ventanilla", roles=["ventanilla"])
    client.force_login(other)
    assert (
        client.get(reverse("ventanilla_corregir", args=[result.escrito.folio])).status_code == 404
    )


def test_a_regenerated_acuse_after_correction_keeps_the_old_file(ventanilla_clerk):
    result = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    )
    first = acuse_generate(acuse_id=result.escrito.acuse.pk)
    first_name = first.pdf.name
    escrito_correct(
        escrito_id=result.escrito.pk, user=ventanilla_clerk, changes={"fojas": 9}, reason="fojas"
    )
    second = acuse_generate(acuse_id=result.escrito.acuse.pk)
    assert second.pdf.name != first_name
    assert second.pdf.storage.exists(first_name) and second.pdf.storage.exists(second.pdf.name)
