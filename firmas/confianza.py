"""The trust the administración installed, handed to the signature checks."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from oficialia import bitacora, firma
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile

from .models import AutoridadCertificadora, ListaRevocacion

logger = logging.getLogger(__name__)


class CargaError(ValueError):
    """A file the administración loaded that cannot be used; the message says why."""


def authorities() -> list:
    return [
        firma.load_certificate(bytes(a.certificado))
        for a in AutoridadCertificadora.objects.filter(activa=True)
    ]


def revocation() -> firma.Revocacion:
    crls = [firma.load_crl(bytes(lista.contenido))
            for lista in ListaRevocacion.objects.filter(autoridad__activa=True)]
    return firma.Revocacion(
        crls=tuple(crls), ocsp_url=settings.FIRMA_OCSP_URL,
        ocsp_timeout=settings.FIRMA_OCSP_TIMEOUT,
    )


def pdf_signatures_check(content: bytes) -> list[dict]:
    """Every signature a citizen's PDF carries, judged against the installed trust; an empty
    list when it carries none."""
    if not content.startswith(b"%PDF-") or b"/ByteRange" not in content:
        return []
    verdicts = firma.verify_pdf(content, roots=authorities(), revocacion=revocation())
    checked_at = timezone.now().isoformat()
    return [{**v.as_dict(), "revisada_en": checked_at} for v in verdicts]


def upload_signatures_check(item: InspectedFile) -> list[dict]:
    """The verdicts on an uploaded PDF's signatures, checked before the filing's transaction
    (it may ask an OCSP responder). Read only: the stored file stays the upload, byte for
    byte. Never raises: a check that breaks says so in the verdict."""
    if item.content_type != "application/pdf":
        return []
    item.upload.seek(0)
    content = item.upload.read()
    item.upload.seek(0)
    try:
        return pdf_signatures_check(content)
    except Exception:
        logger.exception("could not check the signatures of %s", item.name)
        return [{"estado": "no_verificable", "motivos": [],
                 "resumen": "No se pudo revisar la firma del documento; el personal la revisará."}]


@transaction.atomic
def authority_install(data: bytes) -> AutoridadCertificadora:
    try:
        cert = firma.load_certificate(data)
    except ValueError as exc:
        raise CargaError("El archivo no es un certificado X.509 (.cer en DER o PEM).") from exc
    try:
        basic = cert.extensions.get_extension_for_oid(
            firma.x509.oid.ExtensionOID.BASIC_CONSTRAINTS).value
    except firma.x509.ExtensionNotFound:
        basic = None
    if basic is None or not basic.ca:
        raise CargaError("El certificado no es de una autoridad certificadora (no puede emitir "
                         "certificados). Cargue los certificados de la AC, no el de una persona.")
    huella = cert.fingerprint(firma.hashes.SHA256()).hex()
    authority, _ = AutoridadCertificadora.objects.update_or_create(
        huella_sha256=huella,
        defaults=dict(
            nombre=firma.Titular.of(cert).nombre or cert.subject.rfc4514_string(),
            certificado=firma.serialization_der(cert),
            vigente_desde=cert.not_valid_before_utc,
            vigente_hasta=cert.not_valid_after_utc,
            activa=True,
        ),
    )
    bitacora.record(action=Accion.FIRMA_AUTORIDAD, object_type="autoridadcertificadora",
                    object_ref=str(authority.pk), changes={"nombre": authority.nombre,
                                                           "huella_sha256": huella})
    return authority


@transaction.atomic
def crl_load(data: bytes) -> ListaRevocacion:
    try:
        crl = firma.load_crl(data)
    except ValueError as exc:
        raise CargaError("El archivo no es una lista de revocación (CRL) en DER o PEM.") from exc
    for authority in AutoridadCertificadora.objects.filter(activa=True):
        issuer = firma.load_certificate(bytes(authority.certificado))
        if crl.issuer == issuer.subject and crl.is_signature_valid(issuer.public_key()):
            break
    else:
        raise CargaError("La lista no está firmada por ninguna de las autoridades instaladas: "
                         "instale primero el certificado de la autoridad que la emite.")
    lista, _ = ListaRevocacion.objects.update_or_create(
        huella_sha256=firma.sha256_hex(data),
        defaults=dict(
            autoridad=authority,
            contenido=data,
            emitida_en=crl.last_update_utc,
            siguiente_en=crl.next_update_utc,
            revocados=len(crl),
        ),
    )
    bitacora.record(action=Accion.FIRMA_CRL, object_type="listarevocacion",
                    object_ref=str(lista.pk), changes={"autoridad": authority.nombre,
                                                       "revocados": lista.revocados})
    return lista
