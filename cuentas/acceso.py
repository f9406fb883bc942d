"""The door to a citizen's own pages: a confirmed account, or off to the citizens' sign-in."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import selectors


def cuenta_required(view):
    """A confirmed citizen account, or off to the citizens' sign-in page. Staff users have no
    account and go there too: there is no back door from a staff session."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        cuenta = selectors.cuenta_of(request.user)
        if cuenta is None:
            return redirect_to_login(request.get_full_path(), login_url=reverse("cuenta_entrar"))
        request.cuenta = cuenta
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def account_context(request: HttpRequest, section: str) -> dict:
    return {
        "cuenta": request.cuenta,
        "section": section,
        "unseen_notices": selectors.unseen_notices(request.cuenta),
    }
