from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from oficialia import salud


def inicio(request: HttpRequest) -> HttpResponse:
    return render(request, "inicio.html")


def privacidad(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacidad.html",
        {
            "DOMICILIO": settings.INSTITUTION_ADDRESS,
            "CORREO_TRANSPARENCIA": settings.TRANSPARENCY_EMAIL,
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Ready: 200 while the database answers (body: every dependency, "degradado" when one
    is down), 503 without the database. See oficialia.salud."""
    status, body = salud.report()
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@never_cache
def vivo(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Asks nothing else, so restarts do not cascade."""
    return JsonResponse({"estado": "ok", "vivo": True})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "400.html", {"reason": "La solicitud llegó incompleta o dañada."}, status=400
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus: the process's request metrics, then the product's own figures read now."""
    import secrets

    from oficialia import metricas

    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if token and not secrets.compare_digest(given, token):
        return HttpResponse("Se requiere el token de métricas.\n", status=401)
    body, content_type = metricas.exposition(_product_figures())
    return HttpResponse(body, content_type=content_type)


def _product_figures() -> list[str]:
    from django.db.models import Count, Min
    from django.utils import timezone

    from correspondencia.models import Acuse, Escrito
    from cuentas.models import CorreoCuenta
    from oficialia.models import Notificacion

    now = timezone.now()
    lines = [
        "# HELP oficialia_escritos_total Escritos radicados, por medio.",
        "# TYPE oficialia_escritos_total counter",
    ]
    for row in Escrito.objects.values("channel").annotate(n=Count("pk")).order_by("channel"):
        lines.append(f'oficialia_escritos_total{{medio="{row["channel"]}"}} {row["n"]}')
    oldest = {
        "acuse": Acuse.objects.filter(generated_at__isnull=True).aggregate(
            t=Min("escrito__received_at")
        )["t"],
        "aviso_personal": Notificacion.objects.filter(emailed_at__isnull=True).aggregate(
            t=Min("created_at")
        )["t"],
        "correo_cuenta": CorreoCuenta.objects.filter(sent_at__isnull=True).aggregate(
            t=Min("created_at")
        )["t"],
    }
    lines += [
        "# HELP oficialia_outbox_antiguedad_segundos Lo más viejo que espera en la bandeja de "
        "salida (0: nada espera).",
        "# TYPE oficialia_outbox_antiguedad_segundos gauge",
    ]
    for kind, at in oldest.items():
        age = (now - at).total_seconds() if at else 0
        lines.append(f'oficialia_outbox_antiguedad_segundos{{tipo="{kind}"}} {age:.0f}')
    depth = _queue_depth()
    if depth is not None:
        lines += [
            "# HELP oficialia_cola_tareas Tareas esperando en el broker.",
            "# TYPE oficialia_cola_tareas gauge",
            f'oficialia_cola_tareas{{cola="celery"}} {depth}',
        ]
    return lines


def _queue_depth() -> int | None:
    if not settings.CELERY_BROKER_URL:
        return None
    from celery import current_app

    try:
        with current_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return conn.default_channel.queue_declare("celery", passive=True).message_count
    except Exception:
        return None
