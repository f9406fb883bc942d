"""Synthetic escritos in bulk, for the statistics and their benchmark: a million in minutes.

Each escrito gets what the real services would have written: its peticionario, its folio (the
next numbers of each year's series, taken under the folio counter's lock, so they stay unique
and the next real filing continues the series), its turnos, answers and rating, and the
Transicion rows of every step, so the statistics consumer finds them in the log as it finds
real ones. On PostgreSQL the rows go in with COPY; elsewhere (the SQLite demo) with
bulk_create. Acuses and history rows are not made: these escritos exist to be counted.
"""

import random
import time
from bisect import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from correspondencia.models import (
    Channel,
    Escrito,
    EscritoState,
    Gender,
    Peticionario,
    PetitionerType,
    Secretaria,
    Tramite,
    Transicion,
)
from oficialia import access_codes
from oficialia.calendario import BusinessDayCounter
from oficialia.folios import FolioSeries
from oficialia.models import FolioCounter
from turnos.models import Evaluacion, Respuesta, Sense, Turno, TurnoKind, TurnoState

FOLIO_SERIES = FolioSeries.ESCRITO
SEED_USERNAME = "siembra"
MX = ZoneInfo(settings.TIME_ZONE)

# The catalogue of the demo (oficialia/management/commands/cargar_demo.py) and more trámites,
# so the "top 15" has something to leave out.
SECRETARIAS = [
    ("Control Patrimonial", "CP"),
    ("Finanzas y Administración", "SFA"),
    ("Bienestar Social", "SBS"),
    ("Salud Municipal", "SSM"),
    ("Obras Públicas", "SOP"),
    ("Recursos Humanos", "RH"),
    ("Planeación y Presupuesto", "SPP"),
    ("Desarrollo Urbano", "SDU"),
    ("Catastro", "CAT"),
    ("Registro Civil", "RC"),
    ("Licencias Comerciales", "LC"),
    ("Contraloría Interna", "CI"),
    ("Unidad de Transparencia", "UT"),
]
TRAMITES = [
    ("Licencia de construcción", "SDU", 15),
    ("Constancia de uso de suelo", "SDU", 10),
    ("Licencia de funcionamiento", "LC", 10),
    ("Refrendo de licencia comercial", "LC", 5),
    ("Copia certificada de acta de nacimiento", "RC", 3),
    ("Constancia de no adeudo predial", "CAT", 5),
    ("Avalúo catastral", "CAT", 10),
    ("Bacheo y reparación de calles", "SOP", 15),
    ("Reparación de alumbrado público", "SOP", 10),
    ("Poda o derribo de árbol", "SDU", 10),
    ("Apoyo social", "SBS", 10),
    ("Solicitud de información pública", "UT", 20),
    ("Campaña de vacunación o fumigación", "SSM", 10),
    ("Constancia de servicio", "RH", 5),
    ("Desazolve de drenaje", "SOP", 10),
    ("Pago de impuesto predial en parcialidades", "SFA", 10),
    ("Descuento a adultos mayores en predial", "SFA", 5),
    ("Registro de proveedores", "SPP", 10),
    ("Queja contra servidor público", "CI", 15),
    ("Alineamiento y número oficial", "SDU", 10),
    ("Permiso para evento en vía pública", "LC", 5),
    ("Inventario de bienes muebles", "CP", 10),
    ("Beca municipal", "SBS", 15),
    ("Certificado médico", "SSM", 3),
]
ASUNTOS = [
    "Solicitud de reparación de luminaria",
    "Bache en la calle principal",
    "Petición de poda de árbol",
    "Solicitud de apoyo para material de construcción",
    "Queja por acumulación de basura",
    "Solicitud de constancia",
    "Solicitud de licencia",
    "Petición de fumigación",
    "Solicitud de información sobre obras",
    "Invitación a reunión de trabajo",
]

