"""The REST API for other government offices, version 1 (/api/v1/).

django-ninja builds the OpenAPI 3 schema from the same type hints that validate each request,
so the schema at /api/v1/openapi.json cannot drift from what the code accepts."""

from datetime import datetime

import django_ratelimit as ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_ratelimit.core import is_ratelimited
from ninja import File, Form, Header, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import Field

from correspondencia.models import Adjunto, EscritoState, Tramite
from correspondencia.services import acuse_generate
from oficialia import access_codes
from oficialia.acciones import ActionError
from oficialia.adjuntos import inspect_all
from oficialia.net import client_ip
from turnos.services import prevencion_answer

from . import selectors, services
from .errores import field_errors, json_error, validation_response
from .models import Evento, Scope, TokenApi, Webhook
from .tokens import token_lookup, token_touch
from .webhooks import UnsafeTarget, webhook_register


class ScopeDenied(Exception):
    pass


class RateLimited(Exception):
    pass


class TokenAuth(HttpBearer):
    """Bearer token; counts the call against the token's rate and records its last use."""

    def authenticate(self, request: HttpRequest, token: str) -> TokenApi | None:
        found = token_lookup(token)
        if found is None:
            # Guessing tokens is throttled by address, at the rate a token has.
            if is_ratelimited(
                request,
                group="api-v1-invalid",
                key="ip",
                rate=settings.API_RATE,
                method=ratelimit.ALL,
                increment=True,
            ):
                raise RateLimited
            return None
        request.api_token = found
        if is_ratelimited(
            request,
            group="api-v1",
            key=lambda _group, _request: found.prefijo,
            rate=settings.API_RATE,
            method=ratelimit.ALL,
            increment=True,
        ):
            raise RateLimited
        token_touch(token=found, ip=client_ip(request))
        return found


def require(request: HttpRequest, scope: Scope) -> TokenApi:
    token: TokenApi = request.auth
    if scope not in token.scopes:
        raise ScopeDenied(scope)
    return token


