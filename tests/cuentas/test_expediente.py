"""The expediente electrónico ciudadano: "Mis escritos" with state and traffic light, escritos
filed while signed in or added by folio and access code, the saved data that fills the form."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Adjunto, AdjuntoOrigin, Escrito
from cuentas.models import Cuenta, EscritoVinculado, LinkHow
from cuentas.selectors import escritos_with_lights
from oficialia import access_codes
from oficialia.models import Bitacora
from tests.factories import (
    escrito_form_data,
    file_escrito,
    pdf_bytes,
    turno_prevent_notified,
    upload,
)
from tests.turnos.conftest import local
from turnos.plazos import Light, Thresholds
from turnos.services import turno_accept, turno_answer

from .conftest import LUPITA, link

pytestmark = pytest.mark.django_db


def file_online(client: Client, **overrides) -> Escrito:
    response = client.post(reverse("escrito_nuevo"), escrito_form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    token = response.url.rstrip("/").split("/")[-1]
    return Escrito.objects.get(submission_token=token)


# Filing while signed in -------------------------------------------------------------------


def test_the_filing_form_starts_with_the_saved_data(lupita_client, lupita):
    form = lupita_client.get(reverse("escrito_nuevo")).context["form"]
    assert form.initial["nombre"] == LUPITA["nombre"]
    assert form.initial["telefono"] == LUPITA["telefono"]
    assert form.initial["curp"] == LUPITA["curp"]
    assert form.initial["email"] == "lupita@example.com"
    assert form.initial["submission_token"]
    page = lupita_client.get(reverse("escrito_nuevo")).content.decode()
    assert f'value="{LUPITA["nombre"]}"' in page
    # Without an account (or for staff), the form starts empty.
    assert "nombre" not in Client().get(reverse("escrito_nuevo")).context["form"].initial


def test_an_escrito_filed_while_signed_in_goes_into_mis_escritos(lupita_client, lupita, beto):
    escrito = file_online(lupita_client, nombre=LUPITA["nombre"], email="lupita@example.com")
    vinculo = EscritoVinculado.objects.get(escrito=escrito)
    assert (vinculo.cuenta, vinculo.how) == (lupita, LinkHow.PRESENTADO)
    page = lupita_client.get(reverse("cuenta_escritos"))
    assert escrito.folio in page.content.decode()
    assert [r.escrito for r in page.context["rows"]] == [escrito]
    assert Bitacora.objects.filter(action="cuenta.agregar_escrito", folio=escrito.folio).exists()
    # Filed without an account: nobody's.
    anonymous = file_online(Client())
    assert not EscritoVinculado.objects.filter(escrito=anonymous).exists()


# Mis escritos: only one's own --------------------------------------------------------------


def test_a_citizen_sees_only_the_escritos_of_the_account(lupita_client, lupita, beto):
    mine = file_escrito(asunto="Luminaria fundida", queue_acuse=False).escrito
    his = file_escrito(asunto="Bache en la esquina", queue_acuse=False).escrito
    link(lupita, mine)
    link(beto, his)
    page = lupita_client.get(reverse("cuenta_escritos")).content.decode()
    assert mine.folio in page and his.folio not in page
    oficio = Adjunto.objects.create(
        escrito=his,
        file="adjuntos/x.pdf",
        original_name="oficio.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        origin=AdjuntoOrigin.RESPUESTA,
    )
    for name, kwargs, method in [
        ("cuenta_escrito", {"folio": his.folio}, "get"),
        ("cuenta_escrito_acuse", {"folio": his.folio}, "get"),
        ("cuenta_escrito_respuesta", {"folio": his.folio, "adjunto_id": oficio.pk}, "get"),
        ("cuenta_escrito_prevencion", {"folio": his.folio}, "post"),
        ("cuenta_escrito_evaluar", {"folio": his.folio}, "post"),
        ("cuenta_escrito_desistir", {"folio": his.folio}, "get"),
        ("cuenta_escrito_desistir", {"folio": his.folio}, "post"),
    ]:
        response = getattr(lupita_client, method)(reverse(name, kwargs=kwargs), {"confirmo": "on"})
        assert response.status_code == 404, name
        assert his.folio.encode() not in response.content
    assert Escrito.objects.get(pk=his.pk).state == "recibido"


def test_the_escrito_page_shows_state_light_timeline_acuse_and_answer(
    lupita_client, lupita, turn, titular_obras
):
    turno = turn(timezone.now())
    escrito = turno.escrito
    link(lupita, escrito)
    turno_accept(turno_id=turno.pk, user=titular_obras)
    oficio = upload("oficio-respuesta.pdf", pdf_bytes(), "application/pdf")
    from oficialia.adjuntos import inspect_all

    turno_answer(
        turno_id=turno.pk,
        user=titular_obras,
        texto="Se programó la reparación para el lunes.",
        sense="positiva",
        oficio=inspect_all([oficio])[0],
    )
    response = lupita_client.get(reverse("cuenta_escrito", args=[escrito.folio]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Respondido" in page
    assert "Se programó la reparación para el lunes." in page
    steps = [t.description for t in response.context["timeline"]]
    assert steps[0].startswith("Escrito recibido") and "respondido" in steps[-1].lower()
    acuse = lupita_client.get(reverse("cuenta_escrito_acuse", args=[escrito.folio]))
    assert acuse.status_code == 200 and acuse["Content-Type"] == "application/pdf"
    assert b"".join(acuse.streaming_content).startswith(b"%PDF")
    respuesta = response.context["status"].respuestas[0]
    download = lupita_client.get(
        reverse("cuenta_escrito_respuesta", args=[escrito.folio, respuesta.oficio_id])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # An answered escrito may no longer be withdrawn; it may be rated.
    assert reverse("cuenta_escrito_desistir", args=[escrito.folio]) not in page
    assert reverse("cuenta_escrito_evaluar", args=[escrito.folio]) in page


# Traffic lights -----------------------------------------------------------------------------


def test_each_escrito_shows_the_light_of_its_most_urgent_open_turno(
    lupita, receive, turn, titular_obras
):
    monday = local(timezone.localdate() - timedelta(days=60))
    overdue = turn(monday)  # a 10 business-day term, long gone
    # Prevented at once (within the first third of its term) and notified: its clock stands.
    paused = turn(timezone.now())
    turno_accept(turno_id=paused.pk, user=titular_obras)
    turno_prevent_notified(turno_id=paused.pk, user=titular_obras, texto="Falta la INE")
    fresh = turn(timezone.now())
    waiting = receive(timezone.now())  # not routed yet: its term counts from reception
    answered = turn(timezone.now())
    turno_accept(turno_id=answered.pk, user=titular_obras)
    turno_answer(turno_id=answered.pk, user=titular_obras, texto="Listo", sense="positiva")
    escritos = [
        overdue.escrito,
        paused.escrito,
        fresh.escrito,
        waiting,
        answered.escrito,
    ]
    rows = escritos_with_lights(Escrito.objects.filter(pk__in=[e.pk for e in escritos]))
    lights = {row.escrito.pk: row.light for row in rows}
    assert lights == {
        overdue.escrito_id: Light.OVERDUE,
        paused.escrito_id: Light.PAUSED,
        fresh.escrito_id: Light.ON_TIME,
        waiting.pk: Light.ON_TIME,
        answered.escrito_id: Light.CLOSED,
    }


def test_an_escrito_nears_its_due_date(lupita, turn):
    turno = turn(timezone.now())
    (row,) = escritos_with_lights([turno.escrito])
    assert row.due == turno.due_date
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        (row,) = escritos_with_lights([turno.escrito], Thresholds.now())
        assert row.light == Light.OVERDUE
    soon = Thresholds(today=turno.due_date - timedelta(days=1), soon=turno.due_date)
    assert escritos_with_lights([turno.escrito], soon)[0].light == Light.DUE_SOON


def test_mis_escritos_reads_a_page_in_a_fixed_number_of_queries(
    lupita_client, lupita, turn, django_assert_max_num_queries
):
    for _ in range(3):
        link(lupita, turn(timezone.now()).escrito)
    lupita_client.get(reverse("cuenta_escritos"))
    with django_assert_max_num_queries(14) as few:
        lupita_client.get(reverse("cuenta_escritos"))
    for _ in range(12):
        link(lupita, turn(timezone.now()).escrito)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = lupita_client.get(reverse("cuenta_escritos"))
    assert len(response.context["rows"]) == 15


# Adding an escrito filed before --------------------------------------------------------------


def add(client: Client, folio: str, code: str, address: str = "198.51.100.3"):
    return client.post(
        reverse("cuenta_escrito_agregar"),
        {"agregar-folio": folio, "agregar-codigo": code},
        REMOTE_ADDR=address,
    )


def test_an_escrito_filed_before_with_the_accounts_email_is_added_at_once(lupita_client, lupita):
    filed = file_escrito(asunto="Poda de árbol", email="Lupita@Example.com", queue_acuse=False)
    code = access_codes.display(filed.access_code).lower()
    response = add(lupita_client, f" {filed.escrito.folio.lower()} ", code)
    assert response.status_code == 302
    assert response.url == reverse("cuenta_escrito", args=[filed.escrito.folio])
    vinculo = EscritoVinculado.objects.get(escrito=filed.escrito)
    assert (vinculo.cuenta, vinculo.how) == (lupita, LinkHow.AGREGADO)
    # Adding it again is harmless.
    assert add(lupita_client, filed.escrito.folio, code).status_code == 302
    assert EscritoVinculado.objects.count() == 1


def test_a_wrong_code_and_an_unknown_folio_get_the_same_answer(lupita_client, lupita):
    filed = file_escrito(queue_acuse=False)
    wrong = add(lupita_client, filed.escrito.folio, "AAAAA-AAAAA")
    unknown = add(lupita_client, "OP-2020-999999", access_codes.display(filed.access_code))
    assert wrong.status_code == unknown.status_code == 200
    errors = [r.context["add_form"].non_field_errors() for r in (wrong, unknown)]
    assert errors[0] == errors[1]
    assert "no son correctos" in str(errors[0])
    assert not EscritoVinculado.objects.exists()


def test_adding_by_folio_and_code_is_rate_limited(lupita_client, lupita, settings):
    settings.CLIENT_IP_HEADER = ""
    filed = file_escrito(email="lupita@example.com", queue_acuse=False)
    for _ in range(10):
        assert add(lupita_client, filed.escrito.folio, "AAAAA-AAAAA").status_code == 200
    response = add(lupita_client, filed.escrito.folio, filed.access_code)
    assert response.status_code == 429
    assert not EscritoVinculado.objects.exists()
    # The limit is per address (as on /consulta/), and per account at the hourly rate.
    assert (
        add(lupita_client, filed.escrito.folio, filed.access_code, "198.51.100.9").status_code
        == 302
    )


# Saved data --------------------------------------------------------------------------------


def test_the_citizen_edits_the_saved_data_and_the_bitacora_names_only_the_fields(
    lupita_client, lupita
):
    url = reverse("cuenta_datos")
    bad = lupita_client.post(url, {"nombre": "Lupita", "curp": "NO-ES-CURP", "telefono": "12"})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"curp", "telefono"}
    response = lupita_client.post(
        url,
        {
            "nombre": "  María  Guadalupe Hernández ",
            "telefono": "747 765 4321",
            "curp": LUPITA["curp"].lower(),
            "domicilio": "Av. Juárez 5, Col. Centro",
        },
    )
    assert response.status_code == 302
    cuenta = Cuenta.objects.get(pk=lupita.pk)
    assert (cuenta.nombre, cuenta.telefono, cuenta.curp, cuenta.domicilio) == (
        "María Guadalupe Hernández",
        "747 765 4321",
        LUPITA["curp"],
        "Av. Juárez 5, Col. Centro",
    )
    entry = Bitacora.objects.get(action="cuenta.datos")
    assert entry.changes == {"campos": ["domicilio", "nombre", "telefono"]}
    assert entry.actor == lupita.user
    assert "Juárez" not in str(entry.changes)
    form = lupita_client.get(reverse("escrito_nuevo")).context["form"]
    assert form.initial["telefono"] == "747 765 4321"


def test_the_filing_form_starts_with_the_saved_address(client):
    from tests.cuentas.conftest import citizen_account

    cuenta = citizen_account("domicilio@example.com", domicilio="Av. Juárez 5, Col. Centro")
    client.force_login(cuenta.user)
    html = client.get("/escritos/nuevo/").content.decode()
    assert 'value="Av. Juárez 5, Col. Centro"' in html
