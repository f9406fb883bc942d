"""The floors the benchmarks compare the product with: views that go through the same
middleware as the measured pages and do the least that still answers.

- `floor_view`: a POST whose multipart body is parsed, validates nothing and saves one row
  (the floor of a filing). The row goes into a table of its own made with raw SQL, so the
  product's models and migrations do not change.
- `lookup_floor_view`: a POST that looks the escrito up by folio and renders a tiny template
  (the floor of /consulta/ with folio and code).
- `static_floor_view`: a GET that answers N bytes held in memory (the floor of a page of
  the same size).
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

FLOOR_PATH = "/bench/piso/"
LOOKUP_FLOOR_PATH = "/bench/piso/consulta/"
STATIC_FLOOR_PATH = "/bench/piso/estatico/"
TABLE = "bench_floor"

_TINY = engines["django"].from_string(
    "<!doctype html><title>{{ e.folio }}</title>"
    "<p>{{ e.folio }}: {{ e.asunto }} ({{ e.state }})</p>"
)
_STATIC: dict[int, bytes] = {}


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            " id bigserial PRIMARY KEY,"
            " token text NOT NULL,"
            " created_at timestamptz NOT NULL DEFAULT now())"
        )


def row_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


@never_cache
@require_POST
def floor_view(request: HttpRequest) -> HttpResponse:
    # Reading request.POST parses the whole multipart body, attachment included, as the
    # filing view does.
    token = request.POST.get("submission_token", "")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (token) VALUES (%s)", [token])
    return HttpResponseRedirect("/")


@never_cache
@require_POST
def lookup_floor_view(request: HttpRequest) -> HttpResponse:
    from correspondencia.models import Escrito

    escrito = Escrito.objects.filter(folio=request.POST.get("folio", "")).first()
    if escrito is None:
        return HttpResponse(status=404)
    return HttpResponse(_TINY.render({"e": escrito}))


@never_cache
@require_GET
def static_floor_view(request: HttpRequest, size: int) -> HttpResponse:
    if size not in _STATIC:
        _STATIC[size] = (b"<!doctype html><title>piso</title><p>" + b"x" * size)[:size]
    return HttpResponse(_STATIC[size], content_type="text/html; charset=utf-8")
