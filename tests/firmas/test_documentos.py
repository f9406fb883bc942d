"""What the ayuntamiento issues leaves signed; anyone can check a PDF on /verificar/; a citizen's
signed PDF is judged at filing and kept byte for byte."""

import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from correspondencia import services
from correspondencia.models import Acuse, Adjunto
from firmas import confianza, constancias
from firmas.models import Constancia
from oficialia import firma
from tests.factories import file_escrito, pdf_bytes, upload
from tests.firmas.test_firma import citizen_signed

pytestmark = pytest.mark.django_db


def acuse_of(escrito) -> tuple[Acuse, bytes]:
    acuse = services.acuse_generate(acuse_id=Acuse.objects.get(escrito=escrito).pk)
    return acuse, acuse.pdf.read()


def institution_root():
    return firma.institution_identity().root


def test_the_acuse_leaves_signed_by_the_ayuntamiento_and_says_where_to_check_it():
    acuse, content = acuse_of(file_escrito().escrito)
    [verdict] = firma.verify_pdf(content, roots=[institution_root()], offline=True)
    assert verdict.valida, verdict
    assert verdict.certificado_sha256 == firma.institution_identity().certificate.fingerprint(
        firma.hashes.SHA256()).hex()
    assert firma.is_signed_by(content, firma.institution_identity())
    # The QR's page still opens.
    assert acuse.verification_token


def test_the_signed_acuse_with_a_tsa_is_timestamped_and_verifies_offline(
    servicios, settings, sat
):
    settings.TSA_URL = servicios.tsa_url
    _, content = acuse_of(file_escrito().escrito)
    servicios.stop()
    [verdict] = firma.verify_pdf(content, roots=[institution_root(), sat.certificate],
                                 offline=True)
    assert verdict.valida and verdict.sellado, verdict


def test_asking_for_the_acuse_again_serves_the_same_signed_bytes(client):
    escrito = file_escrito(submission_token=uuid.uuid4()).escrito
    _, content = acuse_of(escrito)
    response = client.get(reverse("escrito_recibido_acuse", args=[escrito.submission_token]))
    assert b"".join(response.streaming_content) == content


def test_each_acuse_gets_its_nom151_constancia(django_capture_on_commit_callbacks):
    escrito = file_escrito().escrito
    with django_capture_on_commit_callbacks(execute=True):
        acuse, content = acuse_of(escrito)
    constancia = Constancia.objects.get(documento="acuse", referencia=escrito.folio)
    assert constancia.sha256 == firma.sha256_hex(content) == acuse.pdf_sha256
    assert constancias.constancia_valid(constancia)
    constancia.sha256 = "0" * 64
    assert not constancias.constancia_valid(constancia)


def post_pdf(client, content: bytes):
    return client.post(
        reverse("verificar_pdf"),
        {"archivo": SimpleUploadedFile("doc.pdf", content, "application/pdf")},
    )


def test_verificar_recognises_an_acuse_and_tells_its_folio_and_digest(client):
    escrito = file_escrito().escrito
    _, content = acuse_of(escrito)
    page = post_pdf(client, content).content.decode()
    assert 'data-veredicto="autentico"' in page
    assert escrito.folio in page and escrito.digest in page
    assert "Firma válida de" in page


def test_verificar_says_an_acuse_was_altered(client):
    escrito = file_escrito(asunto="Solicitud de bacheo en la calle Juárez").escrito
    _, content = acuse_of(escrito)
    altered = bytearray(content)
    # Change one digit of the folio in the document's info dictionary or content; any byte
    # inside the signed range will do: take the first occurrence of the access-code label.
    start = altered.index(b"/Producer")
    altered[start + 2] = ord("r") if altered[start + 2] != ord("r") else ord("x")
    page = post_pdf(client, bytes(altered)).content.decode()
    assert 'data-veredicto="alterado"' in page
    assert "fue alterado" in page


def test_verificar_does_not_recognise_a_pdf_it_never_issued(client):
    page = post_pdf(client, pdf_bytes(1)).content.decode()
    assert 'data-veredicto="desconocido"' in page


def test_verificar_refuses_what_is_not_a_pdf_and_says_what_to_do(client):
    response = post_pdf(client, b"GIF89a...")
    assert "no es un PDF" in response.content.decode()
    assert 'data-veredicto' not in response.content.decode()


