"""Signatures: the SAT's certificates read right, citizens' signatures judged at filing, the
ayuntamiento's signature verifiable offline years later from what the PDF carries."""

import datetime as dt

import pytest
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from firmas import confianza
from oficialia import firma
from tests.factories import pdf_bytes
from tests.firmas.pki import Autoridad, now

pytestmark = pytest.mark.django_db


def citizen_signed(persona, content=None) -> bytes:
    # Like a citizen's desktop tool: a plain PAdES signature, no timestamp.
    return firma.sign_pdf(content or pdf_bytes(2), identity=persona.identity(),
                          embed_validation=False, timestamp=False, field_name="Firma")


def install(sat):
    confianza.authority_install(sat.certificate.public_bytes(serialization.Encoding.DER))


def test_a_sat_certificate_names_its_holder_by_rfc_and_curp(maria):
    titular = firma.Titular.of(maria.certificate)
    assert (titular.nombre, titular.rfc, titular.curp) == (
        "MARIA LOPEZ PEREZ", "LOPM800101AB1", "LOPM800101MGRPRR09")
    # The attribute is encoded as the SAT does: 2.5.4.45 holding a PrintableString.
    der = maria.certificate.public_bytes(serialization.Encoding.DER)
    assert bytes.fromhex("060355042d13") in der


def test_asn1crypto_reads_the_sat_encoding_only_with_the_start_up_fix(maria):
    der = maria.certificate.public_bytes(serialization.Encoding.DER)
    specs = asn1_x509.NameTypeAndValue._oid_specs
    fixed = specs["unique_identifier"]
    specs["unique_identifier"] = asn1_core.OctetBitString  # asn1crypto as shipped
    try:
        with pytest.raises(ValueError):
            asn1_x509.Certificate.load(der).subject.native  # noqa: B018
    finally:
        specs["unique_identifier"] = fixed
    subject = asn1_x509.Certificate.load(der).subject.native
    assert subject["unique_identifier"] == "LOPM800101AB1 / "


def test_a_valid_signature_is_reported_with_who_signed_and_when(sat, maria):
    install(sat)
    [verdict] = confianza.pdf_signatures_check(citizen_signed(maria))
    assert verdict["estado"] == "valida", verdict
    assert verdict["rfc"] == "LOPM800101AB1"
    assert verdict["curp"] == "LOPM800101MGRPRR09"
    assert verdict["resumen"].startswith("Firma válida de MARIA LOPEZ PEREZ el ")


def test_a_byte_changed_inside_the_signed_range_breaks_the_signature(sat, maria):
    install(sat)
    signed = bytearray(citizen_signed(maria, pdf_bytes(1, text="Solicito licencia")))
    # One letter of the title, well inside the first signed byte range: "licencia" → "licenciA".
    position = signed.index(b"Solicito licencia") + len("Solicito licenci")
    signed[position] = ord("A")
    [verdict] = confianza.pdf_signatures_check(bytes(signed))
    assert verdict["estado"] == "invalida"
    assert "alterado después de firmarse" in verdict["resumen"]


def test_an_expired_certificate_is_refused(sat):
    install(sat)
    vencida = sat.persona("JUAN VENCIDO", "VEJU700101AA1", "VEJU700101HGRNNN01",
                          not_before=now() - dt.timedelta(days=800),
                          not_after=now() - dt.timedelta(days=2))
    [verdict] = confianza.pdf_signatures_check(citizen_signed(vencida))
    assert verdict["estado"] == "invalida"
    assert "venció" in verdict["resumen"]


def test_a_certificate_revoked_in_a_loaded_crl_is_refused(sat, maria):
    install(sat)
    revocada = sat.persona("ROSA REVOCADA", "RERO750101AA1", "RERO750101MGRVVS02")
    signed = citizen_signed(revocada)
    sat.revoke(revocada)
    confianza.crl_load(sat.crl())
    [verdict] = confianza.pdf_signatures_check(signed)
    assert verdict["estado"] == "invalida"
    assert "revocado" in verdict["resumen"]
    # The same list says nothing against a certificate it does not name.
    [other] = confianza.pdf_signatures_check(citizen_signed(maria))
    assert other["estado"] == "valida"


def test_a_certificate_revoked_says_so_through_the_configured_ocsp_responder(
    sat, maria, servicios, settings
):
    install(sat)
    settings.FIRMA_OCSP_URL = servicios.ocsp_url
    revocada = sat.persona("PEDRO REVOCADO", "REPE750101AA1", "REPE750101HGRVVD03")
    signed = citizen_signed(revocada)
    sat.revoke(revocada)
    [verdict] = confianza.pdf_signatures_check(signed)
    assert verdict["estado"] == "invalida"
    assert "revocado" in verdict["resumen"]
    [good] = confianza.pdf_signatures_check(citizen_signed(maria))
    assert good["estado"] == "valida"
    assert servicios.requests["ocsp"] == 2


