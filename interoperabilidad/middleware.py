"""Every call to the API goes on the bitácora: who (institution and token prefix), what
(method and path), and how it ended (status)."""

from django.http import HttpRequest

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion

API_PREFIX = "/api/"


class ApiBitacoraMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        # A call that names no token is no institution's call: answered 401, not recorded
        # (recording it would let anyone fill the bitácora).
        if request.path.startswith(API_PREFIX) and "Authorization" in request.headers:
            _record(request, response.status_code)
        return response


def _record(request: HttpRequest, status: int) -> None:
    token = getattr(request, "api_token", None)
    match = getattr(request, "resolver_match", None)
    folio = (match.kwargs.get("folio") or "") if match else ""
    if token is not None:
        label = f"API: {token.institucion.nombre} ({token.prefijo}…)"
    else:
        label = "API: sin token válido"
    bitacora.record(
        action=Accion.API_LLAMADA,
        object_type="api",
        object_ref=f"{request.method} {request.path}"[:60],
        folio=folio[:20],
        changes={
            "metodo": request.method,
            "ruta": request.path,
            "estado": status,
            **({"token": token.prefijo, "institucion": token.institucion.nombre} if token else {}),
        },
        actor=None,
        actor_label=label,
    )
