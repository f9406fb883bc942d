"""Electronic signatures: the ayuntamiento signs what it issues (PAdES, with pyHanko) and
checks what others signed.

Mechanics only. Which roots to trust, which revocation lists to read and which responder to
ask are handed in by the caller (`firmas.confianza` reads them from what the administración
installed); nothing here fetches a certificate or a list from the internet.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import logging
import os
import tempfile
import urllib.request
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

logger = logging.getLogger(__name__)

# The SAT puts the holder's RFC in x500UniqueIdentifier (2.5.4.45) and the CURP in
# serialNumber (2.5.4.5), each as "holder / legal representative".
OID_RFC = "2.5.4.45"
OID_CURP = "2.5.4.5"
FIELD_NAME = "FirmaAyuntamiento"


def asn1crypto_accept_sat_names() -> None:
    """The standard types 2.5.4.45 as a BIT STRING and asn1crypto parses it so; the SAT
    writes a PrintableString there, and asn1crypto then fails on any name comparison of its
    certificates (asn1crypto issue #228). Read the value as a DirectoryString instead."""
    asn1_x509.NameTypeAndValue._oid_specs["unique_identifier"] = asn1_x509.DirectoryString


asn1crypto_accept_sat_names()


def _run(coro_factory):
    """Run one of pyHanko's coroutines from synchronous code, also when the calling thread
    already has an event loop (Playwright's sync API keeps one in the test thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_factory())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coro_factory())).result()


def _released(coro, *contexts):
    """pyHanko opens an HTTP session per validation context that fetches; close it on the
    loop that opened it."""
    from pyhanko.sign._session_scope import run_and_release

    return run_and_release(coro, *contexts)


# --- certificates and names ----------------------------------------------------------------


def _first_part(value: str) -> str:
    # "HEGT7610034S2 / " or "AAA010101AAA / HEGT7610034S2": the holder comes first.
    return value.split("/")[0].strip()


def _name_attr(name: x509.Name, oid: str) -> str:
    for attribute in name:
        if attribute.oid.dotted_string == oid:
            value = attribute.value
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


@dataclass(frozen=True)
class Titular:
    """Who a certificate names, as a person reads it."""

    nombre: str
    rfc: str
    curp: str
    emisor: str
    numero_serie: str

    @classmethod
    def of(cls, cert: x509.Certificate) -> Titular:
        subject = cert.subject
        nombre = _name_attr(subject, NameOID.COMMON_NAME.dotted_string) or (
            _name_attr(subject, NameOID.ORGANIZATION_NAME.dotted_string)
        )
        return cls(
            nombre=nombre,
            rfc=_first_part(_name_attr(subject, OID_RFC)),
            curp=_first_part(_name_attr(subject, OID_CURP)),
            emisor=_name_attr(cert.issuer, NameOID.COMMON_NAME.dotted_string)
            or cert.issuer.rfc4514_string(),
            numero_serie=format(cert.serial_number, "x"),
        )


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate in DER (the SAT's .cer) or PEM."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


class FirmaError(Exception):
    """A signing attempt that cannot go on; the message is for the person signing."""


def load_efirma(cer: bytes, key: bytes, password: str):
    """The SAT's pair: a DER certificate and an encrypted PKCS#8 DER key. Checked to belong
    together; nothing is stored."""
    try:
        cert = load_certificate(cer)
    except ValueError as exc:
        raise FirmaError("El archivo .cer no es un certificado válido.") from exc
    try:
        private_key = serialization.load_der_private_key(key, password=password.encode())
    except (ValueError, TypeError) as exc:
        raise FirmaError(
            "No se pudo abrir la llave privada: revise que el archivo .key y la contraseña de "
            "la e.firma sean los correctos."
        ) from exc
    public = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise FirmaError("La llave privada no corresponde al certificado (.cer) que subió.")
    return cert, private_key


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(private_key) -> asn1_keys.PrivateKeyInfo:
    der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


# --- the institution's identity --------------------------------------------------------------


@dataclass(frozen=True)
class Identidad:
    """A signing key with its certificate and the certificates up to (and with) its root."""

    certificate: x509.Certificate
    private_key: object
    chain: tuple[x509.Certificate, ...]
    demo: bool = False

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1] if self.chain else self.certificate

    @functools.cached_property
    def fingerprint(self) -> bytes:
        return self.certificate.fingerprint(hashes.SHA256())

    @functools.cached_property
    def loaded_signer(self):
        """Made once per identity: converting the key and the chain for pyHanko is the same
        work for every document."""
        return self.signer()

    def signer(self):
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        return _loaded_key_signer_class()(
            private_key=self.private_key,
            signing_cert=_asn1_cert(self.certificate),
            signing_key=_asn1_key(self.private_key),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in self.chain]),
        )


@functools.cache
def _loaded_key_signer_class():
    """pyHanko's SimpleSigner parses the private key again (with OpenSSL's RSA key checks)
    for every raw signature, twice per PDF (a trial signature sizes the reserved space): most
    of an acuse's time. This one signs with the key already loaded; the signature (PKCS#1
    v1.5, deterministic) is the same bytes."""
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class LoadedKeySigner(signers.SimpleSigner):
        def __init__(self, *, private_key, **kwargs):
            super().__init__(**kwargs)
            self.loaded_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo
            except ValueError:
                algorithm = mechanism["algorithm"].native
            key, digest = self.loaded_key, get_pyca_cryptography_hash(digest_algorithm)
            if algorithm == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), digest)
            if algorithm == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, signature_algorithm=ECDSA(digest))
            return super().sign_raw(data, digest_algorithm)

    return LoadedKeySigner


def identity_from_pkcs12(data: bytes, password: str, *, demo: bool = False) -> Identidad:
    key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    if key is None or cert is None:
        raise FirmaError("El archivo PKCS#12 no trae la llave y el certificado.")
    # Order the chain from the issuer up to the root.
    by_subject = {c.subject: c for c in extra or []}
    chain, current = [], cert
    while current.issuer != current.subject and current.issuer in by_subject:
        current = by_subject.pop(current.issuer)
        chain.append(current)
    chain.extend(by_subject.values())
    return Identidad(certificate=cert, private_key=key, chain=tuple(chain), demo=demo)


# The demo loader files escritos back in time (up to 18 months) and signs their acuses then.
DEMO_BACKDATE = dt.timedelta(days=2 * 365)


def _demo_paths() -> tuple[Path, str]:
    return Path(settings.FIRMA_DEMO_DIR) / "ayuntamiento-demo.p12", "demostracion"


def demo_identity_create(*, force: bool = False) -> Path:
    """A demonstration CA and a certificate for the ayuntamiento, as a PKCS#12 file. Only for
    a checkout with no real certificate configured: the README says so, and every signature
    made with it says it on /verificar/."""
    path, password = _demo_paths()
    if path.exists() and not force:
        return path
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "AC de demostración (sin validez legal)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Oficialía de Partes electrónica"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    ca = issue_certificate(
        subject=ca_name,
        issuer=ca_name,
        public_key=ca_key.public_key(),
        issuer_key=ca_key,
        not_before=now - DEMO_BACKDATE,
        not_after=now + dt.timedelta(days=3650 * 2),
        ca=True,
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue_certificate(
        subject=x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, settings.INSTITUTION_NAME),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.INSTITUTION_NAME),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
            ]
        ),
        issuer=ca_name,
        public_key=key.public_key(),
        issuer_key=ca_key,
        not_before=now - DEMO_BACKDATE,
        not_after=now + dt.timedelta(days=3650),
        issuer_cert=ca,
    )
    data = pkcs12.serialize_key_and_certificates(
        b"ayuntamiento",
        key,
        cert,
        [ca],
        serialization.BestAvailableEncryption(password.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole and renamed, so a second process never reads half a file.
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)
    institution_identity.cache_clear()
    return path


def issue_certificate(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    public_key,
    issuer_key,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: bool = False,
    issuer_cert: x509.Certificate | None = None,
    ocsp_url: str = "",
    extended_usages: tuple = (),
    serial: int | None = None,
) -> x509.Certificate:
    """One X.509 certificate; used for the demo identity and by the tests' authorities."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if ca:
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=True)
    else:
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=not ca,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **usage,
        ),
        critical=True,
    )
    if issuer_cert is not None:
        ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    if extended_usages:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(list(extended_usages)),
            critical=ExtendedKeyUsageOID.TIME_STAMPING in extended_usages,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@functools.lru_cache(maxsize=1)
