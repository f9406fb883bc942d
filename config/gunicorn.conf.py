"""Gunicorn settings for the container image (`gunicorn --config config/gunicorn.conf.py`).

The address is given on the command line (Dockerfile CMD). The rest can be tuned from the
environment without rebuilding: WEB_CONCURRENCY (workers), GUNICORN_THREADS (threads per
worker) and GUNICORN_TIMEOUT (seconds).

Threaded workers (gthread), not sync: a client that sends its body slowly holds one thread,
not a whole worker, so three slow phones on a bad network no longer take the site down
(tests/resiliencia/test_clientes_lentos.py). The production shape also puts nginx in front
(deploy/nginx.conf, used by docker-compose.yml), which buffers whole requests before they
reach gunicorn; the threads are what protects a deployment without it, and they cost little
here: the web process only waits on the database and the disk (PDFs are the worker's).
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
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 8)
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
