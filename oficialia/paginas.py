"""Public pages drawn once and served to every anonymous visitor.

A public page that no one signed in to and that has no message to show is the same for every
visitor but for the CSRF token (its forms, and the header base.html gives htmx). Such a page
is drawn with a stand-in token and each visitor's own token is put in its place when it is
served: a token is never handed from one visitor to another.

`static_page` keeps the drawing in this process, for pages that depend only on the code and
the settings (drawn again when a setting changes, and every time with DEBUG, when templates
change under a running server). Pages whose figures change (transparencia) keep theirs in
the cache with what they were drawn from.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

VISITOR_TOKEN = "csrf-token-of-this-visitor-0b7e4d"

_drawn: dict[tuple[str, str], bytes] = {}


def same_for_everyone(request: HttpRequest) -> bool:
    """Whether the page drawn for this request is the anonymous page: no one signed in (the
    navigation shows roles and a sign-out form) and no message waiting to be shown."""
    return not request.user.is_authenticated and not len(messages.get_messages(request))


def draw(request: HttpRequest, template: str, context: dict) -> bytes:
    """The page as every anonymous visitor gets it, with the stand-in token."""
    return render_to_string(template, {**context, "csrf_token": VISITOR_TOKEN}, request).encode()


def for_visitor(request: HttpRequest, page: bytes) -> HttpResponse:
    return HttpResponse(page.replace(VISITOR_TOKEN.encode(), get_token(request).encode()))


def static_page(request: HttpRequest, template: str, context: Callable[[], dict]) -> HttpResponse:
    """`template` for an anonymous visitor, drawn once per process and language. The caller
    checks same_for_everyone() and that nothing in the request changes the page."""
    if settings.DEBUG:
        return for_visitor(request, draw(request, template, context()))
    key = (template, get_language())
    page = _drawn.get(key)
    if page is None:
        page = _drawn[key] = draw(request, template, context())
    return for_visitor(request, page)


def _forget_drawn_pages(**kwargs) -> None:
    _drawn.clear()


setting_changed.connect(_forget_drawn_pages, dispatch_uid="oficialia.paginas.forget")
