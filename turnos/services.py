"""Use cases of the turnado: route, accept, assign, prevent, answer, return, rate, remind.

Every function locks what it changes (the escrito first, then the turno) so two people acting
on the same turno at once cannot both win; the loser gets an `ActionError` with a message.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from correspondencia.attachments import InspectedFile
from correspondencia.models import (
    Adjunto,
    AdjuntoOrigin,
    Area,
    Escrito,
    EscritoState,
    Secretaria,
)
from correspondencia.services import delete_files, store_files, transicion_record
from oficialia.business_days import BusinessCalendar, DueDate, Pause
from oficialia.roles import Role, has_role

from .models import (
    OPEN_TURNO_STATES,
    Evaluacion,
    Notificacion,
    Prevencion,
    Recordatorio,
    ReminderKind,
    Respuesta,
    Sense,
    Tarea,
    TareaComentario,
    TareaState,
    Turno,
    TurnoKind,
    TurnoState,
)
from .permissions import can_work_turno

logger = logging.getLogger(__name__)
User = get_user_model()


class ActionError(Exception):
    """An action that cannot be done now, with the message to show (in Spanish)."""


@dataclass
class Route:
    secretaria: Secretaria
    kind: str = TurnoKind.ATENCION
    area: Area | None = None
    instruccion: str = ""


# Locking and transitions ------------------------------------------------------------------


def _lock_escrito(escrito_id: int) -> Escrito:
    return (
        Escrito.objects.select_for_update(of=("self",))
        .select_related("peticionario", "tramite")
        .get(pk=escrito_id)
    )


def _lock_turno(turno_id: int, user=None) -> tuple[Escrito, Turno]:
    escrito_id = Turno.objects.values_list("escrito_id", flat=True).get(pk=turno_id)
    escrito = _lock_escrito(escrito_id)
    turno = (
        Turno.objects.select_for_update(of=("self",)).select_related("secretaria").get(pk=turno_id)
    )
    if user is not None and not can_work_turno(user, turno):
        raise PermissionDenied
    return escrito, turno


def _apply(obj, transition_name: str) -> tuple[str, str]:
    """Run a transition; turn a refusal into a message a person can act on."""
    source = obj.state
    try:
        getattr(obj, transition_name)()
    except TransitionNotAllowed as exc:
        label = obj.get_state_display()
        raise ActionError(
            f"No se puede hacer esto ahora: está en estado «{label}». Recargue la página para "
            "ver su situación actual."
        ) from exc
    return source, obj.state


def _save(obj) -> None:
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise ActionError(
            "Otra persona cambió este asunto al mismo tiempo. Recargue la página y revise."
        ) from exc


def _require(user, *roles: Role) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


# Deadlines -------------------------------------------------------------------------------


def default_term(escrito: Escrito) -> int:
    if escrito.tramite_id:
        return escrito.tramite.plazo_dias_habiles
    return settings.DEFAULT_TERM_BUSINESS_DAYS


def received_date(escrito: Escrito) -> date:
    return timezone.localtime(escrito.received_at).date()


def turno_pauses(turno: Turno) -> list[Pause]:
    return [
        Pause(
            timezone.localtime(p.requested_at).date(),
            timezone.localtime(p.answered_at).date() if p.answered_at else None,
        )
        for p in turno.prevenciones.all()
    ]


def turno_due(turno: Turno, calendar: BusinessCalendar | None = None) -> DueDate:
    """How the turno's due date is computed, day by day."""
    calendar = calendar or BusinessCalendar()
    days = turno.term_days or default_term(turno.escrito)
    return calendar.due_date(received_date(turno.escrito), days, turno_pauses(turno))


def suggested_due_date(escrito: Escrito) -> DueDate:
    return BusinessCalendar().due_date(received_date(escrito), default_term(escrito))


# Notifications ---------------------------------------------------------------------------


def secretaria_staff(secretaria_id: int, roles=(Role.TITULAR, Role.ENLACE)):
    return User.objects.filter(
        is_active=True,
        perfil__secretaria_id=secretaria_id,
        groups__name__in=[str(r) for r in roles],
    ).distinct()


