"""Every page the petitioner sees about an escrito: filing it, its receipt, and /consulta/
(folio and access code) with what can be done there. The account's own pages are in
portal.mis_escritos; both doors share portal.consulta."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from correspondencia import selectors as correspondencia_selectors
from correspondencia import services as correspondencia_services
from correspondencia.forms import ConsultaForm, EscritoForm
from correspondencia.models import Channel
from correspondencia.views import acuse_pdf_response
from cuentas import selectors as cuentas_selectors
from cuentas import services as cuentas_services
from notificaciones.models import Medio
from oficialia import access_codes
from oficialia.acciones import ActionError
from oficialia.paginas import same_for_everyone, static_page
from oficialia.web import over_limit, rate_limited
from turnos import services as turnos_services
from turnos.forms import DesistirForm

from .consulta import (
    CONSULTA_SESSION_KEY,
    acuerdo_file_response,
    answer_file_response,
    consulta_context,
    notification_file_response,
    prevencion_answer_from_post,
    rating_from_post,
    record_opening,
    unlocked_escrito,
)


@never_cache
@require_http_methods(["GET", "POST"])
def escrito_nuevo(request: HttpRequest) -> HttpResponse:
    # "Iniciar este trámite" in the catálogo opens the form with ?tramite=<slug>.
    ref = request.POST.get("tramite") if request.method == "POST" else request.GET.get("tramite")
    tramite = correspondencia_selectors.tramite_for_filing(ref)
    # A signed-in citizen starts with the petitioner data saved in the account.
    initial = {"tramite": tramite, **cuentas_selectors.filing_initial(request.user)}
    form = EscritoForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        token = form.data.get("submission_token")
        if filed := correspondencia_selectors.escrito_by_submission_token(token):
            return redirect("escrito_recibido", token=filed.submission_token)
        if over_limit(request, "escrito_nuevo", settings.RATE_FILING):
            return rate_limited(request)
        if form.is_valid():
            result = correspondencia_services.escrito_file(
                data=form.to_data(),
                channel=Channel.EN_LINEA,
                submission_token=form.cleaned_data["submission_token"],
            )
            cuentas_services.escrito_link_if_signed_in(
                user=request.user, escrito_id=result.escrito.pk
            )
            return redirect("escrito_recibido", token=result.escrito.submission_token)
    return render(request, "correspondencia/escrito_nuevo.html", {"form": form, "tramite": tramite})


@never_cache
def escrito_recibido(request: HttpRequest, token) -> HttpResponse:
    escrito = correspondencia_selectors.escrito_for_receipt(submission_token=token)
    if escrito is None:
        return render(request, "correspondencia/recibido_vencido.html", status=404)
    return render(
        request,
        "correspondencia/escrito_recibido.html",
        {
            "escrito": escrito,
            "acuse": escrito.acuse,
            "access_code": access_codes.display(access_codes.unseal(escrito.access_code_sealed)),
            "acuse_url": reverse("escrito_recibido_acuse", args=[token]),
            "estado_url": reverse("escrito_recibido_estado", args=[token]),
        },
    )


@never_cache
def escrito_recibido_estado(request: HttpRequest, token) -> HttpResponse:
    """The acuse box of the receipt page; htmx asks for it again until the PDF is ready."""
    escrito = correspondencia_selectors.escrito_for_receipt(submission_token=token)
    if escrito is None:
        raise Http404
    return render(
        request,
        "correspondencia/_acuse_estado.html",
        {
            "acuse": escrito.acuse,
            "acuse_url": reverse("escrito_recibido_acuse", args=[token]),
            "estado_url": reverse("escrito_recibido_estado", args=[token]),
        },
    )


@never_cache
def escrito_recibido_acuse(request: HttpRequest, token) -> HttpResponse:
    escrito = correspondencia_selectors.escrito_for_receipt(submission_token=token)
    if escrito is None:
        raise Http404
    return acuse_pdf_response(escrito.acuse)


CONSULTA_TEMPLATE = "correspondencia/consulta.html"


@never_cache
@require_http_methods(["GET", "POST"])
def consulta(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and same_for_everyone(request):
        # The empty form: the same page for everyone who has not signed in.
        return static_page(
            request, CONSULTA_TEMPLATE, lambda: {"form": ConsultaForm(), "escrito": None}
        )
    form = ConsultaForm(request.POST or None)
    escrito = None
    if request.method == "POST":
        limited = over_limit(request, "consulta", settings.RATE_CONSULTA) or over_limit(
            request, "consulta-hora", settings.RATE_CONSULTA_HOURLY
        )
        if limited:
            return rate_limited(request)
        if form.is_valid():
            escrito = correspondencia_selectors.escrito_for_public_lookup(
                folio=form.cleaned_data["folio"], code=form.cleaned_data["codigo"]
            )
            if escrito is None:
                form.add_error(
                    None,
                    "El folio o el código de acceso no son correctos. Revise ambos datos en su "
                    "acuse de recibo; el código no distingue mayúsculas ni guiones.",
                )
            else:
                opened = request.session.get(CONSULTA_SESSION_KEY, [])
                if escrito.pk not in opened:
                    request.session[CONSULTA_SESSION_KEY] = [*opened[-19:], escrito.pk]
    context = {"form": form, "escrito": escrito}
    if escrito is not None:
        context.update(consulta_context(escrito))
        record_opening(context, Medio.CONSULTA)
    return render(request, CONSULTA_TEMPLATE, context)


@never_cache
def consulta_acuse(request: HttpRequest, folio: str) -> HttpResponse:
    return acuse_pdf_response(unlocked_escrito(request, folio).acuse)


def _consulta_page(request: HttpRequest, escrito, **forms) -> HttpResponse:
    context = {"form": ConsultaForm(), **consulta_context(escrito), **forms}
    record_opening(context, Medio.CONSULTA)
    return render(request, CONSULTA_TEMPLATE, context)


@require_POST
def consulta_prevencion(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = unlocked_escrito(request, folio)
    form = prevencion_answer_from_post(request, escrito)
    if form is None:
        escrito.refresh_from_db()
        return _consulta_page(request, escrito)
    return _consulta_page(request, escrito, prevencion_form=form)


@require_POST
def consulta_evaluar(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = unlocked_escrito(request, folio)
    form = rating_from_post(request, escrito)
    if form is None:
        escrito.refresh_from_db()
        return _consulta_page(request, escrito)
    return _consulta_page(request, escrito, rate_form=form)


@require_http_methods(["GET", "POST"])
def consulta_desistir(request: HttpRequest, folio: str) -> HttpResponse:
    """Withdraw the escrito (desistimiento): a confirmation page first, then its POST."""
    escrito = unlocked_escrito(request, folio)
    form = DesistirForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            turnos_services.escrito_withdraw(
                escrito_id=escrito.pk, reason=form.cleaned_data["motivo"]
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Se registró su desistimiento del escrito {folio}.")
        escrito.refresh_from_db()
        return _consulta_page(request, escrito)
    return render(
        request,
        "turnos/desistir.html",
        {
            "escrito": escrito,
            "form": form,
            "action": reverse("consulta_desistir", args=[folio]),
            "back": reverse("consulta"),
        },
    )


def consulta_respuesta(request: HttpRequest, folio: str, adjunto_id: int) -> FileResponse:
    return answer_file_response(unlocked_escrito(request, folio), adjunto_id)


def consulta_notificacion(request: HttpRequest, folio: str, acuse_id: int) -> FileResponse:
    return notification_file_response(unlocked_escrito(request, folio), acuse_id)


@never_cache
def consulta_acuerdo(request: HttpRequest, folio: str, prevencion_id: int) -> FileResponse:
    return acuerdo_file_response(unlocked_escrito(request, folio), prevencion_id)
