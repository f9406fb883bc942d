import re

import pytest
from django.urls import reverse

from correspondencia.models import Acuse, Adjunto, Escrito, Peticionario
from oficialia import access_codes
from oficialia.models import FolioCounter
from tests.factories import (
    SecretariaFactory,
    TramiteFactory,
    escrito_form_data,
    image_bytes,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

FOLIO_RE = re.compile(r"^OP-\d{4}-\d{6}$")


def post_escrito(client, files=None, **overrides):
    data = escrito_form_data(**overrides)
    if files is not None:
        data["adjuntos"] = files
    return client.post(reverse("escrito_nuevo"), data)


def test_the_form_is_in_spanish_and_carries_a_fresh_submission_token(client):
    first = client.get(reverse("escrito_nuevo")).content.decode()
    second = client.get(reverse("escrito_nuevo")).content.decode()
    assert "Presentar un escrito" in first
    assert "aviso de privacidad" in first
    token = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
    assert token.search(first).group(1) != token.search(second).group(1)


def test_a_citizen_files_online_and_gets_folio_code_and_acuse(client, mailoutbox):
    response = post_escrito(
        client,
        files=[upload("solicitud.pdf", pdf_bytes(2)), upload("foto.png", image_bytes("PNG"))],
        tramite=TramiteFactory().pk,
        secretaria_destino=SecretariaFactory(nombre="Obras Públicas").pk,
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    escrito = Escrito.objects.get()
    assert FOLIO_RE.match(escrito.folio)
    assert escrito.folio in html
    code = re.search(r'data-testid="codigo">([^<]+)<', html).group(1)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code)
    assert escrito.channel == "en_linea"
    assert escrito.state == "recibido"
    assert escrito.adjuntos.count() == 2
    assert [a.pages for a in escrito.adjuntos.all()] == [2, None]
    # Tasks run in-process without a broker: the acuse exists and was emailed.
    assert escrito.acuse.is_ready
    assert 'data-testid="acuse-link"' in html
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lupita@example.com"]
    assert mailoutbox[0].attachments[0][0] == f"acuse-{escrito.folio}.pdf"
    pdf = client.get(reverse("escrito_recibido_acuse", args=[escrito.submission_token]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_the_access_code_is_stored_only_as_hash_and_sealed(client):
    post_escrito(client)
    escrito = Escrito.objects.get()
    html = client.get(reverse("escrito_recibido", args=[escrito.submission_token])).content
    code = re.search(rb'data-testid="codigo">([^<]+)<', html).group(1).decode()
    plain = access_codes.normalize(code)
    row = Escrito.objects.filter(pk=escrito.pk).values().get()
    assert not any(plain in str(value) for value in row.values())
    assert access_codes.matches(code.lower(), escrito.access_code_hash)
    assert access_codes.unseal(escrito.access_code_sealed) == plain


def test_folios_are_consecutive_across_channels(client, ventanilla_clerk):
    post_escrito(client)
    client.force_login(ventanilla_clerk)
    client.post(
        reverse("ventanilla_nuevo"),
        escrito_form_data(
            channel="correo_postal",
            fojas=3,
            anexos=1,
            ubicacion_original="Archivo, caja 1",
            asunto="Otro asunto, en papel",  # the same one would be asked about as a twin
        ),
    )
    post_escrito(client)
    numbers = list(Escrito.objects.order_by("number").values_list("number", "channel"))
    assert numbers == [(1, "en_linea"), (2, "correo_postal"), (3, "en_linea")]


def test_submitting_the_same_form_twice_creates_one_escrito(client):
    data = escrito_form_data()
    first = client.post(reverse("escrito_nuevo"), data)
    second = client.post(reverse("escrito_nuevo"), data)
    assert Escrito.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert FolioCounter.objects.get().last_number == 1


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("contrato.pdf", b"esto no es un PDF sino texto")], "no es un PDF, JPEG ni PNG"),
        ([upload("foto.png", b"\x89PNG\r\n\x1a\n" + b"basura" * 20)], "dañado"),
        ([upload("escaneo.jpg", b"\xff\xd8\xff" + b"\x00" * 50)], "dañado"),
        ([upload("roto.pdf", b"%PDF-1.7\n garbage without objects")], "dañado"),
        ([upload("vacio.pdf", b"")], "vacío"),
        ([upload("programa.pdf", b"MZ\x90\x00" + b"\x00" * 100)], "no es un PDF, JPEG ni PNG"),
    ],
)
def test_a_bad_attachment_is_refused_and_leaves_nothing(client, media_files, files, message):
    response = post_escrito(client, files=files, asunto="Asunto que debe conservarse")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Asunto que debe conservarse" in html  # the form keeps what was typed
    assert Escrito.objects.count() == 0
    assert Peticionario.objects.count() == 0
    assert Adjunto.objects.count() == 0
    assert FolioCounter.objects.filter(last_number__gt=0).count() == 0
    assert media_files() == []


