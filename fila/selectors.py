"""Reads of the queue: its order, a ficha's place and estimated wait, the display board, a
módulo's console, and the waiting and attention statistics for the transparency page."""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypedDict

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from correspondencia.models import Secretaria
from oficialia.roles import secretaria_of

from .models import Cita, Ficha, FichaState, Llamado, Modulo, Servicio
from .permissions import can_attend

# Attention time assumed when nobody was attended in the last hour (the day's first fichas).
DEFAULT_ATTENTION_MINUTES = 10
ESTIMATE_WINDOW = timedelta(hours=1)
BOARD_CALLS = 6


# The queue -------------------------------------------------------------------------------


def waiting_queue(*, secretaria_id: int, now: datetime, day: date | None = None) -> QuerySet:
    """The fichas waiting in a secretaría's queue today, in the order they will be called:
    first those whose preference has begun (appointments at their time, people transferred
    from another queue) by that moment, then walk-ins by arrival, then appointments whose
    time has not come yet (called early only when nobody else waits)."""
    day = day or timezone.localdate(now)
    return (
        Ficha.objects.filter(secretaria_id=secretaria_id, fecha=day, estado=FichaState.EN_ESPERA)
        .annotate(
            prioridad=Case(
                When(preferente_desde__lte=now, then=Value(0)),
                When(preferente_desde__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            orden=Coalesce("preferente_desde", "espera_desde"),
        )
        .order_by("prioridad", "orden", "pk")
    )


def attention_minutes_last_hour(*, secretaria_id: int, now: datetime) -> float | None:
    """Mean minutes from call to attended, over the fichas attended in the last hour."""
    rows = Ficha.objects.filter(
        secretaria_id=secretaria_id,
        estado=FichaState.ATENDIDA,
        terminada_at__gt=now - ESTIMATE_WINDOW,
        terminada_at__lte=now,
        llamada_at__isnull=False,
    ).values_list("llamada_at", "terminada_at")
    minutes = [(done - called).total_seconds() / 60 for called, done in rows]
    return statistics.fmean(minutes) if minutes else None


def working_modulos(*, secretaria_id: int, now: datetime) -> int:
    """Módulos attending now: not paused and calling in the last hour. At least one: before
    the first call of the day nobody knows how many windows are staffed, and a wait said too
    long disappoints less than one said too short."""
    calling = Modulo.objects.filter(
        secretaria_id=secretaria_id,
        activo=True,
        en_pausa=False,
        pk__in=Llamado.objects.filter(
            secretaria_id=secretaria_id, at__gt=now - ESTIMATE_WINDOW
        ).values("modulo_id"),
    ).count()
    return max(1, calling)


def estimated_wait_minutes(*, secretaria_id: int, ahead: int, now: datetime) -> int:
    """Minutes until the people `ahead` have been attended: each takes the mean attention
    time of the last hour, shared among the módulos attending."""
    if ahead <= 0:
        return 0
    each = attention_minutes_last_hour(secretaria_id=secretaria_id, now=now)
    if each is None:
        each = DEFAULT_ATTENTION_MINUTES
    modulos = working_modulos(secretaria_id=secretaria_id, now=now)
    return math.ceil(ahead * each / modulos)


@dataclass(frozen=True)
class FichaStatus:
    ficha: Ficha | None
    ahead: int | None = None  # people called before it (while it waits)
    wait_minutes: int | None = None
    expired: bool = False  # still waiting when its day ended: it will not be called


def ficha_status(ficha: Ficha, *, now: datetime | None = None) -> FichaStatus:
    now = now or timezone.now()
    if ficha.estado != FichaState.EN_ESPERA:
        return FichaStatus(ficha)
    if ficha.fecha < timezone.localdate(now):
        return FichaStatus(ficha, expired=True)
    order = list(
        waiting_queue(secretaria_id=ficha.secretaria_id, now=now, day=ficha.fecha).values_list(
            "pk", flat=True
        )
    )
    ahead = order.index(ficha.pk) if ficha.pk in order else 0
    return FichaStatus(
        ficha,
        ahead=ahead,
        wait_minutes=estimated_wait_minutes(
            secretaria_id=ficha.secretaria_id, ahead=ahead, now=now
        ),
    )


def queue_preview(secretaria: Secretaria, *, now: datetime | None = None) -> FichaStatus:
    """What a walk-in taking a ficha now would have ahead (the kiosk shows it before)."""
    now = now or timezone.now()
    ahead = (
        waiting_queue(secretaria_id=secretaria.pk, now=now)
        .filter(Q(preferente_desde__isnull=True) | Q(preferente_desde__lte=now))
        .count()
    )
    return FichaStatus(
        ficha=None,
        ahead=ahead,
        wait_minutes=estimated_wait_minutes(secretaria_id=secretaria.pk, ahead=ahead, now=now),
    )


# Public pages ----------------------------------------------------------------------------


def secretarias_with_services() -> QuerySet:
    """Secretarías that attend in person: active, with at least one active service."""
    return (
        Secretaria.objects.filter(activa=True, servicios_fila__activo=True)
        .distinct()
        .order_by("nombre")
    )


def secretarias_with_appointments() -> QuerySet:
    """Secretarías that give appointments: with services and an active schedule."""
    return (
        secretarias_with_services()
        .filter(modulos__activo=True, modulos__horarios__activo=True)
        .distinct()
    )


def secretaria_for_public(siglas: str) -> Secretaria:
    secretaria = secretarias_with_services().filter(siglas=siglas).first()
    if secretaria is None:
        raise Http404
    return secretaria


def services_of(secretaria: Secretaria) -> QuerySet:
    return Servicio.objects.filter(secretaria=secretaria, activo=True).order_by("orden", "letra")


def ficha_by_token(token) -> Ficha | None:
    return (
        Ficha.objects.select_related("secretaria", "servicio", "modulo", "transferida_a")
        .filter(token=token)
        .first()
    )


def cita_by_token(token) -> Cita | None:
    return (
        Cita.objects.select_related("secretaria", "servicio", "ficha").filter(token=token).first()
    )


def board(secretaria: Secretaria, *, now: datetime | None = None) -> dict:
    """The display board: the last fichas called today (each once, at its latest call, the
    newest first) with their módulo, and how many wait."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    recent = (
        Llamado.objects.filter(secretaria=secretaria, at__gte=start)
        .select_related("ficha", "modulo")
        .order_by("-id")[: BOARD_CALLS * 4]
    )
    calls: list[Llamado] = []
    seen: set[int] = set()
    for llamado in recent:
        if llamado.ficha_id not in seen:
            seen.add(llamado.ficha_id)
            calls.append(llamado)
        if len(calls) == BOARD_CALLS:
            break
    waiting = Ficha.objects.filter(
        secretaria=secretaria, fecha=today, estado=FichaState.EN_ESPERA
    ).count()
    return {
        "secretaria": secretaria,
        "latest": calls[0] if calls else None,
        "previous": calls[1:],
        "waiting": waiting,
        "now": now,
    }


# Staff -----------------------------------------------------------------------------------


def modulos_of(user) -> QuerySet:
    """The active módulos of the user's secretaría (none without one)."""
    secretaria_id, _area = secretaria_of(user)
    if secretaria_id is None:
        return Modulo.objects.none()
    return Modulo.objects.filter(secretaria_id=secretaria_id, activo=True).select_related(
        "secretaria"
    )


def modulo_for_staff(user, modulo_id: int) -> Modulo:
    """A módulo the user may work, or 404 (a módulo of another secretaría is not revealed)."""
    modulo = Modulo.objects.select_related("secretaria").filter(pk=modulo_id, activo=True).first()
    if modulo is None or not can_attend(user, modulo):
        raise Http404
    return modulo


def current_ficha(modulo: Modulo) -> Ficha | None:
    return (
        Ficha.objects.select_related("servicio")
        .filter(modulo=modulo, estado=FichaState.LLAMADA)
        .first()
    )


def console(modulo: Modulo, *, now: datetime | None = None) -> dict:
    """What a módulo's console shows: the person at the window, the queue, today's figures."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queue = waiting_queue(secretaria_id=modulo.secretaria_id, now=now).select_related("servicio")
    counts = Ficha.objects.filter(secretaria_id=modulo.secretaria_id, fecha=today).aggregate(
        esperando=Count("pk", filter=Q(estado=FichaState.EN_ESPERA)),
        atendidas=Count("pk", filter=Q(estado=FichaState.ATENDIDA)),
        ausentes=Count("pk", filter=Q(estado=FichaState.NO_SE_PRESENTO)),
        mias=Count(
            "pk",
            filter=Q(modulo=modulo, estado__in=[FichaState.ATENDIDA, FichaState.NO_SE_PRESENTO]),
        ),
    )
    attention = attention_minutes_last_hour(secretaria_id=modulo.secretaria_id, now=now)
    return {
        "modulo": modulo,
        "current": current_ficha(modulo),
        "queue": list(queue[:15]),
        "counts": counts,
        "attention_minutes": round(attention) if attention is not None else None,
        "now": now,
    }


# Statistics ------------------------------------------------------------------------------


class WaitStatistics(TypedDict):
    secretaria_id: int
    secretaria: str  # its name
    siglas: str
    hora: int | None  # 0 to 23, Mexico City; None in the whole-day rows (by_hour=False)
    fichas: int
    llamadas: int
    atendidas: int
    no_se_presento: int
    transferidas: int
    espera_mediana: float | None
    espera_media: float | None
    atencion_mediana: float | None
    atencion_media: float | None


def _minutes(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(statistics.median(values), 1), round(statistics.fmean(values), 1)


def wait_statistics(
    year: int, secretaria: Secretaria | int | None = None, *, by_hour: bool = True
) -> list[WaitStatistics]:
    """Waiting and attention times of the fichas of `year`, per secretaría and hour of the day.

    Returns a list of dicts (`WaitStatistics`), one per secretaría and hour that had fichas,
    ordered by the secretaría's name and the hour; only `secretaria` (an instance or its id)
    when given. With `by_hour=False`, one row per secretaría for the whole day (`hora` None).
    Each row:

    - `secretaria_id`, `secretaria` (name), `siglas`;
    - `hora`: 0 to 23, Mexico City time, the hour the person began to wait (arrival at the kiosk;
      for an appointment, its time if they came early; for a transfer, the moment of it);
    - `fichas`: fichas of that hour (walk-ins, appointments and transfers);
    - `llamadas`: of them, called at least once (their waiting time is known);
    - `atendidas`, `no_se_presento`, `transferidas`: how each called ficha ended;
    - `espera_mediana`, `espera_media`: minutes from the start of the wait to the first call,
      over the `llamadas` (0 for an appointment called before its time);
    - `atencion_mediana`, `atencion_media`: minutes from the first call to "atendida", over the
      `atendidas`.

    Minutes are floats rounded to one decimal, None where there is nothing to measure. Fichas
    still waiting (or never called before the day ended) count in `fichas` only. Nothing in a
    row identifies a person.
    """
    fichas = Ficha.objects.filter(fecha__year=year)
    if secretaria is not None:
        fichas = fichas.filter(secretaria=secretaria)
    rows = fichas.values_list(
        "secretaria_id", "espera_desde", "llamada_at", "terminada_at", "estado"
    ).order_by()
    groups: dict[tuple[int, int | None], dict] = defaultdict(
        lambda: {"fichas": 0, "waits": [], "attentions": [], "estados": defaultdict(int)}
    )
    for secretaria_id, waiting_from, called_at, finished_at, estado in rows.iterator(2000):
        hour = timezone.localtime(waiting_from).hour if by_hour else None
        group = groups[(secretaria_id, hour)]
        group["fichas"] += 1
        group["estados"][estado] += 1
        if called_at is not None:
            group["waits"].append(max(0.0, (called_at - waiting_from).total_seconds() / 60))
            if estado == FichaState.ATENDIDA and finished_at is not None:
                group["attentions"].append((finished_at - called_at).total_seconds() / 60)
    names = dict(
        (pk, (nombre, siglas))
        for pk, nombre, siglas in Secretaria.objects.filter(
            pk__in={key[0] for key in groups}
        ).values_list("pk", "nombre", "siglas")
    )
    result: list[WaitStatistics] = []
    for (secretaria_id, hour), group in groups.items():
        nombre, siglas = names[secretaria_id]
        wait_median, wait_mean = _minutes(group["waits"])
        attention_median, attention_mean = _minutes(group["attentions"])
        estados = group["estados"]
        result.append(
            WaitStatistics(
                secretaria_id=secretaria_id,
                secretaria=nombre,
                siglas=siglas,
                hora=hour,
                fichas=group["fichas"],
                llamadas=len(group["waits"]),
                atendidas=estados[FichaState.ATENDIDA],
                no_se_presento=estados[FichaState.NO_SE_PRESENTO],
                transferidas=estados[FichaState.TRANSFERIDA],
                espera_mediana=wait_median,
                espera_media=wait_mean,
                atencion_mediana=attention_median,
                atencion_media=attention_mean,
            )
        )
    result.sort(key=lambda row: (row["secretaria"], row["hora"] if row["hora"] is not None else -1))
    return result
