"""Reads the views need, already limited to what the asker may see."""

import uuid
from datetime import timedelta

from django.utils import timezone

from oficialia import access_codes
from oficialia.text import fold, search_words

from .models import Acuse, AcuseAnterior, Escrito, Secretaria, Tramite, Transicion

# The page shown right after filing (folio and access code) opens only for this long.
RECEIPT_PAGE_LIFETIME = timedelta(hours=24)

# Computed once: a lookup of a folio that does not exist still compares a hash, so the
# answer takes as long as a wrong code and says nothing about which folios exist.
_DUMMY_HASH = "0" * 64


def escrito_for_public_lookup(*, folio: str, code: str) -> Escrito | None:
    """The escrito named by folio and access code, or None: the two failures look the same.
    Its evaluación comes in the same query (the status page asks whether there is one)."""
    escrito = (
        Escrito.objects.select_related("secretaria_destino", "tramite", "evaluacion")
        .filter(folio=folio)
        .first()
    )
    stored = escrito.access_code_hash if escrito else _DUMMY_HASH
    if access_codes.matches(code, stored) and escrito is not None:
        return escrito
    return None


def escrito_for_receipt(*, submission_token) -> Escrito | None:
    """The escrito a browser just filed, while its receipt page is still open."""
    escrito = (
        Escrito.objects.select_related("acuse", "peticionario")
        .filter(submission_token=submission_token)
        .first()
    )
    if escrito is None or timezone.now() - escrito.received_at > RECEIPT_PAGE_LIFETIME:
        return None
    return escrito


def escrito_for_ventanilla(*, folio: str) -> Escrito | None:
    return (
        Escrito.objects.select_related("acuse", "peticionario", "captured_by", "tramite")
        .prefetch_related("adjuntos")
        .filter(folio=folio)
        .first()
    )


def escritos_captured_today(*, user):
    """What the clerk captured today, newest first (the view pages it)."""
    today = timezone.localdate()
    return (
        Escrito.objects.select_related("peticionario", "acuse")
        .filter(captured_by=user, received_at__date=today)
        .order_by("-received_at", "-pk")
    )


def similar_recent_capture(*, nombre: str, asunto: str, since) -> Escrito | None:
    """The latest escrito received since `since` with the same petitioner and subject
    (case aside): a capture made twice by mistake looks like this."""
    return (
        Escrito.objects.select_related("peticionario")
        .filter(
            received_at__gte=since,
            peticionario__nombre__iexact=nombre.strip(),
            asunto__iexact=asunto.strip(),
        )
        .order_by("-received_at")
        .first()
    )


def acuse_by_token(*, token: str) -> Acuse | None:
    return Acuse.objects.select_related("escrito").filter(verification_token=token).first()


def acuse_anterior_by_token(*, token: str) -> AcuseAnterior | None:
    return (
        AcuseAnterior.objects.select_related("escrito__acuse")
        .filter(verification_token=token)
        .first()
    )


def escrito_timeline(escrito: Escrito, *, public_only: bool = True) -> list[Transicion]:
    """Every step of the escrito and its turnos, oldest first."""
    steps = escrito.transiciones.select_related("secretaria")
    if public_only:
        steps = steps.filter(public=True)
    return list(steps)


def escrito_by_submission_token(token) -> Escrito | None:
    """The escrito a form already created (a double click, a resend), if any."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Escrito.objects.filter(submission_token=token).first()


# The catálogo de trámites y servicios --------------------------------------------------


def tramites_catalogo(*, query: str = "", secretaria: Secretaria | None = None) -> list[Tramite]:
    """The active trámites whose name, keywords or description hold every word of `query`
    (accents and case aside), optionally of one secretaría: those whose name holds every
    word first, then alphabetically."""
    words = search_words(query)
    tramites = Tramite.objects.filter(activo=True).select_related("secretaria")
    for word in words:
        tramites = tramites.filter(search_text__contains=word)
    if secretaria is not None:
        tramites = tramites.filter(secretaria=secretaria)
    found = list(tramites.order_by("nombre"))
    if words:
        # A catalogue holds tens of trámites, not thousands: ranking them here is cheap.
        found.sort(key=lambda t: not all(word in fold(t.nombre) for word in words))
    return found


def secretarias_con_tramites():
    """The secretarías the catalogue can be filtered by: those with an active trámite."""
    return Secretaria.objects.filter(activa=True, tramites__activo=True).distinct()


def tramite_publico(*, slug: str) -> Tramite | None:
    return (
        Tramite.objects.filter(activo=True, slug=slug)
        .select_related("secretaria")
        .prefetch_related("requisitos")
        .first()
    )


def tramite_for_filing(ref: str | None) -> Tramite | None:
    """The active trámite named by `?tramite=` (its id or its slug) on the filing form."""
    ref = (ref or "").strip()
    if not ref:
        return None
    tramites = Tramite.objects.filter(activo=True).prefetch_related("requisitos")
    lookup = {"pk": int(ref)} if ref.isdecimal() and len(ref) < 10 else {"slug": ref}
    return tramites.filter(**lookup).first()
