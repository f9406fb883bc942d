"""/verificar/ with a PDF: was this file issued by the ayuntamiento, does its signature hold,
what does it certify, was it altered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes

from firmas import confianza
from oficialia import firma

from .models import Acuse, Adjunto, AdjuntoOrigin


@dataclass(frozen=True)
class Emitido:
    """A document the product issued, found by the SHA-256 of its bytes."""

    documento: str  # what it is, as a person says it
    folio: str
    certifica: str  # the digest it vouches for (the escrito's, the answer's)


# Apps above this one (the answer's signing, the notification acuses) add their lookups here.
LOOKUPS: list[Callable[[str], Emitido | None]] = []


def lookup_register(fn: Callable[[str], Emitido | None]) -> Callable[[str], Emitido | None]:
    if fn not in LOOKUPS:
        LOOKUPS.append(fn)
    return fn


@lookup_register
def _acuse(sha256: str) -> Emitido | None:
    acuse = Acuse.objects.select_related("escrito").filter(pdf_sha256=sha256).first()
    if acuse is None:
        return None
    return Emitido("Acuse de recibo", acuse.escrito.folio, acuse.escrito.digest)


@lookup_register
def _oficio(sha256: str) -> Emitido | None:
    adjunto = (
        Adjunto.objects.select_related("escrito")
        .filter(sha256=sha256, origin=AdjuntoOrigin.RESPUESTA)
        .first()
    )
    if adjunto is None:
        return None
    return Emitido("Oficio de respuesta", adjunto.escrito.folio, adjunto.sha256)


@dataclass
class Resultado:
    sha256: str
    emitido: Emitido | None
    firmas: list[dict] = field(default_factory=list)
    institucional: bool = False  # an intact signature of the ayuntamiento's certificate

    @property
    def alterado(self) -> bool:
        """Signed by the ayuntamiento once, but the bytes no longer match that signature."""
        ours = [f for f in self.firmas if f.get("institucional")]
        return bool(ours) and not self.institucional

    @property
    def veredicto(self) -> str:
        if self.emitido and self.institucional:
            return "autentico"
        if self.alterado:
            return "alterado"
        if self.institucional:
            return "firmado"
        if self.emitido:
            return "sin_firma"
        return "desconocido"


def pdf_check(content: bytes) -> Resultado:
    digest = firma.sha256_hex(content)
    emitido = next((found for fn in LOOKUPS if (found := fn(digest)) is not None), None)
    identity = firma.institution_identity()
    ours = identity.certificate.fingerprint(hashes.SHA256()).hex()
    verdicts = firma.verify_pdf(
        content,
        roots=[identity.root, *confianza.authorities()],
        intermediates=list(identity.chain),
        revocacion=confianza.revocation(),
        own=identity.certificate,
    )
    firmas = []
    institucional = False
    for v in verdicts:
        item = v.as_dict()
        item["institucional"] = v.certificado_sha256 == ours
        institucional |= item["institucional"] and v.valida
        firmas.append(item)
    return Resultado(sha256=digest, emitido=emitido, firmas=firmas, institucional=institucional)
