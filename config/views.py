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
