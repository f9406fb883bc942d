"""Public pages: the status lookup, the acuse's verification page, the receipt, health."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Escrito
from oficialia import access_codes
from tests.factories import escrito_form_data, file_escrito

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filed():
    result = file_escrito(
        nombre="Rosa Elena Castañeda", email="rosa.castaneda@example.com", asunto="Poda de árbol"
    )
    return result.escrito, access_codes.display(result.access_code)


def lookup(client, folio, codigo):
    return client.post(reverse("consulta"), {"folio": folio, "codigo": codigo})


def without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)


def test_folio_and_code_show_the_status_timeline_and_nothing_personal(client, filed):
    escrito, code = filed
    response = lookup(client, escrito.folio.lower(), code.lower().replace("-", " "))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="estado">Recibido<' in html
    assert escrito.folio in html
    assert "Poda de árbol" in html
    assert "Oficialía de Partes (en revisión" in html
    assert "Aún sin respuesta" in html
    assert "Rosa Elena" not in html
    assert "rosa.castaneda" not in html
    assert html.count('class="timeline"') == 1


def test_a_wrong_code_and_an_unknown_folio_get_the_same_answer(client, filed):
    escrito, code = filed
    wrong = "ABCDE-FGHJK" if code != "ABCDE-FGHJK" else "ABCDE-FGHJM"
    wrong_code = lookup(client, escrito.folio, wrong)
    unknown_folio = lookup(client, "OP-2026-999999", wrong)
    assert wrong_code.status_code == unknown_folio.status_code == 200
    assert "El folio o el código de acceso no son correctos" in wrong_code.content.decode()
    assert without_tokens(wrong_code.content.decode()) == without_tokens(
        unknown_folio.content.decode().replace("OP-2026-999999", escrito.folio)
    )


def test_the_code_is_never_taken_from_the_url(client, filed):
    escrito, code = filed
    response = client.get(reverse("consulta"), {"folio": escrito.folio, "codigo": code})
    assert 'data-testid="estado"' not in response.content.decode()
    assert 'method="post"' in response.content.decode()


def test_bulk_guessing_is_rate_limited_per_address(client, filed, settings):
    escrito, _ = filed
    settings.RATE_CONSULTA = "5/m"
    answers = [lookup(client, escrito.folio, f"AAAAA-AAAA{c}").status_code for c in "23456789"]
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}
    # Another address is not affected.
    other = client.post(
        reverse("consulta"),
        {"folio": escrito.folio, "codigo": "AAAAA-AAAAB"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200
    assert "Espere unos minutos" in lookup(client, escrito.folio, "x").content.decode()


def test_filing_is_rate_limited_per_address_but_a_resend_is_not(client, settings):
    settings.RATE_FILING = "2/h"
    first = escrito_form_data()
    assert client.post(reverse("escrito_nuevo"), first).status_code == 302
    assert client.post(reverse("escrito_nuevo"), escrito_form_data()).status_code == 302
    assert client.post(reverse("escrito_nuevo"), escrito_form_data()).status_code == 429
    # The browser resending the first form still lands on its receipt.
    assert client.post(reverse("escrito_nuevo"), first).status_code == 302
    assert Escrito.objects.count() == 2


def test_the_acuse_downloads_from_consulta_only_after_a_successful_lookup(client, filed):
    escrito, code = filed
    url = reverse("consulta_acuse", args=[escrito.folio])
    assert client.get(url).status_code == 404
    lookup(client, escrito.folio, code)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_verification_page_shows_folio_date_time_and_digest(client, filed):
    escrito, _ = filed
    response = client.get(reverse("verificar", args=[escrito.acuse.verification_token]))
    html = response.content.decode()
    local = timezone.localtime(escrito.received_at)
    assert "Este acuse es auténtico" in html
    assert escrito.folio in html
    assert escrito.digest in html
    assert local.strftime("%H:%M:%S") in html
    assert str(local.year) in html
    assert "Rosa Elena" not in html


def test_an_unknown_verification_token_says_the_acuse_is_not_recognised(client, filed):
    response = client.get(reverse("verificar", args=["no-existe-este-token"]))
    assert response.status_code == 404
    assert "No reconocemos este acuse" in response.content.decode()


def test_the_receipt_page_closes_after_a_day(client):
    data = escrito_form_data()
    location = client.post(reverse("escrito_nuevo"), data)["Location"]
    assert client.get(location).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        late = client.get(location)
    assert late.status_code == 404
    assert "folio y el código de acceso" in late.content.decode()


def test_stable_public_urls():
    assert reverse("inicio") == "/"
    assert reverse("escrito_nuevo") == "/escritos/nuevo/"
    assert reverse("consulta") == "/consulta/"
    assert reverse("verificar", args=["abc"]) == "/verificar/abc/"
    assert reverse("healthz") == "/healthz"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["dependencias"]["base_de_datos"]["estado"] == "ok"


def test_public_forms_are_protected_against_csrf(filed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    escrito, code = filed
    assert (
        strict.post(reverse("consulta"), {"folio": escrito.folio, "codigo": code}).status_code
        == 403
    )
    assert strict.post(reverse("escrito_nuevo"), escrito_form_data()).status_code == 403


def _page_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_empty_form_is_drawn_once_and_each_visitor_gets_a_token_of_their_own(filed):
    """The empty /consulta/ is the same page for everyone not signed in: drawn once per
    process, served with each visitor's own CSRF token, which their lookup then uses."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    escrito, code = filed
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a = first.get(reverse("consulta"))
    b = second.get(reverse("consulta"))
    assert b.context is None  # served as drawn, not drawn again
    html_a, html_b = a.content.decode(), b.content.decode()
    assert _page_token(html_a) != _page_token(html_b)
    assert without_tokens(html_a) == without_tokens(html_b)
    assert "csrf-token-of-this-visitor" not in html_a + html_b
    for client, response, html in ((first, a, html_a), (second, b, html_b)):
        assert _unmask_cipher_token(_page_token(html)) == response.cookies["csrftoken"].value
        data = {"folio": escrito.folio, "codigo": code, "csrfmiddlewaretoken": _page_token(html)}
        found = client.post(reverse("consulta"), data)
        assert found.status_code == 200
        assert 'data-testid="folio">' + escrito.folio in found.content.decode()