class SpanishJSON(JSONRenderer):
    # «Oficialía», not «Oficial\u00eda»: the bodies are read by people too.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=SpanishJSON(),
    title="API de la Oficialía de Partes",
    version="1",
    description=(
        "Para otras dependencias de gobierno: presentar oficios, seguir su estado, descargar "
        "acuses y respuestas, y responder prevenciones. Autenticación: `Authorization: Bearer "
        "ofi_…` con un token emitido por la Oficialía de Partes."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    return validation_response(api, request, field_errors(exc.errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return json_error(api, request, 401, "Falta el token o no es válido (¿revocado?).")


@api.exception_handler(ScopeDenied)
def _forbidden(request, exc):
    return json_error(
        api, request, 403, f"Su token no tiene el permiso «{exc.args[0]}» para esta operación."
    )


@api.exception_handler(RateLimited)
def _throttled(request, exc):
    response = json_error(
        api, request, 429, "Demasiadas solicitudes con este token; espere un momento."
    )
    response["Retry-After"] = "60"
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return json_error(api, request, 404, "No existe o no pertenece a su institución.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return json_error(api, request, exc.status_code, str(exc))


class Error(Schema):
    detalle: str


class CampoError(Schema):
    campo: str
    mensaje: str


class ErrorValidacion(Schema):
    detalle: str
    errores: list[CampoError]


# 400: a request no view can safely read (a NUL byte in a field), refused before the API.
ERRORES = {400: Error, 401: Error, 403: Error, 404: Error, 422: ErrorValidacion, 429: Error}


class OficioIn(Schema):
    numero_oficio: str = Field(min_length=1, max_length=60, description="Número del oficio.")
    asunto: str = Field(min_length=1, max_length=250)
    texto: str = Field("", max_length=20000)
    tramite: str = Field(
        "", max_length=200, description="Dirección del trámite del catálogo (slug), si aplica."
    )


class Recibido(Schema):
    folio: str
    codigo_acceso: str
    acuse_url: str
    estado: str
    recibido_en: datetime
    escrito_url: str


class Paso(Schema):
    fecha: datetime
    descripcion: str
    estado: str
    secretaria: str | None


class PrevencionOut(Schema):
    id: int
    secretaria: str
    solicitada_en: datetime
    texto: str


class Documento(Schema):
    id: int
    nombre: str
    tipo: str
    origen: str
    bytes: int
    sha256: str
    url: str


class RespuestaOut(Schema):
    secretaria: str
    fecha: datetime
    sentido: str
    texto: str
    # Measured on the notification date; null while the answer waits to be notified.
    en_plazo: bool | None
    notificada: datetime | None
    oficio_url: str | None


class EscritoResumen(Schema):
    folio: str
    numero_oficio: str
    asunto: str
    estado: str
    estado_texto: str
    recibido_en: datetime
    url: str


class EscritoDetalle(EscritoResumen):
    texto: str
    tramite: str | None
    homoclave: str | None
    acuse_url: str
    historial: list[Paso]
    prevenciones_pendientes: list[PrevencionOut]
    respuestas: list[RespuestaOut]
    documentos: list[Documento]


class Pagina(Schema):
    total: int
    pagina: int
    por_pagina: int
    resultados: list[EscritoResumen]


class PrevencionIn(Schema):
    texto: str = Field("", max_length=20000)


class Desahogo(Schema):
    folio: str
    estado: str
    prevenciones_respondidas: int


class TramiteOut(Schema):
    slug: str
    nombre: str
    homoclave: str | None
    secretaria: str
    plazo_dias_habiles: int


def _abs(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def _url(name: str, *args) -> str:
    return _abs(reverse(f"api-v1:{name}", args=args))


def _resumen(escrito) -> dict:
    return {
        "folio": escrito.folio,
        "numero_oficio": escrito.numero_oficio,
        "asunto": escrito.asunto,
        "estado": escrito.state,
        "estado_texto": EscritoState(escrito.state).label,
        "recibido_en": escrito.received_at,
        "url": _url("escrito_detalle", escrito.folio),
    }


router = Router(tags=["escritos"])


@router.post(
    "/escritos",
    response={201: Recibido, 200: Recibido, **ERRORES},
    url_name="escritos",
    summary="Presentar un oficio",
)
def escrito_crear(
    request,
    datos: Form[OficioIn],
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Un valor único por oficio: repetir la solicitud con la misma clave "
        "devuelve el mismo escrito en vez de crear otro.",
    ),
    adjuntos: File[list[UploadedFile]] = None,
):
    """Presenta un escrito a nombre de la institución del token (peticionario de tipo
    dependencia). Devuelve 201 la primera vez y 200 con el mismo folio en cada repetición
    con la misma `Idempotency-Key`."""
    token = require(request, Scope.RADICAR)
    tramite = None
    if datos.tramite:
        tramite = Tramite.objects.filter(slug=datos.tramite, activo=True).first()
        if tramite is None:
            return validation_response(
                api, request, [("tramite", "No hay un trámite activo con esa dirección.")]
            )
    try:
        inspected = inspect_all(list(adjuntos or []))
    except DjangoValidationError as exc:
        return validation_response(api, request, [("adjuntos", m) for m in exc.messages])
    try:
        result = services.escrito_file_by_institution(
            institucion=token.institucion,
            idempotency_key=idempotency_key,
            data=services.OficioData(
                numero_oficio=datos.numero_oficio.strip(),
                asunto=datos.asunto.strip(),
                texto=datos.texto.strip(),
                tramite=tramite,
                adjuntos=inspected,
            ),
        )
    except services.IdempotencyConflict:
        return validation_response(
            api,
            request,
            [
                (
                    "Idempotency-Key",
                    "Esta clave ya se usó con otro contenido. Use una clave nueva para un "
                    "oficio distinto.",
                )
            ],
        )
    escrito = result.escrito
    body = {
        "folio": escrito.folio,
        "codigo_acceso": access_codes.display(result.access_code),
        "acuse_url": _url("escrito_acuse", escrito.folio),
        "estado": escrito.state,
        "recibido_en": escrito.received_at,
        "escrito_url": _url("escrito_detalle", escrito.folio),
    }
    return Status(201 if result.created else 200, body)


@router.get(
    "/escritos",
    response={200: Pagina, **ERRORES},
    url_name="escritos_lista",
    summary="Sus escritos",
)
def escritos_lista(
    request,
    estado: EscritoState | None = None,
    pagina: int = Query(1, ge=1, le=100000),
    por_pagina: int = Query(50, ge=1, le=200),
):
    """Los escritos que su institución presentó por la API, del más reciente al más antiguo."""
    token = require(request, Scope.CONSULTAR)
    escritos = selectors.escritos_of(token.institucion).order_by("-received_at", "-pk")
    if estado:
        escritos = escritos.filter(state=estado)
    total = escritos.count()
    start = (pagina - 1) * por_pagina
    return Status(
        200,
        {
            "total": total,
            "pagina": pagina,
            "por_pagina": por_pagina,
            "resultados": [_resumen(e) for e in escritos[start : start + por_pagina]],
        },
    )


def _own(request, folio: str):
    token: TokenApi = request.auth
    return get_object_or_404(selectors.escritos_of(token.institucion), folio=folio)


def _documento(escrito, adjunto: Adjunto) -> dict:
    return {
        "id": adjunto.pk,
        "nombre": adjunto.original_name,
        "tipo": adjunto.content_type,
        "origen": adjunto.origin,
        "bytes": adjunto.size,
        "sha256": adjunto.sha256,
        "url": _url("escrito_documento", escrito.folio, adjunto.pk),
    }


@router.get(
    "/escritos/{folio}",
    response={200: EscritoDetalle, **ERRORES},
    url_name="escrito_detalle",
    summary="Estado e historial de un escrito",
)
def escrito_detalle(request, folio: str):
    require(request, Scope.CONSULTAR)
    escrito = _own(request, folio)
    return Status(
        200,
        {
            **_resumen(escrito),
            "texto": escrito.texto,
            "tramite": escrito.tramite.nombre if escrito.tramite else None,
            "homoclave": (escrito.tramite.homoclave or None) if escrito.tramite else None,
            "acuse_url": _url("escrito_acuse", escrito.folio),
            "historial": [
                {
                    "fecha": t.at,
                    "descripcion": t.description,
                    "estado": t.target,
                    "secretaria": t.secretaria.nombre if t.secretaria else None,
                }
                for t in selectors.timeline(escrito)
            ],
            "prevenciones_pendientes": [
                {
                    "id": p.pk,
                    "secretaria": p.turno.secretaria.nombre,
                    "solicitada_en": p.requested_at,
                    "texto": p.texto,
                }
                for p in selectors.open_prevenciones(escrito)
            ],
            "respuestas": [
                {
                    "secretaria": r.turno.secretaria.nombre,
                    "fecha": r.answered_at,
                    "sentido": r.sense,
                    "texto": r.texto,
                    "en_plazo": r.within_term,
                    "notificada": r.notified_at,
                    "oficio_url": _url("escrito_documento", escrito.folio, r.oficio_id)
                    if r.oficio_id
                    else None,
                }
                for r in selectors.respuestas(escrito)
            ],
            "documentos": [_documento(escrito, a) for a in selectors.documentos(escrito)],
        },
    )


PDF_RESPONSE = {
    200: {
        "description": "El archivo.",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.get(
    "/escritos/{folio}/acuse",
    response={**ERRORES},
    url_name="escrito_acuse",
    summary="Acuse de recibo (PDF)",
    openapi_extra={"responses": PDF_RESPONSE},
)
def escrito_acuse(request, folio: str):
    require(request, Scope.DESCARGAR)
    escrito = _own(request, folio)
    acuse = escrito.acuse
    if not acuse.is_ready:
        acuse = acuse_generate(acuse_id=acuse.pk)
    return FileResponse(
        acuse.pdf.open("rb"),
        filename=f"acuse-{escrito.folio}.pdf",
        content_type="application/pdf",
    )


@router.get(
    "/escritos/{folio}/documentos/{documento_id}",
    response={**ERRORES},
    url_name="escrito_documento",
    summary="Descargar un documento (adjunto, respuesta a prevención u oficio de respuesta)",
    openapi_extra={"responses": PDF_RESPONSE},
)
def escrito_documento(request, folio: str, documento_id: int = Path(..., ge=1, le=2**62)):
    require(request, Scope.DESCARGAR)
    escrito = _own(request, folio)
    adjunto = get_object_or_404(escrito.adjuntos, pk=documento_id)
    return FileResponse(
        adjunto.file.open("rb"), filename=adjunto.original_name, content_type=adjunto.content_type
    )


@router.post(
    "/escritos/{folio}/prevencion",
    response={200: Desahogo, 409: Error, **ERRORES},
    url_name="escrito_prevencion",
    summary="Responder una prevención",
)
def escrito_prevencion(
    request,
    folio: str,
    datos: Form[PrevencionIn],
    adjuntos: File[list[UploadedFile]] = None,
):
    """Responde todas las prevenciones pendientes del escrito, con texto, documentos o ambos;
    el plazo vuelve a correr."""
    require(request, Scope.RADICAR)
    escrito = _own(request, folio)
    try:
        inspected = inspect_all(list(adjuntos or []))
    except DjangoValidationError as exc:
        return validation_response(api, request, [("adjuntos", m) for m in exc.messages])
    try:
        answered = prevencion_answer(escrito_id=escrito.pk, texto=datos.texto, files=inspected)
    except ActionError as exc:
        return Status(409, {"detalle": str(exc)})
    escrito.refresh_from_db(fields=["state"])
    return Status(
        200,
        {
            "folio": escrito.folio,
            "estado": escrito.state,
            "prevenciones_respondidas": len(answered),
        },
    )


avisos = Router(tags=["webhooks"])


class WebhookIn(Schema):
    url: str = Field(min_length=8, max_length=500, description="https://… de su sistema.")
    eventos: list[Evento] = Field(min_length=1, description="Los eventos que quiere recibir.")


class WebhookOut(Schema):
    id: int
    url: str
    eventos: list[str]
    activo: bool
    pausado_en: datetime | None
    fallos_seguidos: int


class WebhookCreado(WebhookOut):
    secreto: str = Field(
        description="whsec_…: verifica la firma `webhook-signature` de cada aviso (Standard "
        "Webhooks). Se muestra solo esta vez."
    )


def _webhook(w: Webhook) -> dict:
    return {
        "id": w.pk,
        "url": w.url,
        "eventos": w.eventos,
        "activo": w.activo,
        "pausado_en": w.paused_at,
        "fallos_seguidos": w.consecutive_failures,
    }


@avisos.get("/webhooks", response={200: list[WebhookOut], **ERRORES}, url_name="webhooks")
def webhooks_lista(request):
    """Sus webhooks, con su estado (un webhook que falla seguido queda pausado)."""
    token = require(request, Scope.AVISOS)
    return Status(200, [_webhook(w) for w in token.institucion.webhooks.all()])


@avisos.post(
    "/webhooks",
    response={201: WebhookCreado, **ERRORES},
    url_name="webhooks_alta",
    summary="Registrar un webhook",
)
def webhook_alta(request, datos: WebhookIn):
    """Registra una dirección que recibirá, firmados, los eventos elegidos de sus escritos."""
    token = require(request, Scope.AVISOS)
    try:
        webhook = webhook_register(
            institucion=token.institucion, url=datos.url, eventos=[e.value for e in datos.eventos]
        )
    except UnsafeTarget as exc:
        return validation_response(api, request, [("url", str(exc))])
    return Status(201, {**_webhook(webhook), "secreto": webhook.secret})


@avisos.delete(
    "/webhooks/{webhook_id}",
    response={204: None, **ERRORES},
    url_name="webhook_baja",
    summary="Dar de baja un webhook",
)
def webhook_baja(request, webhook_id: int = Path(..., ge=1, le=2**62)):
    token = require(request, Scope.AVISOS)
    webhook = get_object_or_404(token.institucion.webhooks, pk=webhook_id)
    webhook.delete()
    return Status(204, None)


catalogo = Router(tags=["catálogo"])


@catalogo.get(
    "/tramites",
    response={200: list[TramiteOut], **ERRORES},
    url_name="tramites",
    summary="Catálogo de trámites, con su homoclave del catálogo nacional",
)
def tramites(request):
    return Status(
        200,
        [
            {
                "slug": t.slug,
                "nombre": t.nombre,
                "homoclave": t.homoclave or None,
                "secretaria": t.secretaria.nombre,
                "plazo_dias_habiles": t.plazo_dias_habiles,
            }
            for t in Tramite.objects.filter(activo=True).select_related("secretaria")
        ],
    )


api.add_router("/", router)
api.add_router("/", avisos)
api.add_router("/", catalogo)
