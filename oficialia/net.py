"""The client's address, for rate limits and the record of who did what."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind a reverse proxy the address the proxy appended last.

    Only the rightmost entry of a header such as X-Forwarded-For is trusted: the proxy
    appends the address it saw, while anything to its left came from the client and may be
    forged. A missing or malformed header falls back to REMOTE_ADDR instead of failing.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        candidate = request.META.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
