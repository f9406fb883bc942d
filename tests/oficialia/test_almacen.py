"""Which failures mean "the file store does not answer" (503, try again) and which are bugs
(500 as ever); walking and hashing the store whatever it is."""

import hashlib

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from oficialia.almacen import (
    StorageOutageMiddleware,
    StorageUnavailable,
    is_outage,
    sha256_of,
    walk,
)


def _client_error(status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": str(status)}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


@pytest.mark.parametrize(
    ("exc", "outage"),
    [
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), True),
        (_client_error(503), True),
        (_client_error(404), False),
        (_client_error(403), False),
        (StorageUnavailable("abajo"), True),
        (ValueError("un error del programa"), False),
        (TimeoutError("la TSA tardó"), False),
    ],
)
def test_what_counts_as_the_store_not_answering(exc, outage):
    assert is_outage(exc) is outage


def test_an_outage_behind_another_exception_is_still_one():
    try:
        try:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
        except EndpointConnectionError as inner:
            raise RuntimeError("al guardar") from inner
    except RuntimeError as outer:
        assert is_outage(outer)


def test_the_api_gets_the_503_as_json_and_pages_as_html(db):
    middleware = StorageOutageMiddleware(lambda request: None)
    api = middleware.process_exception(
        RequestFactory().post("/api/v1/escritos"), StorageUnavailable()
    )
    assert api.status_code == 503 and api["Retry-After"] == "120"
    assert b"almacen_no_disponible" in api.content
    page = middleware.process_exception(
        RequestFactory().post("/escritos/nuevo/"), StorageUnavailable()
    )
    assert page.status_code == 503
    assert "intente de nuevo en unos minutos" in page.content.decode()
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None


def test_walk_and_hash_read_through_the_storage_api():
    assert list(walk("")) == []  # the folder does not even exist yet
    names = [
        default_storage.save("adjuntos/2026/01/a.pdf", ContentFile(b"uno")),
        default_storage.save("acuses/2026/02/b.pdf", ContentFile(b"dos")),
    ]
    assert sorted(walk("")) == sorted(names)
    assert list(walk("acuses")) == [names[1]]
    assert sha256_of(names[0]) == hashlib.sha256(b"uno").hexdigest()
