"""Reads of the reports and the open data from a streaming replica, when one is configured.

`DATABASE_REPLICA_URL` adds the database alias "replica" and `ReplicaRouter`. Nothing reads
from it unless a view asks: `@replica_reads` marks the views whose reads may be a little
behind (the statistics page, the open data, the contraloría's reports, the staff searches).
Inside such a view the router sends reads to the replica, except:

- when the request has written on the primary (the statistics consumer catching up, the
  bitácora's record of an export): from then on it reads its own writes from the primary;
- inside an atomic block on the primary;
- for the identity of the request (sessions, users, groups, second factor, lockouts),
  always read from the primary, so that someone who just signed in is not signed out by a
  replica that has not replayed their session yet;
- when the replica is behind by more than `REPLICA_MAX_LAG` seconds, or does not answer:
  the whole view then reads from the primary.

Otherwise the view reads in one REPEATABLE READ, READ ONLY transaction on the replica: its
figures come from one snapshot, possibly a few seconds old, never a mix of two moments.
Everything else (writes, Celery tasks, unmarked views) uses the primary as before.
"""

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS
# The request's identity and its lockout counters: never from a copy that may lag.
ALWAYS_PRIMARY = frozenset(
    {"auth", "sessions", "contenttypes", "admin", "axes", "otp_totp", "otp_static", "django_otp"}
)
# Replay lag in seconds: 0 when the replica has replayed all it received, else the age of
# the last transaction it replayed.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
    END
"""

_state = threading.local()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _reading() -> bool:
    return getattr(_state, "reading", False)


def _wrote() -> bool:
    return getattr(_state, "wrote", False)


def request_wrote() -> bool:
    """Whether this request (or task) has sent anything but a SELECT to the primary."""
    return _wrote()


def read_alias() -> str:
    """The alias a read of this request goes to now (for raw cursors and transactions)."""
    if _reading() and not _wrote() and not connections[PRIMARY].in_atomic_block:
        return REPLICA
    return PRIMARY


def read_connection():
    return connections[read_alias()]


class ReplicaRouter:
    """Reads of a view marked with @replica_reads go to the replica; everything else, and
    every write, to the primary."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in ALWAYS_PRIMARY:
            return PRIMARY
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


def _is_read(sql) -> bool:
    head = (sql if isinstance(sql, str) else str(sql)).lstrip()[:6].upper()
    return head == "SELECT"


def _track_writes(execute, sql, params, many, context):
    if not _is_read(sql):
        _state.wrote = True
    return execute(sql, params, many, context)


def _watch_the_primary(sender, connection, **kwargs) -> None:
    if connection.alias == PRIMARY and _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


def _new_request(sender, **kwargs) -> None:
    _state.wrote = False
    _state.reading = False


def install() -> None:
    """Called by the kernel's AppConfig.ready when a replica is configured."""
    connection_created.connect(_watch_the_primary, dispatch_uid="oficialia-replica-writes")
    request_started.connect(_new_request, dispatch_uid="oficialia-replica-request")


def lag_seconds() -> float | None:
    """How far the replica is behind; None when it does not answer."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as exc:
        logger.warning("La réplica no responde; se lee de la base principal: %s", exc)
        connections[REPLICA].close()
        return None


def replica_usable() -> bool:
    if not configured() or _wrote() or connections[PRIMARY].in_atomic_block:
        return False
    lag = lag_seconds()
    if lag is None:
        return False
    if lag > settings.REPLICA_MAX_LAG:
        logger.info(
            "La réplica va %.1f s atrás (máximo %s): se lee de la principal",
            lag,
            settings.REPLICA_MAX_LAG,
        )
        return False
    return True


@contextmanager
def replica_snapshot() -> Iterator[bool]:
    """Read from the replica, in one snapshot, until the block ends (or the request writes).
    Yields whether the replica is used."""
    if _reading() or not replica_usable():
        yield False
        return
    _state.reading = True
    try:
        with transaction.atomic(using=REPLICA):
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield True
    finally:
        _state.reading = False


def _streamed(pieces) -> Iterator:
    with replica_snapshot():
        yield from pieces


def replica_reads(view: Callable | None = None, *, when: Callable | None = None):
    """Mark a view as a replica reader (see the module's docstring). `when(request)` limits
    it to some requests, e.g. a search and not the work list it filters. A streamed answer
    reads from the replica too, in a snapshot of its own taken when it starts."""

    def decorate(view_func: Callable) -> Callable:
        @functools.wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not configured() or (when is not None and not when(request)):
                return view_func(request, *args, **kwargs)
            user = getattr(request, "user", None)
            if user is not None:
                user.pk  # noqa: B018 - the session and the user, from the primary
            with replica_snapshot():
                response = view_func(request, *args, **kwargs)
            if getattr(response, "streaming", False):
                response.streaming_content = _streamed(response.streaming_content)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