def role_users(*roles: Role):
    return User.objects.filter(is_active=True, groups__name__in=[str(r) for r in roles]).distinct()


def staff_notify(users, texto: str, url: str = "") -> list[Notificacion]:
    """An in-app notification for each user, emailed after commit."""
    now = timezone.now()
    created = Notificacion.objects.bulk_create(
        Notificacion(user=user, texto=texto[:300], url=url, created_at=now) for user in users
    )
    ids = [n.pk for n in created if n.pk]
    if ids:
        transaction.on_commit(lambda: _queue_staff_emails(ids))
    return created


def _queue_staff_emails(ids: list[int]) -> None:
    from .tasks import email_notifications

    try:
        email_notifications.delay(ids)
    except Exception:
        logger.exception("could not queue staff emails %s", ids)


def notifications_email(*, ids: list[int]) -> int:
    """Email each notification once, even if the task is delivered twice."""
    sent = 0
    for notificacion_id in ids:
        with transaction.atomic():
            notificacion = (
                Notificacion.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("user")
                .filter(pk=notificacion_id, emailed_at__isnull=True)
                .first()
            )
            if notificacion is None:
                continue
            if notificacion.user.email:
                link = settings.PUBLIC_BASE_URL + notificacion.url if notificacion.url else ""
                send_mail(
                    subject=f"Oficialía de Partes: {notificacion.texto[:80]}",
                    message=f"{notificacion.texto}\n\n{link}\n",
                    from_email=None,
                    recipient_list=[notificacion.user.email],
                )
                sent += 1
            notificacion.emailed_at = timezone.now()
            notificacion.save(update_fields=["emailed_at"])
    return sent


# Oficialía -------------------------------------------------------------------------------


@transaction.atomic
def escrito_turn(
    *,
    escrito_id: int,
    user,
    routes: list[Route],
    due_date: date | None = None,
    due_date_reason: str = "",
) -> list[Turno]:
    """Route an escrito to one or more secretarías, with one due date for all of them."""
    _require(user, Role.OFICIALIA)
    escrito = _lock_escrito(escrito_id)
    if not any(r.kind == TurnoKind.ATENCION for r in routes):
        raise ActionError("Turne al menos a una secretaría para atención (que deba responder).")
    if len({r.secretaria.pk for r in routes}) != len(routes):
        raise ActionError("Cada secretaría puede aparecer una sola vez en el turno.")
    computed = suggested_due_date(escrito)
    if due_date is not None and due_date != computed.due:
        if not due_date_reason.strip():
            raise ActionError("Para cambiar la fecha límite calculada escriba el motivo.")
        if due_date < received_date(escrito):
            raise ActionError("La fecha límite no puede ser anterior a la recepción.")
    else:
        due_date, due_date_reason = computed.due, ""
    source, target = _apply(escrito, "turn")
    _save(escrito)
    now = timezone.now()
    turnos = []
    for route in routes:
        turno = Turno.objects.create(
            escrito=escrito,
            secretaria=route.secretaria,
            area=route.area,
            kind=route.kind,
            instruccion=route.instruccion,
            term_days=default_term(escrito),
            due_date=due_date if route.kind == TurnoKind.ATENCION else None,
            due_date_reason=due_date_reason.strip(),
            turned_by=user,
            turned_at=now,
        )
        turnos.append(turno)
        transicion_record(
            escrito=escrito,
            turno=turno,
            action="turnar",
            description=f"Turnado a {route.secretaria.nombre} ({turno.get_kind_display().lower()})",
            actor=user,
            reason=route.instruccion,
            target=TurnoState.PENDIENTE,
            at=now,
            # The petitioner sees the escrito's own step below, with every secretaría in it.
            public=False,
        )
        staff_notify(
            secretaria_staff(route.secretaria.pk),
            f"Nuevo turno {turno.get_kind_display().lower()}: {escrito.folio} «{escrito.asunto}»",
            reverse("turno_detalle", args=[turno.pk]),
        )
    due_text = f"; fecha límite {due_date:%d/%m/%Y}" + (
        f" (fijada a mano: {due_date_reason.strip()})" if due_date_reason.strip() else ""
    )
    transicion_record(
        escrito=escrito,
        action="turnar",
        description="Turnado a " + ", ".join(r.secretaria.nombre for r in routes) + due_text,
        actor=user,
        source=source,
        target=target,
        at=now,
    )
    return turnos