def test_an_unreachable_responder_leaves_the_signature_unconfirmed(sat, maria, settings):
    install(sat)
    settings.FIRMA_OCSP_URL = "http://127.0.0.1:9/ocsp"  # discard port: nothing answers
    settings.FIRMA_OCSP_TIMEOUT = 2
    [verdict] = confianza.pdf_signatures_check(citizen_signed(maria))
    assert verdict["estado"] == "invalida"
    assert "No se pudo confirmar con el servicio OCSP" in verdict["resumen"]


def test_a_certificate_from_an_authority_not_installed_is_refused(sat):
    install(sat)
    otra = Autoridad("AC QUE NADIE INSTALO")
    ajena = otra.persona("LUIS AJENO", "AJLU800101AA1", "AJLU800101HGRJNS04")
    [verdict] = confianza.pdf_signatures_check(citizen_signed(ajena))
    assert verdict["estado"] == "invalida"
    assert "autoridad certificadora de confianza" in verdict["resumen"]


def test_a_pdf_without_signatures_has_no_verdict(sat):
    install(sat)
    assert confianza.pdf_signatures_check(pdf_bytes(1)) == []


def test_the_institution_signature_with_timestamp_validates_offline_from_what_it_carries(
    sat, servicios, settings
):
    settings.TSA_URL = servicios.tsa_url
    ayuntamiento = sat.persona("H AYUNTAMIENTO DE PRUEBA", "HAP850101AB1", "",
                               ocsp_url=servicios.ocsp_url)
    signed = firma.sign_pdf(pdf_bytes(1), identity=ayuntamiento.identity())
    assert servicios.requests["tsa"] >= 2  # the signature's timestamp and the document's (LTA)
    assert servicios.requests["ocsp"] >= 1  # the revocation data put in the DSS
    servicios.stop()  # from here on nothing answers: only the PDF's own data

    [verdict] = firma.verify_pdf(signed, roots=[sat.certificate], offline=True)
    assert verdict.valida, verdict
    assert verdict.sellado
    assert b"/DSS" in signed and b"/DocTimeStamp" in signed


def test_signing_again_what_is_already_signed_changes_nothing(sat):
    ayuntamiento = sat.persona("H AYUNTAMIENTO DE PRUEBA", "HAP850101AB1", "")
    once = firma.sign_pdf(pdf_bytes(1), identity=ayuntamiento.identity())
    assert firma.sign_pdf(once, identity=ayuntamiento.identity()) == once
    # Another signer still adds its own.
    assert firma.sign_pdf(once, identity=sat.persona("OTRO", "OTRO800101AA1", "").identity(),
                          field_name="Otra") != once


def test_the_sat_key_opens_only_with_its_password_and_its_certificate(sat, maria):
    cert, _ = firma.load_efirma(maria.cer, maria.key, maria.password)
    assert cert == maria.certificate
    with pytest.raises(firma.FirmaError, match="contraseña"):
        firma.load_efirma(maria.cer, maria.key, "otra-clave")
    otra = sat.persona("OTRA PERSONA", "OTPE800101AA1", "")
    with pytest.raises(firma.FirmaError, match="no corresponde"):
        firma.load_efirma(otra.cer, maria.key, maria.password)


def test_the_administracion_cannot_load_a_person_certificate_as_an_authority(maria):
    with pytest.raises(confianza.CargaError, match="autoridad certificadora"):
        confianza.authority_install(maria.cer)


def test_a_crl_of_an_authority_not_installed_is_refused(sat):
    with pytest.raises(confianza.CargaError, match="instale primero"):
        confianza.crl_load(sat.crl())




def test_the_signature_room_is_sized_once_per_certificate(sat, monkeypatch):
    """pyHanko sizes the signature with a trial signature; the product does it once per
    certificate (and TSA), not for every document, and every document still verifies."""
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    real = PdfSigningSession.estimate_signature_container_size
    calls = []

    async def counted(self, *args, **kwargs):
        calls.append(self)
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", counted)
    identity = sat.persona("H AYUNTAMIENTO DE PRUEBA", "HAP850101AB1", "").identity()
    signed = [firma.sign_pdf(pdf_bytes(pages), identity=identity) for pages in (1, 3, 1)]
    assert len(calls) == 1
    for content in signed:
        [verdict] = firma.verify_pdf(content, roots=[sat.certificate], offline=True)
        assert verdict.valida, verdict
