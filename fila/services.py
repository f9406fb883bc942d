"""Use cases of the queue: issue a ficha, call it to a módulo, finish or transfer it, pause a
módulo, book, cancel and check in an appointment.

Locks, always in this order so two use cases never wait on each other in a circle: the
módulo, then its current ficha, then (to issue a ficha) the secretaría's counter of the day.
"Call next" takes the first waiting ficha with `SELECT ... FOR UPDATE SKIP LOCKED`: a ficha
another módulo is calling at that instant is skipped instead of waited for, so two módulos
pressing together get two different fichas and neither blocks.
"""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from oficialia import access_codes, bitacora
from oficialia.acciones import ActionError, apply_transition, save_or_conflict
from oficialia.acciones_bitacora import Accion
from oficialia.calendario import BusinessCalendar
from oficialia.contadores import next_number

from . import agenda, selectors
from .models import (
    TAKEN_CITA_STATES,
    Cita,
    CitaState,
    ContadorFichas,
    Ficha,
    FichaOrigin,
    FichaState,
    HorarioCitas,
    Llamado,
    Modulo,
    Servicio,
)
from .permissions import can_attend

# An appointment may be checked in from this long before its time ...
CHECK_IN_EARLY = timedelta(hours=2)
# ... until this long after it; later, the person takes an ordinary ficha.
CHECK_IN_LATE = timedelta(minutes=15)
CITA_CODE_LENGTH = 6


# Issuing fichas --------------------------------------------------------------------------


def _record(action: Accion, obj, *, actor=None, **changes) -> None:
    """The queue's steps go to the bitácora like every desk's. A cita is named by number:
    its check-in code is what lets a person in, and the person's data stays out."""
    kind = "cita" if isinstance(obj, Cita) else "modulo" if isinstance(obj, Modulo) else "ficha"
    ref = obj.codigo if isinstance(obj, Ficha) else str(obj.pk)
    bitacora.record(
        action=action,
        object_type=kind,
        object_ref=ref,
        changes={k: str(v) for k, v in changes.items()},
        **({"actor": actor} if actor is not None else {}),
    )


def ficha_code(siglas: str, letra: str, numero: int) -> str:
    return f"{siglas}-{letra}{numero:03d}"


def _next_number(*, secretaria_id: int, moment: datetime) -> tuple[int, object]:
    """The next ficha number of the secretaría for the local day of `moment`: a gap-free
    counter per secretaría and day, so parallel kiosks never share a number."""
    day = timezone.localdate(moment)
    return next_number(ContadorFichas, "ultimo_numero", secretaria_id=secretaria_id, fecha=day), day


def _issue(
    *,
    servicio: Servicio,
    origen: FichaOrigin,
    now: datetime,
    espera_desde: datetime | None = None,
    preferente_desde: datetime | None = None,
) -> Ficha:
    numero, day = _next_number(secretaria_id=servicio.secretaria_id, moment=now)
    return Ficha.objects.create(
        secretaria_id=servicio.secretaria_id,
        servicio=servicio,
        fecha=day,
        numero=numero,
        codigo=ficha_code(servicio.secretaria.siglas, servicio.letra, numero),
        origen=origen,
        emitida_at=now,
        espera_desde=espera_desde or now,
        preferente_desde=preferente_desde,
    )


def _active_servicio(servicio_id: int) -> Servicio:
    servicio = (
        Servicio.objects.select_related("secretaria")
        .filter(pk=servicio_id, activo=True, secretaria__activa=True)
        .first()
    )
    if servicio is None:
        raise ActionError("Ese servicio ya no se ofrece. Elija otro.")
    return servicio


@transaction.atomic
def ficha_issue(*, servicio_id: int) -> Ficha:
    """A walk-in takes a ficha at the kiosk."""
    servicio = _active_servicio(servicio_id)
    ficha = _issue(servicio=servicio, origen=FichaOrigin.KIOSCO, now=timezone.now())
    _record(Accion.FICHA_EMITIR, ficha, servicio=servicio.nombre, fecha=ficha.fecha)
    return ficha