# Weights, as (value, weight).
CHANNELS = [
    (Channel.EN_LINEA, 55),
    (Channel.VENTANILLA, 35),
    (Channel.CORREO_ELECTRONICO, 6),
    (Channel.CORREO_POSTAL, 2),
    (Channel.MENSAJERIA, 2),
]
TIPOS = [(PetitionerType.FISICA, 82), (PetitionerType.MORAL, 12), (PetitionerType.DEPENDENCIA, 6)]
GENEROS = [
    (Gender.MUJER, 52),
    (Gender.HOMBRE, 42),
    (Gender.NO_BINARIO, 1),
    (Gender.PREFIERO_NO_DECIR, 2),
    ("", 3),
]
SENSES = [(Sense.POSITIVA, 45), (Sense.INFORMATIVA, 25), (Sense.PARCIAL, 15), (Sense.NEGATIVA, 15)]
# More escritos in the first months and after the summer; fewer in December.
SEASON = [1.15, 1.1, 1.2, 1.0, 1.0, 0.95, 0.8, 0.95, 1.05, 1.1, 1.0, 0.7]
WEEKDAY = [1.0, 1.0, 1.0, 1.0, 0.95, 0.12, 0.04]


def _picker(rng: random.Random, pairs: list[tuple]) -> Callable[[], object]:
    values = [v for v, _ in pairs]
    cum, total = [], 0
    for _, w in pairs:
        total += w
        cum.append(total)
    rand = rng.random
    return lambda: values[bisect(cum, rand() * total)]


# Writing rows ------------------------------------------------------------------------------


class _Writer:
    """COPY on PostgreSQL, bulk_create elsewhere; ids reserved from the table's sequence."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def reserve(self, model, count: int) -> list[int]:
        table = model._meta.db_table
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [r[0] for r in cursor.fetchall()]
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return list(range(last + 1, last + 1 + count))

    def write(self, model, fields: list[str], rows: Iterable[tuple]) -> int:
        opts = model._meta
        given = [opts.get_field(name) for name in fields]
        if not self.postgres:
            objs = [
                model(**dict(zip([f.attname for f in given], row, strict=True))) for row in rows
            ]
            model.objects.bulk_create(objs, batch_size=1000)
            return len(objs)
        # Columns not given take their Django default ('' for a blank text field) or NULL.
        extra_fields, extra_values, per_row = [], [], []
        for f in opts.concrete_fields:
            if f in given or f.null or (f.primary_key and "id" not in fields):
                continue
            if f.unique and callable(f.default):
                per_row.append(f)  # a random default (a public id): one for each row
                continue
            default = f.get_default()
            if default is None:
                raise RuntimeError(f"{opts.label}.{f.name} is required and the seed misses it")
            extra_fields.append(f)
            extra_values.append(f.get_db_prep_save(default, connection))
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in [*given, *extra_fields, *per_row])
        extra = tuple(extra_values)
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                fresh = tuple(f.get_db_prep_save(f.get_default(), connection) for f in per_row)
                copy.write_row(row + extra + fresh)
                count += 1
        return count


# The escritos ------------------------------------------------------------------------------


@dataclass
class SeedResult:
    escritos: int = 0
    turnos: int = 0
    respuestas: int = 0
    evaluaciones: int = 0
    transiciones: int = 0
    seconds: float = 0.0
    years: dict[int, int] = field(default_factory=dict)  # escritos per year


@dataclass
class _Chunk:
    """The rows of a chunk of escritos, before ids and folios are known."""

    escritos: list = field(default_factory=list)  # (received_at, channel, tipo, genero, ...)
    turnos: list = field(default_factory=list)
    respuestas: list = field(default_factory=list)
    evaluaciones: list = field(default_factory=list)
    transiciones: list = field(default_factory=list)


def _catalogue() -> tuple[list[Secretaria], list[tuple[int, int, int]]]:
    """The secretarías and (trámite id, secretaría id, plazo) to seed with; made if missing."""
    if not Secretaria.objects.exists():
        for nombre, siglas in SECRETARIAS:
            Secretaria.objects.create(nombre=nombre, siglas=siglas)
    secretarias = list(Secretaria.objects.filter(activa=True).order_by("pk"))
    by_siglas = {s.siglas: s for s in secretarias}
    for i, (nombre, siglas, plazo) in enumerate(TRAMITES):
        owner = by_siglas.get(siglas) or secretarias[i % len(secretarias)]
        Tramite.objects.get_or_create(
            nombre=nombre, defaults={"secretaria": owner, "plazo_dias_habiles": plazo}
        )
    tramites = list(
        Tramite.objects.filter(activo=True, secretaria__activa=True)
        .order_by("pk")
        .values_list("pk", "secretaria_id", "plazo_dias_habiles")
    )
    return secretarias, tramites


def _seed_user():
    user, _ = get_user_model().objects.get_or_create(
        username=SEED_USERNAME, defaults={"first_name": "Siembra", "is_active": False}
    )
    return user


def _day_counts(count: int, first: date, last: date, rng: random.Random) -> list[tuple[date, int]]:
    """How many escritos each day receives: weekdays, seasons and a yearly growth."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weights = [
        WEEKDAY[d.weekday()]
        * SEASON[d.month - 1]
        * (1.08 ** ((d - first).days / 365))
        * rng.uniform(0.85, 1.15)
        for d in days
    ]
    total = sum(weights)
    out, running, given = [], 0.0, 0
    for d, w in zip(days, weights, strict=True):
        running += w
        upto = round(running / total * count)
        out.append((d, upto - given))
        given = upto
    return out