def _oficialia_decision(*, escrito_id: int, user, reason: str, transition: str, text: str):
    _require(user, Role.OFICIALIA)
    if not reason.strip():
        raise ActionError("Escriba el motivo: el peticionario lo verá.")
    escrito = _lock_escrito(escrito_id)
    source, target = _apply(escrito, transition)
    _save(escrito)
    transicion_record(
        escrito=escrito,
        action=transition,
        description=text,
        actor=user,
        reason=reason.strip(),
        source=source,
        target=target,
    )
    return escrito


@transaction.atomic
def escrito_reject(*, escrito_id: int, user, reason: str) -> Escrito:
    return _oficialia_decision(
        escrito_id=escrito_id,
        user=user,
        reason=reason,
        transition="reject",
        text="Rechazado: no constituye un escrito",
    )


@transaction.atomic
def escrito_reorient(*, escrito_id: int, user, reason: str) -> Escrito:
    return _oficialia_decision(
        escrito_id=escrito_id,
        user=user,
        reason=reason,
        transition="reorient",
        text="Reorientado a la autoridad competente",
    )


@transaction.atomic
def turno_reroute(*, turno_id: int, user, route: Route) -> Turno:
    """Give a returned turno to another secretaría."""
    _require(user, Role.OFICIALIA)
    escrito, previous = _lock_turno(turno_id)
    if previous.state != TurnoState.DEVUELTO:
        raise ActionError("Solo se puede returnar un turno devuelto por no competencia.")
    if hasattr(previous, "rerouted_as"):
        raise ActionError("Este turno devuelto ya se turnó de nuevo.")
    if escrito.state not in (
        EscritoState.TURNADO,
        EscritoState.EN_ATENCION,
        EscritoState.PREVENIDO,
        EscritoState.NO_COMPETENTE,
    ):
        # Answered, concluded, reoriented...: a new turno could never change the escrito.
        raise ActionError(
            f"El escrito está «{escrito.get_state_display()}»: no se puede turnar de nuevo."
        )
    if route.secretaria.pk == previous.secretaria_id:
        raise ActionError("Elija una secretaría distinta de la que lo devolvió.")
    if escrito.state == EscritoState.NO_COMPETENTE:
        source, target = _apply(escrito, "turn")
        _save(escrito)
    else:
        source = target = ""
    turno = Turno.objects.create(
        escrito=escrito,
        secretaria=route.secretaria,
        area=route.area,
        kind=TurnoKind.ATENCION,
        instruccion=route.instruccion,
        term_days=previous.term_days,
        # The same term as before, computed again in case the calendar changed meanwhile.
        due_date=previous.due_date if previous.due_date_reason else turno_due(previous).due,
        due_date_reason=previous.due_date_reason,
        turned_by=user,
        turned_at=timezone.now(),
        previous=previous,
    )
    transicion_record(
        escrito=escrito,
        turno=turno,
        action="returnar",
        description=f"Turnado de nuevo a {route.secretaria.nombre} "
        f"(lo devolvió {previous.secretaria.nombre})",
        actor=user,
        reason=route.instruccion,
        source=source,
        target=target,
    )
    staff_notify(
        secretaria_staff(route.secretaria.pk),
        f"Nuevo turno para atención: {escrito.folio} «{escrito.asunto}»",
        reverse("turno_detalle", args=[turno.pk]),
    )
    return turno


# Secretaría ------------------------------------------------------------------------------