# The módulo's console --------------------------------------------------------------------


def _lock_modulo(modulo_id: int, user) -> Modulo:
    modulo = (
        Modulo.objects.select_for_update(of=("self",))
        .select_related("secretaria")
        .get(pk=modulo_id)
    )
    if not modulo.activo or not can_attend(user, modulo):
        raise PermissionDenied
    return modulo


def _lock_current(modulo: Modulo) -> Ficha:
    ficha = (
        Ficha.objects.select_for_update(of=("self",))
        .select_related("secretaria", "servicio")
        .filter(modulo=modulo, estado=FichaState.LLAMADA)
        .first()
    )
    if ficha is None:
        raise ActionError("No hay una ficha llamada en este módulo.")
    return ficha


def _announce(ficha: Ficha, modulo: Modulo, user, now: datetime, *, again: bool) -> None:
    Llamado.objects.create(
        secretaria_id=ficha.secretaria_id,
        ficha=ficha,
        modulo=modulo,
        at=now,
        por=user,
        repeticion=again,
    )


@transaction.atomic
def ficha_call_next(*, modulo_id: int, user) -> Ficha | None:
    """Call the next ficha of the queue to the módulo; None when nobody is waiting.

    The módulo's row lock makes two presses at the same window wait for each other (the
    second finds the first's ficha at the window and is refused); different módulos do not
    wait for each other: SKIP LOCKED passes over a ficha another módulo is taking."""
    modulo = _lock_modulo(modulo_id, user)
    if modulo.en_pausa:
        raise ActionError("El módulo está en pausa: reanúdelo para llamar a la siguiente ficha.")
    current = Ficha.objects.filter(modulo=modulo, estado=FichaState.LLAMADA).first()
    if current is not None:
        raise ActionError(
            f"La ficha {current.codigo} sigue en el módulo: márquela como atendida, "
            "no presentada o transfiérala antes de llamar a la siguiente."
        )
    now = timezone.now()
    ficha = (
        selectors.waiting_queue(secretaria_id=modulo.secretaria_id, now=now)
        .select_for_update(skip_locked=True)
        .first()
    )
    if ficha is None:
        return None
    apply_transition(ficha, "call")
    ficha.modulo = modulo
    ficha.llamada_at = ficha.ultima_llamada_at = now
    ficha.llamadas = 1
    save_or_conflict(ficha)
    _announce(ficha, modulo, user, now, again=False)
    _record(Accion.FICHA_LLAMAR, ficha, actor=user, modulo=modulo.nombre, fecha=ficha.fecha)
    return ficha


@transaction.atomic
def ficha_call_again(*, modulo_id: int, user) -> Ficha:
    """Call the ficha at the módulo once more (it shows again at the top of the board)."""
    modulo = _lock_modulo(modulo_id, user)
    ficha = _lock_current(modulo)
    now = timezone.now()
    apply_transition(ficha, "call_again")
    ficha.ultima_llamada_at = now
    ficha.llamadas += 1
    save_or_conflict(ficha)
    _announce(ficha, modulo, user, now, again=True)
    _record(Accion.FICHA_LLAMAR_OTRA_VEZ, ficha, actor=user, modulo=modulo.nombre)
    return ficha


def _finish(modulo_id: int, user, transition_name: str, action: Accion) -> Ficha:
    modulo = _lock_modulo(modulo_id, user)
    ficha = _lock_current(modulo)
    apply_transition(ficha, transition_name)
    ficha.terminada_at = timezone.now()
    ficha.atendida_por = user
    save_or_conflict(ficha)
    _record(action, ficha, actor=user, modulo=modulo.nombre)
    return ficha


@transaction.atomic
def ficha_mark_attended(*, modulo_id: int, user) -> Ficha:
    return _finish(modulo_id, user, "attend", Accion.FICHA_ATENDER)