def institution_identity() -> Identidad:
    """The ayuntamiento's certificate: OFICIALIA_FIRMA_PKCS12 with its password, or, when it is
    not set, the demonstration certificate (made here the first time if the demo loader has not
    made it yet)."""
    if settings.FIRMA_PKCS12:
        data = Path(settings.FIRMA_PKCS12).read_bytes()
        return identity_from_pkcs12(data, settings.FIRMA_PKCS12_PASSWORD)
    path, password = _demo_paths()
    if not path.exists():
        demo_identity_create()
    return identity_from_pkcs12(path.read_bytes(), password, demo=True)


# --- signing -------------------------------------------------------------------------------


def _timestamper():
    if not settings.TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.TSA_URL, timeout=settings.TSA_TIMEOUT)


def tsa_roots() -> list[x509.Certificate]:
    """The certificates that vouch for the TSA (OFICIALIA_TSA_CA, a PEM file): its
    timestamps are checked, and their chain embedded, as the signature's own."""
    if not settings.TSA_CA:
        return []
    return x509.load_pem_x509_certificates(Path(settings.TSA_CA).read_bytes())


def _validation_context(
    roots, *, others=(), crls=(), ocsps=(), fetch=False, moment=None, hard=False, dss=None
):
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    rule = RevocationCheckingRule.CHECK_IF_DECLARED if hard else RevocationCheckingRule.NO_CHECK
    if fetch or hard or crls or ocsps:
        rule = (
            RevocationCheckingRule.CHECK_IF_DECLARED
            if hard
            else RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
        )
    policy = CertRevTrustPolicy(
        RevocationCheckingPolicy(ee_certificate_rule=rule, intermediate_ca_cert_rule=rule)
    )
    kwargs = dict(
        trust_roots=[_asn1_cert(r) if isinstance(r, x509.Certificate) else r for r in roots],
        other_certs=[_asn1_cert(c) if isinstance(c, x509.Certificate) else c for c in others],
        crls=list(crls),
        ocsps=list(ocsps),
        allow_fetching=fetch,
        moment=moment,
        revinfo_policy=policy,
        # Revocation data gathered when the document was signed still speaks for that moment.
        retroactive_revinfo=hard,
    )
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