@transaction.atomic
def turno_accept(*, turno_id: int, user) -> Turno:
    """Accept a turno para atención, or mark a copy para conocimiento as read."""
    escrito, turno = _lock_turno(turno_id, user)
    name = "accept" if turno.kind == TurnoKind.ATENCION else "acknowledge"
    source, target = _apply(turno, name)
    _save(turno)
    transicion_record(
        escrito=escrito,
        turno=turno,
        action=name,
        description=f"{turno.secretaria.nombre}: "
        + ("aceptó el turno" if name == "accept" else "tomó conocimiento"),
        actor=user,
        source=source,
        target=target,
    )
    if name == "accept" and escrito.state == EscritoState.TURNADO:
        es, et = _apply(escrito, "start_attention")
        _save(escrito)
        transicion_record(
            escrito=escrito,
            action="atender",
            description=f"En atención por {turno.secretaria.nombre}",
            actor=user,
            source=es,
            target=et,
        )
    return turno


@transaction.atomic
def tarea_assign(*, turno_id: int, user, assignee, descripcion: str, due_date: date) -> Tarea:
    escrito, turno = _lock_turno(turno_id, user)
    if turno.state == TurnoState.PENDIENTE:
        raise ActionError("Acepte el turno antes de asignar tareas.")
    if turno.state not in (TurnoState.ACEPTADO, TurnoState.EN_ATENCION):
        raise ActionError(f"No se asignan tareas a un turno «{turno.get_state_display()}».")
    if (
        not has_role(assignee, Role.OPERATIVO)
        or assignee.perfil.secretaria_id != turno.secretaria_id
    ):
        raise ActionError("Asigne la tarea a personal operativo de su secretaría.")
    if due_date < timezone.localdate():
        raise ActionError("La fecha límite de la tarea no puede estar en el pasado.")
    if turno.state == TurnoState.ACEPTADO:
        source, target = _apply(turno, "start")
        _save(turno)
    else:
        source = target = ""
    tarea = Tarea.objects.create(
        turno=turno,
        assigned_to=assignee,
        assigned_by=user,
        descripcion=descripcion.strip(),
        due_date=due_date,
    )
    transicion_record(
        escrito=escrito,
        turno=turno,
        action="asignar",
        description=f"Tarea asignada a {assignee.get_full_name() or assignee.get_username()}",
        actor=user,
        reason=descripcion.strip(),
        source=source,
        target=target,
        public=False,
    )
    staff_notify(
        [assignee],
        f"Nueva tarea: {escrito.folio}, vence {due_date:%d/%m/%Y}",
        reverse("tarea_detalle", args=[tarea.pk]),
    )
    return tarea


@transaction.atomic
def tarea_progress(*, tarea_id: int, user, texto: str, state: str) -> Tarea:
    tarea = Tarea.objects.select_for_update(of=("self",)).select_related("turno").get(pk=tarea_id)
    if tarea.assigned_to_id != user.pk:
        raise PermissionDenied
    if tarea.state == TareaState.TERMINADA:
        raise ActionError("Esta tarea ya está terminada.")
    if not texto.strip():
        raise ActionError("Escriba un comentario con el avance.")
    TareaComentario.objects.create(tarea=tarea, author=user, texto=texto.strip(), state=state)
    tarea.state = state
    if state == TareaState.TERMINADA:
        tarea.done_at = timezone.now()
    tarea.save(update_fields=["state", "done_at"])
    transicion_record(
        escrito=tarea.turno.escrito,
        turno=tarea.turno,
        action="avance",
        description=f"Tarea {TareaState(state).label.lower()}",
        actor=user,
        reason=texto.strip(),
        public=False,
    )
    staff_notify(
        [tarea.assigned_by],
        f"Avance de tarea en {tarea.turno.escrito.folio}: {TareaState(state).label.lower()}",
        reverse("turno_detalle", args=[tarea.turno_id]),
    )
    return tarea


