"""Anti-coyotaje signals: patterns in the escritos and the bitácora that deserve a look.

Each detector returns the signals it found in a period, each with the evidence behind it
(the escritos or bitácora entries that triggered it) so the contraloría can judge it; a
signal is a reason to look, never a finding. Thresholds come from settings (SENAL_*, see
.env.example):

- the same email, phone or petitioner name filing for many different petitioners within a
  window of days (a gestor who keeps the notifications, or files for others in their name);
- a ventanilla clerk who captured far more escritos in a day than the other clerks that day;
- titulares, enlaces and operativos who opened an escrito (its data or a file) that no turno
  of their secretaría, no task of theirs and no capture of theirs led them to;
- answers given far faster or slower than their secretaría's median.
"""

import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from correspondencia.models import Escrito
from oficialia.acciones_bitacora import Accion
from oficialia.calendario import BusinessCalendar
from oficialia.models import Bitacora
from oficialia.roles import SECRETARIA_MEMBERS, SEE_ALL_ROLES
from turnos.models import Respuesta, Tarea, Turno

User = get_user_model()

# How many escritos or entries a signal shows; the total is always given.
EVIDENCE_SHOWN = 50
# The most bitácora entries read for the "outside their turnos" signal in one period.
OUTSIDE_ENTRIES_READ = 5000

VIEW_ACTIONS = (Accion.DATOS_VER, Accion.ARCHIVO_DESCARGAR)
# Entries about an escrito (its page) or one of its files; not quejas, acuses or the rest.
ESCRITO_OBJECTS = ("escrito", "adjunto")


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @classmethod
    def last_days(cls, days: int, *, until: date | None = None) -> "Period":
        until = until or timezone.localdate()
        return cls(until - timedelta(days=days - 1), until)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) in the ayuntamiento's time."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


@dataclass(frozen=True)
class Thresholds:
    contact_petitioners: int
    contact_days: int
    captures_pct: int
    captures_min: int
    answer_fast_pct: int
    answer_slow_pct: int
    answer_sample: int

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            contact_petitioners=settings.SENAL_CONTACTO_PETICIONARIOS,
            contact_days=settings.SENAL_CONTACTO_DIAS,
            captures_pct=settings.SENAL_CAPTURAS_PCT,
            captures_min=settings.SENAL_CAPTURAS_MINIMO,
            answer_fast_pct=settings.SENAL_RESPUESTA_RAPIDA_PCT,
            answer_slow_pct=settings.SENAL_RESPUESTA_LENTA_PCT,
            answer_sample=settings.SENAL_RESPUESTA_MUESTRA,
        )


# The same contact for many petitioners ---------------------------------------------------


class ContactKind:
    EMAIL = "correo"
    PHONE = "telefono"
    NAME = "nombre"

    LABELS = {EMAIL: "El correo", PHONE: "El teléfono", NAME: "El nombre"}


@dataclass
class ContactSignal:
    kind: str
    value: str  # as first written on an escrito
    petitioners: int  # distinct petitioners within the window
    first: datetime
    last: datetime
    escritos: list[Escrito]

    @property
    def label(self) -> str:
        return ContactKind.LABELS[self.kind]

    @property
    def same_day(self) -> bool:
        return timezone.localtime(self.first).date() == timezone.localtime(self.last).date()


