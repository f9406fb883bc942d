"""Use cases of the citizen's account: register, confirm the address, keep the petitioner
data, gather escritos, choose the email notices, and the ARCO requests (access,
rectification, cancellation, opposition) that the Unidad de Transparencia resolves.

Each one locks what it changes and writes its bitácora entry in the same transaction. The
entries name the account by number, never by its email or the citizen's name: the bitácora
is append-only, so what goes in there could never be cancelled.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from correspondencia import selectors as correspondencia_selectors
from correspondencia.models import (
    OPEN_ESCRITO_STATES,
    Escrito,
    Peticionario,
)
from correspondencia.transiciones import transicion_record
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.colas import RETRY
from oficialia.folios import FolioSeries, allocate_folio, parse_folio
from oficialia.roles import Role, has_role

from . import plazos_arco
from .correos import email_queue
from .models import (
    REQUIRED_NOTICE_KINDS,
    ArcoChannel,
    ArcoKind,
    ArcoState,
    ConfirmacionVinculo,
    CorreoKind,
    Cuenta,
    EscritoVinculado,
    LinkHow,
    NoticeKind,
    SolicitudArco,
    Tratamiento,
)

logger = logging.getLogger(__name__)
User = get_user_model()

USERNAME_PREFIX = "ciudadano-"
# The petitioner fields a rectification may correct (their names in Peticionario).
RECTIFIABLE_FIELDS = {"nombre": "Nombre", "telefono": "Teléfono", "curp": "CURP", "rfc": "RFC"}
# The same words whether the folio does not exist or the code is wrong.
WRONG_FOLIO_OR_CODE = (
    "El folio o el código de acceso no son correctos. Revise ambos datos en su acuse de "
    "recibo; el código no distingue mayúsculas ni guiones."
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _record(action: Accion, cuenta: Cuenta, *, actor=None, folio: str = "", changes=None) -> None:
    bitacora.record(
        action=action,
        object_type="cuenta",
        object_ref=str(cuenta.pk),
        folio=folio,
        changes=changes,
        actor=actor if actor is not None else cuenta.user,
    )


def _lock_cuenta(cuenta_id: int) -> Cuenta:
    return Cuenta.objects.select_for_update(of=("self",)).select_related("user").get(pk=cuenta_id)


# Registration and confirmation -------------------------------------------------------------


def _new_username() -> str:
    while True:
        username = USERNAME_PREFIX + secrets.token_hex(6)
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def cuenta_register(*, email: str, password: str) -> Cuenta | None:
    """Open an account, unconfirmed, and email the confirmation link after commit.

    When the address already has an account nothing is created and its owner is emailed
    instead (sign in, or reset the password): the page says the same either way, so the
    form does not tell which addresses have an account. Returns None in that case.
    """
    email = normalize_email(email)
    existing = Cuenta.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=_new_username(), email="", password=password
                )
                # The address goes in by an update, not a save: the audit of User changes
                # (oficialia/auditoria.py) copies every field into the append-only bitácora,
                # where a citizen's email could never be cancelled. The account is recorded
                # below, by number.
                User.objects.filter(pk=user.pk).update(email=email)
                user.email = email
                cuenta = Cuenta.objects.create(user=user, email=email, created_at=timezone.now())
        except IntegrityError:
            existing = Cuenta.objects.get(email=email)  # registered at the same instant
        else:
            _record(Accion.CUENTA_REGISTRAR, cuenta)
            email_queue(CorreoKind.CONFIRMAR, cuenta_id=cuenta.pk)
            return cuenta
    email_queue(CorreoKind.YA_REGISTRADA, cuenta_id=existing.pk)
    return None


@transaction.atomic
def verification_resend(*, email: str) -> bool:
    """Send the confirmation link again to an unconfirmed account; nothing otherwise (the
    page says the same)."""
    cuenta = Cuenta.objects.filter(
        email=normalize_email(email), verified_at__isnull=True, cancelled_at__isnull=True
    ).first()
    if cuenta is None:
        return False
    email_queue(CorreoKind.CONFIRMAR, cuenta_id=cuenta.pk)
    return True


@transaction.atomic
def cuenta_verify(*, user_id: int) -> Cuenta:
    """The citizen opened the confirmation link (or reset the password, which proves the
    same): the account may sign in."""
    cuenta = (
        Cuenta.objects.select_for_update(of=("self",)).select_related("user").get(user_id=user_id)
    )
    if cuenta.verified_at is None:
        cuenta.verified_at = timezone.now()
        cuenta.save(update_fields=["verified_at"])
        _record(Accion.CUENTA_CONFIRMAR, cuenta)
    return cuenta


# The account's data ------------------------------------------------------------------------


@transaction.atomic
def cuenta_data_update(
    *, cuenta_id: int, nombre: str, telefono: str, curp: str, domicilio: str
) -> Cuenta:
    """Save the petitioner data that fills the filing form. The bitácora says which fields
    changed, not their values."""
    cuenta = _lock_cuenta(cuenta_id)
    new = {"nombre": nombre, "telefono": telefono, "curp": curp, "domicilio": domicilio}
    changed = sorted(f for f, v in new.items() if getattr(cuenta, f) != v.strip())
    if changed:
        for field, value in new.items():
            setattr(cuenta, field, value.strip())
        cuenta.save(update_fields=list(new))
        _record(Accion.CUENTA_DATOS, cuenta, changes={"campos": changed})
    return cuenta


@transaction.atomic
def cuenta_notices_update(*, cuenta_id: int, email_kinds: set[str]) -> Cuenta:
    """Choose which kinds of change are emailed; the list inside the account shows them all."""
    cuenta = _lock_cuenta(cuenta_id)
    fields = [f"notify_{kind}" for kind in NoticeKind.values]
    for kind in NoticeKind.values:
        # The legally required notices stay on whatever was posted.
        setattr(cuenta, f"notify_{kind}", kind in email_kinds or kind in REQUIRED_NOTICE_KINDS)
    cuenta.save(update_fields=fields)
    _record(
        Accion.CUENTA_AVISOS,
        cuenta,
        changes={
            "por_correo": sorted(
                k for k in NoticeKind.values if k in email_kinds or k in REQUIRED_NOTICE_KINDS
            )
        },
    )
    return cuenta


def cuenta_notices_seen(*, cuenta_id: int) -> None:
    """The citizen opened the list of notices (not worth a bitácora entry)."""
    Cuenta.objects.filter(pk=cuenta_id).update(notices_seen_at=timezone.now())


# Mis escritos ------------------------------------------------------------------------------


@transaction.atomic
def escrito_link(*, cuenta_id: int, escrito_id: int, how: LinkHow) -> EscritoVinculado:
    """Put an escrito in the account's "Mis escritos". Linking it again is harmless; an
    escrito already in another account stays there."""
    cuenta = _lock_cuenta(cuenta_id)
    escrito = Escrito.objects.select_for_update(of=("self",)).get(pk=escrito_id)
    link = EscritoVinculado.objects.filter(escrito=escrito).first()
    if link is not None:
        if link.cuenta_id != cuenta.pk:
            raise ActionError(
                "Ese escrito ya está en otra cuenta. Si usted es quien lo presentó, acuda a la "
                "Oficialía de Partes con su acuse."
            )
        return link
    link = EscritoVinculado.objects.create(
        cuenta=cuenta, escrito=escrito, how=how, linked_at=timezone.now()
    )
    _record(Accion.CUENTA_AGREGAR_ESCRITO, cuenta, folio=escrito.folio, changes={"como": how})
    return link


def escrito_link_if_signed_in(*, user, escrito_id: int) -> None:
    """The hook of the public filing form: an escrito filed while signed in with a citizen
    account goes into its "Mis escritos"."""
    from .selectors import cuenta_of

    cuenta = cuenta_of(user)
    if cuenta is not None:
        escrito_link(cuenta_id=cuenta.pk, escrito_id=escrito_id, how=LinkHow.PRESENTADO)


@dataclass(frozen=True)
class AddResult:
    """What adding an escrito did: linked it at once, or sent a confirmation to `sent_to`
    (the escrito's email, masked)."""

    escrito: Escrito
    linked: bool
    sent_to: str = ""


def mask_email(address: str) -> str:
    """ "lupita@example.com" → "l*****@e******.com": enough to recognise one's own address."""
    local, _, domain = address.partition("@")
    name, dot, tld = domain.rpartition(".")

    def hide(part: str) -> str:
        return part[:1] + "*" * max(len(part) - 1, 1)

    return f"{hide(local)}@{hide(name)}{dot}{tld}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def escrito_add(*, cuenta_id: int, folio: str, code: str) -> AddResult:
    """Add an escrito filed before (or without) the account. Folio and access code are not
    enough (a gestor who filed for others holds many): the escrito goes in at once only when
    its email is the account's own confirmed address; otherwise a confirmation link is sent
    to the email written on the escrito, and only the account that asked can use it. An
    escrito without an email is linked at the Oficialía, by staff who see an identification.
    A wrong code and an unknown folio get the same message."""
    escrito = correspondencia_selectors.escrito_for_public_lookup(folio=folio, code=code)
    if escrito is None:
        raise ActionError(WRONG_FOLIO_OR_CODE)
    cuenta = _lock_cuenta(cuenta_id)
    link = EscritoVinculado.objects.filter(escrito=escrito).first()
    if link is not None and link.cuenta_id == cuenta.pk:
        return AddResult(escrito, linked=True)
    contact = normalize_email(escrito.peticionario.email)
    if cuenta.is_verified and contact and contact == cuenta.email:
        _link_or_claim(cuenta, escrito, how=LinkHow.AGREGADO)
        return AddResult(escrito, linked=True)
    if not contact:
        raise ActionError(
            "Este escrito no tiene un correo electrónico al cual enviar la confirmación. Para "
            "agregarlo a su cuenta acuda a la Oficialía de Partes con su acuse y una "
            "identificación oficial."
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    confirmacion = ConfirmacionVinculo.objects.create(
        cuenta=cuenta,
        escrito=escrito,
        token_sha256=_token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.LINK_CONFIRMATION_HOURS),
    )
    _record(Accion.CUENTA_PEDIR_VINCULO, cuenta, folio=escrito.folio)
    email_queue(CorreoKind.CONFIRMAR_VINCULO, confirmacion_id=confirmacion.pk, token=token)
    return AddResult(escrito, linked=False, sent_to=mask_email(contact))


LINK_CONFIRMATION_INVALID = (
    "El enlace de confirmación no es válido o ya venció. Agregue el escrito otra vez desde "
    "«Mis escritos» para recibir uno nuevo."
)


@transaction.atomic
def escrito_link_confirm(*, cuenta_id: int, token: str) -> Escrito:
    """The confirmation link was opened inside the account that asked: the escrito goes into
    it, moved from another account if it was there (both are told)."""
    confirmacion = (
        ConfirmacionVinculo.objects.select_for_update()
        .filter(token_sha256=_token_hash(token), confirmed_at__isnull=True)
        .first()
    )
    if confirmacion is None or confirmacion.expires_at <= timezone.now():
        raise ActionError(LINK_CONFIRMATION_INVALID)
    if confirmacion.cuenta_id != cuenta_id:
        raise ActionError(
            "Este enlace confirma una solicitud hecha desde otra cuenta. Entre con la cuenta "
            "desde la que pidió agregar el escrito, o si usted no lo pidió, no haga nada: el "
            "escrito no se agregará."
        )
    cuenta = _lock_cuenta(cuenta_id)
    escrito = confirmacion.escrito
    confirmacion.confirmed_at = timezone.now()
    confirmacion.save(update_fields=["confirmed_at"])
    link = EscritoVinculado.objects.filter(escrito=escrito).first()
    if link is None or link.cuenta_id != cuenta.pk:
        _link_or_claim(cuenta, escrito, how=LinkHow.CONFIRMADO)
    return escrito


def _link_or_claim(cuenta: Cuenta, escrito: Escrito, *, how: LinkHow) -> EscritoVinculado:
    """Link the escrito to the account, proven; if another account holds it, move it and
    tell both accounts by email."""
    escrito = Escrito.objects.select_for_update(of=("self",)).get(pk=escrito.pk)
    link = EscritoVinculado.objects.select_for_update().filter(escrito=escrito).first()
    if link is None:
        link = EscritoVinculado.objects.create(
            cuenta=cuenta, escrito=escrito, how=how, linked_at=timezone.now()
        )
        _record(Accion.CUENTA_AGREGAR_ESCRITO, cuenta, folio=escrito.folio, changes={"como": how})
        return link
    if link.cuenta_id == cuenta.pk:
        return link
    previous = link.cuenta_id
    link.cuenta = cuenta
    link.how = LinkHow.RECLAMADO
    link.linked_at = timezone.now()
    link.save(update_fields=["cuenta", "how", "linked_at"])
    _record(
        Accion.CUENTA_RECLAMAR_ESCRITO,
        cuenta,
        folio=escrito.folio,
        changes={"de_cuenta": previous, "a_cuenta": cuenta.pk},
    )
    email_queue(CorreoKind.VINCULO, cuenta_id=previous, folio=escrito.folio, kind="perdido")
    email_queue(CorreoKind.VINCULO, cuenta_id=cuenta.pk, folio=escrito.folio, kind="reclamado")
    return link


@transaction.atomic
def escrito_link_at_desk(*, user, folio: str, email: str, reason: str) -> EscritoVinculado:
    """Staff of the Oficialía put an escrito in an account after seeing the petitioner's
    identification (an escrito without email, or a claim made in person), with the reason,
    on record. If another account held it, it moves and both are told."""
    if not has_role(user, Role.OFICIALIA):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ActionError("Escriba cómo se identificó el peticionario.")
    escrito = Escrito.objects.filter(folio=parse_folio(folio) or folio.strip().upper()).first()
    cuenta = Cuenta.objects.filter(
        email=normalize_email(email), verified_at__isnull=False, cancelled_at__isnull=True
    ).first()
    if escrito is None or cuenta is None:
        raise ActionError("Revise el folio y el correo de la cuenta (una cuenta confirmada).")
    cuenta = _lock_cuenta(cuenta.pk)
    link = _link_or_claim(cuenta, escrito, how=LinkHow.OFICIALIA)
    bitacora.record(
        action=Accion.CUENTA_VINCULAR_OFICIALIA,
        object_type="cuenta",
        object_ref=str(cuenta.pk),
        folio=escrito.folio,
        changes={"motivo": reason},
        actor=user,
    )
    return link


@transaction.atomic
def escrito_unlink(*, vinculo_id: int, user, reason: str) -> str:
    """Staff of the Oficialía take an escrito out of an account (a link made by someone who
    was not the petitioner), with the reason, on record. Returns the folio."""
    if not has_role(user, Role.OFICIALIA):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ActionError("Escriba por qué se quita el escrito de la cuenta.")
    link = (
        EscritoVinculado.objects.select_for_update(of=("self",))
        .select_related("escrito", "cuenta")
        .filter(pk=vinculo_id)
        .first()
    )
    if link is None:
        raise ActionError("Ese vínculo ya no existe.")
    folio, cuenta = link.escrito.folio, link.cuenta
    link.delete()
    bitacora.record(
        action=Accion.CUENTA_DESVINCULAR,
        object_type="cuenta",
        object_ref=str(cuenta.pk),
        folio=folio,
        changes={"motivo": reason},
        actor=user,
    )
    email_queue(
        CorreoKind.VINCULO, cuenta_id=cuenta.pk, folio=folio, kind="desvinculado", reason=reason
    )
    return folio


# ARCO: requests (the Unidad de Transparencia) ---------------------------------------------

ARCO_STAFF = (Role.TRANSPARENCIA,)
ARCO_INTAKE = (Role.TRANSPARENCIA, Role.VENTANILLA)


def _clean_rectification(kind: str, rectificacion: dict | None) -> dict:
    values = {
        k: v.strip()
        for k, v in (rectificacion or {}).items()
        if k in RECTIFIABLE_FIELDS and v and v.strip()
    }
    if kind == ArcoKind.RECTIFICACION and not values:
        raise ActionError("Escriba al menos un dato corregido.")
    return values if kind == ArcoKind.RECTIFICACION else {}


def _clean_treatment(kind: str, tratamiento: str) -> str:
    """An opposition names the treatment opposed; the other rights name none."""
    if kind != ArcoKind.OPOSICION:
        return ""
    if tratamiento not in Tratamiento.values:
        raise ActionError("Elija el uso de sus datos al que se opone.")
    return tratamiento


def _arco_new(**fields) -> SolicitudArco:
    """Create the request with its receipt folio (its own series) and its answer term."""
    now = timezone.now()
    folio = allocate_folio(series=FolioSeries.ARCO, moment=now)
    solicitud = SolicitudArco.objects.create(
        folio=str(folio),
        requested_at=now,
        answer_due=plazos_arco.answer_due(now),
        **fields,
    )
    staff_notify(
        users_with_roles(*ARCO_STAFF),
        f"Nueva solicitud ARCO {solicitud.folio}: "
        f"{ArcoKind(solicitud.kind).label.lower()}, responder a más tardar el "
        f"{solicitud.answer_due:%d/%m/%Y}",
        reverse("arco_solicitud", args=[solicitud.pk]),
    )
    return solicitud


@transaction.atomic
def arco_request_create(
    *,
    cuenta_id: int,
    kind: ArcoKind,
    detalle: str,
    rectificacion: dict | None = None,
    tratamiento: str = "",
) -> SolicitudArco:
    """A citizen asks, from the account, to exercise a right over the account's data."""
    cuenta = _lock_cuenta(cuenta_id)
    if cuenta.cancelled_at:
        raise PermissionDenied
    if kind not in ArcoKind.values:
        raise ActionError("Elija qué derecho ejerce.")
    if not detalle.strip():
        raise ActionError("Escriba qué pide y por qué.")
    values = _clean_rectification(kind, rectificacion)
    tratamiento = _clean_treatment(kind, tratamiento)
    if SolicitudArco.objects.filter(cuenta=cuenta, kind=kind, state=ArcoState.PENDIENTE).exists():
        raise ActionError("Ya tiene una solicitud de este tipo en trámite; espere su respuesta.")
    solicitud = _arco_new(
        cuenta=cuenta,
        channel=ArcoChannel.CUENTA,
        kind=kind,
        detalle=detalle.strip(),
        rectificacion=values,
        tratamiento=tratamiento,
    )
    # The fields named, never their values nor the text: the bitácora cannot forget them.
    _record(
        Accion.ARCO_SOLICITAR,
        cuenta,
        changes={
            "solicitud": solicitud.folio,
            "derecho": kind,
            "campos": sorted(values),
            **({"tratamiento": tratamiento} if tratamiento else {}),
        },
    )
    return solicitud


@transaction.atomic
def arco_request_register(
    *,
    user,
    kind: ArcoKind,
    titular_nombre: str,
    titular_contacto: str,
    detalle: str,
    folios: list[str],
    rectificacion: dict | None = None,
    tratamiento: str = "",
) -> SolicitudArco:
    """A request presented on paper at the ventanilla (the titular identified in person):
    the clerk or the Unidad captures it and hands over the receipt folio."""
    if not has_role(user, *ARCO_INTAKE):
        raise PermissionDenied
    if kind not in ArcoKind.values:
        raise ActionError("Elija qué derecho ejerce.")
    if not titular_nombre.strip() or not titular_contacto.strip() or not detalle.strip():
        raise ActionError("Escriba el nombre del titular, dónde notificarle y qué pide.")
    folios = sorted({parse_folio(f) or f.strip().upper() for f in folios if f.strip()})
    known = set(Escrito.objects.filter(folio__in=folios).values_list("folio", flat=True))
    if unknown := [f for f in folios if f not in known]:
        raise ActionError(f"No existen estos folios: {', '.join(unknown)}.")
    if kind in (ArcoKind.RECTIFICACION, ArcoKind.CANCELACION) and not folios:
        raise ActionError("Anote el folio de cada escrito al que se refiere la solicitud.")
    solicitud = _arco_new(
        channel=ArcoChannel.VENTANILLA,
        titular_nombre=titular_nombre.strip(),
        titular_contacto=titular_contacto.strip(),
        kind=kind,
        detalle=detalle.strip(),
        folios=folios,
        rectificacion=_clean_rectification(kind, rectificacion),
        tratamiento=_clean_treatment(kind, tratamiento),
    )
    bitacora.record(
        action=Accion.ARCO_SOLICITAR,
        object_type="solicitud_arco",
        object_ref=solicitud.folio,
        changes={"derecho": kind, "medio": ArcoChannel.VENTANILLA, "escritos": folios},
        actor=user,
    )
    return solicitud


def _lock_solicitud(solicitud_id: int, user) -> SolicitudArco:
    if not has_role(user, *ARCO_STAFF):
        raise PermissionDenied
    return (
        SolicitudArco.objects.select_for_update(of=("self",))
        .select_related("cuenta")
        .get(pk=solicitud_id)
    )


def _arco_record(solicitud: SolicitudArco, action: Accion, user, **changes) -> None:
    bitacora.record(
        action=action,
        object_type="solicitud_arco",
        object_ref=solicitud.folio,
        changes={"derecho": solicitud.kind, **changes},
        actor=user,
    )


@transaction.atomic
def arco_request_extend(*, solicitud_id: int, user, reason: str) -> SolicitudArco:
    """Extend the answer's term, once, with the reason (it is notified with the answer)."""
    solicitud = _lock_solicitud(solicitud_id, user)
    if solicitud.state != ArcoState.PENDIENTE:
        raise ActionError("Solo se amplía el plazo de una solicitud en trámite.")
    if solicitud.extended_at:
        raise ActionError("El plazo de respuesta ya se amplió una vez; no puede ampliarse más.")
    if not reason.strip():
        raise ActionError("Escriba por qué se amplía el plazo.")
    solicitud.extended_at = timezone.now()
    solicitud.extension_reason = reason.strip()
    solicitud.answer_due = plazos_arco.answer_due(solicitud.requested_at, extended=True)
    solicitud.save(update_fields=["extended_at", "extension_reason", "answer_due"])
    _arco_record(solicitud, Accion.ARCO_AMPLIAR, user, vence=solicitud.answer_due.isoformat())
    return solicitud


@transaction.atomic
def arco_request_resolve(
    *,
    solicitud_id: int,
    user,
    accept: bool,
    resolucion: str,
    rectificacion: dict | None = None,
    execute: bool = True,
) -> SolicitudArco:
    """Answer a request: procedente (and, with `execute`, carry it out at once) or
    improcedente with the reason. An account's answer is notified by email at once (the
    term to carry it out counts from there); a paper request's notification is recorded
    by the Unidad (`arco_answer_notify`)."""
    solicitud = _lock_solicitud(solicitud_id, user)
    if solicitud.state != ArcoState.PENDIENTE:
        raise ActionError("Esta solicitud ya fue respondida.")
    resolucion = resolucion.strip()
    if not accept and not resolucion:
        raise ActionError("Escriba el fundamento y motivo por el que es improcedente.")
    if accept and solicitud.kind == ArcoKind.RECTIFICACION:
        solicitud.rectificacion = _clean_rectification(
            solicitud.kind, rectificacion or solicitud.rectificacion
        )
    solicitud.state = ArcoState.PROCEDENTE if accept else ArcoState.IMPROCEDENTE
    solicitud.resolved_at = timezone.now()
    solicitud.resolved_by = user
    solicitud.resolucion = resolucion
    solicitud.save(
        update_fields=["state", "rectificacion", "resolved_at", "resolved_by", "resolucion"]
    )
    _arco_record(solicitud, Accion.ARCO_RESPONDER, user, resultado=solicitud.state)
    # Read before a cancellation erases it from the account.
    address = solicitud.cuenta.email if solicitud.cuenta else ""
    if solicitud.channel == ArcoChannel.CUENTA:
        _arco_notify(solicitud, user, channel="Correo electrónico de la cuenta ciudadana")
    if accept and execute:
        _arco_execute(solicitud, user)
    if address:
        email_queue(CorreoKind.ARCO, solicitud_id=solicitud.pk, address=address)
    return solicitud


def _arco_notify(solicitud: SolicitudArco, user, *, channel: str, at=None) -> None:
    solicitud.notified_at = at or timezone.now()
    solicitud.notification_channel = channel
    if solicitud.state == ArcoState.PROCEDENTE:
        solicitud.execution_due = plazos_arco.execution_due(solicitud.notified_at)
    solicitud.save(update_fields=["notified_at", "notification_channel", "execution_due"])
    _arco_record(solicitud, Accion.ARCO_NOTIFICAR, user, medio=channel)


@transaction.atomic
def arco_answer_notify(*, solicitud_id: int, user, channel: str, at=None) -> SolicitudArco:
    """Record how and when the answer of a paper request was notified to the titular."""
    solicitud = _lock_solicitud(solicitud_id, user)
    if solicitud.resolved_at is None:
        raise ActionError("Primero registre la respuesta.")
    if solicitud.notified_at:
        raise ActionError("La notificación de la respuesta ya está registrada.")
    if not channel.strip():
        raise ActionError("Escriba cómo se notificó (en persona, por correo certificado...).")
    _arco_notify(solicitud, user, channel=channel.strip(), at=at)
    return solicitud


@transaction.atomic
def arco_request_execute(*, solicitud_id: int, user) -> SolicitudArco:
    """Carry out a procedente request (within its term)."""
    solicitud = _lock_solicitud(solicitud_id, user)
    if solicitud.state != ArcoState.PROCEDENTE:
        raise ActionError("Solo se hace efectiva una solicitud procedente.")
    address = solicitud.cuenta.email if solicitud.cuenta else ""
    _arco_execute(solicitud, user)
    if address:
        # The titular learns it was done (an access request receives the data with it).
        email_queue(CorreoKind.ARCO, solicitud_id=solicitud.pk, address=address)
    return solicitud


def _paper_escritos(solicitud: SolicitudArco) -> list[Escrito]:
    return list(
        Escrito.objects.select_for_update(of=("self",))
        .filter(folio__in=solicitud.folios)
        .select_related("peticionario")
        .order_by("pk")
    )


def _arco_execute(solicitud: SolicitudArco, user) -> None:
    """Each right's effect:
    - access: the data is delivered: to an account, the answer's email carries the same
      export the account downloads (PDF and JSON, made when it is sent); on paper the Unidad
      hands over a copy. The delivery is recorded;
    - rectification: the corrected values go to the petitioner of each escrito concerned;
    - cancellation: a bloqueo (`cuenta_data_cancel`, or `escrito_data_block` on paper);
    - opposition: the treatment opposed stops. Opposing the email notices switches an
      account's notices off here; the others (statistics, quality ratings, "other") are
      carried out by the Unidad as its answer says (the petition itself needs no consent,
      LGPDPPSO art. 16)."""
    changes: dict = {}
    escritos = _lock_escritos(solicitud.cuenta) if solicitud.cuenta else _paper_escritos(solicitud)
    if solicitud.kind == ArcoKind.RECTIFICACION:
        changes["escritos"] = _rectify(escritos, solicitud.rectificacion, user)
        changes["campos"] = sorted(solicitud.rectificacion)
    elif solicitud.kind == ArcoKind.CANCELACION:
        if solicitud.cuenta:
            changes["escritos"] = cuenta_data_cancel(cuenta_id=solicitud.cuenta_id, user=user)
        else:
            _refuse_open(escritos)
            for escrito in escritos:
                escrito_data_block(escrito=escrito, user=user)
            changes["escritos"] = [e.folio for e in escritos]
    elif solicitud.kind == ArcoKind.ACCESO:
        changes["entrega"] = "correo de la cuenta" if solicitud.cuenta else "copia en ventanilla"
    elif solicitud.kind == ArcoKind.OPOSICION:
        changes["tratamiento"] = solicitud.tratamiento
        if solicitud.cuenta and solicitud.tratamiento in ("", Tratamiento.AVISOS):
            Cuenta.objects.filter(pk=solicitud.cuenta_id).update(
                **{f"notify_{kind}": False for kind in NoticeKind.values}
            )
            changes["avisos_por_correo"] = "desactivados"
    solicitud.state = ArcoState.ATENDIDA
    solicitud.executed_at = timezone.now()
    solicitud.save(update_fields=["state", "executed_at"])
    _arco_record(solicitud, Accion.ARCO_RESOLVER, user, resultado=solicitud.state, **changes)


# ARCO: reminders ---------------------------------------------------------------------------


@shared_task(name="cuentas.tasks.send_arco_reminders", **RETRY)
def send_arco_reminders() -> int:
    return arco_reminders_send()


def arco_reminders_send(*, today=None) -> int:
    """Remind the Unidad de Transparencia of each term about to end (or ended): once per
    term. Returns how many reminders went out."""
    from oficialia.calendario import BusinessCalendar

    today = today or timezone.localdate()
    calendar = BusinessCalendar()
    staff = list(users_with_roles(*ARCO_STAFF))
    sent = 0
    for solicitud in SolicitudArco.objects.filter(
        state__in=[ArcoState.PENDIENTE, ArcoState.PROCEDENTE]
    ):
        if not plazos_arco.reminder_due(solicitud, today=today, calendar=calendar):
            continue
        due = plazos_arco.current_due(solicitud)
        what = "responder" if solicitud.state == ArcoState.PENDIENTE else "hacer efectiva"
        when = "venció" if due < today else "vence"
        with transaction.atomic():
            updated = SolicitudArco.objects.filter(pk=solicitud.pk).exclude(reminded_due=due)
            if not updated.update(reminded_due=due):
                continue
            staff_notify(
                staff,
                f"Solicitud ARCO {solicitud.folio}: el plazo para {what} {when} el {due:%d/%m/%Y}",
                reverse("arco_solicitud", args=[solicitud.pk]),
            )
        sent += 1
    return sent


def _lock_escritos(cuenta: Cuenta) -> list[Escrito]:
    """The account's escritos, locked in a fixed order (as due_dates_recompute does)."""
    return list(
        Escrito.objects.select_for_update(of=("self",))
        .filter(vinculo__cuenta=cuenta)
        .select_related("peticionario")
        .order_by("pk")
    )


def _rectify(escritos: list[Escrito], values: dict, user) -> list[str]:
    """Correct the petitioner data of the escritos. The Peticionario's history keeps the old
    values: it is the record of the rectification."""
    folios = []
    for escrito in escritos:
        peticionario = escrito.peticionario
        for field, value in values.items():
            setattr(peticionario, field, value)
        peticionario._change_reason = "Rectificación (derechos ARCO)"
        peticionario.save()
        transicion_record(
            escrito=escrito,
            action=Accion.ESCRITO_RECTIFICAR,
            description="Datos del peticionario rectificados a solicitud del titular (ARCO)",
            actor=user,
        )
        folios.append(escrito.folio)
    return folios


# ARCO: cancellation ------------------------------------------------------------------------


def cuenta_data_cancel(*, cuenta_id: int, user) -> list[str]:
    """Cancel the personal data of a citizen account (ARCO): a blocking, then, for the
    account itself, a deletion. Runs in the caller's transaction (`arco_request_resolve`);
    returns the folios whose petitioner data was blocked.

    Only when none of the account's escritos is still in process: an escrito whose
    petitioner is out of every use could not be answered (the citizen may withdraw it first).

    The escritos are public archive documents (Ley General de Archivos; altering them outside
    the archival disposal is an offence, arts. 116 and 121), so NOTHING in them changes: not
    the escrito, its attachments, the answer, the oficio, the acuse or any stored file. The
    petitioner's data on each is marked blocked (`Peticionario.bloqueado_at`): staff pages
    show it masked, exports, open data and searches leave it out, and no notice is sent to
    it. It is suppressed only when the archival retention of the escrito ends, by the
    `suprimir_datos_bloqueados` command.

    The account is not an archive document and is deleted at once: its email (in the Cuenta
    and in the User), the saved petitioner data and notice preferences, its links to
    escritos, pending link confirmations, the password (unusable, the user inactive) and
    django-axes' records of its sign-ins. The bitácora is append-only and records that this
    happened; it never held the petitioner's name, email, phone or CURP.
    """
    cuenta = _lock_cuenta(cuenta_id)
    escritos = _lock_escritos(cuenta)
    _refuse_open(escritos)
    now = timezone.now()
    for escrito in escritos:
        escrito_data_block(escrito=escrito, user=user, now=now)
    _cuenta_delete_data(cuenta, now)
    return [e.folio for e in escritos]


def _refuse_open(escritos: list[Escrito]) -> None:
    open_ones = [e.folio for e in escritos if e.state in OPEN_ESCRITO_STATES]
    if open_ones:
        raise ActionError(
            "No se pueden cancelar los datos mientras haya escritos en trámite ("
            + ", ".join(open_ones)
            + "): el peticionario puede desistirse de ellos, o espere a que se respondan."
        )


def escrito_data_block(*, escrito: Escrito, user, now=None) -> None:
    """Block the petitioner data of one escrito (ARCO cancellation) without changing a byte
    of it. An update, not a save: the Peticionario's history would copy the data again."""
    Peticionario.objects.filter(pk=escrito.peticionario_id, bloqueado_at__isnull=True).update(
        bloqueado_at=now or timezone.now()
    )
    transicion_record(
        escrito=escrito,
        action=Accion.ESCRITO_CANCELAR_DATOS,
        description="Datos del peticionario bloqueados a solicitud del titular (cancelación ARCO)",
        actor=user,
        public=False,
        notify=False,
    )


def _cuenta_delete_data(cuenta: Cuenta, now) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    user = cuenta.user
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.username).delete()
    EscritoVinculado.objects.filter(cuenta=cuenta).delete()
    ConfirmacionVinculo.objects.filter(cuenta=cuenta).delete()
    Cuenta.objects.filter(pk=cuenta.pk).update(
        email="",
        nombre="",
        telefono="",
        curp="",
        domicilio="",
        notify_avance=True,
        notify_prevencion=True,
        notify_respuesta=True,
        notify_cierre=True,
        notices_seen_at=None,
        cancelled_at=now,
    )
    # An update, not a save: the audit of User changes would copy the old email into the
    # bitácora (see cuenta_register). The bitácora gets "arco.resolver" instead.
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        email="", first_name="", last_name="", password=user.password, is_active=False
    )
