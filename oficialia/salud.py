"""Health of the product and of what it depends on, for a load balancer and for people.

Two questions, two answers. *Alive* (`/salud/vivo`): the process answers; nothing else is
asked, so a database outage does not make the orchestrator kill healthy web processes.
*Ready* (`/salud/listo`, also `/healthz`): may this process take traffic? Only the database
decides (503 without it). Redis, the broker, the object store, the worker and beat are each
reported, and their trouble makes the status "degradado", never 503: filings go on without
them and their work waits in the outbox.

The worker and beat write a heartbeat (oficialia.models.Latido) every HEARTBEAT_SECONDS from
a thread of their own, started by Celery's worker_ready and beat_init signals.
"""

import logging
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
# A heartbeat older than this: the process is stopped or stuck.
HEARTBEAT_STALE = timedelta(seconds=3 * HEARTBEAT_SECONDS)

OK, DEGRADED, ERROR, NOT_CONFIGURED = "ok", "degradado", "error", "sin configurar"


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"estado": OK}
    except Exception as exc:
        return {"estado": ERROR, "detalle": type(exc).__name__}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"estado": NOT_CONFIGURED}
    from django.core.cache import caches

    try:
        caches["redis"].get("salud")
        return {"estado": OK}
    except Exception as exc:
        return {
            "estado": ERROR,
            "detalle": type(exc).__name__,
            "limites": settings.LIMITS_WITHOUT_REDIS,
        }


def _broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"estado": NOT_CONFIGURED}
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"estado": OK}
    except Exception as exc:
        return {"estado": ERROR, "detalle": type(exc).__name__}


def _object_store() -> dict:
    """Only an object store (S3 and the like) is checked; local files are the disk's."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage"):
        return {"estado": NOT_CONFIGURED}
    from django.core.files.storage import default_storage

    try:
        default_storage.exists("salud/sonda")
        return {"estado": OK}
    except Exception as exc:
        return {"estado": ERROR, "detalle": type(exc).__name__}


def _heartbeat(proceso: str) -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"estado": NOT_CONFIGURED}
    from .models import Latido

    try:
        latido = Latido.objects.filter(proceso=proceso).first()
    except Exception as exc:
        return {"estado": ERROR, "detalle": type(exc).__name__}
    if latido is None:
        return {"estado": ERROR, "detalle": "nunca ha latido"}
    age = timezone.now() - latido.at
    return {
        "estado": OK if age <= HEARTBEAT_STALE else ERROR,
        "ultimo_latido": latido.at.isoformat(),
        "segundos": int(age.total_seconds()),
        "host": latido.host,
    }


# Optional functions an app reports on (OCR): on or off, never a reason to be degraded.
FEATURES: dict = {}


def feature_register(name: str, check) -> None:
    """`check()` returns {"estado": "activo" | "desactivado", "detalle": ...}."""
    FEATURES[name] = check


def report() -> tuple[int, dict]:
    """(HTTP status, body) of the readiness check."""
    checks = {
        "base_de_datos": _database(),
        "redis": _redis(),
        "broker": _broker(),
        "almacen_de_objetos": _object_store(),
        "worker": _heartbeat("worker"),
        "beat": _heartbeat("beat"),
    }
    if checks["base_de_datos"]["estado"] != OK:
        return 503, {"estado": ERROR, "listo": False, "dependencias": checks}
    degraded = any(c["estado"] == ERROR for c in checks.values())
    body = {"estado": DEGRADED if degraded else OK, "listo": True, "dependencias": checks}
    if FEATURES:
        body["funciones"] = {name: check() for name, check in FEATURES.items()}
    return 200, body


# Heartbeats ------------------------------------------------------------------------------


def beat_once(proceso: str) -> None:
    from .models import Latido

    Latido.objects.update_or_create(
        proceso=proceso, defaults={"at": timezone.now(), "host": socket.gethostname()[:150]}
    )


def _beat_forever(proceso: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()  # this thread's own connection: a fresh one if it broke
            beat_once(proceso)
        except Exception:
            logger.warning("could not write the %s heartbeat", proceso, exc_info=True)
        stop.wait(HEARTBEAT_SECONDS)


def start_heartbeat(proceso: str) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_forever, args=(proceso, stop), name=f"latido-{proceso}", daemon=True
    )
    thread.start()
    return stop


def connect_celery_signals() -> None:
    from celery.signals import beat_init, worker_ready

    worker_ready.connect(lambda **kw: start_heartbeat("worker"), weak=False)
    beat_init.connect(lambda **kw: start_heartbeat("beat"), weak=False)


def wait_until_fresh(proceso: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _heartbeat(proceso)["estado"] == OK:
            return True
        time.sleep(0.5)
    return False
