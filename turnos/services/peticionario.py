"""What the petitioner does on a routed escrito: answer a prevención, rate the attention,
withdraw (desistimiento)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Adjunto, AdjuntoOrigin, Escrito, EscritoState
from correspondencia.transiciones import escrito_step, transicion_record
from firmas.confianza import upload_signatures_check
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile
from oficialia.archivos import with_stored_files
from oficialia.avisos import staff_notify, staff_of_secretaria
from oficialia.calendario import BusinessCalendar

from .. import plazos
from ..models import OPEN_TURNO_STATES, Evaluacion, Prevencion, Turno, TurnoState
from .comun import lock_escrito, turno_step


def prevencion_answer(*, escrito_id: int, texto: str, files: list[InspectedFile]) -> list:
    """The petitioner answers every open prevención of the escrito; the clocks run again."""
    signatures = [upload_signatures_check(item) for item in files]
    return with_stored_files(
        files, lambda stored: _prevencion_answer(escrito_id, texto, files, stored, signatures)
    )


@transaction.atomic
def _prevencion_answer(
    escrito_id: int,
    texto: str,
    files: list[InspectedFile],
    stored: list[str],
    signatures: list[list[dict]],
) -> list[Prevencion]:
    escrito = lock_escrito(escrito_id)
    open_ones = list(
        Prevencion.objects.select_for_update(of=("self",))
        # A turno cancelled by a desistimiento no longer waits for its prevención.
        .filter(
            turno__escrito=escrito,
            answered_at__isnull=True,
            acuerdo_at__isnull=True,
            turno__state=TurnoState.PREVENCION,
        )
        .select_related("turno__secretaria")
    )
    if not open_ones:
        raise ActionError("Este escrito no tiene prevenciones pendientes de respuesta.")
    today = timezone.localdate()
    expired = [p for p in open_ones if plazos.prevention_expired(p, today=today)]
    if expired:
        raise ActionError(
            f"El plazo para responder la prevención venció el {expired[0].deadline:%d/%m/%Y}. "
            "Ya no se puede responder en línea; la secretaría dictará el acuerdo que corresponde."
        )
    if not texto.strip() and not files:
        raise ActionError("Escriba su respuesta o adjunte los documentos que se le pidieron.")
    now = timezone.now()
    position = escrito.adjuntos.count()
    adjuntos = [
        Adjunto.objects.create(
            escrito=escrito,
            position=position + i,
            origin=AdjuntoOrigin.PREVENCION,
            firmas=found,
            **item.stored_fields(name),
        )
        for i, (item, name, found) in enumerate(zip(files, stored, signatures, strict=True))
    ]
    calendar = BusinessCalendar()
    for prevencion in open_ones:
        prevencion.answered_at = now
        prevencion.answer_text = texto.strip()
        prevencion.save(update_fields=["answered_at", "answer_text"])
        prevencion.answer_files.set(adjuntos)
        turno = Turno.objects.select_for_update(of=("self",)).get(pk=prevencion.turno_id)
        turno.due_date = plazos.due_date_after_pause(
            turno,
            # Answered before any notification was recorded: the clock never stopped.
            paused_since=plazos.prevention_notified_on(prevencion) or timezone.localdate(),
            resumed=timezone.localdate(),
            calendar=calendar,
        )
        turno_step(
            turno,
            "resume",
            escrito=escrito,
            action=Accion.TURNO_DESAHOGAR,
            description=f"El peticionario respondió la prevención de "
            f"{prevencion.turno.secretaria.nombre}; nueva fecha límite "
            f"{turno.due_date:%d/%m/%Y}"
            if turno.due_date
            else "El peticionario respondió",
        )
        staff_notify(
            staff_of_secretaria(turno.secretaria_id),
            f"El peticionario respondió la prevención de {escrito.folio}",
            reverse("turno_detalle", args=[turno.pk]),
        )
    escrito_step(
        escrito,
        "resume",
        action=Accion.ESCRITO_DESAHOGAR,
        description="Respuesta a la prevención recibida; el plazo corre de nuevo",
        notify=False,
    )
    return open_ones


@transaction.atomic
def escrito_rate(*, escrito_id: int, score: int, comentario: str = "") -> Evaluacion:
    escrito = lock_escrito(escrito_id)
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
        action=Accion.ESCRITO_CALIFICAR,
        description=f"El peticionario calificó la atención: {score} de 5",
        notify=False,
    )
    if escrito.state == EscritoState.RESPONDIDO:
        escrito_step(
            escrito,
            "conclude",
            action=Accion.ESCRITO_CONCLUIR,
            description="Concluido",
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
    escrito = lock_escrito(escrito_id)
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
        turno_step(
            turno,
            "cancel",
            escrito=escrito,
            action=Accion.TURNO_CANCELAR,
            description=f"Turno a {turno.secretaria.nombre} cancelado por desistimiento",
            actor=actor,
            # The petitioner sees the escrito's own step below; the staff see this one.
            public=False,
        )
        staff_notify(
            staff_of_secretaria(turno.secretaria_id),
            f"El peticionario se desistió de {escrito.folio}: el turno quedó cancelado",
            reverse("turno_detalle", args=[turno.pk]),
        )
    escrito_step(
        escrito,
        "withdraw",
        action=Accion.ESCRITO_DESISTIR,
        description="El peticionario se desistió de su escrito",
        actor=actor,
        reason=reason,
    )
    return escrito