def is_signed_by(content: bytes, identity: Identidad) -> bool:
    """Whether the PDF already carries an intact signature of this identity over the whole
    document, or over all of it but validation data added later (DSS, document timestamps)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature

    try:
        reader = PdfFileReader(BytesIO(content), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception:
        return False
    der = identity.certificate.public_bytes(serialization.Encoding.DER)
    for sig in signatures:
        if sig.signer_cert.dump() != der:
            continue
        vc = _validation_context([identity.root], others=identity.chain)
        try:
            status = _run(
                lambda sig=sig, vc=vc: _released(
                    async_validate_pdf_signature(sig, signer_validation_context=vc), vc
                )
            )
        except Exception:
            continue
        if status.intact and status.valid and not _changed_after_signing(status):
            return True
    return False


def sign_pdf(
    content: bytes,
    *,
    identity: Identidad | None = None,
    reason: str = "",
    location: str = "",
    field_name: str = FIELD_NAME,
    lta: bool = True,
    embed_validation: bool = True,
    timestamp: bool = True,
) -> bytes:
    """PAdES signature over the whole PDF, with the chain and its revocation data in the
    document (DSS) so it verifies offline years later, and, when OFICIALIA_TSA_URL is
    set, an RFC 3161 signature timestamp plus a document timestamp (PAdES B-LTA).

    Idempotent: a PDF this identity already signed comes back unchanged."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    identity = identity or institution_identity()
    # A PDF without a signature dictionary is signed by no one: no need to parse it.
    if b"/ByteRange" in content and is_signed_by(content, identity):
        return content
    timestamper = _timestamper() if timestamp else None
    others = list(identity.chain)
    roots = [identity.root, *(tsa_roots() if timestamper else [])]
    vc = _validation_context(roots, others=others, fetch=embed_validation)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_validation,
        use_pades_lta=bool(timestamper) and lta and embed_validation,
        validation_context=vc if embed_validation else None,
        reason=reason or None,
        location=location or None,
        name=Titular.of(identity.certificate).nombre or None,
    )
    pdf_signer = signers.PdfSigner(meta, signer=identity.loaded_signer, timestamper=timestamper)
    reserve = (identity.fingerprint, settings.TSA_URL if timestamper else "", embed_validation)

    async def go():
        def writer():
            return IncrementalPdfFileWriter(BytesIO(content), strict=False)

        if reserve not in _RESERVED:
            _RESERVED[reserve] = await _released(_reserved_size(pdf_signer, writer()), vc)
        out = BytesIO()
        signing = pdf_signer.async_sign_pdf(writer(), bytes_reserved=_RESERVED[reserve], output=out)
        await _released(signing, vc)
        return out.getvalue()

    try:
        return _run(go)
    except Exception as exc:
        raise FirmaError(f"No se pudo firmar el documento: {exc}") from exc


