"""NOM-151-SCFI-2016 constancias de conservación.

A provider (a Prestador de Servicios de Certificación accredited by the Secretaría de Economía)
receives the SHA-256 of a document and returns a signed constancia saying that a document with
that digest existed, unchanged, at that moment. OFICIALIA_NOM151_PROVEEDOR names the class and
OFICIALIA_NOM151_OPCIONES (JSON) its credentials; a real provider is one more subclass of
`Proveedor`. `ProveedorLocal` signs with a key of its own: for tests and the demonstration, it
has no legal value.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError
from django.utils.module_loading import import_string

from oficialia import firma

from .models import Constancia

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConstanciaEmitida:
    datos: bytes
    emitida_en: dt.datetime


class Proveedor(ABC):
    """What every NOM-151 provider offers: a real one is a subclass naming its service."""

    nombre = ""

    @abstractmethod
    def solicitar(self, sha256: str) -> ConstanciaEmitida:
        """Ask for the constancia de conservación of a document with this digest."""

    @abstractmethod
    def verificar(self, datos: bytes, sha256: str) -> bool:
        """Whether `datos` is a valid constancia for that digest."""


class ProveedorLocal(Proveedor):
    """A constancia signed with a local key (RSA-PSS over a small JSON record): the shape of
    the real thing, without its legal value."""

    nombre = "Proveedor local de pruebas (sin validez legal)"

    def __init__(self, directorio: str = ""):
        self.directorio = Path(directorio or settings.FIRMA_DEMO_DIR)

    @property
    def _clave(self) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        path = self.directorio / "nom151-local.pem"
        if not path.exists():
            key = rsa.generate_private_key(65537, 2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.nombre)])
            now = dt.datetime.now(dt.UTC)
            cert = firma.issue_certificate(
                subject=name, issuer=name, public_key=key.public_key(), issuer_key=key,
                not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=3650),
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(
                key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
                + cert.public_bytes(serialization.Encoding.PEM)
            )
            tmp.replace(path)
        stat = path.stat()
        return _local_key(str(path), stat.st_mtime_ns, stat.st_size)

    def solicitar(self, sha256: str) -> ConstanciaEmitida:
        key, cert = self._clave
        moment = dt.datetime.now(dt.UTC).replace(microsecond=0)
        record = json.dumps(
            {"norma": "NOM-151-SCFI-2016", "sha256": sha256, "fecha": moment.isoformat(),
             "proveedor": self.nombre,
             "certificado": cert.fingerprint(hashes.SHA256()).hex()},
            sort_keys=True,
        ).encode()
        signature = key.sign(record, _PSS, hashes.SHA256())
        payload = json.dumps({"registro": record.decode(), "firma": signature.hex()}).encode()
        return ConstanciaEmitida(datos=payload, emitida_en=moment)

    def verificar(self, datos: bytes, sha256: str) -> bool:
        _, cert = self._clave
        try:
            payload = json.loads(datos)
            record = payload["registro"].encode()
            cert.public_key().verify(bytes.fromhex(payload["firma"]), record, _PSS,
                                     hashes.SHA256())
        except (InvalidSignature, ValueError, KeyError):
            return False
        return json.loads(record)["sha256"] == sha256


@functools.lru_cache(maxsize=4)
def _local_key(path: str, mtime_ns: int, size: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The local provider's key, parsed once per process (and again if the file changes):
    loading an RSA key runs OpenSSL's checks on it, tens of milliseconds per acuse."""
    data = Path(path).read_bytes()
    return (serialization.load_pem_private_key(data, password=None),
            x509.load_pem_x509_certificate(data))


_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)


def provider() -> Proveedor:
    cls = import_string(settings.NOM151_PROVEEDOR)
    return cls(**json.loads(settings.NOM151_OPCIONES or "{}"))


def constancia_request(*, documento: str, referencia: str, sha256: str) -> Constancia | None:
    """Ask the provider for the constancia of one document once and keep it. Never raises: a
    provider that is down leaves the document without one, and the acuses' relay
    (correspondencia.services.acuses.acuses_relay) asks again for acuses."""
    existing = Constancia.objects.filter(documento=documento, referencia=referencia,
                                         sha256=sha256).first()
    if existing is not None:
        return existing
    chosen = provider()
    try:
        issued = chosen.solicitar(sha256)
    except Exception:
        logger.exception("NOM-151 provider failed for %s %s", documento, referencia)
        return None
    try:
        return Constancia.objects.create(
            documento=documento, referencia=referencia, sha256=sha256,
            proveedor=chosen.nombre or type(chosen).__name__, datos=issued.datos,
            emitida_en=issued.emitida_en,
        )
    except IntegrityError:
        return Constancia.objects.get(documento=documento, referencia=referencia, sha256=sha256)


def constancia_valid(constancia: Constancia) -> bool:
    return provider().verificar(bytes(constancia.datos), constancia.sha256)
