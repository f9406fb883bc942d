"""What every public form shares: the per-address rate limit and the page it shows."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def over_limit(request: HttpRequest, group: str, rate: str, *, key: str = "ip") -> bool:
    """Count this POST against `group` and say whether the caller went over `rate`."""
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "limite.html", status=429)
