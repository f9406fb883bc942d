from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from oficialia import access_codes, bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.calendario import BusinessCalendar
from oficialia.dias_inhabiles import year_calendar
from oficialia.hojas import csv_text
from oficialia.models import AcuerdoInhabil
from oficialia.roles import Role, role_required
from oficialia.web import over_limit, rate_limited

from . import selectors, services, verificacion
from .acuse import verification_url
from .forms import (
    TramiteBusquedaForm,
    VentanillaCorreccionForm,
    VentanillaEscritoForm,
    VerificarPdfForm,
)
from .models import Acuse, Channel, Escrito


def acuse_pdf_response(acuse: Acuse, *, inline: bool = True) -> FileResponse:
    if not acuse.is_ready:
        # Not made yet (worker busy or down): make it now rather than turn the person away.
        acuse = services.acuse_generate(acuse_id=acuse.pk)
    return FileResponse(
        acuse.pdf.open("rb"),
        as_attachment=not inline,
        filename=f"acuse-{acuse.escrito.folio}.pdf",
        content_type="application/pdf",
    )


def verificar(request: HttpRequest, token: str) -> HttpResponse:
    acuse = selectors.acuse_by_token(token=token)
    if acuse is None:
        anterior = selectors.acuse_anterior_by_token(token=token)
        if anterior is not None:
            return render(
                request, "correspondencia/verificar_sustituido.html", {"anterior": anterior}
            )
        return render(request, "correspondencia/verificar_invalido.html", status=404)
    return render(
        request,
        "correspondencia/verificar.html",
        {"escrito": acuse.escrito, "adjuntos": acuse.escrito.adjuntos.count()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verificar_pdf(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a PDF and learns whether the ayuntamiento issued it and it is intact."""
    form = VerificarPdfForm(request.POST or None, request.FILES or None)
    resultado = None
    if request.method == "POST":
        if over_limit(request, "verificar_pdf", settings.RATE_CONSULTA):
            return rate_limited(request)
        if form.is_valid():
            resultado = verificacion.pdf_check(form.cleaned_data["content"])
    return render(
        request, "correspondencia/verificar_pdf.html", {"form": form, "resultado": resultado}
    )


def _captured_escrito(request: HttpRequest, folio: str) -> Escrito:
    """An escrito this clerk captured; 404 for any other (its existence is not revealed)."""
    escrito = selectors.escrito_for_ventanilla(folio=folio)
    if escrito is None or escrito.captured_by_id != request.user.pk:
        raise Http404
    return escrito


# What the capture form keeps for the next one: a clerk at a desk receives a run of escritos
# by the same channel that go to the same box.
SESSION_LAST_CAPTURE = "ventanilla_ultima_captura"
REMEMBERED_FIELDS = ("channel", "ubicacion_original")
PAGE_SIZE = 50


@role_required(Role.VENTANILLA)
def ventanilla(request: HttpRequest) -> HttpResponse:
    escritos = selectors.escritos_captured_today(user=request.user)
    page = Paginator(escritos, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "correspondencia/ventanilla.html", {"page": page, "escritos": page})


@never_cache
@role_required(Role.VENTANILLA)
@require_http_methods(["GET", "POST"])
def ventanilla_nuevo(request: HttpRequest) -> HttpResponse:
    initial = request.session.get(SESSION_LAST_CAPTURE, {})
    form = VentanillaEscritoForm(request.POST or None, request.FILES or None, initial=initial)
    duplicate = None
    if request.method == "POST":
        token = form.data.get("submission_token")
        if filed := selectors.escrito_by_submission_token(token):
            return redirect("ventanilla_escrito", folio=filed.folio)
        if form.is_valid():
            duplicate = selectors.similar_recent_capture(
                nombre=form.cleaned_data["nombre"],
                asunto=form.cleaned_data["asunto"],
                since=timezone.now() - timedelta(hours=settings.VENTANILLA_DUPLICADO_HORAS),
            )
            if duplicate is None or form.cleaned_data["confirmar_duplicado"]:
                result = services.escrito_file(
                    data=form.to_data(),
                    channel=Channel(form.cleaned_data["channel"]),
                    captured_by=request.user,
                    submission_token=form.cleaned_data["submission_token"],
                )
                request.session[SESSION_LAST_CAPTURE] = {
                    f: form.cleaned_data[f] for f in REMEMBERED_FIELDS
                }
                messages.success(
                    request, f"Escrito registrado con el folio {result.escrito.folio}."
                )
                return redirect("ventanilla_escrito", folio=result.escrito.folio)
    return render(
        request,
        "correspondencia/ventanilla_nuevo.html",
        {"form": form, "duplicate": duplicate},
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@role_required(Role.VENTANILLA)
@require_http_methods(["GET", "POST"])
def ventanilla_corregir(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = _captured_escrito(request, folio)
    form = VentanillaCorreccionForm(request.POST or None, escrito=escrito)
    if request.method == "POST" and form.is_valid():
        try:
            services.escrito_correct(
                escrito_id=escrito.pk,
                user=request.user,
                changes=form.to_changes(),
                reason=form.cleaned_data["motivo"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            form.refused = True
        else:
            messages.success(
                request,
                f"Captura corregida. El folio sigue siendo {escrito.folio}; imprima el acuse "
                "nuevo: el anterior ya dice que fue sustituido.",
            )
            return redirect("ventanilla_escrito", folio=escrito.folio)
    status = 200
    if form.is_bound and form.errors:
        status = 409 if getattr(form, "refused", False) else 400
    return render(
        request,
        "correspondencia/ventanilla_corregir.html",
        {"form": form, "escrito": escrito},
        status=status,
    )


@never_cache
@role_required(Role.VENTANILLA)
def ventanilla_escrito(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = _captured_escrito(request, folio)
    bitacora.record(
        action=Accion.DATOS_VER, object_type="escrito", object_ref=folio, folio=escrito.folio
    )
    return render(
        request,
        "correspondencia/ventanilla_escrito.html",
        {
            "escrito": escrito,
            "acuse": escrito.acuse,
            "access_code": access_codes.display(access_codes.unseal(escrito.access_code_sealed)),
            "acuse_url": reverse("ventanilla_acuse", args=[folio]),
            "estado_url": reverse("ventanilla_acuse_estado", args=[folio]),
            "verification_url": verification_url(escrito.acuse),
        },
    )


@never_cache
@role_required(Role.VENTANILLA)
def ventanilla_acuse_estado(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = _captured_escrito(request, folio)
    return render(
        request,
        "correspondencia/_acuse_estado.html",
        {
            "acuse": escrito.acuse,
            "acuse_url": reverse("ventanilla_acuse", args=[folio]),
            "estado_url": reverse("ventanilla_acuse_estado", args=[folio]),
            "print": True,
        },
    )


@never_cache
@role_required(Role.VENTANILLA)
def ventanilla_acuse(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = _captured_escrito(request, folio)
    bitacora.record(
        action=Accion.ACUSE_DESCARGAR, object_type="acuse", object_ref=folio, folio=escrito.folio
    )
    return acuse_pdf_response(escrito.acuse)


# The catálogo de trámites y servicios (public) ---------------------------------------------


def tramites(request: HttpRequest) -> HttpResponse:
    form = TramiteBusquedaForm(request.GET, secretarias=selectors.secretarias_con_tramites())
    query, secretaria = "", None
    if form.is_valid():
        query, secretaria = form.cleaned_data["q"], form.cleaned_data["secretaria"]
    return render(
        request,
        "correspondencia/tramites.html",
        {
            "form": form,
            "query": query,
            "secretaria": secretaria,
            "tramites": selectors.tramites_catalogo(query=query, secretaria=secretaria),
        },
    )


def tramites_csv(request: HttpRequest) -> HttpResponse:
    """The public catálogo as open data, with each trámite's homoclave of the national
    catálogo de trámites y servicios, so other offices can match it to their own."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="catalogo-de-tramites.csv"'
    rows = (
        [
            tramite.homoclave,
            tramite.nombre,
            tramite.secretaria.nombre,
            tramite.plazo_dias_habiles,
            tramite.costo_display,
            tramite.fundamento,
            settings.PUBLIC_BASE_URL + tramite.get_absolute_url(),
        ]
        for tramite in selectors.tramites_catalogo(query="", secretaria=None)
    )
    response.write(
        csv_text(
            [
                "homoclave",
                "nombre",
                "secretaria",
                "plazo_dias_habiles",
                "costo",
                "fundamento",
                "url",
            ],
            rows,
        )
    )
    return response


def tramite_detalle(request: HttpRequest, slug: str) -> HttpResponse:
    tramite = selectors.tramite_publico(slug=slug)
    if tramite is None:
        raise Http404
    return render(request, "correspondencia/tramite_detalle.html", {"tramite": tramite})


def tramite_requisitos(request: HttpRequest) -> HttpResponse:
    """The checklist of the filing form, again when the person picks another trámite (htmx)."""
    tramite = selectors.tramite_for_filing(request.GET.get("tramite"))
    return render(request, "correspondencia/_tramite_checklist.html", {"tramite": tramite})


# The calendar of días inhábiles (public) -----------------------------------------------------


def dias_inhabiles(request: HttpRequest) -> HttpResponse:
    """The current and next year's non-working days, each with the law or acuerdo behind it."""
    this_year = timezone.localdate().year
    years = [this_year, this_year + 1]
    try:
        chosen = int(request.GET.get("anio", ""))
    except ValueError:
        chosen = None
    if chosen is not None and chosen not in years and 2000 <= chosen <= this_year + 1:
        years = [chosen]
    calendar = BusinessCalendar()
    return render(
        request,
        "correspondencia/dias_inhabiles.html",
        {
            "years": [year_calendar(year, calendar) for year in years],
            "office_hours": settings.OFFICE_HOURS,
        },
    )


def acuerdo_inhabil_pdf(request: HttpRequest, pk: int) -> FileResponse:
    acuerdo = AcuerdoInhabil.objects.filter(pk=pk).exclude(documento="").first()
    if acuerdo is None:
        raise Http404
    return FileResponse(
        acuerdo.documento.open("rb"),
        content_type="application/pdf",
        filename=f"acuerdo-{acuerdo.pk}.pdf",
    )