@transaction.atomic
def turno_prevent(*, turno_id: int, user, texto: str) -> Prevencion:
    """Ask the petitioner for missing information; the turno's clock stops."""
    escrito, turno = _lock_turno(turno_id, user)
    if not texto.strip():
        raise ActionError("Escriba qué información o documentos faltan.")
    source, target = _apply(turno, "prevent")
    _save(turno)
    prevencion = Prevencion.objects.create(
        turno=turno, requested_by=user, requested_at=timezone.now(), texto=texto.strip()
    )
    transicion_record(
        escrito=escrito,
        turno=turno,
        action="prevenir",
        description=f"{turno.secretaria.nombre} requiere información al peticionario",
        actor=user,
        reason=texto.strip(),
        source=source,
        target=target,
    )
    if escrito.state != EscritoState.PREVENIDO:
        es, et = _apply(escrito, "prevent")
        _save(escrito)
        transicion_record(
            escrito=escrito,
            action="prevenir",
            description="Prevención: se requiere información; el plazo está suspendido",
            actor=user,
            reason=texto.strip(),
            source=es,
            target=et,
        )
    return prevencion


def _with_stored_files(files: list[InspectedFile], work):
    """Store uploads, run `work(stored_names)`; remove the files if it fails."""
    stored = store_files(files, timezone.now())
    try:
        return work(stored)
    except BaseException:
        delete_files(stored)
        raise


def prevencion_answer(*, escrito_id: int, texto: str, files: list[InspectedFile]) -> list:
    """The petitioner answers every open prevención of the escrito; the clocks run again."""
    return _with_stored_files(
        files, lambda stored: _prevencion_answer(escrito_id, texto, files, stored)
    )


@transaction.atomic
def _prevencion_answer(
    escrito_id: int, texto: str, files: list[InspectedFile], stored: list[str]
) -> list[Prevencion]:
    escrito = _lock_escrito(escrito_id)
    open_ones = list(
        Prevencion.objects.select_for_update(of=("self",))
        # A turno cancelled by a desistimiento no longer waits for its prevención.
        .filter(
            turno__escrito=escrito, answered_at__isnull=True, turno__state=TurnoState.PREVENCION
        )
        .select_related("turno__secretaria")
    )
    if not open_ones:
        raise ActionError("Este escrito no tiene prevenciones pendientes de respuesta.")
    if not texto.strip() and not files:
        raise ActionError("Escriba su respuesta o adjunte los documentos que se le pidieron.")
    now = timezone.now()
    position = escrito.adjuntos.count()
    adjuntos = [
        Adjunto.objects.create(
            escrito=escrito,
            position=position + i,
            origin=AdjuntoOrigin.PREVENCION,
            **item.stored_fields(name),
        )
        for i, (item, name) in enumerate(zip(files, stored, strict=True))
    ]
    calendar = BusinessCalendar()
    for prevencion in open_ones:
        prevencion.answered_at = now
        prevencion.answer_text = texto.strip()
        prevencion.save(update_fields=["answered_at", "answer_text"])
        prevencion.answer_files.set(adjuntos)
        turno = Turno.objects.select_for_update(of=("self",)).get(pk=prevencion.turno_id)
        source, target = _apply(turno, "resume")
        if turno.due_date_reason:
            # A date fixed by hand moves by the business days the prevención lasted.
            paused = calendar.count_business_days(
                timezone.localtime(prevencion.requested_at).date(), timezone.localdate()
            )
            turno.due_date = calendar.add_business_days(turno.due_date, paused)
        else:
            turno.due_date = turno_due(turno, calendar).due
        _save(turno)
        transicion_record(
            escrito=escrito,
            turno=turno,
            action="desahogar",
            description=f"El peticionario respondió la prevención de "
            f"{prevencion.turno.secretaria.nombre}; nueva fecha límite "
            f"{turno.due_date:%d/%m/%Y}"
            if turno.due_date
            else "El peticionario respondió",
            source=source,
            target=target,
        )
        staff_notify(
            secretaria_staff(turno.secretaria_id),
            f"El peticionario respondió la prevención de {escrito.folio}",
            reverse("turno_detalle", args=[turno.pk]),
        )
    source, target = _apply(escrito, "resume")
    _save(escrito)
    transicion_record(
        escrito=escrito,
        action="desahogar",
        description="Respuesta a la prevención recibida; el plazo corre de nuevo",
        source=source,
        target=target,
        notify=False,
    )
    return open_ones