# Room for the signature in the PDF, by (certificate, TSA, validation data embedded or not).
# Without it pyHanko makes a whole trial signature of every document to size it (a third of
# the signing time); the size depends on the certificates, the kind of attributes and the
# TSA's token, never on the document (which enters it as a fixed-size digest), so it is
# estimated once per process, with pyHanko's own margin (half again) for a TSA's answers.
_RESERVED: dict[tuple, int] = {}


async def _reserved_size(pdf_signer, writer) -> int:
    session = pdf_signer.init_signing_session(writer)
    validation = await session.perform_presign_validation(writer)
    return await session.estimate_signature_container_size(
        validation, tight=pdf_signer.signature_meta.tight_size_estimates
    )


# --- checking ------------------------------------------------------------------------------


class Estado:
    VALIDA = "valida"
    INVALIDA = "invalida"
    NO_VERIFICABLE = "no_verificable"


@dataclass
class Veredicto:
    """What one signature in a PDF proves, in words a person reads."""

    estado: str
    resumen: str
    motivos: list[str] = field(default_factory=list)
    nombre: str = ""
    rfc: str = ""
    curp: str = ""
    emisor: str = ""
    numero_serie: str = ""
    firmado_en: str = ""  # ISO 8601; from a trusted timestamp when there is one
    sellado: bool = False  # the time comes from an RFC 3161 timestamp
    integra: bool = False
    cubre_todo: bool = False
    certificado_sha256: str = ""

    @property
    def valida(self) -> bool:
        return self.estado == Estado.VALIDA

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Revocacion:
    """What is known about revocation, handed in by the caller."""

    crls: tuple[x509.CertificateRevocationList, ...] = ()
    ocsp_url: str = ""
    ocsp_timeout: float = 10.0


