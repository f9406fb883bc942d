"""What comes in from outside is checked before any view sees it.

A request whose address or fields carry bytes no text column can hold (NUL, which PostgreSQL
refuses in any string) is answered 400 with a page that says what to do, instead of failing
deep inside a query. Numbers typed in addresses are read with `whole_number`, which accepts
only ASCII digits: `str.isdigit()` says yes to "²" and `int()` then fails.
"""

import logging
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Longest number an address may carry: above this no id or year exists, and int() on a
# thousands-digit string is slow on purpose (Python's int max str digits guard).
MAX_DIGITS = 18
# An email address can be 320 characters by RFC 5321 but every column that keeps one holds
# 254 (RFC 5321's path limit, Django's default), so forms refuse longer ones with a message.
EMAIL_MAX_LENGTH = 254


# Years a typed date may fall in. Outside them no escrito, term or period exists, and the day
# after 9999-12-31 (or that date in UTC) cannot even be computed.
FIRST_YEAR, LAST_YEAR = 1900, 2199


class FechaField(forms.DateField):
    """A date typed in a form, refused with a message when its year is out of any term's reach."""

    default_error_messages = {
        "range": f"Escriba una fecha entre los años {FIRST_YEAR} y {LAST_YEAR}.",
    }

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(self.error_messages["range"], code="range")
        return day


def typed_date(raw: object) -> date | None:
    """The ISO date (YYYY-MM-DD) written in `raw` within the years FechaField accepts, or None."""
    if not isinstance(raw, str):
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def whole_number(raw: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The non-negative whole number written in `raw` with ASCII digits, or None."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or len(raw) > max_digits or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def _has_nul(value: str) -> bool:
    return "\x00" in value


def hostile_reason(request: HttpRequest) -> str | None:
    """Why this request cannot be served, in the words the person will read, or None."""
    if _has_nul(request.path):
        return "La dirección contiene un carácter nulo."
    for key, values in request.GET.lists():
        if _has_nul(key) or any(_has_nul(v) for v in values):
            return "Un parámetro de la dirección contiene un carácter nulo."
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if _has_nul(key) or any(_has_nul(v) for v in values):
                return "Un campo del formulario contiene un carácter nulo."
    return None


def bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    """The reason as a page, or as the API's JSON error for a program calling /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detalle": reason}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


class HostileInputMiddleware:
    """Answers 400, with the reason, a request no view can safely read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = hostile_reason(request)
        if reason is not None:
            logger.info("refused %s %r: %s", request.method, request.path[:200], reason)
            return bad_request(request, reason)
        return self.get_response(request)


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username django-axes keeps of a sign-in attempt: what was typed, cut to fit its
    column (anyone can type 320 characters; the attempt must still be counted, not crash)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "")[:150]


class RequestSizeMiddleware:
    """Answers 413 to a request that announces a body above MAX_REQUEST_BYTES, before any of
    it is read: a 300 MB upload is refused at once, not after it is written to disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        announced = whole_number(request.META.get("CONTENT_LENGTH") or "")
        if announced is not None and announced > settings.MAX_REQUEST_BYTES:
            logger.info("refused a %s-byte request to %r", announced, request.path[:200])
            response = HttpResponse(
                render_to_string("413.html", {"limit": settings.MAX_REQUEST_BYTES}),
                status=413,
            )
            # The body was not read: the connection cannot carry another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
