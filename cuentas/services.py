"""Use cases of the citizen's account: register, confirm the address, keep the petitioner
data, gather escritos, choose the email notices, and the ARCO requests (rectification and
cancellation) that the administración resolves.

Each one locks what it changes and writes its bitácora entry in the same transaction. The
entries name the account by number, never by its email or the citizen's name: the bitácora
is append-only, so what goes in there could never be cancelled.
"""

import logging
import secrets
import uuid

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from correspondencia import selectors as correspondencia_selectors
from correspondencia.models import (
    OPEN_ESCRITO_STATES,
    Acuse,
    Adjunto,
    Escrito,
    Peticionario,
    Transicion,
)
from correspondencia.services import acuse_queue
from correspondencia.transiciones import transicion_record
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.archivos import delete_files
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.colas import RETRY
from oficialia.models import Notificacion
from oficialia.roles import Role, has_role
from turnos.models import (
    Evaluacion,
    Prevencion,
    Respuesta,
    Tarea,
    TareaComentario,
    Turno,
)

from .models import (
    ArcoKind,
    ArcoState,
    Cuenta,
    EscritoVinculado,
    LinkHow,
    NoticeKind,
    SolicitudArco,
)
from .tokens import email_verification_token

logger = logging.getLogger(__name__)
User = get_user_model()

USERNAME_PREFIX = "ciudadano-"
# What a cancelled text reads afterwards.
REDACTED = "[Dato cancelado]"
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
            transaction.on_commit(lambda: _queue(send_verification_email, cuenta.pk))
            return cuenta
    transaction.on_commit(lambda: _queue(send_account_exists_email, existing.pk))
    return None