def turno_answer(
    *, turno_id: int, user, texto: str, sense: str, oficio: InspectedFile | None = None
) -> Respuesta:
    """Answer a turno para atención in writing, with the sense and the signed oficio."""
    files = [oficio] if oficio is not None else []
    return _with_stored_files(
        files,
        lambda stored: _turno_answer(
            turno_id, user, texto, sense, oficio, stored[0] if stored else None
        ),
    )


@transaction.atomic
def _turno_answer(
    turno_id: int,
    user,
    texto: str,
    sense: str,
    oficio: InspectedFile | None,
    oficio_name: str | None,
) -> Respuesta:
    escrito, turno = _lock_turno(turno_id, user)
    if turno.kind != TurnoKind.ATENCION:
        raise ActionError("Un turno para conocimiento no se responde.")
    if not texto.strip():
        raise ActionError("Escriba el texto de la respuesta.")
    if sense not in Sense.values:
        raise ActionError("Elija el sentido de la respuesta.")
    source, target = _apply(turno, "answer")
    now = timezone.now()
    turno.answered_at = now
    _save(turno)
    adjunto = None
    if oficio is not None:
        adjunto = Adjunto.objects.create(
            escrito=escrito,
            position=escrito.adjuntos.count(),
            origin=AdjuntoOrigin.RESPUESTA,
            **oficio.stored_fields(oficio_name),
        )
    respuesta = Respuesta.objects.create(
        turno=turno,
        texto=texto.strip(),
        sense=sense,
        oficio=adjunto,
        answered_by=user,
        answered_at=now,
        within_term=turno.due_date is None or timezone.localdate() <= turno.due_date,
    )
    transicion_record(
        escrito=escrito,
        turno=turno,
        action="responder",
        description=f"{turno.secretaria.nombre} respondió (sentido {Sense(sense).label.lower()})",
        actor=user,
        source=source,
        target=target,
    )
    _close_escrito_if_done(escrito, user)
    return respuesta


def _close_escrito_if_done(escrito: Escrito, user) -> None:
    """The escrito is answered when every turno para atención is answered or returned (and at
    least one answered); returned as not competent when every one was returned."""
    states = list(escrito.turnos.filter(kind=TurnoKind.ATENCION).values_list("state", flat=True))
    if any(s in OPEN_TURNO_STATES for s in states) or not states:
        return
    if escrito.state not in (EscritoState.TURNADO, EscritoState.EN_ATENCION):
        return
    if TurnoState.RESPONDIDO in states:
        source, target = _apply(escrito, "answer")
        _save(escrito)
        transicion_record(
            escrito=escrito,
            action="responder",
            description="Su escrito fue respondido: consulte la respuesta con su folio y código",
            actor=user,
            source=source,
            target=target,
        )
    else:
        source, target = _apply(escrito, "return_not_competent")
        _save(escrito)
        transicion_record(
            escrito=escrito,
            action="devolver",
            description="Devuelto a la Oficialía de Partes para turnarlo al área competente",
            actor=user,
            source=source,
            target=target,
        )
        staff_notify(
            role_users(Role.OFICIALIA),
            f"Escrito devuelto por no competencia: {escrito.folio}; túrnelo de nuevo",
            reverse("oficialia_escrito", args=[escrito.folio]),
        )


@transaction.atomic
def turno_give_back(*, turno_id: int, user, reason: str) -> Turno:
    """Return a turno as not competent, with the reason, to the oficialía."""
    escrito, turno = _lock_turno(turno_id, user)
    if not reason.strip():
        raise ActionError("Escriba por qué el asunto no es competencia de su secretaría.")
    source, target = _apply(turno, "give_back")
    _save(turno)
    transicion_record(
        escrito=escrito,
        turno=turno,
        action="devolver",
        description=f"{turno.secretaria.nombre} lo devolvió por no ser de su competencia",
        actor=user,
        reason=reason.strip(),
        source=source,
        target=target,
    )
    staff_notify(
        role_users(Role.OFICIALIA),
        f"{turno.secretaria.nombre} devolvió el turno de {escrito.folio}",
        reverse("oficialia_escrito", args=[escrito.folio]),
    )
    _close_escrito_if_done(escrito, user)
    return turno