def ocsp_ask(
    cert: x509.Certificate, issuer: x509.Certificate, url: str, timeout: float
) -> tuple[str, dt.datetime | None]:
    """Ask a configured OCSP responder about one certificate: ("good" | "revoked" |
    "unknown" | "error", revocation time). The answer must be signed by the issuer or by a
    responder the issuer delegated (id-kp-OCSPSigning)."""
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    http = urllib.request.Request(
        url, data=request, headers={"Content-Type": "application/ocsp-request"}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as reply:
            response = ocsp.load_der_ocsp_response(reply.read())
    except Exception:
        logger.warning("OCSP responder %s did not answer", url, exc_info=True)
        return "error", None
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return "error", None
    responder = issuer
    for candidate in response.certificates:
        if candidate.issuer == issuer.subject:
            try:
                candidate.verify_directly_issued_by(issuer)
                eku = candidate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            except Exception:
                continue
            if x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING in eku:
                responder = candidate
    try:
        responder.public_key().verify(
            response.signature,
            response.tbs_response_bytes,
            padding.PKCS1v15(),
            response.signature_hash_algorithm,
        )
    except Exception:
        logger.warning("OCSP answer from %s has a bad signature", url)
        return "error", None
    if response.serial_number != cert.serial_number:
        return "error", None
    status = response.certificate_status
    if status == ocsp.OCSPCertStatus.GOOD:
        return "good", None
    if status == ocsp.OCSPCertStatus.REVOKED:
        return "revoked", response.revocation_time_utc
    return "unknown", None


def _crl_status(
    cert: x509.Certificate, issuer: x509.Certificate, crls
) -> tuple[bool, dt.datetime | None, bool]:
    """(a list of this issuer was read, revocation time if listed, a list is out of date)."""
    seen, stale = False, False
    for crl in crls:
        if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
            continue
        seen = True
        next_update = crl.next_update_utc
        if next_update is not None and next_update < dt.datetime.now(dt.UTC):
            stale = True
        revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            return True, revoked.revocation_date_utc, stale
    return seen, None, stale


def _fecha(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def verify_pdf(
    content: bytes,
    *,
    roots: list[x509.Certificate],
    intermediates: list[x509.Certificate] = (),
    revocacion: Revocacion = Revocacion(),
    offline: bool = False,
    own: x509.Certificate | None = None,
) -> list[Veredicto]:
    """Check every signature of a PDF: the bytes it covers are unchanged, the certificate
    chains up to one of `roots`, it was in force when signed, and it is not revoked (the
    lists and the responder in `revocacion`). With `offline`, only what the PDF carries is
    used (its DSS), revocation data included. `own` is the ayuntamiento's certificate: its
    revocation data travels in the document, so the citizens' responder is not asked about it.
    An empty list: the PDF carries no signature.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature

    try:
        reader = PdfFileReader(BytesIO(content), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception:
        return []
    dss = None
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:
        dss = None
    results = []
    for sig in signatures:
        results.append(
            _verify_one(
                sig,
                dss,
                roots,
                list(intermediates),
                revocacion,
                offline,
                async_validate_pdf_signature,
                own,
            )
        )
    return results


def _verify_one(sig, dss, roots, intermediates, revocacion, offline, validate, own):
    try:
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
    except Exception:
        return Veredicto(
            estado=Estado.NO_VERIFICABLE,
            resumen="La firma no trae un certificado que se pueda leer.",
        )
    titular = Titular.of(cert)
    verdict = Veredicto(
        estado=Estado.INVALIDA,
        resumen="",
        nombre=titular.nombre,
        rfc=titular.rfc,
        curp=titular.curp,
        emisor=titular.emisor,
        numero_serie=titular.numero_serie,
        certificado_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )
    embedded_certs = [c for c in sig.signed_data["certificates"] if c.name == "certificate"]
    others = [c.chosen for c in embedded_certs] + list(intermediates)
    if dss is not None:
        others += list(dss.load_certs())

    def check(moment=None):
        vc = _validation_context(roots, others=others, moment=moment, hard=offline, dss=dss)
        return _run(lambda: _released(validate(sig, signer_validation_context=vc), vc))

    try:
        status = check()
        ts = status.timestamp_validity
        if ts is not None and ts.intact and ts.valid and not status.trusted:
            # Judge the certificate when the signature was sealed, not today.
            status = check(ts.timestamp)
    except Exception as exc:
        logger.info("signature could not be validated: %s", exc)
        verdict.estado = Estado.NO_VERIFICABLE
        verdict.resumen = (
            "La firma no se pudo revisar: el archivo está dañado o no es una firma PDF."
        )
        return verdict
    verdict.integra = bool(status.intact and status.valid)
    verdict.cubre_todo = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    ts = status.timestamp_validity
    moment = None
    if ts is not None and ts.intact and ts.valid:
        moment = ts.timestamp
        verdict.sellado = True
    elif status.signer_reported_dt is not None:
        moment = status.signer_reported_dt
    if moment is not None:
        verdict.firmado_en = moment.isoformat()

    motivos = verdict.motivos
    if not verdict.integra:
        motivos.append(
            "El documento fue alterado después de firmarse: la firma ya no corresponde "
            "a su contenido."
        )
    elif not verdict.cubre_todo and _changed_after_signing(status):
        motivos.append("Al documento se le agregaron cambios después de firmarlo.")
    at = moment or dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < at:
        motivos.append(
            f"El certificado venció el {_fecha(cert.not_valid_after_utc)}, antes de firmar."
        )
    elif cert.not_valid_before_utc > at:
        motivos.append("El certificado aún no estaba vigente cuando se firmó.")
    elif not status.trusted:
        motivos.append(
            "El certificado no fue emitido por una autoridad certificadora de "
            "confianza: la administración no la tiene instalada."
        )
    issuer = _issuer_of(cert, roots, others)
    if issuer is not None and not offline and cert != own:
        revoked_at = _revocation(cert, issuer, revocacion, motivos)
        if revoked_at is not None and (not verdict.sellado or revoked_at <= at):
            motivos.append(f"El certificado fue revocado el {_fecha(revoked_at)}.")
    elif status.revoked:
        motivos.append("El certificado estaba revocado.")
    if motivos:
        verdict.estado = Estado.INVALIDA
        verdict.resumen = "La firma no es válida. " + motivos[0]
    else:
        verdict.estado = Estado.VALIDA
        cuando = f" el {_fecha(moment)}" if moment else ""
        verdict.resumen = (
            f"Firma válida de {titular.nombre}{cuando}: el documento no ha "
            "cambiado desde que se firmó."
        )
    return verdict


def _changed_after_signing(status) -> bool:
    level = getattr(status, "modification_level", None)
    # Later signatures, their validation data and timestamps are allowed (FORM_FILLING is
    # what signing another field counts as); anything else changed what was signed.
    return level is not None and level.name not in {"NONE", "LTA_UPDATES", "FORM_FILLING"}


def _issuer_of(cert, roots, others):
    candidates = list(roots) + [
        c if isinstance(c, x509.Certificate) else x509.load_der_x509_certificate(c.dump())
        for c in others
    ]
    for candidate in candidates:
        if candidate.subject == cert.issuer:
            try:
                cert.verify_directly_issued_by(candidate)
            except Exception:
                continue
            return candidate
    return None


def _revocation(cert, issuer, revocacion: Revocacion, motivos: list[str]):
    seen, revoked_at, stale = _crl_status(cert, issuer, revocacion.crls)
    if revoked_at is not None:
        return revoked_at
    if revocacion.ocsp_url:
        answer, when = ocsp_ask(cert, issuer, revocacion.ocsp_url, revocacion.ocsp_timeout)
        if answer == "revoked":
            return when
        if answer == "good":
            return None
        if not seen:
            motivos.append(
                "No se pudo confirmar con el servicio OCSP que el certificado no esté "
                "revocado; inténtelo más tarde."
            )
            return None
    if stale:
        motivos.append(
            "No se puede confirmar que el certificado no esté revocado: la lista de "
            "revocación cargada ya venció y la administración debe cargar una nueva."
        )
    return None


def certificate_check(
    cert: x509.Certificate, *, roots: list[x509.Certificate], revocacion: Revocacion
) -> tuple[x509.Certificate | None, list[str]]:
    """Before someone signs with it: its issuer among `roots`, in force today, not revoked.
    Returns the issuer and what is wrong, in words for the person signing."""
    problems: list[str] = []
    issuer = _issuer_of(cert, roots, [])
    now = dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < now:
        problems.append(
            f"Su e.firma venció el {_fecha(cert.not_valid_after_utc)}: renuévela "
            "en el SAT antes de firmar."
        )
    elif cert.not_valid_before_utc > now:
        problems.append("Su e.firma todavía no está vigente.")
    if issuer is None:
        problems.append(
            "Su certificado no fue emitido por una autoridad certificadora de "
            "confianza instalada por la administración."
        )
    else:
        revoked_at = _revocation(cert, issuer, revocacion, problems)
        if revoked_at is not None:
            problems.append(f"Su e.firma fue revocada el {_fecha(revoked_at)}.")
    return issuer, problems


def sha256_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    return digest.finalize().hex()


def serialization_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)
