"""The API for other government offices: filing on the institution's behalf, following its
own escritos, downloads, prevenciones, errors in Spanish, tokens, the bitácora, the rate."""

import pytest
from django.urls import reverse

from correspondencia.models import Escrito, EscritoState, PetitionerType
from interoperabilidad.models import Scope, TokenApi
from interoperabilidad.tokens import token_revoke
from oficialia.models import Bitacora
from tests.factories import pdf_bytes, upload
from turnos.models import Sense
from turnos.services import Route, escrito_turn, turno_accept, turno_answer, turno_prevent

from .conftest import bearer, client_for

ESCRITOS = "/api/v1/escritos"


def oficio(**overrides) -> dict:
    data = {
        "numero_oficio": "SGG/DJ/0457/2026",
        "asunto": "Solicitud de información sobre la obra del puente Morelos",
        "texto": "Por instrucciones del C. Secretario, solicito el avance físico y financiero.",
    }
    data.update(overrides)
    return data


def file(client, key="oficio-0457", files=None, **overrides):
    data = oficio(**overrides)
    if files is not None:
        data["adjuntos"] = files
    return client.post(ESCRITOS, data, HTTP_IDEMPOTENCY_KEY=key)


def test_an_institution_files_an_oficio_and_gets_folio_code_and_acuse(gobierno, gobierno_api):
    response = file(gobierno_api, files=[upload("oficio.pdf", pdf_bytes(2), "application/pdf")])
    assert response.status_code == 201, response.content
    body = response.json()
    escrito = Escrito.objects.get()
    assert body["folio"] == escrito.folio
    assert body["estado"] == "recibido"
    assert len(body["codigo_acceso"]) >= 8
    assert body["acuse_url"] == f"http://testserver/api/v1/escritos/{escrito.folio}/acuse"
    assert escrito.peticionario.tipo == PetitionerType.DEPENDENCIA
    assert escrito.peticionario.nombre == gobierno.nombre
    assert escrito.numero_oficio == "SGG/DJ/0457/2026"
    assert [a.pages for a in escrito.adjuntos.all()] == [2]
    acuse = gobierno_api.get(body["acuse_url"].removeprefix("http://testserver"))
    assert acuse.status_code == 200
    assert acuse["Content-Type"] == "application/pdf"
    assert b"".join(acuse.streaming_content).startswith(b"%PDF-")


def test_a_retry_with_the_same_key_returns_the_same_escrito(gobierno_api):
    first = file(gobierno_api)
    again = file(gobierno_api)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["folio"] == first.json()["folio"]
    assert again.json()["codigo_acceso"] == first.json()["codigo_acceso"]
    assert Escrito.objects.count() == 1
    assert file(gobierno_api, key="oficio-0458").status_code == 201
    assert Escrito.objects.count() == 2


def test_the_same_key_with_other_content_is_refused_naming_it(gobierno_api):
    file(gobierno_api)
    response = file(gobierno_api, asunto="Otro asunto")
    assert response.status_code == 422
    assert response.json()["errores"][0]["campo"] == "Idempotency-Key"
    assert "otro contenido" in response.json()["errores"][0]["mensaje"]
    assert Escrito.objects.count() == 1


def test_the_same_key_from_another_institution_is_another_escrito(gobierno_api, dif_api):
    assert file(gobierno_api).status_code == 201
    assert file(dif_api).status_code == 201
    assert Escrito.objects.count() == 2


