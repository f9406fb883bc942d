import csv

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cuentas import selectors as cuentas_selectors
from cuentas import services as cuentas_services
from oficialia import access_codes, bitacora
from oficialia.roles import Role, role_required
from oficialia.web import over_limit, rate_limited

from . import selectors, services
from .acuse import verification_url
from .forms import ConsultaForm, EscritoForm, TramiteBusquedaForm, VentanillaEscritoForm
from .models import Acuse, Channel, Escrito

# Folios opened through /consulta/ in this browser session (their acuse may be downloaded).
CONSULTA_SESSION_KEY = "consulta_escritos"


def _pdf_response(acuse: Acuse, *, inline: bool = True) -> FileResponse:
    if not acuse.is_ready:
        # Not made yet (worker busy or down): make it now rather than turn the person away.
        acuse = services.acuse_generate(acuse_id=acuse.pk)
    return FileResponse(
        acuse.pdf.open("rb"),
        as_attachment=not inline,
        filename=f"acuse-{acuse.escrito.folio}.pdf",
        content_type="application/pdf",
    )



@never_cache
@require_http_methods(["GET", "POST"])
def escrito_nuevo(request: HttpRequest) -> HttpResponse:
    # "Iniciar este trámite" in the catálogo opens the form with ?tramite=<slug>.
    ref = request.POST.get("tramite") if request.method == "POST" else request.GET.get("tramite")
    tramite = selectors.tramite_for_filing(ref)
    # A signed-in citizen starts with the petitioner data saved in the account.
    initial = {"tramite": tramite, **cuentas_selectors.filing_initial(request.user)}
    form = EscritoForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        token = form.data.get("submission_token")
        if filed := selectors.escrito_by_submission_token(token):
            return redirect("escrito_recibido", token=filed.submission_token)
        if over_limit(request, "escrito_nuevo", settings.RATE_FILING):
            return rate_limited(request)
        if form.is_valid():
            result = services.escrito_file(
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
    escrito = selectors.escrito_for_receipt(submission_token=token)
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
    escrito = selectors.escrito_for_receipt(submission_token=token)
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
    escrito = selectors.escrito_for_receipt(submission_token=token)
    if escrito is None:
        raise Http404
    return _pdf_response(escrito.acuse)


@never_cache
@require_http_methods(["GET", "POST"])
def consulta(request: HttpRequest) -> HttpResponse:
    form = ConsultaForm(request.POST or None)
    escrito = None
    if request.method == "POST":
        limited = over_limit(request, "consulta", settings.RATE_CONSULTA) or over_limit(
            request, "consulta-hora", settings.RATE_CONSULTA_HOURLY
        )
        if limited:
            return rate_limited(request)
        if form.is_valid():
            escrito = selectors.escrito_for_public_lookup(
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
    return render(request, "correspondencia/consulta.html", context)


def consulta_context(escrito: Escrito) -> dict:
    """The status page of an escrito, for its petitioner."""
    from turnos.forms import PrevencionAnswerForm, RateForm
    from turnos.selectors import public_status
    from turnos.services import WITHDRAWABLE_STATES

    return {
        "escrito": escrito,
        "timeline": selectors.escrito_timeline(escrito),
        "status": public_status(escrito),
        "prevencion_form": PrevencionAnswerForm(),
        "rate_form": RateForm(),
        "can_withdraw": escrito.state in WITHDRAWABLE_STATES,
    }


def unlocked_escrito(request: HttpRequest, folio: str) -> Escrito:
    """The escrito this browser opened through /consulta/ with its folio and code, or 404."""
    escrito = Escrito.objects.select_related("acuse", "peticionario").filter(folio=folio).first()
    if escrito is None or escrito.pk not in request.session.get(CONSULTA_SESSION_KEY, []):
        raise Http404
    return escrito


@never_cache
def consulta_acuse(request: HttpRequest, folio: str) -> HttpResponse:
    return _pdf_response(unlocked_escrito(request, folio).acuse)


def verificar(request: HttpRequest, token: str) -> HttpResponse:
    acuse = selectors.acuse_by_token(token=token)
    if acuse is None:
        return render(request, "correspondencia/verificar_invalido.html", status=404)
    return render(
        request,
        "correspondencia/verificar.html",
        {"escrito": acuse.escrito, "adjuntos": acuse.escrito.adjuntos.count()},
    )


def _captured_escrito(request: HttpRequest, folio: str) -> Escrito:
    """An escrito this clerk captured; 404 for any other (its existence is not revealed)."""
    escrito = selectors.escrito_for_ventanilla(folio=folio)
    if escrito is None or escrito.captured_by_id != request.user.pk:
        raise Http404
    return escrito


@role_required(Role.VENTANILLA)
def ventanilla(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "correspondencia/ventanilla.html",
        {"escritos": selectors.escritos_captured_today(user=request.user)},
    )


@never_cache
@role_required(Role.VENTANILLA)
@require_http_methods(["GET", "POST"])
def ventanilla_nuevo(request: HttpRequest) -> HttpResponse:
    form = VentanillaEscritoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        token = form.data.get("submission_token")
        if filed := selectors.escrito_by_submission_token(token):
            return redirect("ventanilla_escrito", folio=filed.folio)
        if form.is_valid():
            result = services.escrito_file(
                data=form.to_data(),
                channel=Channel(form.cleaned_data["channel"]),
                captured_by=request.user,
                submission_token=form.cleaned_data["submission_token"],
            )
            messages.success(request, f"Escrito registrado con el folio {result.escrito.folio}.")
            return redirect("ventanilla_escrito", folio=result.escrito.folio)
    return render(request, "correspondencia/ventanilla_nuevo.html", {"form": form})


@never_cache
@role_required(Role.VENTANILLA)
def ventanilla_escrito(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = _captured_escrito(request, folio)
    bitacora.record(
        action="datos.ver", object_type="escrito", object_ref=folio, folio=escrito.folio
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
        action="acuse.descargar", object_type="acuse", object_ref=folio, folio=escrito.folio
    )
    return _pdf_response(escrito.acuse)


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
    response.write("\ufeff")  # spreadsheets read the accents right with a BOM
    writer = csv.writer(response)
    writer.writerow(
        ["homoclave", "nombre", "secretaria", "plazo_dias_habiles", "costo", "fundamento", "url"]
    )
    for tramite in selectors.tramites_catalogo(query="", secretaria=None):
        writer.writerow(
            [
                tramite.homoclave,
                tramite.nombre,
                tramite.secretaria.nombre,
                tramite.plazo_dias_habiles,
                tramite.costo_display,
                tramite.fundamento,
                settings.PUBLIC_BASE_URL + tramite.get_absolute_url(),
            ]
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
