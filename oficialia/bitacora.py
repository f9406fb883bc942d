"""The bitácora writer: who did what, when, from where, chained so that no entry can be
changed or removed unnoticed.

`record()` appends one entry in the caller's transaction. Appends are serialised with a
transaction-scoped PostgreSQL advisory lock: reading the last hash and inserting the next
entry without it would let two parallel writers chain to the same parent and fork the chain.
The lock is taken as late as possible (the entry is usually the last write of a use case)
and is released at commit. Every use case locks its own rows (the escrito, the folio counter)
before it writes the bitácora, and nothing is locked after it, so the order is always the
same and the lock cannot deadlock. SQLite (the demo) serialises writers by itself: a second
writer that raced the first fails with "database is locked" instead of forking the chain.
"""

import contextvars
import hashlib
import hmac
import ipaddress
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .acciones_bitacora import Accion
from .models import Bitacora, BitacoraCabeza, BitacoraFin, BitacoraIP
from .net import client_ip

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
# Any constant: the key of the advisory lock that serialises appends.
CHAIN_LOCK_KEY = 0x0F1C1A1A

_UNSET = object()


@dataclass
class _RequestContext:
    request: object
    ip: str | None
    _actor_info: tuple[str, str, str] | None = None


_context: contextvars.ContextVar[_RequestContext | None] = contextvars.ContextVar(
    "bitacora_request", default=None
)
# Set only while a backup is restored (oficialia.respaldo): the rows being loaded are the
# record, entries included, and saving them must not append new ones.
_restoring: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "bitacora_restoring", default=False
)


class restoring:
    """`with bitacora.restoring():` loads a copy of the database without recording it."""

    def __enter__(self):
        self._token = _restoring.set(True)

    def __exit__(self, *exc):
        _restoring.reset(self._token)


