"""Reads of quejas y denuncias: the contraloría's list and page, and the reporter's lookup.

Only the contraloría's views call the staff reads (they are behind `role_required`); no page of
any other role imports this module.
"""

import uuid
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from correspondencia.models import Escrito
from oficialia import access_codes

from .models import Queja, QuejaState

# The page shown right after filing (folio and access code) opens only for this long.
RECEIPT_PAGE_LIFETIME = timedelta(hours=24)

# A lookup of a folio that does not exist still compares a hash, so the answer takes as long
# as a wrong code and says nothing about which folios exist.
_DUMMY_HASH = "0" * 64


def queja_for_public_lookup(*, folio: str, code: str) -> Queja | None:
    """The queja named by folio and access code, or None: the two failures look the same."""
    queja = Queja.objects.filter(folio=folio).first()
    stored = queja.access_code_hash if queja else _DUMMY_HASH
    if access_codes.matches(code, stored) and queja is not None:
        return queja
    return None


def queja_by_submission_token(token) -> Queja | None:
    """The queja a form already created (a double click, a resend), if any."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Queja.objects.filter(submission_token=token).first()


def queja_for_receipt(*, submission_token) -> Queja | None:
    """The queja a browser just filed, while its receipt page is still open."""
    queja = Queja.objects.filter(submission_token=submission_token).first()
    if queja is None or timezone.now() - queja.received_at > RECEIPT_PAGE_LIFETIME:
        return None
    return queja


def public_timeline(queja: Queja) -> list:
    """The steps the reporter sees: the state and the date, never the internal reasons."""
    return list(queja.transiciones.only("queja_id", "target", "at"))


# The contraloría -------------------------------------------------------------------------


def quejas_for_contraloria(*, state: str = "", kind: str = "", q: str = "") -> QuerySet[Queja]:
    quejas = Queja.objects.select_related("secretaria").annotate(n_adjuntos=Count("adjuntos"))
    if state in QuejaState.values:
        quejas = quejas.filter(state=state)
    if kind:
        quejas = quejas.filter(kind=kind)
    if q:
        quejas = quejas.filter(
            Q(folio__iexact=q)
            | Q(escrito_folio__iexact=q)
            | Q(servidor_publico__icontains=q)
            | Q(hechos__icontains=q)
        )
    return quejas.order_by("-received_at", "-pk")


def queja_counts() -> dict[str, int]:
    counts = dict(Queja.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in QuejaState.values}


def queja_for_contraloria(*, folio: str) -> Queja | None:
    return (
        Queja.objects.select_related("secretaria")
        .prefetch_related("adjuntos", "transiciones")
        .filter(folio=folio)
        .first()
    )


def named_escrito(queja: Queja) -> Escrito | None:
    """The escrito the reporter named, when that folio exists (the contraloría sees all)."""
    if not queja.escrito_folio:
        return None
    return Escrito.objects.filter(folio=queja.escrito_folio).only("folio", "asunto").first()
