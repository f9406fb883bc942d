"""A demonstration e.firma, so the demo's titular can sign answers (README, «Firma
electrónica»): a certification authority made like the SAT's and a certificate for the titular
of Obras Públicas, written to var/firma-demo/ as the SAT hands them out (a DER .cer and an
encrypted PKCS#8 DER .key). Without legal value."""

import datetime as dt
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID, ObjectIdentifier
from django.conf import settings

from oficialia.firma import DEMO_BACKDATE, issue_certificate

PASSWORD = "oficialia2026"

# The SAT writes the RFC in x500UniqueIdentifier (2.5.4.45) as a PrintableString, where the
# standard and cryptography want a BIT STRING. Such a certificate is written with a
# placeholder OID of the same length, which is then swapped for 2.5.4.45 and signed again.
PLACEHOLDER = ObjectIdentifier("2.5.4.99")
_PLACEHOLDER_DER = bytes.fromhex("0603550463")
_UNIQUE_ID_DER = bytes.fromhex("060355042d")


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def sat_name(nombre: str, rfc: str, curp: str, organization: str = "") -> x509.Name:
    """A subject as the SAT writes it (with the placeholder; see `with_sat_oid`)."""
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, nombre),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization or nombre),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        x509.NameAttribute(PLACEHOLDER, f"{rfc} / ", _type=_ASN1Type.PrintableString),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{curp} / "),
    ])


def with_sat_oid(cert: x509.Certificate, issuer_key) -> x509.Certificate:
    """The certificate with 2.5.4.45 in place of the placeholder, signed again."""
    tbs = cert.tbs_certificate_bytes
    assert tbs.count(_PLACEHOLDER_DER) == 1
    tbs = tbs.replace(_PLACEHOLDER_DER, _UNIQUE_ID_DER)
    signature = issuer_key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    algorithm = asn1_x509.Certificate.load(
        cert.public_bytes(serialization.Encoding.DER)
    )["signature_algorithm"].dump()
    bit_string = b"\x03" + _der_length(len(signature) + 1) + b"\x00" + signature
    body = tbs + algorithm + bit_string
    return x509.load_der_x509_certificate(b"\x30" + _der_length(len(body)) + body)


def demo_efirma_create() -> tuple[Path, Path, Path]:
    """(the authority's .cer, the titular's .cer, the titular's .key); made once."""
    folder = Path(settings.FIRMA_DEMO_DIR)
    ca_path, cer_path, key_path = (folder / "ac-sat-demostracion.cer",
                                   folder / "titular.cer", folder / "titular.key")
    if ca_path.exists() and cer_path.exists() and key_path.exists():
        return ca_path, cer_path, key_path
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "AC DE DEMOSTRACION TIPO SAT (SIN VALIDEZ)"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
    ])
    ca = issue_certificate(subject=ca_name, issuer=ca_name, public_key=ca_key.public_key(),
                           issuer_key=ca_key, not_before=now - DEMO_BACKDATE,
                           not_after=now + dt.timedelta(days=3650), ca=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue_certificate(
        subject=sat_name("PATRICIA SOLIS NAVA", "SONP750312AB1", "SONP750312MGRLVT08"),
        issuer=ca_name, public_key=key.public_key(), issuer_key=ca_key,
        not_before=now - DEMO_BACKDATE, not_after=now + dt.timedelta(days=4 * 365),
        issuer_cert=ca,
    )
    cert = with_sat_oid(cert, ca_key)
    folder.mkdir(parents=True, exist_ok=True)
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.DER))
    cer_path.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    ))
    return ca_path, cer_path, key_path
