"""A certification authority made for the tests that behaves like the SAT's, and a time-stamping
authority and OCSP responder served over HTTP on a free loopback port.

Like the SAT's certificates, the ones issued here carry the RFC in x500UniqueIdentifier
(2.5.4.45) as a PrintableString (the standard says BIT STRING), the CURP in serialNumber, no OCSP
or CRL address, and their keys are encrypted PKCS#8 DER files.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from demo.efirma import sat_name, with_sat_oid
from oficialia.firma import Identidad, issue_certificate


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Persona:
    """A holder of a certificate: the SAT's two files and the password."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey
    password: str
    chain: tuple[x509.Certificate, ...]

    @property
    def cer(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def key(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self.password.encode()),
        )

    def identity(self) -> Identidad:
        return Identidad(certificate=self.certificate, private_key=self.private_key,
                         chain=self.chain)

    def pkcs12(self) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"firma", self.private_key, self.certificate, list(self.chain),
            serialization.BestAvailableEncryption(self.password.encode()),
        )


@dataclass
class Autoridad:
    name: str
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    certificate: x509.Certificate | None = None
    revoked: dict[int, dt.datetime] = field(default_factory=dict)
    issued: dict[int, x509.Certificate] = field(default_factory=dict)

    def __post_init__(self):
        subject = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, self.name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Servicio de Administración Tributaria"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ])
        self.certificate = issue_certificate(
            subject=subject, issuer=subject, public_key=self.key.public_key(),
            issuer_key=self.key, not_before=now() - dt.timedelta(days=3650),
            not_after=now() + dt.timedelta(days=3650), ca=True,
        )

    def persona(
        self,
        nombre: str,
        rfc: str,
        curp: str,
        *,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        ocsp_url: str = "",
        password: str = "12345678a",
        organization: str = "",
    ) -> Persona:
        key = rsa.generate_private_key(65537, 2048)
        cert = issue_certificate(
            subject=sat_name(nombre, rfc, curp, organization), issuer=self.certificate.subject,
            public_key=key.public_key(), issuer_key=self.key,
            not_before=not_before or now() - dt.timedelta(days=30),
            not_after=not_after or now() + dt.timedelta(days=4 * 365),
            issuer_cert=self.certificate, ocsp_url=ocsp_url,
        )
        cert = with_sat_oid(cert, self.key)
        self.issued[cert.serial_number] = cert
        return Persona(cert, key, password, (self.certificate,))

    def tsa(self) -> Persona:
        key = rsa.generate_private_key(65537, 2048)
        cert = issue_certificate(
            subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"TSA de {self.name}")]),
            issuer=self.certificate.subject, public_key=key.public_key(), issuer_key=self.key,
            not_before=now() - dt.timedelta(days=30), not_after=now() + dt.timedelta(days=3650),
            issuer_cert=self.certificate, extended_usages=(ExtendedKeyUsageOID.TIME_STAMPING,),
        )
        return Persona(cert, key, "tsa", (self.certificate,))

    def revoke(self, persona: Persona, when: dt.datetime | None = None) -> None:
        self.revoked[persona.certificate.serial_number] = when or now() - dt.timedelta(hours=1)

    def crl(self) -> bytes:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now() - dt.timedelta(hours=1))
            .next_update(now() + dt.timedelta(days=7))
        )
        for serial, when in self.revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, request_der: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(request_der)
        cert = self.issued.get(request.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        revoked = self.revoked.get(request.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert, issuer=self.certificate, algorithm=hashes.SHA1(),
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=now() - dt.timedelta(minutes=1),
            next_update=now() + dt.timedelta(days=1),
            revocation_time=revoked, revocation_reason=None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self.certificate)
        for ext in request.extensions:
            if isinstance(ext.value, x509.OCSPNonce):
                builder = builder.add_extension(ext.value, critical=False)
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class Servicios:
    """A TSA (POST /tsa) and an OCSP responder (POST /ocsp) for an authority, on a loopback
    port the OS picks; `stop()` ends them."""

    def __init__(self, autoridad: Autoridad):
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        self.autoridad = autoridad
        tsa = autoridad.tsa()
        self.tsa_persona = tsa
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa.certificate.public_bytes(
                serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(tsa.private_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())),
            certs_to_embed=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(
                autoridad.certificate.public_bytes(serialization.Encoding.DER))]),
        )
        self.requests = {"tsa": 0, "ocsp": 0}
        services = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/tsa":
                    services.requests["tsa"] += 1
                    reply = services.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
                    payload, kind = reply.dump(), "application/timestamp-reply"
                elif self.path == "/ocsp":
                    services.requests["ocsp"] += 1
                    payload = services.autoridad.ocsp_answer(body)
                    kind = "application/ocsp-response"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.server.server_address
        self.base = f"http://{host}:{port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.base}/tsa"

    @property
    def ocsp_url(self) -> str:
        return f"{self.base}/ocsp"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
