"""RFC 3161 timestamps of the bitácora's daily heads, from the TSA at OFICIALIA_TSA_URL.

Kept minimal on rfc3161-client: build the request for a SHA-256 digest with a nonce, POST
it, check the answer is granted and stamps that very digest and nonce, keep the token (DER,
base64). Verifying the TSA's signature chain needs its certificates and is left to whoever
audits a head with the token (openssl ts -verify)."""

import base64
import hashlib
import urllib.request

from django.conf import settings
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    decode_timestamp_response,
)


class TimestampError(Exception):
    pass


def request_timestamp(head_hash: bytes, *, url: str | None = None) -> str:
    """The token of a timestamp over the 32 bytes of a head's SHA-256 (the TSA signs their
    SHA-256 in turn, the message imprint)."""
    url = url or settings.TSA_URL
    request = (
        TimestampRequestBuilder()
        .data(head_hash)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .build()
    )
    http = urllib.request.Request(
        url,
        data=request.as_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http, timeout=settings.TSA_TIMEOUT) as answer:
            body = answer.read()
        response = decode_timestamp_response(body)
    except Exception as exc:
        raise TimestampError(f"the TSA at {url} did not answer: {exc}") from exc
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError(f"the TSA refused: status {response.status}")
    info = response.tst_info
    if info.nonce != request.nonce:
        raise TimestampError("the TSA answered another request (nonce)")
    if info.message_imprint.message != hashlib.sha256(head_hash).digest():
        raise TimestampError("the TSA stamped something else (message imprint)")
    return base64.b64encode(response.time_stamp_token()).decode()
