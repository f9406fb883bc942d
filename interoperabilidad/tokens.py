"""API tokens: `ofi_<prefix>_<secret>`. Only the SHA-256 of the whole token is stored (the
secret has 256 bits of entropy, so a slow hash would add nothing); the prefix finds the row
and is what the admin and the bitácora show."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Institucion, Scope, TokenApi

PREFIX = "ofi_"


@dataclass
class IssuedToken:
    token: TokenApi
    plaintext: str


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def token_issue(*, institucion: Institucion, nombre: str, scopes: list[str]) -> IssuedToken:
    """Make a new token; the plaintext is returned once and never stored."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    prefijo = secrets.token_hex(4)
    plaintext = f"{PREFIX}{prefijo}_{secrets.token_urlsafe(32)}"
    token = TokenApi.objects.create(
        institucion=institucion,
        nombre=nombre,
        prefijo=prefijo,
        key_hash=_hash(plaintext),
        scopes=sorted(set(scopes)),
    )
    return IssuedToken(token, plaintext)


def token_revoke(*, token: TokenApi) -> None:
    """Revoke at once; saved (not updated) so the bitácora records who revoked it."""
    token = TokenApi.objects.get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_lookup(plaintext: str) -> TokenApi | None:
    """The active token with this plaintext, or None (unknown, revoked, institution off)."""
    parts = plaintext.split("_")
    if len(parts) < 3 or not plaintext.startswith(PREFIX):
        return None
    token = TokenApi.objects.select_related("institucion").filter(prefijo=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(plaintext)):
        return None
    return token if token.is_active else None


def token_touch(*, token: TokenApi, ip: str | None) -> None:
    """Record the last use (one UPDATE, no read)."""
    TokenApi.objects.filter(pk=token.pk).update(last_used_at=timezone.now(), last_used_ip=ip)
