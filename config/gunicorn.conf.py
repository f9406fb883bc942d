"""Gunicorn settings for the container image (`gunicorn --config config/gunicorn.conf.py`).

The address is given on the command line (Dockerfile CMD). The rest can be tuned from the
environment without rebuilding: WEB_CONCURRENCY (workers) and GUNICORN_TIMEOUT (seconds).
Sync workers: the web process only reads and writes the database and the media folder; the
PDFs are made by the Celery worker. Put a buffering reverse proxy (nginx) in front, so a
slow client uploading 30 MB does not hold a worker for the whole upload.
"""

import os


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# 2 * CPUs + 1, as gunicorn advises, but at most 8: each worker holds a Django process.
workers = _env_int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 8))
worker_class = "sync"
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file on tmpfs: on an overlay filesystem its writes can stall a worker.
worker_tmp_dir = "/dev/shm"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
