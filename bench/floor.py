"""The floor of the filing figure: a POST that goes through the same client and middleware
as a filing, has its multipart body parsed, validates nothing and saves one row.

The row goes into a table of its own made with raw SQL, so the product's models and
migrations do not change.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

FLOOR_PATH = "/bench/piso/"
TABLE = "bench_floor"


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
