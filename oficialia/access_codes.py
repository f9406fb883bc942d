"""Access codes printed on acuses: random, easy to type, never stored in the clear.

A code is 10 characters from a 31-letter alphabet without 0/O, 1/I/L (about 49.5 bits),
shown in two groups of five. The database keeps an HMAC of it (for the lookup, which is
rate limited, so a fast keyed hash is enough for 49 bits) and a sealed copy (Fernet) so that
an acuse generated again prints the same code. Both use settings.ACCESS_CODE_KEY, which is
not in the database: a copy of the database alone reveals no code.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet
from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(code: str) -> str:
    """What a person typed, as compared: upper case, without the spaces and dash of display."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _key(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.ACCESS_CODE_KEY}".encode()).digest()


def hash_code(code: str) -> str:
    return hmac.new(_key("hash"), normalize(code).encode(), hashlib.sha256).hexdigest()


def matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(code), stored_hash)


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key("seal")))


def seal(code: str) -> str:
    return _fernet().encrypt(code.encode()).decode()


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode()).decode()