def test_a_signed_pdf_filed_online_is_judged_and_kept_byte_for_byte(client, sat, maria):
    confianza.authority_install(sat.certificate.public_bytes(serialization.Encoding.DER))
    signed = citizen_signed(maria)
    escrito = file_escrito(attachments=[upload("solicitud-firmada.pdf", signed)],
                           submission_token=uuid.uuid4()).escrito
    adjunto = Adjunto.objects.get(escrito=escrito)
    assert adjunto.file.read() == signed
    [verdict] = adjunto.firmas
    assert verdict["estado"] == "valida" and verdict["rfc"] == "LOPM800101AB1"
    page = client.get(reverse("escrito_recibido", args=[escrito.submission_token]))
    text = page.content.decode()
    assert "Firma válida" in text and "MARIA LOPEZ PEREZ" in text and "LOPM800101AB1" in text


def test_a_filed_pdf_signed_by_an_unknown_authority_gets_the_reason_in_spanish(client, sat):
    from tests.firmas.pki import Autoridad

    ajena = Autoridad("AC DESCONOCIDA").persona("ANA AJENA", "AJAN800101AA1", "")
    escrito = file_escrito(attachments=[upload("firmado.pdf", citizen_signed(ajena))],
                           submission_token=uuid.uuid4()).escrito
    page = client.get(reverse("escrito_recibido", args=[escrito.submission_token]))
    assert "Firma no válida" in page.content.decode()
    assert "autoridad certificadora de confianza" in page.content.decode()


def test_the_relay_asks_again_for_a_constancia_the_provider_did_not_give(settings):
    from datetime import timedelta

    from django.utils import timezone

    escrito = file_escrito().escrito
    acuse, _ = acuse_of(escrito)  # on-commit callbacks do not run here: no constancia yet
    assert not Constancia.objects.exists()
    services.acuses_relay(now=timezone.now() + timedelta(minutes=10))
    constancia = Constancia.objects.get(documento="acuse", referencia=escrito.folio)
    assert constancia.sha256 == acuse.pdf_sha256


def test_a_signed_pdf_sent_in_answer_to_a_prevencion_is_judged_too(sat, maria):

    from oficialia.adjuntos import inspect
    from tests.factories import SecretariaFactory, UserFactory
    from turnos.models import Perfil
    from turnos.services import Route, escrito_turn, prevencion_answer, turno_accept, turno_prevent

    confianza.authority_install(sat.certificate.public_bytes(serialization.Encoding.DER))
    obras = SecretariaFactory(nombre="Obras Públicas", siglas="SOP")
    titular = UserFactory(username="olga", roles=["titular"])
    Perfil.objects.create(user=titular, secretaria=obras)
    turnador = UserFactory(username="tomas", roles=["oficialia"])
    escrito = file_escrito(queue_acuse=False).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    turno_accept(turno_id=turno.pk, user=titular)
    turno_prevent(turno_id=turno.pk, user=titular, texto="Falta la INE firmada.")
    signed = citizen_signed(maria)
    prevencion_answer(escrito_id=escrito.pk, texto="Adjunto la INE.",
                      files=[inspect(upload("ine-firmada.pdf", signed))])
    adjunto = Adjunto.objects.get(escrito=escrito, origin="prevencion")
    assert adjunto.file.read() == signed
    assert adjunto.firmas[0]["estado"] == "valida"


def test_the_local_constancia_provider_reads_its_key_once(settings, tmp_path, monkeypatch):
    """Loading an RSA key runs OpenSSL's checks on it: the local provider does it once per
    process, not for every acuse; a constancia made afterwards still verifies."""
    settings.NOM151_PROVEEDOR = "firmas.constancias.ProveedorLocal"
    settings.NOM151_OPCIONES = f'{{"directorio": "{tmp_path}"}}'
    real = serialization.load_pem_private_key
    loads = []
    monkeypatch.setattr(
        serialization, "load_pem_private_key", lambda *a, **k: loads.append(1) or real(*a, **k)
    )
    made = [
        constancias.constancia_request(documento="acuse", referencia=f"F-{n}", sha256=f"{n:064x}")
        for n in range(3)
    ]
    assert len(loads) == 1
    assert all(constancias.constancia_valid(c) for c in made)
