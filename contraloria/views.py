"""The contraloría's desk: read-only pages over the bitácora, the overdue turnos and the
ratings. Nothing here changes anything; the one write is the bitácora's record of an export.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from oficialia.entrada import whole_number
from oficialia.models import BitacoraCabeza
from oficialia.replica import replica_reads
from oficialia.roles import Role, role_required

from . import exports, selectors, services
from .forms import BitacoraSearchForm, PeriodForm, VencidosForm

VENCIDOS_PAGE_SIZE = 50


def _query(request: HttpRequest, *drop: str) -> str:
    """The current filters, without the paging parameters, for links."""
    params = request.GET.copy()
    for name in ("pagina", "antes", "despues", *drop):
        params.pop(name, None)
    return params.urlencode()


def _entry_id(request: HttpRequest, name: str) -> int | None:
    return whole_number(request.GET.get(name, ""))


@replica_reads
@require_safe
@role_required(Role.CONTRALORIA)
def inicio(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "contraloria/inicio.html",
        {
            "overdue": selectors.overdue_count(),
            "evaluations": selectors.evaluations_count(),
            "cabeza": BitacoraCabeza.objects.first(),
        },
    )


@replica_reads
@require_safe
@role_required(Role.CONTRALORIA)
def bitacora(request: HttpRequest) -> HttpResponse:
    form = BitacoraSearchForm(request.GET or None, options=selectors.bitacora_filter_options())
    page = None
    filters = selectors.BitacoraFilters()
    if not request.GET or form.is_valid():
        filters = form.filters() if form.is_bound else filters
        page = selectors.bitacora_page(
            filters, before=_entry_id(request, "antes"), after=_entry_id(request, "despues")
        )
    return render(
        request,
        "contraloria/bitacora.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "count_cap": selectors.COUNT_CAP,
            "paged": "antes" in request.GET or "despues" in request.GET,
            "current_folio": filters.folio,
        },
    )


@replica_reads
@require_safe
@role_required(Role.CONTRALORIA)
def bitacora_csv(request: HttpRequest) -> HttpResponse:
    form = BitacoraSearchForm(request.GET, options=selectors.bitacora_filter_options())
    if not form.is_valid():
        # The search page shows what is wrong with the filters.
        return redirect(f"{reverse('contraloria_bitacora')}?{_query(request)}")
    filters = form.filters()
    if selectors.bitacora_export_too_big(filters):
        most = f"{selectors.EXPORT_MAX:,}".replace(",", " ")
        messages.error(
            request,
            f"La búsqueda tiene más de {most} entradas: acote las fechas (o algún otro"
            " filtro) para exportarla en partes.",
        )
        return redirect(f"{reverse('contraloria_bitacora')}?{_query(request)}")
    entry = services.bitacora_export(user=request.user, filters=filters)
    response = StreamingHttpResponse(
        exports.bitacora_csv(selectors.bitacora_export(filters, until=entry)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime(entry.at).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="bitacora-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@replica_reads
@require_safe
@role_required(Role.CONTRALORIA)
def vencidos(request: HttpRequest) -> HttpResponse:
    form = VencidosForm(request.GET or None)
    secretaria = form.cleaned_data["secretaria"] if form.is_valid() else None
    report = selectors.overdue_report(secretaria_id=secretaria.pk if secretaria else None)
    page = Paginator(report.turnos, VENCIDOS_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "contraloria/vencidos.html",
        {
            "form": form,
            "report": report,
            "secretaria": secretaria,
            "page": page,
            "vencidos": report.with_lateness(page.object_list),
            "routing_days": settings.ROUTING_TERM_BUSINESS_DAYS,
            "query": _query(request),
        },
    )


@replica_reads
@require_safe
@role_required(Role.CONTRALORIA)
def evaluaciones(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    report = selectors.ratings_report(since=period.get("desde"), until=period.get("hasta"))
    return render(request, "contraloria/evaluaciones.html", {"form": form, "report": report})