def escritos_seed(
    *,
    count: int,
    years: int = 3,
    seed: int = 20260101,
    end: date | None = None,
    chunk_size: int = 50_000,
    check_keys: bool = False,
    log: Callable[[str], None] | None = None,
) -> SeedResult:
    """Seed `count` escritos received over the `years` years up to `end` (yesterday).
    `check_keys`: have PostgreSQL check every foreign key (see _bulk_transaction)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    end = end or today - timedelta(days=1)
    first = end - timedelta(days=365 * years - 1)
    writer = _Writer()
    with transaction.atomic():
        secretarias, tramites = _catalogue()
        user = _seed_user()
    days = BusinessDayCounter()
    ctx = _Context(rng, secretarias, tramites, user.pk, days, today, now)
    result = SeedResult()
    chunk = _Chunk()
    for day, n in _day_counts(count, first, end, rng):
        for moment in sorted(ctx.moment(day) for _ in range(n)):
            ctx.escrito(chunk, moment)
        if len(chunk.escritos) >= chunk_size:
            _flush(chunk, writer, result, check_keys=check_keys)
            if log:
                log(f"  {result.escritos:,} escritos ({time.perf_counter() - started:.0f} s)")
            chunk = _Chunk()
    if chunk.escritos:
        _flush(chunk, writer, result, check_keys=check_keys)
    if writer.postgres:
        with connection.cursor() as cursor:
            for model in (Peticionario, Escrito, Turno, Respuesta, Evaluacion, Transicion):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result.seconds = time.perf_counter() - started
    return result


class _Context:
    """The random choices of one seed run, and the rows they make."""

    def __init__(self, rng, secretarias, tramites, user_id, days, today, now):
        self.rng = rng
        self.secretarias = [s.pk for s in secretarias]
        self.names = {s.pk: s.nombre for s in secretarias}
        # Some secretarías are slower than others, always.
        self.speed = {s: rng.uniform(0.35, 1.1) for s in self.secretarias}
        self.rating = {s: rng.uniform(3.0, 4.6) for s in self.secretarias}
        self.tramites = tramites
        self.user_id = user_id
        self.days = days
        self.today = today
        self.now = now
        self.channel = _picker(rng, CHANNELS)
        self.tipo = _picker(rng, TIPOS)
        self.genero = _picker(rng, GENEROS)
        self.sense = _picker(rng, SENSES)
        self.default_term = settings.DEFAULT_TERM_BUSINESS_DAYS

    def moment(self, day: date) -> datetime:
        minute = int(self.rng.triangular(8 * 60, 18 * 60, 11 * 60))
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=MX)

    def at_day(self, day: date, after: datetime) -> datetime:
        """A working-hours moment of `day`, not before `after`, not after now."""
        minute = 540 + int(self.rng.random() * 540)  # 9:00 to 17:59
        moment = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=MX)
        return min(max(moment, after + timedelta(minutes=5)), self.now)

    def escrito(self, chunk: _Chunk, received_at: datetime) -> None:
        rng, days = self.rng, self.days
        received = received_at.date()
        tipo = self.tipo()
        genero = self.genero() if tipo == PetitionerType.FISICA else ""
        tramite = rng.choice(self.tramites) if rng.random() < 0.72 else None
        index = len(chunk.escritos)  # the escrito's place in the chunk; ids come later
        tr = chunk.transiciones
        channel = self.channel()
        tr.append(
            (
                index,
                None,
                None,
                "recibir",
                f"Escrito recibido ({channel})",
                "",
                EscritoState.RECIBIDO,
                received_at,
            )
        )
        roll = rng.random()
        state = EscritoState.RECIBIDO
        turn_day = days.add(received, rng.choice((0, 1, 1, 2)))
        if roll < 0.01:
            state = EscritoState.RECHAZADO
            tr.append(
                (
                    index,
                    None,
                    None,
                    "reject",
                    "Rechazado: no constituye un escrito",
                    EscritoState.RECIBIDO,
                    state,
                    self.at_day(turn_day, received_at),
                )
            )
        elif roll < 0.015:
            state = EscritoState.REORIENTADO
            tr.append(
                (
                    index,
                    None,
                    None,
                    "reorient",
                    "Reorientado a la autoridad competente",
                    EscritoState.RECIBIDO,
                    state,
                    self.at_day(turn_day, received_at),
                )
            )
        elif turn_day < self.today:
            state = self._turn(chunk, index, received_at, tramite, turn_day)
        chunk.escritos.append(
            (received_at, channel, tipo, genero, tramite[0] if tramite else None, state)
        )

    def _turn(self, chunk, index, received_at, tramite, turn_day) -> str:
        rng, days = self.rng, self.days
        received = received_at.date()
        term = tramite[2] if tramite else self.default_term
        due = days.add(received, term)
        primary = tramite[1] if tramite and rng.random() < 0.9 else rng.choice(self.secretarias)
        routes = [(primary, TurnoKind.ATENCION)]
        if rng.random() < 0.1:
            other = rng.choice(self.secretarias)
            if other != primary:
                routes.append((other, TurnoKind.ATENCION))
        if rng.random() < 0.15:
            copy = rng.choice(self.secretarias)
            if copy not in {s for s, _ in routes}:
                routes.append((copy, TurnoKind.CONOCIMIENTO))
        turned_at = self.at_day(turn_day, received_at)
        tr = chunk.transiciones
        states, accepted_at, prevented = [], None, False
        answered_last = None
        for secretaria, kind in routes:
            t_index = len(chunk.turnos)
            tr.append(
                (
                    index,
                    t_index,
                    secretaria,
                    "turnar",
                    f"Turnado a {self.names[secretaria]}",
                    "",
                    TurnoState.PENDIENTE,
                    turned_at,
                )
            )
            if kind == TurnoKind.CONOCIMIENTO:
                chunk.turnos.append(
                    (index, secretaria, kind, TurnoState.ENTERADO, None, None, turned_at, None)
                )
                continue
            taken = int(rng.gammavariate(2.0, term * self.speed[secretaria] / 2)) + 1
            answer_day = days.add(received, max(taken, days.count(received, turn_day)))
            accept_day = min(days.add(turn_day, rng.choice((0, 0, 1, 2))), answer_day)
            if answer_day < self.today:
                answered_at = self.at_day(answer_day, turned_at)
                turno_state = TurnoState.RESPONDIDO
                chunk.respuestas.append((t_index, self.sense(), answered_at, answer_day <= due))
                answered_last = max(answered_last or answered_at, answered_at)
            else:
                answered_at = None
                if accept_day >= self.today:
                    turno_state = TurnoState.PENDIENTE
                elif rng.random() < 0.07:
                    turno_state, prevented = TurnoState.PREVENCION, True
                else:
                    turno_state = rng.choice((TurnoState.ACEPTADO, TurnoState.EN_ATENCION))
            if turno_state != TurnoState.PENDIENTE:
                at = self.at_day(accept_day, turned_at)
                accepted_at = min(accepted_at or at, at)
                tr.append(
                    (
                        index,
                        t_index,
                        secretaria,
                        "accept",
                        "Aceptó el turno",
                        TurnoState.PENDIENTE,
                        TurnoState.ACEPTADO,
                        at,
                    )
                )
                if turno_state == TurnoState.PREVENCION:
                    tr.append(
                        (
                            index,
                            t_index,
                            secretaria,
                            "prevenir",
                            "Requiere información al peticionario",
                            TurnoState.ACEPTADO,
                            TurnoState.PREVENCION,
                            at + timedelta(hours=1),
                        )
                    )
                if answered_at:
                    tr.append(
                        (
                            index,
                            t_index,
                            secretaria,
                            "responder",
                            f"{self.names[secretaria]} respondió",
                            TurnoState.ACEPTADO,
                            TurnoState.RESPONDIDO,
                            answered_at,
                        )
                    )
            states.append(turno_state)
            chunk.turnos.append(
                (index, secretaria, kind, turno_state, term, due, turned_at, answered_at)
            )
        tr.append(
            (
                index,
                None,
                None,
                "turnar",
                "Turnado",
                EscritoState.RECIBIDO,
                EscritoState.TURNADO,
                turned_at,
            )
        )
        if accepted_at:
            tr.append(
                (
                    index,
                    None,
                    None,
                    "atender",
                    "En atención",
                    EscritoState.TURNADO,
                    EscritoState.EN_ATENCION,
                    accepted_at,
                )
            )
        if all(s == TurnoState.RESPONDIDO for s in states):
            tr.append(
                (
                    index,
                    None,
                    None,
                    "responder",
                    "Su escrito fue respondido",
                    EscritoState.EN_ATENCION,
                    EscritoState.RESPONDIDO,
                    answered_last,
                )
            )
            rated_day = days.add(answered_last.date(), rng.randint(0, 8))
            if rng.random() < 0.45 and rated_day < self.today:
                rated_at = self.at_day(rated_day, answered_last)
                mean = sum(self.rating[s] for s, k in routes if k == TurnoKind.ATENCION) / len(
                    states
                )
                score = min(5, max(1, round(rng.gauss(mean, 1.0))))
                chunk.evaluaciones.append((index, score, rated_at))
                tr.append(
                    (
                        index,
                        None,
                        None,
                        "calificar",
                        f"Calificó la atención: {score} de 5",
                        "",
                        "",
                        rated_at,
                    )
                )
                tr.append(
                    (
                        index,
                        None,
                        None,
                        "concluir",
                        "Concluido",
                        EscritoState.RESPONDIDO,
                        EscritoState.CONCLUIDO,
                        rated_at,
                    )
                )
                return EscritoState.CONCLUIDO
            return EscritoState.RESPONDIDO
        if prevented:
            tr.append(
                (
                    index,
                    None,
                    None,
                    "prevenir",
                    "Prevención: se requiere información",
                    EscritoState.EN_ATENCION,
                    EscritoState.PREVENIDO,
                    accepted_at + timedelta(hours=1),
                )
            )
            return EscritoState.PREVENIDO
        return EscritoState.EN_ATENCION if accepted_at else EscritoState.TURNADO


ASUNTO_COUNT = len(ASUNTOS)


def _flush(chunk: _Chunk, writer: _Writer, result: SeedResult, *, check_keys: bool) -> None:
    """Write one chunk in its own transaction, with the next folios of each year."""
    n = len(chunk.escritos)
    codes = [access_codes.generate() for _ in range(16)]
    sealed = [(access_codes.hash_code(c), access_codes.seal(c)) for c in codes]
    with transaction.atomic():
        _bulk_transaction(check_keys=check_keys)
        year_counts: dict[int, int] = {}
        for received_at, *_ in chunk.escritos:
            year_counts[received_at.year] = year_counts.get(received_at.year, 0) + 1
        # The counters' lock: a real filing of these years waits until this chunk commits.
        for year in year_counts:
            FolioCounter.objects.get_or_create(series=FOLIO_SERIES, year=year)
        counters = {
            c.year: c
            for c in FolioCounter.objects.select_for_update().filter(
                series=FOLIO_SERIES, year__in=list(year_counts)
            )
        }
        next_number = {year: c.last_number for year, c in counters.items()}
        peticionario_ids = writer.reserve(Peticionario, n)
        escrito_ids = writer.reserve(Escrito, n)
        turno_ids = writer.reserve(Turno, len(chunk.turnos)) if chunk.turnos else []
        writer.write(
            Peticionario,
            ["id", "tipo", "nombre", "genero"],
            (
                (pid, tipo, f"Peticionario sintético {pid}", genero)
                for pid, (_, _, tipo, genero, _, _) in zip(
                    peticionario_ids, chunk.escritos, strict=True
                )
            ),
        )

        def escritos():
            for i, (received_at, channel, _, _, tramite_id, state) in enumerate(chunk.escritos):
                year = received_at.year
                next_number[year] += 1
                number = next_number[year]
                code_hash, code_sealed = sealed[i % len(sealed)]
                eid = escrito_ids[i]
                yield (
                    eid,
                    f"{FOLIO_SERIES}-{year}-{number:06d}",
                    year,
                    number,
                    channel,
                    state,
                    received_at,
                    peticionario_ids[i],
                    ASUNTOS[eid % ASUNTO_COUNT],
                    tramite_id,
                    received_at,
                    code_hash,
                    code_sealed,
                    f"{eid:064x}",
                )

        writer.write(
            Escrito,
            [
                "id",
                "folio",
                "year",
                "number",
                "channel",
                "state",
                "received_at",
                "peticionario_id",
                "asunto",
                "tramite_id",
                "privacy_accepted_at",
                "access_code_hash",
                "access_code_sealed",
                "digest",
            ],
            escritos(),
        )
        for year, counter in counters.items():
            counter.last_number = next_number[year]
            counter.save(update_fields=["last_number"])
        user_id = _seed_user_id()
        writer.write(
            Turno,
            [
                "id",
                "escrito_id",
                "secretaria_id",
                "kind",
                "state",
                "term_days",
                "due_date",
                "turned_by_id",
                "turned_at",
                "answered_at",
            ],
            (
                (
                    turno_ids[t],
                    escrito_ids[e],
                    s,
                    kind,
                    state,
                    term,
                    due,
                    user_id,
                    turned_at,
                    answered_at,
                )
                for t, (e, s, kind, state, term, due, turned_at, answered_at) in enumerate(
                    chunk.turnos
                )
            ),
        )
        writer.write(
            Respuesta,
            ["turno_id", "texto", "sense", "answered_by_id", "answered_at", "within_term"],
            (
                (turno_ids[t], "Respuesta por oficio.", sense, user_id, at, within)
                for t, sense, at, within in chunk.respuestas
            ),
        )
        writer.write(
            Evaluacion,
            ["escrito_id", "score", "at"],
            ((escrito_ids[e], score, at) for e, score, at in chunk.evaluaciones),
        )
        writer.write(
            Transicion,
            [
                "escrito_id",
                "turno_id",
                "secretaria_id",
                "action",
                "description",
                "source",
                "target",
                "actor_label",
                "at",
            ],
            (
                (
                    escrito_ids[e],
                    turno_ids[t] if t is not None else None,
                    s,
                    action,
                    description,
                    source,
                    target,
                    "Siembra",
                    at,
                )
                for e, t, s, action, description, source, target, at in chunk.transiciones
            ),
        )
    result.escritos += n
    result.turnos += len(chunk.turnos)
    result.respuestas += len(chunk.respuestas)
    result.evaluaciones += len(chunk.evaluaciones)
    result.transiciones += len(chunk.transiciones)
    for year, c in year_counts.items():
        result.years[year] = result.years.get(year, 0) + c


def _bulk_transaction(*, check_keys: bool) -> None:
    """Settings for this transaction only (SET LOCAL).

    Synthetic rows need not wait for the disk at each commit: a crash loses the last chunks,
    nothing else. And the foreign keys need not be checked row by row at commit (it is 40 %
    of the time of a chunk): every id was reserved from its sequence and every reference
    points at a row written in this same transaction, so they hold by construction; the
    tests check it (tests/transparencia/test_seeding.py). PostgreSQL lets only a superuser
    skip them (session_replication_role = replica, what pg_restore --disable-triggers does);
    otherwise, or with `check_keys`, they run. This transaction touches no table with a
    trigger of its own (the bitácora's guards UPDATE and DELETE on another table).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if not check_keys:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role TO replica")


def _seed_user_id() -> int:
    return get_user_model().objects.values_list("pk", flat=True).get(username=SEED_USERNAME)
