"""The answer's oficio from draft to signed and sent."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from firmas import confianza
from oficialia import bitacora, firma
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import inspect
from oficialia.avisos import staff_notify, staff_of_secretaria
from oficialia.pdf import render_pdf
from oficialia.roles import Role, has_role
from oficialia.suplencias import ausencia_label
from turnos.models import Sense, Turno, TurnoKind, TurnoState
from turnos.permissions import can_work_turno
from turnos.services import turno_answer

from .models import OPEN_STATES, Borrador, EstadoBorrador

ANSWERABLE = {TurnoState.ACEPTADO, TurnoState.EN_ATENCION}


def _titulares(secretaria_id: int):
    return staff_of_secretaria(secretaria_id, roles=[Role.TITULAR])


@transaction.atomic
def borrador_submit(*, turno_id: int, user, texto: str, sense: str) -> Borrador:
    """Send a draft answer to the titular: a new one, or the one returned, corrected."""
    turno = (
        Turno.objects.select_for_update().select_related("escrito", "secretaria").get(pk=turno_id)
    )
    if not can_work_turno(user, turno):
        raise PermissionDenied
    if turno.kind != TurnoKind.ATENCION or turno.state not in ANSWERABLE:
        raise ActionError("Este turno no está en atención: no se le puede redactar respuesta.")
    texto = texto.strip()
    if not texto:
        raise ActionError("Escriba el texto de la respuesta.")
    if sense not in Sense.values:
        raise ActionError("Elija el sentido de la respuesta.")
    now = timezone.now()
    borrador = Borrador.objects.filter(turno=turno, estado__in=OPEN_STATES).first()
    if borrador is None:
        borrador = Borrador(turno=turno)
    borrador.texto, borrador.sense = texto, sense
    borrador.estado = EstadoBorrador.EN_REVISION
    borrador.redactado_por, borrador.redactado_en = user, now
    borrador.save()
    bitacora.record(
        action=Accion.RESPUESTA_BORRADOR,
        object_type="borrador",
        object_ref=str(borrador.pk),
        folio=turno.escrito.folio,
        changes={"sentido": sense},
    )
    staff_notify(
        _titulares(turno.secretaria_id).exclude(pk=user.pk),
        f"Respuesta de {turno.escrito.folio} lista para su revisión y firma",
        reverse("firmas_pendientes"),
    )
    return borrador


def _lock_for_titular(borrador_id: int, user) -> Borrador:
    borrador = (
        Borrador.objects.select_for_update(of=("self",))
        .select_related("turno__escrito__peticionario", "turno__secretaria")
        .get(pk=borrador_id)
    )
    if not has_role(user, Role.TITULAR) or not can_work_turno(user, borrador.turno):
        raise PermissionDenied
    if borrador.estado != EstadoBorrador.EN_REVISION:
        raise ActionError(f"La respuesta de {borrador.turno.escrito.folio} ya no está en revisión.")
    return borrador


@transaction.atomic
def borrador_return(*, borrador_id: int, user, observaciones: str) -> Borrador:
    """The titular sends the draft back with what to change."""
    observaciones = observaciones.strip()
    if not observaciones:
        raise ActionError("Escriba qué hay que corregir en la respuesta.")
    borrador = _lock_for_titular(borrador_id, user)
    borrador.estado = EstadoBorrador.DEVUELTO
    borrador.observaciones = observaciones
    borrador.devuelto_por, borrador.devuelto_en = user, timezone.now()
    borrador.save()
    bitacora.record(
        action=Accion.RESPUESTA_DEVOLVER,
        object_type="borrador",
        object_ref=str(borrador.pk),
        folio=borrador.turno.escrito.folio,
    )
    staff_notify(
        [borrador.redactado_por],
        f"El titular devolvió la respuesta de {borrador.turno.escrito.folio} con observaciones",
        reverse("turno_detalle", args=[borrador.turno_id]),
    )
    return borrador


def oficio_render_pdf(
    borrador: Borrador, *, firmante: firma.Titular | None = None, at=None, ausencia: str = ""
) -> bytes:
    """The oficio as the petitioner receives it; without `firmante`, the draft the titular
    reviews (marked as such). `ausencia` («por ausencia de …») when a suplente signs."""

    turno = borrador.turno
    html = render_to_string(
        "oficios/oficio.html",
        {
            "institucion": settings.INSTITUTION_NAME,
            "borrador": borrador,
            "turno": turno,
            "escrito": turno.escrito,
            "peticionario": turno.escrito.peticionario,
            "firmante": firmante,
            "ausencia": ausencia,
            "fecha": timezone.localtime(at or timezone.now()),
            "verificar_url": settings.PUBLIC_BASE_URL + reverse("verificar_pdf"),
        },
    )
    return render_pdf(html)


@dataclass
class Firmado:
    borrador: Borrador
    error: str = ""


def borradores_sign(
    *, ids: list[int], user, cer: bytes, key: bytes, password: str
) -> list[Firmado]:
    """The titular approves and signs drafts with their own e.firma, given now and kept
    nowhere; each signed oficio is countersigned by the ayuntamiento and sent. A draft that
    fails does not stop the others."""
    if not has_role(user, Role.TITULAR):
        raise PermissionDenied
    cert, private_key = firma.load_efirma(cer, key, password)
    issuer, problems = firma.certificate_check(
        cert, roots=confianza.authorities(), revocacion=confianza.revocation()
    )
    if problems:
        raise firma.FirmaError(" ".join(problems))
    identity = firma.Identidad(certificate=cert, private_key=private_key, chain=(issuer,))
    results = []
    for borrador_id in ids:
        try:
            results.append(Firmado(_sign_one(borrador_id, user, identity)))
        except (ActionError, firma.FirmaError, PermissionDenied) as exc:
            borrador = Borrador.objects.select_related("turno__escrito").get(pk=borrador_id)
            results.append(Firmado(borrador, str(exc) or "No tiene permiso para firmarla."))
    return results


@transaction.atomic
def _sign_one(borrador_id: int, user, identity: firma.Identidad) -> Borrador:
    borrador = _lock_for_titular(borrador_id, user)
    firmante = firma.Titular.of(identity.certificate)
    now = timezone.now()
    folio = borrador.turno.escrito.folio
    signed = firma.sign_pdf(
        oficio_render_pdf(borrador, firmante=firmante, at=now, ausencia=ausencia_label(user)),
        identity=identity,
        field_name="FirmaTitular",
        reason=f"Respuesta al escrito {folio}",
        location=settings.INSTITUTION_NAME,
    )
    # The ayuntamiento seals what it issues, after the titular (incremental: both hold).
    signed = firma.sign_pdf(
        signed,
        reason=f"Oficio de respuesta del escrito {folio}",
        location=settings.INSTITUTION_NAME,
    )
    upload = SimpleUploadedFile(f"oficio-respuesta-{folio}.pdf", signed, "application/pdf")
    respuesta = turno_answer(
        turno_id=borrador.turno_id,
        user=user,
        texto=borrador.texto,
        sense=borrador.sense,
        oficio=inspect(upload),
        signed=True,
    )
    borrador.estado = EstadoBorrador.FIRMADO
    borrador.firmado_por, borrador.firmado_en = user, now
    borrador.firmante_nombre, borrador.firmante_rfc = firmante.nombre, firmante.rfc
    borrador.firmante_curp = firmante.curp
    borrador.certificado_serie = firmante.numero_serie
    borrador.certificado_sha256 = identity.certificate.fingerprint(firma.hashes.SHA256()).hex()
    borrador.respuesta = respuesta
    borrador.save()
    bitacora.record(
        action=Accion.RESPUESTA_FIRMAR,
        object_type="borrador",
        object_ref=str(borrador.pk),
        folio=folio,
        changes={
            "redacto": borrador.redactado_por.get_username(),
            "firmante_rfc": firmante.rfc,
            "certificado": borrador.certificado_serie,
            "oficio_sha256": respuesta.oficio.sha256,
        },
    )
    return borrador