# Petitioner ------------------------------------------------------------------------------


@transaction.atomic
def escrito_rate(*, escrito_id: int, score: int, comentario: str = "") -> Evaluacion:
    escrito = _lock_escrito(escrito_id)
    if escrito.state not in (EscritoState.RESPONDIDO, EscritoState.CONCLUIDO):
        raise ActionError("Podrá calificar la atención cuando su escrito tenga respuesta.")
    if not 1 <= score <= 5:
        raise ActionError("Elija una calificación de 1 a 5.")
    try:
        with transaction.atomic():
            evaluacion = Evaluacion.objects.create(
                escrito=escrito, score=score, comentario=comentario.strip(), at=timezone.now()
            )
    except IntegrityError as exc:
        raise ActionError("Ya calificó la atención de este escrito. ¡Gracias!") from exc
    transicion_record(
        escrito=escrito,
        action="calificar",
        description=f"El peticionario calificó la atención: {score} de 5",
        notify=False,
    )
    if escrito.state == EscritoState.RESPONDIDO:
        source, target = _apply(escrito, "conclude")
        _save(escrito)
        transicion_record(
            escrito=escrito,
            action="concluir",
            description="Concluido",
            source=source,
            target=target,
            notify=False,
        )
    return evaluacion


WITHDRAWABLE_STATES = (
    EscritoState.RECIBIDO,
    EscritoState.TURNADO,
    EscritoState.EN_ATENCION,
    EscritoState.PREVENIDO,
)


@transaction.atomic
def escrito_withdraw(*, escrito_id: int, reason: str, actor=None) -> Escrito:
    """The petitioner withdraws the escrito (desistimiento): its open turnos are cancelled,
    their secretarías are told, and the escrito ends "desistido". `actor` is the citizen's
    account when done from it; None from /consulta/ (folio and access code)."""
    escrito = _lock_escrito(escrito_id)
    if escrito.state not in WITHDRAWABLE_STATES:
        raise ActionError(
            f"Su escrito está «{escrito.get_state_display()}»: ya no es posible desistirse."
        )
    reason = reason.strip()
    turnos = list(
        Turno.objects.select_for_update(of=("self",))
        .filter(escrito=escrito, state__in=OPEN_TURNO_STATES)
        .select_related("secretaria")
        .order_by("pk")
    )
    for turno in turnos:
        source, target = _apply(turno, "cancel")
        _save(turno)
        transicion_record(
            escrito=escrito,
            turno=turno,
            action="cancelar",
            description=f"Turno a {turno.secretaria.nombre} cancelado por desistimiento",
            actor=actor,
            source=source,
            target=target,
            # The petitioner sees the escrito's own step below; the staff see this one.
            public=False,
        )
        staff_notify(
            secretaria_staff(turno.secretaria_id),
            f"El peticionario se desistió de {escrito.folio}: el turno quedó cancelado",
            reverse("turno_detalle", args=[turno.pk]),
        )
    source, target = _apply(escrito, "withdraw")
    _save(escrito)
    transicion_record(
        escrito=escrito,
        action="desistir",
        description="El peticionario se desistió de su escrito",
        actor=actor,
        reason=reason,
        source=source,
        target=target,
    )
    return escrito


# Calendar changes ------------------------------------------------------------------------


