"""The public statistics page and the open data. Nobody signs in: everything here is
anonymous by construction (see transparencia/models.py)."""

import time

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from correspondencia.models import Secretaria
from oficialia.entrada import whole_number
from oficialia.paginas import draw, for_visitor, same_for_everyone
from oficialia.replica import replica_reads

from . import opendata, selectors, services

FIRST_YEAR = 2000


def _year(request: HttpRequest, *, required: bool) -> int | None:
    raw = request.GET.get("anio", "").strip()
    if not raw:
        return timezone.localdate().year if required else None
    year = whole_number(raw, max_digits=4)
    if year is None or not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("Año fuera de rango")
    return year


def _secretaria(request: HttpRequest) -> Secretaria | None:
    siglas = request.GET.get("secretaria", "").strip()
    if not siglas:
        return None
    secretaria = Secretaria.objects.filter(siglas__iexact=siglas).first()
    if secretaria is None:
        raise Http404("Secretaría desconocida")
    return secretaria


def _anonymous_page_key(*, year: int, secretaria: Secretaria | None, minute: int) -> str:
    """The anonymous page of a year and scope, this day and minute, in this language (should
    another one be offered). The figures' generation is inside the entry, beside the page."""
    scope = secretaria.pk if secretaria else "todas"
    day = timezone.localdate()
    return (
        f"transparencia:{services.FIGURES_VERSION}:pagina:{day}:{year}:{scope}:{minute}"
        f":{get_language()}"
    )


@replica_reads
def estadisticas(request: HttpRequest) -> HttpResponse:
    year = _year(request, required=True)
    secretaria = _secretaria(request)
    minute = int(time.time() // selectors.FILA_CACHE_SECONDS)
    anonymous = same_for_everyone(request)
    if anonymous:
        # One round trip: the page with the generation it was drawn from, and the watermark
        # its consumer published. Served only when they agree and the consumer is not late.
        page_key = _anonymous_page_key(year=year, secretaria=secretaria, minute=minute)
        found = cache.get_many([page_key, services.PUBLISHED_MARK])
        cached = found.get(page_key)
        generation = services.current_generation(found.get(services.PUBLISHED_MARK))
        if cached is not None and generation is not None and cached[0] == generation:
            return for_visitor(request, cached[1])
    mark = services.statistics_catch_up()
    # The page's content is cached under the figures' version and the minute (the fichas'
    # waiting times are "real time" to the minute: selectors.FILA_CACHE_SECONDS): its
    # template was most of the page's time. Everything it reads is read only when it is
    # rendered again; the first visit of a day still publishes the bitácora's head.
    key = selectors.statistics_key(year=year, secretaria=secretaria, mark=mark)
    lazy = SimpleLazyObject
    context = {
        "year": year,
        "secretaria": secretaria,
        "page_key": (key, minute),
        "page_seconds": selectors.FILA_CACHE_SECONDS,
        "stats": lazy(
            lambda: selectors.statistics_page(year=year, secretaria=secretaria, mark=mark)
        ),
        "years": lazy(selectors.years_available),
        "secretarias": lazy(selectors.secretarias_for_filter),
        "extra_figures": lazy(lambda: selectors.extra_figures(year=year, secretaria=secretaria)),
        "fila_espera": lazy(
            lambda: selectors.fila_wait_statistics(year=year, secretaria=secretaria)
        ),
        "bitacora": lazy(selectors.bitacora_head),
    }
    if not anonymous:
        return render(request, "transparencia/estadisticas.html", context)
    # Drawn from this watermark: kept with its generation, served while it is the current one.
    if cached is not None and cached[0] == mark.generation:
        page = cached[1]
    else:
        page = draw(request, "transparencia/estadisticas.html", context)
        cache.set(page_key, (mark.generation, page), selectors.FILA_CACHE_SECONDS)
    return for_visitor(request, page)


@replica_reads
def datos(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "transparencia/datos.html",
        {
            "escritos_columns": opendata.ESCRITOS_COLUMNS,
            "monthly_columns": opendata.MONTHLY_COLUMNS,
            "years": selectors.years_available(),
        },
    )


def _download(content, *, filename: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _filename(stem: str, year: int | None, extension: str) -> str:
    return f"{stem}-{year}.{extension}" if year else f"{stem}.{extension}"


@replica_reads
def escritos_csv(request: HttpRequest) -> StreamingHttpResponse:
    year = _year(request, required=False)
    services.statistics_catch_up()
    return _download(
        opendata.escritos_csv_file(year=year),
        filename=_filename("escritos", year, "csv"),
        content_type="text/csv",
    )


@replica_reads
def escritos_json(request: HttpRequest) -> StreamingHttpResponse:
    year = _year(request, required=False)
    services.statistics_catch_up()
    return _download(
        opendata.escritos_json_file(year=year),
        filename=_filename("escritos", year, "json"),
        content_type="application/json",
    )


def _monthly_records(mark):
    siglas = {
        pk: (nombre, s)
        for pk, nombre, s in Secretaria.objects.values_list("pk", "nombre", "siglas")
    }
    return opendata.monthly_records(siglas, generation=mark.generation)


@replica_reads
def mensual_csv(request: HttpRequest) -> StreamingHttpResponse:
    mark = services.statistics_catch_up()
    header = [c.name for c in opendata.MONTHLY_COLUMNS]
    rows = ([r[name] for name in header] for r in _monthly_records(mark))
    return _download(
        opendata.csv_stream(header, rows), filename="mensual.csv", content_type="text/csv"
    )


@replica_reads
def mensual_json(request: HttpRequest) -> StreamingHttpResponse:
    mark = services.statistics_catch_up()
    return _download(
        opendata.json_stream(_monthly_records(mark)),
        filename="mensual.json",
        content_type="application/json",
    )


# The bitácora's published daily heads: whoever keeps a copy can later prove that nothing
# before a head was changed or removed (manage.py verificar_bitacora compares with them).
BITACORA_HEADER = [
    "dia",
    "ultima_entrada",
    "entradas",
    "huella_sha256",
    "publicada",
    "sello_rfc3161",
]


def _bitacora_records():
    from oficialia.bitacora import publish_head
    from oficialia.models import BitacoraCabeza

    publish_head()  # today's, if beat has not published it yet
    for head in BitacoraCabeza.objects.order_by("day").iterator():
        yield {
            "dia": head.day.isoformat(),
            "ultima_entrada": head.last_id,
            "entradas": head.count,
            "huella_sha256": head.last_hash,
            "publicada": head.published_at.isoformat(),
            "sello_rfc3161": head.tsa_token or None,
        }


@replica_reads
def bitacora_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = ([r[k] for k in BITACORA_HEADER] for r in _bitacora_records())
    return _download(
        opendata.csv_stream(BITACORA_HEADER, rows),
        filename="bitacora-cabezas.csv",
        content_type="text/csv",
    )


@replica_reads
def bitacora_json(request: HttpRequest) -> StreamingHttpResponse:
    return _download(
        opendata.json_stream(_bitacora_records()),
        filename="bitacora-cabezas.json",
        content_type="application/json",
    )