class RequestContextMiddleware:
    """Lets `record()` know the person and the address behind the current request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set(_RequestContext(request=request, ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


def _request_user():
    ctx = _context.get()
    user = getattr(ctx.request, "user", None) if ctx else None
    return user if user is not None and user.is_authenticated else None


def _actor_info(user) -> tuple[str, str, str]:
    """(roles, secretaría, «por ausencia de …») of a staff user, read once per request."""
    from .roles import roles_of
    from .suplencias import ausencia_label

    ctx = _context.get()
    if ctx is not None and ctx._actor_info is not None and _request_user() == user:
        return ctx._actor_info
    perfil = getattr(user, "perfil", None)
    secretaria = perfil.secretaria.nombre if perfil and perfil.secretaria_id else ""
    info = (", ".join(sorted(roles_of(user))), secretaria, ausencia_label(user))
    if ctx is not None and _request_user() == user:
        ctx._actor_info = info
    return info


def _normalise(value):
    """The changes as they will read back from the JSON column."""
    return json.loads(json.dumps(value or {}, ensure_ascii=False, default=str))


def entry_hash(prev_hash: str, entry: Bitacora) -> str:
    content = {
        "at": entry.at.astimezone(UTC).isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "role": entry.role,
        "secretaria": entry.secretaria,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_ref": entry.object_ref,
        "folio": entry.folio,
        "changes": entry.changes,
    }
    if entry.ip_hmac:  # only entries written since the keyed hash: older ones hash as before
        content["ip_hmac"] = entry.ip_hmac
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def record(
    *,
    action: Accion,
    object_type: str = "",
    object_ref: str = "",
    folio: str = "",
    changes: dict | None = None,
    actor=_UNSET,
    actor_label: str | None = None,
    keep_address: bool = True,
) -> Bitacora | None:
    """Append an entry. The actor defaults to the user of the current request; with no
    user it is the citizen (named by the folio) in a request, or the system in a task.

    `action` must be a code of the vocabulary (oficialia.acciones_bitacora.Accion): an
    unknown one raises ValueError, so no entry is ever written that the contraloría cannot
    read.

    The client address goes in only as its keyed hash (`ip_hmac`), and, when
    BITACORA_IP_RETENTION_DAYS is set, for that long in BitacoraIP. With
    `keep_address=False` (an anonymous complaint) not even the hash is kept."""
    action = Accion(action)
    if _restoring.get():
        return None
    ctx = _context.get()
    if actor is _UNSET:
        actor = _request_user()
    role = secretaria = ausencia = ""
    if actor is not None:
        role, secretaria, ausencia = _actor_info(actor)
        if ausencia:
            changes = {**(changes or {}), "suplencia": ausencia}
        label = actor.get_full_name() or actor.get_username()
    elif ctx is not None:
        label = f"Ciudadano ({folio})" if folio else "Ciudadano"
    else:
        label = "Sistema"
    ip = ctx.ip if ctx and keep_address else None
    if ip:
        ip = str(ipaddress.ip_address(ip))
    entry = Bitacora(
        at=None,
        actor=actor,
        actor_label=(actor_label or label)[:150],
        role=role[:120],
        secretaria=secretaria[:150],
        ip=None,
        ip_hmac=ip_keyed_hash(ip) if ip else "",
        action=action.value,
        object_type=object_type[:30],
        object_ref=str(object_ref)[:60],
        folio=folio[:20],
        changes=_normalise(changes),
    )
    # No savepoint: if the entry cannot be written, the action it records fails with it.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        entry.at = timezone.now()  # after the lock, so time order is chain order
        last = Bitacora.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.prev_hash = last or GENESIS
        entry.hash = entry_hash(entry.prev_hash, entry)
        entry.save(force_insert=True)
        if ip and settings.BITACORA_IP_RETENTION_DAYS > 0:
            BitacoraIP.objects.create(
                entry=entry,
                ip=ip,
                expires_at=entry.at + timedelta(days=settings.BITACORA_IP_RETENTION_DAYS),
            )
        _move_end(entry)
    return entry


def ip_keyed_hash(ip: str) -> str:
    """HMAC-SHA256 of the address with BITACORA_IP_KEY: equal addresses, equal hashes; no
    way back to the address without the key (a plain hash of the IPv4 space is reversed
    in minutes)."""
    return hmac.new(settings.BITACORA_IP_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _move_end(entry: Bitacora) -> None:
    """The end marker follows the chain in the same transaction (under the chain lock)."""
    moved = BitacoraFin.objects.filter(pk=1).update(
        last_id=entry.id, last_hash=entry.hash, count=F("count") + 1
    )
    if not moved:
        BitacoraFin.objects.create(
            pk=1, first_id=entry.id, last_id=entry.id, last_hash=entry.hash, count=1
        )


@dataclass
class Verification:
    ok: bool
    count: int
    first_bad_id: int | None = None
    reason: str = ""


def _entries(chunk: int = 5000) -> Iterator[Bitacora]:
    """Every entry in chain order, in keyset pages (constant memory on millions)."""
    last_id = 0
    while True:
        page = list(Bitacora.objects.filter(id__gt=last_id).order_by("id")[:chunk])
        if not page:
            return
        yield from page
        last_id = page[-1].id


def verify() -> Verification:
    """Walk the chain and hold it against what anchors it: every published daily head and
    the end marker. Reports the first entry that does not match, or the first one missing
    (a deleted tail, a table emptied, everything after a head removed)."""
    heads = {h.last_id: h for h in BitacoraCabeza.objects.exclude(last_id=0).order_by("day")}
    seen: dict[int, tuple[str, int]] = {}
    prev = GENESIS
    count = 0
    last_id = 0
    for entry in _entries():
        if entry.prev_hash != prev:
            return Verification(
                False,
                count,
                entry.id,
                "su hash anterior no coincide con la entrada previa: se borró o alteró una "
                "entrada antes de ella",
            )
        if entry_hash(prev, entry) != entry.hash:
            return Verification(False, count, entry.id, "su contenido no coincide con su hash")
        prev = entry.hash
        count += 1
        last_id = entry.id
        if entry.id in heads:
            seen[entry.id] = (entry.hash, count)
    end = BitacoraFin.objects.filter(pk=1).first()
    first_expected = end.first_id if end else 1
    for head_id, cabeza in sorted(heads.items()):
        day = cabeza.day.strftime("%d/%m/%Y")
        if head_id not in seen:
            missing = _first_missing(last_id, head_id, first_expected)
            return Verification(
                False,
                count,
                missing,
                f"falta: la cabeza publicada el {day} llega a la entrada #{head_id} y la "
                f"cadena termina en la #{last_id or 'ninguna'}",
            )
        found_hash, found_count = seen[head_id]
        if found_hash != cabeza.last_hash:
            return Verification(
                False,
                count,
                head_id,
                f"no coincide con la cabeza publicada el {day}: la cadena se reescribió",
            )
        if found_count != cabeza.count:
            return Verification(
                False,
                count,
                head_id,
                f"la cabeza publicada el {day} contaba {cabeza.count} entradas hasta aquí y "
                f"hay {found_count}: se borraron entradas y se rehízo la cadena",
            )
    if end is not None:
        if last_id < end.last_id:
            return Verification(
                False,
                count,
                _first_missing(last_id, end.last_id, first_expected),
                f"falta: la bitácora llegaba a la entrada #{end.last_id} y la cadena termina "
                f"en la #{last_id or 'ninguna'}",
            )
        if last_id == end.last_id and prev != end.last_hash:
            return Verification(
                False, count, last_id, "la última entrada no es la que cerraba la bitácora"
            )
    return Verification(True, count)


def _first_missing(last_present: int, expected_up_to: int, first_expected: int) -> int:
    """The id after the last entry still there (ids come from one sequence)."""
    return last_present + 1 if last_present else min(first_expected, expected_up_to)


def head() -> tuple[int, str, int]:
    """(last id, last hash, number of entries) of the chain now."""
    last = Bitacora.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return 0, GENESIS, 0
    return last[0], last[1], Bitacora.objects.count()


def publish_head(*, day: date | None = None) -> BitacoraCabeza:
    """Publish today's chain head (once a day; a second call the same day keeps the first)."""
    day = day or timezone.localdate()
    published = BitacoraCabeza.objects.filter(day=day).first()
    if published is not None:
        return published
    last_id, last_hash, count = head()
    published, _ = BitacoraCabeza.objects.get_or_create(
        day=day,
        defaults={
            "last_id": last_id,
            "last_hash": last_hash,
            "count": count,
            "published_at": timezone.now(),
        },
    )
    stamp_head(published)
    return published


def stamp_head(cabeza: BitacoraCabeza) -> BitacoraCabeza:
    """Timestamp the head with the configured TSA (RFC 3161), once. A TSA that does not
    answer leaves it unstamped; the next publication run tries again."""
    from django.conf import settings

    from .sello_tiempo import TimestampError, request_timestamp

    if not settings.TSA_URL or cabeza.tsa_token:
        return cabeza
    try:
        token = request_timestamp(bytes.fromhex(cabeza.last_hash))
    except TimestampError:
        logger.warning("the TSA did not stamp the head of %s", cabeza.day, exc_info=True)
        return cabeza
    cabeza.tsa_token = token
    cabeza.tsa_at = timezone.now()
    cabeza.save(update_fields=["tsa_token", "tsa_at"])
    return cabeza


# Beside the service it calls; the name it had in oficialia.tasks.
@shared_task(name="oficialia.tasks.publish_bitacora_head", acks_late=True)
def publish_bitacora_head() -> str:
    for unstamped in BitacoraCabeza.objects.filter(tsa_token="").order_by("day")[:30]:
        stamp_head(unstamped)
    return publish_head().last_hash