@transaction.atomic
def due_dates_recompute(*, reason: str, start: date, end: date) -> int:
    """After a día inhábil between `start` and `end` was added, changed or removed: compute
    again the due dates of the open turnos whose term spans it (not the ones fixed by hand)."""
    calendar = BusinessCalendar()
    changed = 0
    affected = Turno.objects.filter(
        state__in=OPEN_TURNO_STATES,
        kind=TurnoKind.ATENCION,
        due_date__gte=start,
        due_date_reason="",
        escrito__received_at__date__lte=end,
    )
    # Lock as every other service does: the escritos first (in a fixed order), then their
    # turnos. Locking a turno first and then touching its escrito (the Transicion's foreign
    # key takes a share lock on it) deadlocks with a service that holds the escrito and waits
    # for the turno.
    escrito_ids = list(
        Escrito.objects.select_for_update()
        .filter(pk__in=affected.values("escrito_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    turnos = (
        affected.filter(escrito_id__in=escrito_ids)
        .select_for_update(of=("self",))
        .select_related("escrito__tramite")
        .prefetch_related("prevenciones")
    )
    for turno in turnos:
        new_due = turno_due(turno, calendar).due
        if new_due is None or new_due == turno.due_date:
            continue
        old = turno.due_date
        Turno.objects.filter(pk=turno.pk).update(due_date=new_due)
        transicion_record(
            escrito=turno.escrito,
            turno=turno,
            action="recalcular",
            description=f"Fecha límite recalculada: del {old:%d/%m/%Y} al {new_due:%d/%m/%Y}",
            reason=reason,
        )
        changed += 1
    return changed


# Reminders -------------------------------------------------------------------------------


REMINDER_TEXT = {
    ReminderKind.THREE_DAYS: "vence en 3 días hábiles",
    ReminderKind.ONE_DAY: "vence el siguiente día hábil",
    ReminderKind.TODAY: "vence hoy",
    ReminderKind.OVERDUE: "está vencido",
}


def reminder_kind(due: date, today: date, calendar: BusinessCalendar) -> str | None:
    if due < today:
        return ReminderKind.OVERDUE
    if due == today:
        return ReminderKind.TODAY
    if due <= calendar.add_business_days(today, 1):
        return ReminderKind.ONE_DAY
    if due <= calendar.add_business_days(today, 3):
        return ReminderKind.THREE_DAYS
    return None


def reminders_send(*, today: date | None = None) -> int:
    """The daily job: remind each secretaría of what is due, escalate what is overdue.

    Safe to run twice: a reminder is sent only if its row (turno, kind, due date) was new.
    """
    today = today or timezone.localdate()
    calendar = BusinessCalendar()
    if not calendar.is_business_day(today):
        return 0  # nobody is at the office; the next business day catches up
    horizon = calendar.add_business_days(today, 3)
    sent = 0
    turnos = (
        Turno.objects.filter(
            kind=TurnoKind.ATENCION,
            state__in=[TurnoState.PENDIENTE, TurnoState.ACEPTADO, TurnoState.EN_ATENCION],
            due_date__lte=horizon,
        )
        .select_related("escrito", "secretaria")
        .order_by("due_date", "pk")
    )
    for turno in turnos.iterator(chunk_size=500):
        kind = reminder_kind(turno.due_date, today, calendar)
        if kind is None:
            continue
        with transaction.atomic():
            _, created = Recordatorio.objects.get_or_create(
                turno=turno,
                kind=kind,
                due_date=turno.due_date,
                defaults={"sent_at": timezone.now()},
            )
            if not created:
                continue
            when = REMINDER_TEXT[kind]
            if kind == ReminderKind.THREE_DAYS:
                # The first reminder can find only 2 business days left (a short term, a
                # turno routed late): say how many there really are.
                left = calendar.count_business_days(today, turno.due_date)
                when = f"vence en {left} días hábiles"
            text = (
                f"El turno {turno.escrito.folio} ({turno.secretaria.siglas}) "
                f"{when}: fecha límite {turno.due_date:%d/%m/%Y}"
            )
            url = reverse("turno_detalle", args=[turno.pk])
            recipients = set(secretaria_staff(turno.secretaria_id))
            if kind == ReminderKind.OVERDUE:
                recipients |= set(secretaria_staff(turno.secretaria_id, roles=(Role.TITULAR,)))
                recipients |= set(role_users(Role.CONTRALORIA))
            staff_notify(recipients, text, url)
            sent += 1
    return sent
