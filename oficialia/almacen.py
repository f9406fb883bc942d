"""The file store, whichever it is (MEDIA_ROOT or an S3-compatible object store): walking it,
hashing what it holds, and what the person sees while it does not answer.

A filing whose attachments cannot be stored is refused whole with a 503 that says to try again
in a few minutes: nothing is half-stored (the files already written are deleted, or swept
later), no folio is taken, and the person still has the form. Queueing the upload instead would
mean keeping the file on one web node's disk, which a multi-node installation must not do, and
issuing an acuse for a document the Oficialía does not hold yet.
"""

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import Storage, default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 120
MESSAGE = (
    "El almacén de documentos no responde en este momento. Su trámite no se registró y no se "
    "guardó nada: intente de nuevo en unos minutos."
)


class StorageUnavailable(Exception):
    """The store did not take or give a file (down, unreachable, timing out)."""


def _connection_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [StorageUnavailable]
    try:
        from botocore import exceptions as boto

        errors += [
            boto.EndpointConnectionError,
            boto.ConnectionClosedError,
            boto.ConnectTimeoutError,
            boto.ReadTimeoutError,
        ]
    except ImportError:  # pragma: no cover - botocore comes with django-storages[s3]
        pass
    try:
        from urllib3.exceptions import HTTPError as Urllib3Error

        errors.append(Urllib3Error)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the store could not be reached."""
    try:
        from botocore.exceptions import ClientError
    except ImportError:  # pragma: no cover
        ClientError = None
    errors = _connection_errors()
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, errors):
            return True
        if ClientError is not None and isinstance(exc, ClientError):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= 500:
                return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def outage_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE, "codigo": "almacen_no_disponible"}, status=503)
    else:
        response = render(request, "almacen_no_disponible.html", {"mensaje": MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class StorageOutageMiddleware:
    """Any view that fails because the store does not answer gets the 503 page, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning(
            "file store unavailable during %s %s: %s",
            request.method,
            request.path[:200],
            type(exception).__name__,
        )
        return outage_response(request)


def walk(prefix: str = "", storage: Storage | None = None) -> Iterator[str]:
    """Every stored name under `prefix` ("" is the whole store), depth first."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    base = f"{prefix.rstrip('/')}/" if prefix else ""
    for name in sorted(files):
        yield f"{base}{name}"
    for directory in sorted(directories):
        yield from walk(f"{base}{directory}", storage)


def sha256_of(name: str, storage: Storage | None = None) -> str:
    storage = storage or default_storage
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class CopyReport:
    copied: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def copy_into_store(source: Storage, target: Storage | None = None) -> CopyReport:
    """Copy every file of `source` (an installation's MEDIA_ROOT) into `target` (the object
    store) under the same name, reading each one back to check its SHA-256. Run it again and
    it copies only what is missing: a name already there with the same SHA-256 is left alone,
    one with another content is reported and never overwritten."""
    target = target or default_storage
    report = CopyReport()
    for name in walk("", source):
        expected = sha256_of(name, source)
        try:
            if target.exists(name):
                if sha256_of(name, target) == expected:
                    report.already_there.append(name)
                else:
                    report.problems.append(f"{name}: ya existe en el almacén con otro contenido")
                continue
            with source.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:
                target.delete(saved)
                report.problems.append(f"{name}: el almacén lo guardó como {saved}")
            elif sha256_of(name, target) != expected:
                report.problems.append(f"{name}: la copia no coincide con su SHA-256")
            else:
                report.copied.append(name)
        except Exception as exc:
            if not is_outage(exc):
                raise
            report.problems.append(f"{name}: el almacén no respondió ({type(exc).__name__})")
    return report
