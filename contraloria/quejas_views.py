"""Quejas y denuncias: the public form, receipt and lookup, and the contraloría's desk for them.

The public views live under /quejas/ (contraloria/urls_publicas.py); the contraloría's under
/contraloria/quejas/ (contraloria/urls.py), each behind `role_required(Role.CONTRALORIA)`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from oficialia import access_codes, bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.descargas import uploaded_file_response
from oficialia.roles import Role, role_required
from oficialia.web import over_limit, rate_limited

from . import quejas as selectors
from . import quejas_services as services
from .models import QuejaKind, QuejaState
from .quejas_forms import ConcluirForm, InvestigarForm, QuejaConsultaForm, QuejaForm

PAGE_SIZE = 25
WRONG_FOLIO_OR_CODE = (
    "El folio o el código de acceso no son correctos. Revise ambos datos; el código no "
    "distingue mayúsculas ni guiones."
)


# Public ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def queja_nueva(request: HttpRequest) -> HttpResponse:
    form = QuejaForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if filed := selectors.queja_by_submission_token(form.data.get("submission_token")):
            return redirect("queja_recibida", token=filed.submission_token)
        if over_limit(request, "queja_nueva", settings.RATE_QUEJAS):
            return rate_limited(request)
        if form.is_valid():
            result = services.queja_file(
                data=form.to_data(), submission_token=form.cleaned_data["submission_token"]
            )
            return redirect("queja_recibida", token=result.queja.submission_token)
    return render(request, "contraloria/quejas/nueva.html", {"form": form})


@never_cache
def queja_recibida(request: HttpRequest, token) -> HttpResponse:
    queja = selectors.queja_for_receipt(submission_token=token)
    if queja is None:
        return render(request, "contraloria/quejas/recibida_vencida.html", status=404)
    return render(
        request,
        "contraloria/quejas/recibida.html",
        {
            "queja": queja,
            "access_code": access_codes.display(access_codes.unseal(queja.access_code_sealed)),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def queja_consulta(request: HttpRequest) -> HttpResponse:
    form = QuejaConsultaForm(request.POST or None)
    queja = None
    if request.method == "POST":
        limited = over_limit(request, "queja_consulta", settings.RATE_CONSULTA) or over_limit(
            request, "queja_consulta-hora", settings.RATE_CONSULTA_HOURLY
        )
        if limited:
            return rate_limited(request)
        if form.is_valid():
            queja = selectors.queja_for_public_lookup(
                folio=form.cleaned_data["folio"], code=form.cleaned_data["codigo"]
            )
            if queja is None:
                form.add_error(None, WRONG_FOLIO_OR_CODE)
    context = {"form": form, "queja": queja}
    if queja is not None:
        context["timeline"] = selectors.public_timeline(queja)
    return render(request, "contraloria/quejas/consulta.html", context)


# The contraloría -------------------------------------------------------------------------


def _queja_or_404(folio: str):
    queja = selectors.queja_for_contraloria(folio=folio)
    if queja is None:
        raise Http404
    return queja


@role_required(Role.CONTRALORIA)
def quejas(request: HttpRequest) -> HttpResponse:
    filters = {
        "state": request.GET.get("estado", ""),
        "kind": request.GET.get("tipo", ""),
        "q": request.GET.get("q", "").strip(),
    }
    page = Paginator(selectors.quejas_for_contraloria(**filters), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    params = request.GET.copy()
    params.pop("pagina", None)
    return render(
        request,
        "contraloria/quejas/lista.html",
        {
            "page": page,
            "query": params.urlencode(),
            "filters": filters,
            "counts": selectors.queja_counts(),
            "states": QuejaState.choices,
            "kinds": QuejaKind.choices,
        },
    )


@never_cache
@role_required(Role.CONTRALORIA)
def queja_detalle(request: HttpRequest, folio: str) -> HttpResponse:
    queja = _queja_or_404(folio)
    # The reporter's name and contact are personal data: opening them goes on record.
    bitacora.record(action=Accion.DATOS_VER, object_type="queja", object_ref=folio, folio=folio)
    return _queja_page(request, queja)


def _queja_page(request: HttpRequest, queja, *, bound=None, status: int = 200) -> HttpResponse:
    """The queja's page; `bound` is (action, form) of a form that failed, shown again with
    what was typed and each error by its field."""
    forms = {"investigar_form": InvestigarForm(), "concluir_form": ConcluirForm()}
    if bound is not None:
        forms[f"{bound[0]}_form"] = bound[1]
    return render(
        request,
        "contraloria/quejas/detalle.html",
        {"queja": queja, "escrito": selectors.named_escrito(queja), **forms},
        status=status,
    )


ACTIONS = {
    "investigar": (InvestigarForm, "La queja está en investigación."),
    "concluir": (
        ConcluirForm,
        "La queja quedó concluida; quien la presentó ya puede leer la resolución.",
    ),
}


@require_POST
@role_required(Role.CONTRALORIA)
def queja_accion(request: HttpRequest, folio: str, action: str) -> HttpResponse:
    queja = _queja_or_404(folio)
    if action not in ACTIONS:
        raise Http404
    form_class, success = ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        return _queja_page(request, queja, bound=(action, form), status=400)
    try:
        if action == "investigar":
            services.queja_investigate(
                queja_id=queja.pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        else:
            services.queja_conclude(
                queja_id=queja.pk,
                user=request.user,
                resolucion=form.cleaned_data["resolucion"],
                reason=form.cleaned_data["reason"],
            )
    except ActionError as exc:
        # The queja may be in another state now, where this form is not shown: the message
        # says why, and the form keeps the text if it is.
        messages.error(request, str(exc))
        return _queja_page(request, _queja_or_404(folio), bound=(action, form), status=409)
    messages.success(request, success)
    return redirect("contraloria_queja", folio=folio)


@role_required(Role.CONTRALORIA)
def queja_adjunto(request: HttpRequest, folio: str, adjunto_id: int) -> FileResponse:
    queja = _queja_or_404(folio)
    adjunto = queja.adjuntos.filter(pk=adjunto_id).first()
    if adjunto is None:
        raise Http404
    bitacora.record(
        action=Accion.ARCHIVO_DESCARGAR,
        object_type="queja_adjunto",
        object_ref=str(adjunto.pk),
        folio=queja.folio,
        changes={"archivo": adjunto.original_name, "sha256": adjunto.sha256},
    )
    return uploaded_file_response(
        adjunto.file.open("rb"), filename=adjunto.original_name, content_type=adjunto.content_type
    )
