"""The ventanilla's review queue of the email intake."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from oficialia.acciones import ActionError
from oficialia.roles import Role, role_required

from . import services
from .forms import CorreoRadicarForm, CorreoRechazarForm
from .models import CorreoAdjunto, CorreoEntrante, CorreoState


@role_required(Role.VENTANILLA)
def correo_bandeja(request: HttpRequest) -> HttpResponse:
    pendientes = CorreoEntrante.objects.filter(state=CorreoState.PENDIENTE).prefetch_related(
        "adjuntos"
    )
    revisados = (
        CorreoEntrante.objects.exclude(state=CorreoState.PENDIENTE)
        .select_related("escrito")
        .order_by("-revisado_en")[:20]
    )
    return render(
        request,
        "interoperabilidad/correo_bandeja.html",
        {"pendientes": pendientes, "revisados": revisados},
    )


@never_cache
@role_required(Role.VENTANILLA)
@require_http_methods(["GET", "POST"])
def correo_detalle(request: HttpRequest, pk: int) -> HttpResponse:
    correo = get_object_or_404(CorreoEntrante, pk=pk)
    initial = {
        "nombre": correo.remitente_nombre or correo.remitente,
        "asunto": correo.asunto or "(sin asunto)",
        "texto": correo.cuerpo,
    }
    form = CorreoRadicarForm(request.POST or None, initial=initial)
    if request.method == "POST" and correo.state == CorreoState.PENDIENTE and form.is_valid():
        try:
            result = services.correo_file(
                correo_id=correo.pk,
                user=request.user,
                decision=services.CorreoDecision(**form.cleaned_data),
            )
        except (ActionError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                f"Escrito registrado con el folio {result.escrito.folio}; el acuse se enviará "
                f"a {correo.remitente}.",
            )
            return redirect("ventanilla_escrito", folio=result.escrito.folio)
    return render(
        request,
        "interoperabilidad/correo_detalle.html",
        {"correo": correo, "form": form, "rechazo": CorreoRechazarForm()},
    )


@never_cache
@role_required(Role.VENTANILLA)
@require_POST
def correo_rechazar(request: HttpRequest, pk: int) -> HttpResponse:
    correo = get_object_or_404(CorreoEntrante, pk=pk)
    form = CorreoRechazarForm(request.POST)
    if form.is_valid():
        try:
            services.correo_reject(
                correo_id=correo.pk, user=request.user, reason=form.cleaned_data["motivo"]
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Correo rechazado; se avisó a {correo.remitente}.")
            return redirect("correo_bandeja")
    return render(
        request,
        "interoperabilidad/correo_detalle.html",
        {"correo": correo, "form": CorreoRadicarForm(), "rechazo": form},
    )


@never_cache
@role_required(Role.VENTANILLA)
def correo_adjunto(request: HttpRequest, pk: int, adjunto_id: int) -> HttpResponse:
    adjunto = get_object_or_404(CorreoAdjunto, pk=adjunto_id, correo_id=pk, error="")
    return FileResponse(
        adjunto.file.open("rb"), filename=adjunto.original_name, content_type=adjunto.content_type
    )