def _queue(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:
        # The person can ask for the email again from the sign-in page.
        logger.exception("could not queue %s%s", task.name, args)


# The tasks sit beside the services they call; their names are the ones they had in
# cuentas.tasks, so queued messages still find them.
@shared_task(name="cuentas.tasks.send_verification_email", **RETRY)
def send_verification_email(cuenta_id: int) -> None:
    verification_email_send(cuenta_id=cuenta_id)


@shared_task(name="cuentas.tasks.send_account_exists_email", **RETRY)
def send_account_exists_email(cuenta_id: int) -> None:
    account_exists_email_send(cuenta_id=cuenta_id)


@shared_task(name="cuentas.tasks.send_arco_resolution_email", **RETRY)
def send_arco_resolution_email(solicitud_id: int, address: str) -> None:
    # The address travels with the task: a cancellation has erased it from the account.
    arco_resolution_email_send(solicitud_id=solicitud_id, address=address)


def confirmation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.PUBLIC_BASE_URL + reverse("cuenta_confirmar", args=[uid, token])


def verification_email_send(*, cuenta_id: int) -> bool:
    """Email the confirmation link, unless the address is already confirmed."""
    cuenta = Cuenta.objects.select_related("user").get(pk=cuenta_id)
    if cuenta.is_verified or cuenta.cancelled_at or not cuenta.email:
        return False
    context = {
        "link": confirmation_link(cuenta.user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        subject="Confirme su correo · Oficialía de Partes",
        message=render_to_string("cuentas/email/confirmar.txt", context),
        from_email=None,
        recipient_list=[cuenta.email],
    )
    return True


def account_exists_email_send(*, cuenta_id: int) -> bool:
    """Someone tried to register an address that has an account: tell its owner."""
    cuenta = Cuenta.objects.select_related("user").get(pk=cuenta_id)
    if cuenta.cancelled_at or not cuenta.email:
        return False
    context = {
        "entrar": settings.PUBLIC_BASE_URL + reverse("cuenta_entrar"),
        "restablecer": settings.PUBLIC_BASE_URL + reverse("cuenta_password_reset"),
        "confirmed": cuenta.is_verified,
    }
    send_mail(
        subject="Su cuenta de la Oficialía de Partes",
        message=render_to_string("cuentas/email/ya_registrada.txt", context),
        from_email=None,
        recipient_list=[cuenta.email],
    )
    return True


@transaction.atomic
def verification_resend(*, email: str) -> bool:
    """Send the confirmation link again to an unconfirmed account; nothing otherwise (the
    page says the same)."""
    cuenta = Cuenta.objects.filter(
        email=normalize_email(email), verified_at__isnull=True, cancelled_at__isnull=True
    ).first()
    if cuenta is None:
        return False
    transaction.on_commit(lambda: _queue(send_verification_email, cuenta.pk))
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
        setattr(cuenta, f"notify_{kind}", kind in email_kinds)
    cuenta.save(update_fields=fields)
    _record(
        Accion.CUENTA_AVISOS,
        cuenta,
        changes={"por_correo": sorted(k for k in NoticeKind.values if k in email_kinds)},
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


def escrito_add(*, cuenta_id: int, folio: str, code: str) -> Escrito:
    """Add an escrito filed before (or without) the account, proving it with folio and access
    code. A wrong code and an unknown folio get the same message."""
    escrito = correspondencia_selectors.escrito_for_public_lookup(folio=folio, code=code)
    if escrito is None:
        raise ActionError(WRONG_FOLIO_OR_CODE)
    escrito_link(cuenta_id=cuenta_id, escrito_id=escrito.pk, how=LinkHow.AGREGADO)
    return escrito


# ARCO: requests ----------------------------------------------------------------------------


@transaction.atomic
def arco_request_create(
    *, cuenta_id: int, kind: ArcoKind, detalle: str, rectificacion: dict | None = None
) -> SolicitudArco:
    """Ask the administración to rectify or cancel the account's personal data."""
    cuenta = _lock_cuenta(cuenta_id)
    if kind not in ArcoKind.values:
        raise ActionError("Elija qué derecho ejerce: rectificación o cancelación.")
    values = {
        k: v.strip() for k, v in (rectificacion or {}).items() if k in RECTIFIABLE_FIELDS and v
    }
    if not detalle.strip():
        raise ActionError("Escriba qué pide y por qué.")
    if kind == ArcoKind.RECTIFICACION and not values:
        raise ActionError("Escriba al menos un dato corregido.")
    if SolicitudArco.objects.filter(cuenta=cuenta, kind=kind, state=ArcoState.PENDIENTE).exists():
        raise ActionError("Ya tiene una solicitud de este tipo en trámite; espere su respuesta.")
    solicitud = SolicitudArco.objects.create(
        cuenta=cuenta,
        kind=kind,
        detalle=detalle.strip(),
        rectificacion=values if kind == ArcoKind.RECTIFICACION else {},
        requested_at=timezone.now(),
    )
    # The fields named, never their values nor the text: the bitácora cannot forget them.
    _record(
        Accion.ARCO_SOLICITAR,
        cuenta,
        changes={"solicitud": solicitud.pk, "derecho": kind, "campos": sorted(values)},
    )
    staff_notify(
        users_with_roles(Role.ADMINISTRACION),
        f"Nueva solicitud ARCO de {ArcoKind(kind).label.lower()} (núm. {solicitud.pk})",
        reverse("arco_solicitud", args=[solicitud.pk]),
    )
    return solicitud


@transaction.atomic
def arco_request_resolve(
    *,
    solicitud_id: int,
    user,
    accept: bool,
    resolucion: str,
    rectificacion: dict | None = None,
) -> SolicitudArco:
    """Resolve a request: apply it (rectify, or cancel the data: `cuenta_data_cancel`) or
    declare it improcedente with the reason. The citizen is told by email."""
    if not has_role(user, Role.ADMINISTRACION):
        raise PermissionDenied
    solicitud = (
        SolicitudArco.objects.select_for_update(of=("self",))
        .select_related("cuenta")
        .get(pk=solicitud_id)
    )
    if solicitud.state != ArcoState.PENDIENTE:
        raise ActionError("Esta solicitud ya fue resuelta.")
    resolucion = resolucion.strip()
    address = solicitud.cuenta.email
    changes: dict = {"solicitud": solicitud.pk, "derecho": solicitud.kind}
    if not accept:
        if not resolucion:
            raise ActionError("Escriba el fundamento y motivo por el que es improcedente.")
        solicitud.state = ArcoState.IMPROCEDENTE
    elif solicitud.kind == ArcoKind.RECTIFICACION:
        values = {
            k: v.strip()
            for k, v in (rectificacion or solicitud.rectificacion).items()
            if k in RECTIFIABLE_FIELDS and v and v.strip()
        }
        if not values:
            raise ActionError("No hay datos corregidos que aplicar.")
        changes["campos"] = sorted(values)
        changes["escritos"] = _rectify(solicitud.cuenta, values, user)
        solicitud.rectificacion = values
        solicitud.state = ArcoState.ATENDIDA
    else:
        changes["escritos"] = cuenta_data_cancel(cuenta_id=solicitud.cuenta_id, user=user)
        solicitud.state = ArcoState.ATENDIDA
    solicitud.resolved_at = timezone.now()
    solicitud.resolved_by = user
    solicitud.resolucion = resolucion
    # Not a full save: a cancellation has already emptied the request's own text.
    solicitud.save(
        update_fields=["state", "rectificacion", "resolved_at", "resolved_by", "resolucion"]
    )
    changes["resultado"] = solicitud.state
    bitacora.record(
        action=Accion.ARCO_RESOLVER,
        object_type="cuenta",
        object_ref=str(solicitud.cuenta_id),
        changes=changes,
        actor=user,
    )
    if address:
        transaction.on_commit(lambda: _queue(send_arco_resolution_email, solicitud.pk, address))
    return solicitud


def arco_resolution_email_send(*, solicitud_id: int, address: str) -> None:
    """The address is given, not read: a cancellation has erased it from the account."""
    solicitud = SolicitudArco.objects.get(pk=solicitud_id)
    send_mail(
        subject=f"Su solicitud de {solicitud.get_kind_display().lower()} de datos personales",
        message=render_to_string("cuentas/email/arco_resuelta.txt", {"solicitud": solicitud}),
        from_email=None,
        recipient_list=[address],
    )


def _lock_escritos(cuenta: Cuenta) -> list[Escrito]:
    """The account's escritos, locked in a fixed order (as due_dates_recompute does)."""
    return list(
        Escrito.objects.select_for_update(of=("self",))
        .filter(vinculo__cuenta=cuenta)
        .select_related("peticionario")
        .order_by("pk")
    )


def _rectify(cuenta: Cuenta, values: dict, user) -> list[str]:
    """Correct the petitioner data of every escrito of the account. The Peticionario's
    history keeps the old values: it is the record of the rectification."""
    folios = []
    for escrito in _lock_escritos(cuenta):
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
    """Cancel the personal data of a citizen account (ARCO), keeping what the figures count.

    Only when none of the account's escritos is still in process: an escrito without its text
    and its petitioner could not be answered (the citizen may withdraw it first). Returns the
    folios anonymised. Runs in the caller's transaction (`arco_request_resolve`).

    Kept, because the statistics, the open data and the archive count them: each escrito's
    folio (year and number), channel, dates, state, trámite, secretaría, fojas and number of
    anexos; the petitioner's type (física, moral, dependencia) and gender, anonymous figures
    once the name is gone; the turnos with their dates, states and due dates; each answer's
    sense, date and whether it was on time; the rating's score; the timeline's steps (what
    happened and when); each attachment's size, pages, origin and SHA-256; the escrito's
    digest and access code (they identify the submission, not the person).

    Removed (emptied, or replaced by REDACTED where a text is required):
    - the petitioner of each escrito: name, email, phone, CURP and RFC, in the row and in
      every historical version of it;
    - the escrito's subject, text, número de oficio and description of anexos, in the row and
      in its history, and the subject where the staff notifications quote it;
    - every free text written about it: the reasons of its timeline steps, the turnos'
      instructions and reasons for a changed due date (and their history), the tasks and
      their comments (and history), the prevenciones and the petitioner's answers, the
      answers' texts, the rating's comment;
    - the files: the petitioner's attachments, the answers to prevenciones and the answer
      oficios are replaced by a one-page PDF saying the document was cancelled, named
      "documento-N.pdf"; the acuse PDF is deleted and made again from the anonymised data;
    - the account: its email (in the Cuenta and in the User), the saved petitioner data, the
      texts of its ARCO requests, the password (unusable) and the account itself (inactive),
      and django-axes' records of its sign-ins (with their IP addresses).

    Not touched: the bitácora. It is append-only (a database trigger refuses UPDATE and
    DELETE, and its hash chain would break), and it is the record that this cancellation
    happened. It never receives the petitioner's name, email, phone, CURP or the escrito's
    text (the account is named by number, its username is an opaque handle), but it keeps
    the actions of the account with their dates and IP addresses, and copies the free-text
    reason of each timeline step as it was written. Emails already sent are outside the
    system.
    """
    cuenta = _lock_cuenta(cuenta_id)
    escritos = _lock_escritos(cuenta)
    open_ones = [e.folio for e in escritos if e.state in OPEN_ESCRITO_STATES]
    if open_ones:
        raise ActionError(
            "No se pueden cancelar los datos mientras haya escritos en trámite ("
            + ", ".join(open_ones)
            + "): el peticionario puede desistirse de ellos, o espere a que se respondan."
        )
    now = timezone.now()
    old_files: list[str] = []
    placeholder = None
    for escrito in escritos:
        files, placeholder = _escrito_anonymise(escrito, user, now, placeholder)
        old_files += files
    _cuenta_anonymise(cuenta, now)
    acuse_ids = list(Acuse.objects.filter(escrito__in=escritos).values_list("pk", flat=True))

    def after_commit() -> None:
        # The old files go first: a new acuse is written under the same name. Made again
        # from the anonymised data (and not emailed: there is no address any more).
        delete_files(old_files)
        for acuse_id in acuse_ids:
            acuse_queue(acuse_id=acuse_id)

    transaction.on_commit(after_commit)
    return [e.folio for e in escritos]


def _redact(queryset, *fields: str) -> None:
    """Replace each non-empty value of `fields` with REDACTED."""
    for field in fields:
        queryset.exclude(**{field: ""}).update(**{field: REDACTED})


def _escrito_anonymise(escrito: Escrito, user, now, placeholder: str | None):
    old_asunto = escrito.asunto
    peticionario_fields = {
        "nombre": REDACTED,
        "email": "",
        "telefono": "",
        "curp": "",
        "rfc": "",
        "domicilio": "",
    }
    Peticionario.objects.filter(pk=escrito.peticionario_id).update(**peticionario_fields)
    Peticionario.history.filter(id=escrito.peticionario_id).update(**peticionario_fields)
    escrito_fields = {
        "asunto": REDACTED,
        "texto": "",
        "numero_oficio": "",
        "anexos_descripcion": "",
    }
    Escrito.objects.filter(pk=escrito.pk).update(**escrito_fields)
    Escrito.history.filter(id=escrito.pk).update(**escrito_fields)

    _redact(Transicion.objects.filter(escrito=escrito), "reason")
    turnos = Turno.objects.filter(escrito=escrito)
    _redact(turnos, "instruccion", "due_date_reason")
    _redact(Turno.history.filter(escrito_id=escrito.pk), "instruccion", "due_date_reason")
    _redact(Tarea.objects.filter(turno__escrito=escrito), "descripcion")
    _redact(Tarea.history.filter(turno__escrito_id=escrito.pk), "descripcion")
    _redact(TareaComentario.objects.filter(tarea__turno__escrito=escrito), "texto")
    _redact(Prevencion.objects.filter(turno__escrito=escrito), "texto", "answer_text")
    _redact(Respuesta.objects.filter(turno__escrito=escrito), "texto")
    Evaluacion.objects.filter(escrito=escrito).update(comentario="")
    if old_asunto:
        Notificacion.objects.filter(texto__contains=escrito.folio).update(
            texto=Replace(F("texto"), Value(f"«{old_asunto}»"), Value(f"«{REDACTED}»"))
        )

    old_files: list[str] = []
    adjuntos = list(Adjunto.objects.filter(escrito=escrito).order_by("position", "pk"))
    if adjuntos:
        if placeholder is None:
            placeholder = _cancelled_document(now)
        for adjunto in adjuntos:
            if adjunto.file.name and adjunto.file.name != placeholder:
                old_files.append(adjunto.file.name)
            Adjunto.objects.filter(pk=adjunto.pk).update(
                file=placeholder,
                original_name=f"documento-{adjunto.position + 1}.pdf",
                content_type="application/pdf",
            )
    acuse = Acuse.objects.filter(escrito=escrito).first()
    if acuse is not None:
        if acuse.pdf.name:
            old_files.append(acuse.pdf.name)
        Acuse.objects.filter(pk=acuse.pk).update(
            pdf="", pdf_sha256="", generated_at=None, queued_at=None
        )

    transicion_record(
        escrito=escrito,
        action=Accion.ESCRITO_CANCELAR_DATOS,
        description="Datos personales cancelados a solicitud del titular (derechos ARCO)",
        actor=user,
    )
    return old_files, placeholder


def _cancelled_document(now) -> str:
    """Store the one-page PDF that stands in for each cancelled file; returns its name. If
    the transaction rolls back, the orphan sweeper removes it."""
    from .arco import cancelled_document_pdf

    local = timezone.localtime(now)
    name = f"adjuntos/{local:%Y/%m}/{uuid.uuid4().hex}.pdf"
    return default_storage.save(name, ContentFile(cancelled_document_pdf(now)))


def _cuenta_anonymise(cuenta: Cuenta, now) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    user = cuenta.user
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.username).delete()
    SolicitudArco.objects.filter(cuenta=cuenta).update(detalle=REDACTED, rectificacion={})
    _redact(SolicitudArco.objects.filter(cuenta=cuenta), "resolucion")
    Cuenta.objects.filter(pk=cuenta.pk).update(
        email="",
        nombre="",
        telefono="",
        curp="",
        domicilio="",
        cancelled_at=now,
    )
    # An update, not a save: the audit of User changes would copy the old email into the
    # bitácora (see cuenta_register). The bitácora gets "arco.resolver" instead.
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        email="", first_name="", last_name="", password=user.password, is_active=False
    )