@transaction.atomic
def ficha_mark_absent(*, modulo_id: int, user) -> Ficha:
    """The person did not come to the window after being called."""
    return _finish(modulo_id, user, "mark_absent", Accion.FICHA_AUSENTE)


@transaction.atomic
def ficha_transfer(*, modulo_id: int, user, servicio_id: int) -> Ficha:
    """Send the person at the window to another queue (another secretaría's, or another
    service of this one). They get a new ficha there, called ahead of walk-ins: they already
    waited once. Returns the new ficha."""
    modulo = _lock_modulo(modulo_id, user)
    ficha = _lock_current(modulo)
    servicio = _active_servicio(servicio_id)
    if servicio.pk == ficha.servicio_id:
        raise ActionError("La ficha ya es de ese servicio: elija otro servicio o secretaría.")
    now = timezone.now()
    nueva = _issue(
        servicio=servicio, origen=FichaOrigin.TRANSFERENCIA, now=now, preferente_desde=now
    )
    apply_transition(ficha, "transfer")
    ficha.terminada_at = now
    ficha.atendida_por = user
    ficha.transferida_a = nueva
    save_or_conflict(ficha)
    _record(Accion.FICHA_TRANSFERIR, ficha, actor=user, a=nueva.codigo, servicio=servicio.nombre)
    return nueva


@transaction.atomic
def modulo_pause(*, modulo_id: int, user) -> Modulo:
    """Nobody is called to a paused módulo (the person at the window may still be finished)."""
    modulo = _lock_modulo(modulo_id, user)
    if not modulo.en_pausa:
        modulo.en_pausa = True
        modulo.pausa_desde = timezone.now()
        modulo.save(update_fields=["en_pausa", "pausa_desde"])
        _record(Accion.MODULO_PAUSAR, modulo, actor=user, modulo=modulo.nombre)
    return modulo


@transaction.atomic
def modulo_resume(*, modulo_id: int, user) -> Modulo:
    modulo = _lock_modulo(modulo_id, user)
    if modulo.en_pausa:
        modulo.en_pausa = False
        modulo.pausa_desde = None
        modulo.save(update_fields=["en_pausa", "pausa_desde"])
        _record(Accion.MODULO_REANUDAR, modulo, actor=user, modulo=modulo.nombre)
    return modulo


# Appointments ----------------------------------------------------------------------------


def normalize_cita_code(code: str) -> str:
    return access_codes.normalize(code)


def display_cita_code(code: str) -> str:
    return f"{code[:3]}-{code[3:]}"


def _new_code() -> str:
    return "".join(secrets.choice(access_codes.ALPHABET) for _ in range(CITA_CODE_LENGTH))


@transaction.atomic
def cita_book(
    *,
    servicio_id: int,
    inicio: datetime,
    nombre: str,
    email: str = "",
    telefono: str = "",
    calendar: BusinessCalendar | None = None,
) -> Cita:
    """Book the slot that starts at `inicio` for a service, if it has a free place.

    The schedule rows that offer slots that weekday are locked first, so bookings of the same
    secretaría and weekday are counted one after the other and a slot never takes more people
    than its capacity, however many book at once."""
    servicio = _active_servicio(servicio_id)
    calendar = calendar or BusinessCalendar()
    now = timezone.now()
    inicio = timezone.localtime(inicio)
    day = inicio.date()
    reason = calendar.non_working_reason(day)
    if reason is not None:
        raise ActionError(f"El {day:%d/%m/%Y} no hay atención ({reason}). Elija otro día.")
    if inicio <= now:
        raise ActionError("Ese horario ya pasó. Elija otro.")
    if day > timezone.localdate(now) + timedelta(days=agenda.BOOKING_DAYS):
        raise ActionError(
            f"Solo se pueden reservar citas en los próximos {agenda.BOOKING_DAYS} días."
        )
    horarios = list(
        HorarioCitas.objects.select_for_update(of=("self",))
        .filter(
            modulo__secretaria_id=servicio.secretaria_id,
            modulo__activo=True,
            activo=True,
            dia_semana=day.weekday(),
        )
        .order_by("pk")
    )
    capacity = agenda.offered(horarios, day)[inicio]
    if capacity == 0:
        raise ActionError("La secretaría no atiende citas en ese horario. Elija otro.")
    taken = Cita.objects.filter(
        secretaria_id=servicio.secretaria_id, inicio=inicio, estado__in=TAKEN_CITA_STATES
    ).count()
    if taken >= capacity:
        raise ActionError("Ese horario se acaba de llenar. Elija otro, por favor.")
    while True:
        try:
            with transaction.atomic():
                cita = Cita.objects.create(
                    secretaria_id=servicio.secretaria_id,
                    servicio=servicio,
                    inicio=inicio,
                    nombre=nombre,
                    email=email,
                    telefono=telefono,
                    codigo=_new_code(),
                    reservada_at=now,
                )
        except IntegrityError:
            continue  # the random code was taken: draw another
        _record(Accion.CITA_AGENDAR, cita, servicio=servicio.nombre, inicio=inicio.isoformat())
        return cita


