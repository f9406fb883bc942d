"""Prometheus metrics of the web process: requests by route and status, and their latency.
The product's own figures (filings, queue depth, outbox age) are read at scrape time by the
/metrics view (config/views.py), from the database and the broker, so every process agrees.
With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess
mode) so the counters of all of them are added up."""

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "oficialia_http_peticiones_total",
    "Peticiones HTTP atendidas, por ruta, método y estado.",
    ["ruta", "metodo", "estado"],
)
LATENCY = Histogram(
    "oficialia_http_latencia_segundos",
    "Tiempo de respuesta por ruta.",
    ["ruta"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match and match.view_name else "sin_ruta"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


def exposition(extra: list[str]) -> tuple[bytes, str]:
    """The text format: this process's (or every process's) metrics, then `extra` lines."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return body + "".join(line + "\n" for line in extra).encode(), CONTENT_TYPE_LATEST