def test_the_drawn_form_follows_the_settings_and_is_not_shown_to_the_signed_in(
    client, settings, turnador
):
    assert "Municipio de Ejemplo Uno" not in client.get(reverse("consulta")).content.decode()
    settings.INSTITUTION_NAME = "Municipio de Ejemplo Uno"
    assert "Municipio de Ejemplo Uno" in client.get(reverse("consulta")).content.decode()
    client.force_login(turnador)
    html = client.get(reverse("consulta")).content.decode()
    assert "Salir (" in html and ">Personal</a>" not in html


def test_the_ventanilla_needs_a_signed_in_clerk(client, turnador, ventanilla_clerk):
    for name in ("ventanilla", "ventanilla_nuevo"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(turnador)
    assert client.get(reverse("ventanilla_nuevo")).status_code == 403
    client.force_login(ventanilla_clerk)
    assert client.get(reverse("ventanilla_nuevo")).status_code == 200
    ventanilla_clerk.groups.clear()
    assert client.get(reverse("ventanilla_nuevo")).status_code == 403


def test_a_clerk_captures_a_paper_escrito_and_sees_its_acuse(client, ventanilla_clerk):
    from tests.factories import pdf_bytes, upload

    client.force_login(ventanilla_clerk)
    data = escrito_form_data(
        channel="mensajeria",
        fojas=12,
        anexos=2,
        anexos_descripcion="Planos y croquis",
        ubicacion_original="Archivo de trámite, caja 2026-11",
        texto="",
        email="",
    )
    data["adjuntos"] = [upload("escaneo.pdf", pdf_bytes(12))]
    response = client.post(reverse("ventanilla_nuevo"), data, follow=True)
    html = response.content.decode()
    escrito = Escrito.objects.get()
    assert escrito.channel == "mensajeria"
    assert (escrito.fojas, escrito.anexos) == (12, 2)
    assert escrito.captured_by == ventanilla_clerk
    assert escrito.ubicacion_original == "Archivo de trámite, caja 2026-11"
    assert f"Escrito registrado con el folio {escrito.folio}" in html
    assert "Abrir e imprimir el acuse" in html
    pdf = client.get(reverse("ventanilla_acuse", args=[escrito.folio]))
    assert pdf.status_code == 200
    listing = client.get(reverse("ventanilla")).content.decode()
    assert escrito.folio in listing


def test_an_acuse_not_made_yet_is_made_when_first_downloaded(client):
    result = file_escrito(queue_acuse=False)
    escrito = result.escrito
    assert not Escrito.objects.get(pk=escrito.pk).acuse.is_ready
    lookup(client, escrito.folio, result.access_code)
    response = client.get(reverse("consulta_acuse", args=[escrito.folio]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert Escrito.objects.get(pk=escrito.pk).acuse.is_ready


def test_the_demo_data_loads_catalogues_users_and_escritos(db):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from correspondencia.models import Secretaria, Tramite

    call_command("cargar_demo", escritos=12, stdout=io.StringIO())
    call_command("cargar_demo", escritos=12, stdout=io.StringIO())  # runs once
    assert Escrito.objects.count() == 12
    assert Secretaria.objects.filter(nombre="Obras Públicas").exists()
    assert Tramite.objects.count() >= 10
    for username in ("ventanilla", "turnador", "titular", "enlace", "operativo", "contraloria"):
        user = User.objects.get(username=username)
        assert user.check_password("oficialia2026")
        assert user.groups.exists()
    numbers = list(Escrito.objects.order_by("received_at").values_list("year", "number"))
    assert numbers == sorted(numbers)
