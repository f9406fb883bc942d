"""Failed sign-ins: who is locked out, until when, and how staff lift a lock.

django-axes records each failure (AccessAttempt per username, address and browser, and the
AccessFailureLog); this module decides the rule. Behind a city hall's shared proxy every clerk
has the same address, so a lock never falls on an address for a few typos:

- the pair (account, address) is locked after AXES_FAILURE_LIMIT failures;
- the account, from any address, after LOGIN_ACCOUNT_FAILURE_LIMIT (higher: someone trying
  one account from many places);
- an address alone only after LOGIN_ADDRESS_FAILURE_LIMIT (far higher: a password spray,
  one or two passwords against many accounts from one place).

Each counts the failures of the last AXES_COOLOFF_TIME; the lock ends that long after the
last failure that counted (failures while locked do not extend it).
"""

from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from . import bitacora
from .acciones import ActionError
from .acciones_bitacora import Accion
from .roles import Role, has_role

# The order of django-axes' filters, and of the limits below.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]


def limits() -> tuple[int, int, int]:
    return (
        settings.AXES_FAILURE_LIMIT,
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    )


class PerAccountHandler(AxesDatabaseHandler):
    """django-axes' database handler with one limit per lockout parameter (axes has one for
    all). Axes locks when get_failures() reaches AXES_FAILURE_LIMIT, so this answers that
    figure when any parameter reached its own limit, and less otherwise."""

    def _over_limit(self, request, credentials) -> list:
        over = []
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), limits(), strict=True
        ):
            totals = attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            if (totals["n"] or 0) >= limit:
                over.append(totals["last"])
        return over

    def get_failures(self, request, credentials: dict | None = None) -> int:
        if self._over_limit(request, credentials):
            return settings.AXES_FAILURE_LIMIT
        return 0

    def retry_at(self, request, credentials: dict | None = None) -> datetime | None:
        over = [last for last in self._over_limit(request, credentials) if last]
        cool_off = get_cool_off(request)
        if not over or cool_off is None:
            return None
        return max(over) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked person sees, with the time they may try again."""
    retry = PerAccountHandler().retry_at(request, credentials)
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "retry_at": timezone.localtime(retry) if retry else None,
            "username": get_client_username(request, credentials) or "",
        },
        status=429,
    )


# Staff lift a lock ------------------------------------------------------------------------


def current_locks() -> dict[str, list[tuple[str, int, datetime]]]:
    """The accounts and addresses locked now: {"cuentas": [(username, failures, last)],
    "direcciones": [(address, failures, last)]}. Pairs show as their account."""
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.all()
    if cool_off is not None:
        recent = recent.filter(attempt_time__gte=timezone.now() - cool_off)
    pair_limit, account_limit, address_limit = limits()
    by_pair = recent.values("username", "ip_address").annotate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    by_account = recent.values("username").annotate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    by_address = recent.values("ip_address").annotate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    accounts = {r["username"]: (r["n"], r["last"]) for r in by_account if r["n"] >= account_limit}
    for r in by_pair:
        if r["n"] >= pair_limit and r["username"] not in accounts:
            accounts[r["username"]] = (r["n"], r["last"])
    return {
        "cuentas": sorted((u or "", n, last) for u, (n, last) in accounts.items()),
        "direcciones": sorted(
            (r["ip_address"], r["n"], r["last"]) for r in by_address if r["n"] >= address_limit
        ),
    }


def access_unlock(*, user, reason: str, username: str = "", ip_address: str = "") -> int:
    """Lift the lock of an account (from every address) or of an address, with the reason,
    on record. Returns how many attempt records were cleared."""
    if not has_role(user, Role.ADMINISTRACION):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ActionError("Escriba por qué se desbloquea (por ejemplo, cómo se identificó).")
    if bool(username) == bool(ip_address):
        raise ActionError("Elija una cuenta o una dirección que desbloquear.")
    cleared = reset(username=username) if username else reset(ip=ip_address)
    bitacora.record(
        action=Accion.SESION_DESBLOQUEAR,
        object_type="usuario" if username else "direccion",
        object_ref=username or ip_address,
        changes={"motivo": reason, "intentos_borrados": cleared},
        actor=user,
    )
    return cleared