def _plain(text: str) -> str:
    """Lower case, without accents or repeated spaces: «José  PÉREZ» == «jose perez»."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _phone(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[-10:] if len(digits) >= 8 else ""


def _identity(escrito: Escrito) -> str:
    """Who a petitioner is, for the name signal: an identity document, else a contact."""
    p = escrito.peticionario
    if p.curp:
        return f"curp:{p.curp.upper()}"
    if p.rfc:
        return f"rfc:{p.rfc.upper()}"
    if p.email:
        return f"correo:{p.email.strip().lower()}"
    if phone := _phone(p.telefono):
        return f"tel:{phone}"
    return ""


def _busiest_window(
    items: list[tuple[Escrito, str]], days: int
) -> tuple[int, list[tuple[Escrito, str]]]:
    """The window of `days` days (sliding) with the most distinct petitioners in `items`
    (sorted by reception): how many, and the items in it."""
    width = timedelta(days=days)
    seen: Counter[str] = Counter()
    best, best_span = 0, (0, 0)
    left = 0
    for right, (escrito, who) in enumerate(items):
        seen[who] += 1
        while escrito.received_at - items[left][0].received_at >= width:
            gone = items[left][1]
            seen[gone] -= 1
            if not seen[gone]:
                del seen[gone]
            left += 1
        if len(seen) > best:
            best, best_span = len(seen), (left, right)
    return best, items[best_span[0] : best_span[1] + 1]


def contact_signals(period: Period, thresholds: Thresholds) -> list[ContactSignal]:
    start, end = period.bounds
    escritos = (
        Escrito.objects.filter(received_at__gte=start, received_at__lt=end)
        # A blocked petitioner's data is out of every use (ARCO cancellation), these
        # groupings by name and contact included.
        .filter(peticionario__bloqueado_at__isnull=True)
        .select_related("peticionario")
        .only(
            "folio",
            "received_at",
            "asunto",
            "channel",
            "captured_by_id",
            "peticionario__nombre",
            "peticionario__email",
            "peticionario__telefono",
            "peticionario__curp",
            "peticionario__rfc",
            "peticionario__bloqueado_at",
        )
        .order_by("received_at", "pk")
    )
    groups: dict[tuple[str, str], list[tuple[Escrito, str]]] = defaultdict(list)
    shown: dict[tuple[str, str], str] = {}
    for escrito in escritos:
        p = escrito.peticionario
        name = _plain(p.nombre)
        keys = []
        if p.email:
            keys.append(((ContactKind.EMAIL, p.email.strip().lower()), p.email.strip(), name))
        if phone := _phone(p.telefono):
            keys.append(((ContactKind.PHONE, phone), p.telefono.strip(), name))
        if name and (identity := _identity(escrito)):
            keys.append(((ContactKind.NAME, name), p.nombre, identity))
        for key, display, who in keys:
            if who:
                groups[key].append((escrito, who))
                shown.setdefault(key, display)
    found = []
    for key, items in groups.items():
        if len(items) < thresholds.contact_petitioners:
            continue
        count, window = _busiest_window(items, thresholds.contact_days)
        if count >= thresholds.contact_petitioners:
            found.append(
                ContactSignal(
                    kind=key[0],
                    value=shown[key],
                    petitioners=count,
                    first=window[0][0].received_at,
                    last=window[-1][0].received_at,
                    escritos=[escrito for escrito, _ in window],
                )
            )
    return sorted(found, key=lambda s: (-s.petitioners, s.kind, s.value))


# A ventanilla clerk far above the others ---------------------------------------------------


@dataclass
class CaptureSignal:
    clerk: object  # User
    day: date
    count: int
    peers: int  # other clerks who captured that day
    peers_median: float
    escritos: list[Escrito] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.count / self.peers_median if self.peers_median else 0.0


def capture_signals(period: Period, thresholds: Thresholds) -> list[CaptureSignal]:
    start, end = period.bounds
    per_day: dict[date, dict[int, int]] = defaultdict(dict)
    rows = (
        Escrito.objects.filter(
            received_at__gte=start, received_at__lt=end, captured_by__isnull=False
        )
        .annotate(day=TruncDate("received_at"))
        .values_list("day", "captured_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, clerk_id, n in rows:
        per_day[day][clerk_id] = n
    flagged: list[tuple[date, int, int, int, float]] = []
    for day, counts in per_day.items():
        for clerk_id, n in counts.items():
            others = [m for other, m in counts.items() if other != clerk_id]
            if n < thresholds.captures_min or not others:
                continue
            median = statistics.median(others)
            if n * 100 > thresholds.captures_pct * median:
                flagged.append((day, clerk_id, n, len(others), median))
    clerks = User.objects.in_bulk([clerk_id for _, clerk_id, *_ in flagged])
    found = []
    for day, clerk_id, n, peers, median in flagged:
        day_start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        escritos = list(
            Escrito.objects.filter(
                captured_by_id=clerk_id,
                received_at__gte=day_start,
                received_at__lt=day_start + timedelta(days=1),
            )
            .select_related("peticionario")
            .only(
                "folio",
                "received_at",
                "asunto",
                "peticionario__nombre",
                "peticionario__tipo",
                "peticionario__bloqueado_at",
            )
            .order_by("received_at")[:EVIDENCE_SHOWN]
        )
        found.append(CaptureSignal(clerks[clerk_id], day, n, peers, median, escritos))
    return sorted(found, key=lambda s: (-s.day.toordinal(), -s.count))


# Staff who open escritos outside their secretaría's turnos ---------------------------------


@dataclass
class OutsideSignal:
    actor: object  # User
    secretaria: str
    entries: list[Bitacora]
    total: int

    @property
    def folios(self) -> list[str]:
        return sorted({entry.folio for entry in self.entries})


def outside_turno_entries(period: Period):
    """The entries of staff of a secretaría opening an escrito nothing led them to.

    Allowed, and not signalled: a turno of the secretaría the entry names (as it was then)
    or of the actor's current one (Perfil), turned before the opening; a task of the actor
    on the escrito; an escrito the actor captured at the ventanilla.
    """
    start, end = period.bounds
    role_filter = Q()
    for role in SECRETARIA_MEMBERS:
        role_filter |= Q(role__contains=str(role))
    led_by_turno = Turno.objects.filter(
        escrito__folio=OuterRef("folio"), turned_at__lte=OuterRef("at")
    ).filter(
        Q(secretaria__nombre=OuterRef("secretaria"))
        | Q(secretaria_id=OuterRef("actor__perfil__secretaria_id"))
    )
    led_by_task = Tarea.objects.filter(
        turno__escrito__folio=OuterRef("folio"), assigned_to_id=OuterRef("actor_id")
    )
    captured = Escrito.objects.filter(folio=OuterRef("folio"), captured_by_id=OuterRef("actor_id"))
    entries = Bitacora.objects.filter(
        role_filter,
        at__gte=start,
        at__lt=end,
        action__in=VIEW_ACTIONS,
        object_type__in=ESCRITO_OBJECTS,
        actor__isnull=False,
    ).exclude(folio="")
    for role in SEE_ALL_ROLES:
        entries = entries.exclude(role__contains=str(role))
    return (
        entries.filter(~Exists(led_by_turno), ~Exists(led_by_task), ~Exists(captured))
        .select_related("actor")
        .order_by("actor_id", "at", "id")
    )


def outside_turno_signals(period: Period) -> list[OutsideSignal]:
    grouped: dict[int, OutsideSignal] = {}
    for entry in outside_turno_entries(period)[:OUTSIDE_ENTRIES_READ]:
        signal = grouped.get(entry.actor_id)
        if signal is None:
            signal = grouped[entry.actor_id] = OutsideSignal(
                actor=entry.actor, secretaria=entry.secretaria, entries=[], total=0
            )
        signal.total += 1
        if len(signal.entries) < EVIDENCE_SHOWN:
            signal.entries.append(entry)
    return sorted(grouped.values(), key=lambda s: -s.total)


# Answers far from their secretaría's usual time -------------------------------------------


class Pace:
    FAST = "rapida"
    SLOW = "lenta"

    LABELS = {FAST: "Muy rápida", SLOW: "Muy lenta"}


@dataclass
class AnswerSignal:
    respuesta: Respuesta
    secretaria: str
    days: int  # business days from the turno to the answer, prevenciones excluded
    median: float  # of the secretaría's answers in the period
    sample: int
    pace: str

    @property
    def pace_label(self) -> str:
        return Pace.LABELS[self.pace]

    @property
    def escrito(self) -> Escrito:
        return self.respuesta.turno.escrito


def answer_business_days(respuesta: Respuesta, calendar: BusinessCalendar) -> int:
    """Business days from the day the turno was given to the day it was answered, without
    the days a prevención kept the clock stopped."""
    turned = timezone.localtime(respuesta.turno.turned_at).date()
    answered = timezone.localtime(respuesta.answered_at).date()
    days = calendar.count_business_days(turned, answered)
    for prevencion in respuesta.turno.prevenciones.all():
        paused_from = max(timezone.localtime(prevencion.requested_at).date(), turned)
        paused_until = (
            timezone.localtime(prevencion.answered_at).date()
            if prevencion.answered_at
            else answered
        )
        if paused_from < min(paused_until, answered):
            days -= calendar.count_business_days(paused_from, min(paused_until, answered))
    return max(days, 0)


def answer_signals(
    period: Period, thresholds: Thresholds, calendar: BusinessCalendar | None = None
) -> list[AnswerSignal]:
    calendar = calendar or BusinessCalendar()
    start, end = period.bounds
    respuestas = (
        Respuesta.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .select_related("turno__secretaria", "turno__escrito", "answered_by")
        .prefetch_related("turno__prevenciones")
        .order_by("answered_at")
    )
    by_secretaria: dict[int, list[tuple[Respuesta, int]]] = defaultdict(list)
    for respuesta in respuestas:
        days = answer_business_days(respuesta, calendar)
        by_secretaria[respuesta.turno.secretaria_id].append((respuesta, days))
    found = []
    for answers in by_secretaria.values():
        if len(answers) < thresholds.answer_sample:
            continue
        median = statistics.median(days for _, days in answers)
        for respuesta, days in answers:
            if days * 100 < thresholds.answer_fast_pct * median:
                pace = Pace.FAST
            # A secretaría that usually answers the same day: measure "slow" against one day.
            elif days * 100 > thresholds.answer_slow_pct * max(median, 1):
                pace = Pace.SLOW
            else:
                continue
            found.append(
                AnswerSignal(
                    respuesta=respuesta,
                    secretaria=respuesta.turno.secretaria.nombre,
                    days=days,
                    median=median,
                    sample=len(answers),
                    pace=pace,
                )
            )
    return sorted(found, key=lambda s: (s.secretaria, s.respuesta.answered_at))


# The page ---------------------------------------------------------------------------------


@dataclass
class Signals:
    period: Period
    thresholds: Thresholds
    contacts: list[ContactSignal]
    captures: list[CaptureSignal]
    outside: list[OutsideSignal]
    answers: list[AnswerSignal]

    @property
    def total(self) -> int:
        return len(self.contacts) + len(self.captures) + len(self.outside) + len(self.answers)


def signals(period: Period, thresholds: Thresholds | None = None) -> Signals:
    thresholds = thresholds or Thresholds.from_settings()
    return Signals(
        period=period,
        thresholds=thresholds,
        contacts=contact_signals(period, thresholds),
        captures=capture_signals(period, thresholds),
        outside=outside_turno_signals(period),
        answers=answer_signals(period, thresholds),
    )
