from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from oficialia import firma
from oficialia.acciones import ActionError
from oficialia.roles import Role, role_required
from turnos import selectors as turnos_selectors

from . import selectors, services
from .forms import BorradorForm, DevolverForm, FirmarForm


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Revise los datos."


@never_cache
@role_required(Role.TITULAR, Role.ENLACE)
@require_http_methods(["GET", "POST"])
def borrador(request: HttpRequest, turno_id: int) -> HttpResponse:
    """Write the answer and send it to the titular for signature (or correct a returned one)."""
    turno = turnos_selectors.turno_for_worker(request.user, turno_id)
    current = selectors.open_borrador(turno)
    initial = {"texto": current.texto, "sense": current.sense} if current else None
    form = BorradorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.borrador_submit(
                turno_id=turno.pk,
                user=request.user,
                texto=form.cleaned_data["texto"],
                sense=form.cleaned_data["sense"],
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                "Respuesta enviada al titular para su revisión y firma. "
                "Aún no se ha notificado al peticionario.",
            )
            return redirect("turno_detalle", turno_id=turno.pk)
    return render(
        request,
        "oficios/borrador.html",
        {"turno": turno, "escrito": turno.escrito, "borrador": current, "form": form},
    )


@never_cache
@role_required(Role.TITULAR, Role.ENLACE)
def borrador_oficio(request: HttpRequest, borrador_id: int) -> HttpResponse:
    """The draft oficio as it will read, marked as a draft, for the titular to review."""
    found = selectors.borrador_for_worker(request.user, borrador_id)
    if found is None:
        raise Http404
    response = HttpResponse(services.oficio_render_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="borrador-respuesta-{found.turno.escrito.folio}.pdf"'
    )
    return response


@never_cache
@sensitive_post_parameters("password")
@sensitive_variables("password", "data")
@role_required(Role.TITULAR)
@require_http_methods(["GET", "POST"])
def firmas_pendientes(request: HttpRequest) -> HttpResponse:
    """The titular's desk: review each draft, return it with comments, or sign several."""
    pending = list(selectors.pending_for_titular(request.user))
    choices = [(b.pk, b.turno.escrito.folio) for b in pending]
    form = FirmarForm(request.POST or None, request.FILES or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            results = services.borradores_sign(
                ids=data["borradores"],
                user=request.user,
                cer=data["cer_bytes"],
                key=data["key_bytes"],
                password=data["password"],
            )
        except firma.FirmaError as exc:
            messages.error(request, str(exc))
        else:
            for r in results:
                folio = r.borrador.turno.escrito.folio
                if r.error:
                    messages.error(request, f"{folio}: {r.error}")
                else:
                    how = getattr(r.borrador.respuesta, "como_se_notifica", "")
                    messages.success(
                        request,
                        f"{folio}: respuesta firmada y registrada; "
                        f"{how or 'pendiente de notificar'}.",
                    )
            return redirect("firmas_pendientes")
    elif request.method == "POST":
        messages.error(request, _first_error(form))
    return render(
        request,
        "oficios/firmas_pendientes.html",
        {
            "pending": pending,
            "form": form,
            "devolver_form": DevolverForm(),
        },
    )


@require_POST
@role_required(Role.TITULAR)
def borrador_devolver(request: HttpRequest, borrador_id: int) -> HttpResponse:
    if selectors.borrador_for_worker(request.user, borrador_id) is None:
        raise Http404
    form = DevolverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("firmas_pendientes")
    try:
        services.borrador_return(
            borrador_id=borrador_id,
            user=request.user,
            observaciones=form.cleaned_data["observaciones"],
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Respuesta devuelta con sus observaciones.")
    return redirect("firmas_pendientes")