def test_size_caps_per_file_and_per_escrito_are_enforced(client, settings, media_files):
    settings.MAX_ATTACHMENT_BYTES = 2000
    big = upload("grande.pdf", pdf_bytes(1) + b"%" + b"0" * 3000)
    response = post_escrito(client, files=[big])
    assert "el máximo por archivo es" in response.content.decode()

    settings.MAX_ATTACHMENT_BYTES = 10_000
    settings.MAX_ESCRITO_BYTES = len(pdf_bytes()) + 10
    response = post_escrito(
        client, files=[upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())]
    )
    assert "el máximo por escrito es" in response.content.decode()

    settings.MAX_ESCRITO_BYTES = 10_000_000
    settings.MAX_ATTACHMENTS = 2
    response = post_escrito(client, files=[upload(f"{i}.pdf", pdf_bytes()) for i in range(3)])
    assert "hasta 2 archivos" in response.content.decode()
    assert Escrito.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"curp": "HERM850101MGRRZR09"}, "La CURP no es válida"),
        ({"tipo": "moral", "rfc": "ABC12"}, "El RFC no es válido"),
        ({"tipo": "dependencia", "numero_oficio": ""}, "número de oficio"),
        ({"texto": ""}, "Escriba el texto de su petición o adjunte"),
        ({"acepto_aviso": ""}, "marque que leyó el aviso de privacidad"),
        ({"email": "no-es-correo"}, "correo electrónico válida"),
        ({"nombre": ""}, "Este campo es obligatorio"),
    ],
)
def test_invalid_petitioner_data_gets_a_message_and_nothing_is_saved(
    client, media_files, overrides, field_message
):
    files = [] if "texto" in overrides else [upload("ok.pdf", pdf_bytes())]
    response = post_escrito(client, files=files, **overrides)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert Escrito.objects.count() == 0
    assert media_files() == []


def test_a_valid_curp_and_rfc_are_accepted_and_normalised(client):
    response = post_escrito(client, curp="bada800101hdfrrl00", rfc="BADA800101AB1")
    assert response.status_code == 302, response.content.decode()[:2000]
    peticionario = Peticionario.objects.get()
    assert peticionario.curp == "BADA800101HDFRRL00"


def test_a_database_error_midway_removes_the_stored_files(client, media_files, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Acuse.objects, "create", boom)
    with pytest.raises(RuntimeError):
        post_escrito(client, files=[upload("ok.pdf", pdf_bytes())])
    assert Escrito.objects.count() == 0
    assert media_files() == []
    assert FolioCounter.objects.filter(last_number__gt=0).count() == 0


def test_stored_names_are_made_by_the_server(client):
    post_escrito(client, files=[upload("../../etc/passwd.pdf", pdf_bytes())])
    adjunto = Adjunto.objects.get()
    assert re.fullmatch(r"adjuntos/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", adjunto.file.name)
    assert adjunto.original_name == "passwd.pdf"


def test_filing_is_recorded_in_the_escrito_history(client, ventanilla_clerk):
    client.force_login(ventanilla_clerk)
    client.post(
        reverse("ventanilla_nuevo"),
        escrito_form_data(channel="ventanilla", fojas=2, ubicacion_original="Archivo"),
    )
    record = Escrito.objects.get().history.get()
    assert record.history_type == "+"
    assert record.history_user == ventanilla_clerk
    assert record.history_change_reason == "Recibido: Ventanilla"


def test_the_acuse_row_is_written_with_the_filing(client):
    post_escrito(client)
    acuse = Acuse.objects.get()
    assert len(acuse.verification_token) >= 40
