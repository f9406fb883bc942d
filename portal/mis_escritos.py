"""The citizen's "Mis escritos" (/mi-cuenta/escritos/): the list with traffic lights, adding
an older escrito by folio and code, and each escrito's page with what /consulta/ offers."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from correspondencia.forms import ConsultaForm
from correspondencia.services import acuse_generate
from cuentas import selectors, services
from cuentas.acceso import account_context, cuenta_required
from notificaciones.models import Medio
from oficialia.acciones import ActionError
from oficialia.web import over_limit, rate_limited
from turnos import services as turnos_services
from turnos.forms import DesistirForm

from .consulta import (
    acuerdo_file_response,
    answer_file_response,
    consulta_context,
    notification_file_response,
    prevencion_answer_from_post,
    rating_from_post,
    record_opening,
)

PAGE_SIZE = 20


def _escritos_page(request: HttpRequest, add_form: ConsultaForm, status: int = 200):
    page = Paginator(selectors.escritos_of(request.cuenta), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "cuentas/escritos.html",
        {
            **account_context(request, "escritos"),
            "page": page,
            "rows": selectors.escritos_with_lights(page.object_list),
            "add_form": add_form,
        },
        status=status,
    )


@cuenta_required
def escritos(request: HttpRequest) -> HttpResponse:
    return _escritos_page(request, ConsultaForm(prefix="agregar"))


@cuenta_required
@require_POST
def escrito_agregar(request: HttpRequest) -> HttpResponse:
    limited = (
        over_limit(request, "consulta", settings.RATE_CONSULTA)
        or over_limit(request, "consulta-hora", settings.RATE_CONSULTA_HOURLY)
        or over_limit(request, "cuenta_agregar", settings.RATE_CONSULTA_HOURLY, key="user")
    )
    if limited:
        return rate_limited(request)
    form = ConsultaForm(request.POST, prefix="agregar")
    if form.is_valid():
        try:
            added = services.escrito_add(
                cuenta_id=request.cuenta.pk,
                folio=form.cleaned_data["folio"],
                code=form.cleaned_data["codigo"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            folio = added.escrito.folio
            if added.linked:
                messages.success(request, f"El escrito {folio} quedó en «Mis escritos».")
                return redirect("cuenta_escrito", folio=folio)
            messages.info(
                request,
                f"Para agregar el escrito {folio} le enviamos un enlace de confirmación al "
                f"correo anotado en el escrito ({added.sent_to}). Ábralo desde esta misma "
                "cuenta; el escrito aparecerá aquí en cuanto lo confirme.",
            )
            return redirect("cuenta_escritos")
    return _escritos_page(request, form)


@cuenta_required
@require_http_methods(["GET", "POST"])
def escrito_confirmar(request: HttpRequest, token: str) -> HttpResponse:
    """The link emailed to the escrito's address. A page with a button first (mail scanners
    open links), the link on its POST."""
    error = ""
    if request.method == "POST":
        try:
            escrito = services.escrito_link_confirm(cuenta_id=request.cuenta.pk, token=token)
        except ActionError as exc:
            error = str(exc)
        else:
            messages.success(request, f"El escrito {escrito.folio} quedó en «Mis escritos».")
            return redirect("cuenta_escrito", folio=escrito.folio)
    return render(
        request,
        "cuentas/confirmar_vinculo.html",
        {**account_context(request, "escritos"), "error": error},
    )


def _escrito_page(request: HttpRequest, escrito, **forms) -> HttpResponse:
    row = selectors.escritos_with_lights([escrito])[0]
    context = {
        **account_context(request, "escritos"),
        **consulta_context(escrito),
        "row": row,
        **forms,
    }
    record_opening(context, Medio.CUENTA)
    return render(request, "cuentas/escrito.html", context)


@cuenta_required
def escrito(request: HttpRequest, folio: str) -> HttpResponse:
    return _escrito_page(request, selectors.escrito_of(request.cuenta, folio))


@cuenta_required
def escrito_acuse(request: HttpRequest, folio: str) -> FileResponse:
    acuse = selectors.escrito_of(request.cuenta, folio).acuse
    if not acuse.is_ready:
        acuse = acuse_generate(acuse_id=acuse.pk)
    return FileResponse(
        acuse.pdf.open("rb"), filename=f"acuse-{folio}.pdf", content_type="application/pdf"
    )


@cuenta_required
def escrito_respuesta(request: HttpRequest, folio: str, adjunto_id: int) -> FileResponse:
    return answer_file_response(selectors.escrito_of(request.cuenta, folio), adjunto_id)


@cuenta_required
@require_POST
def escrito_prevencion(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = selectors.escrito_of(request.cuenta, folio)
    form = prevencion_answer_from_post(request, escrito)
    if form is None:
        return redirect("cuenta_escrito", folio=folio)
    return _escrito_page(request, escrito, prevencion_form=form)


@cuenta_required
@require_POST
def escrito_evaluar(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = selectors.escrito_of(request.cuenta, folio)
    form = rating_from_post(request, escrito)
    if form is None:
        return redirect("cuenta_escrito", folio=folio)
    return _escrito_page(request, escrito, rate_form=form)


@cuenta_required
@require_http_methods(["GET", "POST"])
def escrito_desistir(request: HttpRequest, folio: str) -> HttpResponse:
    """A confirmation page first; the desistimiento happens on its POST."""
    escrito = selectors.escrito_of(request.cuenta, folio)
    form = DesistirForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            turnos_services.escrito_withdraw(
                escrito_id=escrito.pk, reason=form.cleaned_data["motivo"], actor=request.user
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Se registró su desistimiento del escrito {folio}.")
        return redirect("cuenta_escrito", folio=folio)
    return render(
        request,
        "turnos/desistir.html",
        {
            **account_context(request, "escritos"),
            "escrito": escrito,
            "form": form,
            "action": reverse("cuenta_escrito_desistir", args=[folio]),
            "back": reverse("cuenta_escrito", args=[folio]),
        },
    )


@cuenta_required
def escrito_notificacion(request: HttpRequest, folio: str, acuse_id: int) -> FileResponse:
    return notification_file_response(selectors.escrito_of(request.cuenta, folio), acuse_id)


@cuenta_required
def escrito_acuerdo(request: HttpRequest, folio: str, prevencion_id: int) -> FileResponse:
    return acuerdo_file_response(selectors.escrito_of(request.cuenta, folio), prevencion_id)