def test_validation_errors_are_json_naming_each_field_in_spanish(gobierno_api):
    response = gobierno_api.post(ESCRITOS, {"asunto": "x" * 300}, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    errores = {e["campo"]: e["mensaje"] for e in response.json()["errores"]}
    assert errores["numero_oficio"] == "Este campo es obligatorio."
    assert errores["asunto"] == "Es demasiado largo: escriba como máximo 250 caracteres."
    missing_key = gobierno_api.post(ESCRITOS, oficio())
    assert missing_key.status_code == 422
    assert missing_key.json()["errores"] == [
        {"campo": "Idempotency-Key", "mensaje": "Este campo es obligatorio."}
    ]
    bad_tramite = file(gobierno_api, tramite="no-existe")
    assert bad_tramite.json()["errores"][0]["campo"] == "tramite"
    assert Escrito.objects.count() == 0


def test_attachments_are_checked_like_any_upload(gobierno_api, media_files):
    fake = upload("oficio.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = file(gobierno_api, files=[fake])
    assert response.status_code == 422
    (error,) = response.json()["errores"]
    assert error["campo"] == "adjuntos"
    assert "no es un PDF, JPEG ni PNG" in error["mensaje"]
    assert Escrito.objects.count() == 0
    assert media_files() == []


def test_another_institutions_escrito_is_not_found(gobierno_api, dif_api):
    folio = file(gobierno_api, files=[upload("a.pdf", pdf_bytes(), "application/pdf")]).json()[
        "folio"
    ]
    documento = Escrito.objects.get().adjuntos.get()
    for path in (
        f"{ESCRITOS}/{folio}",
        f"{ESCRITOS}/{folio}/acuse",
        f"{ESCRITOS}/{folio}/documentos/{documento.pk}",
    ):
        assert gobierno_api.get(path).status_code == 200, path
        response = dif_api.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detalle": "No existe o no pertenece a su institución."}
    assert dif_api.get(ESCRITOS).json()["total"] == 0
    prevencion = dif_api.post(f"{ESCRITOS}/{folio}/prevencion", {"texto": "x"})
    assert prevencion.status_code == 404


def test_tokens_are_scoped_revocable_and_remember_their_last_use(gobierno):
    reader = bearer(gobierno, scopes=[Scope.CONSULTAR])
    api = client_for(reader)
    refused = file(api)
    assert refused.status_code == 403
    assert "radicar" in refused.json()["detalle"]
    assert api.get(ESCRITOS).status_code == 200
    token = TokenApi.objects.get(prefijo=reader.split("_")[1])
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"
    assert token.key_hash not in reader and reader not in token.key_hash  # only a hash is kept
    token_revoke(token=token)
    revoked = api.get(ESCRITOS)
    assert revoked.status_code == 401
    assert "token" in revoked.json()["detalle"]
    assert client_for("ofi_nothing_here").get(ESCRITOS).status_code == 401


def test_status_timeline_answer_and_oficio_of_an_own_escrito(
    gobierno_api, turnador, obras, titular_obras
):
    folio = file(gobierno_api).json()["folio"]
    escrito = Escrito.objects.get(folio=folio)
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    from oficialia.adjuntos import inspect

    turno_answer(
        turno_id=turno.pk,
        user=titular_obras,
        texto="Se adjunta el avance solicitado.",
        sense=Sense.INFORMATIVA,
        oficio=inspect(upload("respuesta.pdf", pdf_bytes(3), "application/pdf")),
    )
    listing = gobierno_api.get(ESCRITOS).json()
    assert [r["folio"] for r in listing["resultados"]] == [folio]
    detail = gobierno_api.get(f"{ESCRITOS}/{folio}").json()
    assert detail["estado"] == EscritoState.RESPONDIDO
    assert [p["estado"] for p in detail["historial"] if p["estado"]][:2] == [
        "recibido",
        "turnado",
    ]
    (respuesta,) = detail["respuestas"]
    assert respuesta["sentido"] == "informativa"
    oficio_pdf = gobierno_api.get(respuesta["oficio_url"].removeprefix("http://testserver"))
    assert oficio_pdf.status_code == 200
    assert b"".join(oficio_pdf.streaming_content).startswith(b"%PDF-")
    assert gobierno_api.get(f"{ESCRITOS}?estado=recibido").json()["total"] == 0


def test_an_institution_answers_a_prevencion(gobierno_api, turnador, obras, titular_obras):
    folio = file(gobierno_api).json()["folio"]
    escrito = Escrito.objects.get(folio=folio)
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Indique el tramo del puente.")
    pending = gobierno_api.get(f"{ESCRITOS}/{folio}").json()["prevenciones_pendientes"]
    assert [p["texto"] for p in pending] == ["Indique el tramo del puente."]
    response = gobierno_api.post(
        f"{ESCRITOS}/{folio}/prevencion",
        {"texto": "Tramo norte.", "adjuntos": [upload("plano.png", _png(), "image/png")]},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "folio": folio,
        "estado": "en_atencion",
        "prevenciones_respondidas": 1,
    }
    again = gobierno_api.post(f"{ESCRITOS}/{folio}/prevencion", {"texto": "Otra vez"})
    assert again.status_code == 409
    assert "no tiene prevenciones pendientes" in again.json()["detalle"]


def _png() -> bytes:
    from tests.factories import image_bytes

    return image_bytes("PNG")


def test_every_call_is_on_the_bitacora(gobierno_api):
    file(gobierno_api)
    gobierno_api.get(ESCRITOS)
    client_for("ofi_abc_wrong").get(ESCRITOS)
    calls = list(Bitacora.objects.filter(action="api.llamada").order_by("id"))
    assert [(c.changes["metodo"], c.changes["estado"]) for c in calls] == [
        ("POST", 201),
        ("GET", 200),
        ("GET", 401),
    ]
    assert calls[0].actor_label.startswith("API: Secretaría General de Gobierno del Estado (")
    assert calls[0].changes["token"] == TokenApi.objects.get().prefijo
    assert calls[2].actor_label == "API: sin token válido"


def test_each_token_has_its_own_rate(settings, gobierno, dif_api):
    settings.API_RATE = "3/m"
    api = client_for(bearer(gobierno))
    statuses = [api.get(ESCRITOS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get(ESCRITOS)
    assert limited["Retry-After"] == "60"
    assert "Demasiadas solicitudes" in limited.json()["detalle"]
    assert dif_api.get(ESCRITOS).status_code == 200


def test_the_schema_and_the_docs_page_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/escritos", "/api/v1/escritos/{folio}/prevencion"} <= set(schema["paths"])
    assert schema["info"]["version"] == "1"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    assert reverse("api-v1:escritos") == ESCRITOS


@pytest.mark.django_db(transaction=True)
def test_ten_identical_requests_at_once_make_one_escrito(postgres, gobierno):
    from tests.correspondencia.test_concurrency import run_in_threads

    token = bearer(gobierno)
    content = pdf_bytes()

    def post(_):
        response = client_for(token).post(
            ESCRITOS,
            {**oficio(), "adjuntos": [upload("oficio.pdf", content, "application/pdf")]},
            HTTP_IDEMPOTENCY_KEY="SGG-0457",
        )
        return response.status_code, response.json()["folio"]

    results = run_in_threads(10, post)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Escrito.objects.count() == 1
    folio = Escrito.objects.get().folio
    assert sorted(results) == [(200, folio)] * 9 + [(201, folio)]
    assert Escrito.objects.get().adjuntos.count() == 1


def test_a_call_without_a_token_is_refused_and_not_recorded(client, db):
    response = client.get(ESCRITOS)
    assert response.status_code == 401
    assert client.delete("/api/v1/webhooks/1").status_code == 401
    assert not Bitacora.objects.filter(action="api.llamada").exists()


def test_guessing_tokens_is_throttled_by_address(settings, gobierno_api):
    settings.API_RATE = "3/m"
    guesser = client_for("ofi_abcd1234_guess")
    assert [guesser.get(ESCRITOS).status_code for _ in range(4)] == [401, 401, 401, 429]
