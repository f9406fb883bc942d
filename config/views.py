from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


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
    """For the load balancer: 200 while the database answers. The broker is reported but
    does not fail the check: filings go on without it and its work waits in the outbox."""
    checks = {"database": "ok", "broker": "sin configurar"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        checks["database"] = "error"
        status = 503
    if settings.CELERY_BROKER_URL:
        from .celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "error"
    return JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "400.html", {"reason": "La solicitud llegó incompleta o dañada."}, status=400
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