@transaction.atomic
def cita_cancel(*, cita_id: int) -> Cita:
    cita = Cita.objects.select_for_update().get(pk=cita_id)
    if cita.estado == CitaState.CANCELADA:
        return cita
    if cita.inicio <= timezone.now():
        raise ActionError("La cita ya empezó o ya pasó: no se puede cancelar.")
    apply_transition(cita, "cancel")
    cita.cancelada_at = timezone.now()
    save_or_conflict(cita)
    _record(Accion.CITA_CANCELAR, cita)
    return cita


@transaction.atomic
def cita_check_in(*, codigo: str) -> Ficha:
    """The person arrived: the appointment becomes a ficha, called ahead of walk-ins from the
    appointment's time on. Checking in twice gives the same ficha."""
    cita = (
        Cita.objects.select_for_update(of=("self",))
        .select_related("servicio__secretaria", "ficha")
        .filter(codigo=normalize_cita_code(codigo))
        .first()
    )
    if cita is None:
        raise ActionError("No encontramos una cita con ese código. Revíselo e intente de nuevo.")
    if cita.estado == CitaState.PRESENTADA:
        return cita.ficha
    if cita.estado == CitaState.CANCELADA:
        raise ActionError("Esa cita fue cancelada. Puede tomar una ficha en el kiosco.")
    now = timezone.now()
    inicio = timezone.localtime(cita.inicio)
    # Fichas are numbered per day: the check-in opens CHECK_IN_EARLY before, never before
    # the appointment's own day begins.
    opens = max(inicio - CHECK_IN_EARLY, inicio.replace(hour=0, minute=0, second=0, microsecond=0))
    if timezone.localdate(now) != inicio.date() or now < opens:
        raise ActionError(
            f"Su cita es el {inicio:%d/%m/%Y} a las {inicio:%H:%M}. Registre su llegada "
            f"a partir de las {opens:%H:%M} de ese día."
            if now < inicio
            else f"Su cita fue el {inicio:%d/%m/%Y} a las {inicio:%H:%M}. Tome una ficha en el "
            "kiosco o reserve una nueva cita."
        )
    if now > inicio + CHECK_IN_LATE:
        raise ActionError(
            f"Su cita era a las {inicio:%H:%M} y pasaron más de "
            f"{int(CHECK_IN_LATE.total_seconds() // 60)} minutos. Tome una ficha en el kiosco."
        )
    ficha = _issue(
        servicio=cita.servicio,
        origen=FichaOrigin.CITA,
        now=now,
        espera_desde=max(now, cita.inicio),
        preferente_desde=cita.inicio,
    )
    apply_transition(cita, "check_in")
    cita.ficha = ficha
    save_or_conflict(cita)
    _record(Accion.CITA_LLEGADA, cita, ficha=ficha.codigo)
    return ficha
