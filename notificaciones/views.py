"""The ventanilla's queue of personal notifications: print the signed cédula, register the
diligencia, upload the signed scan."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oficialia.acciones import ActionError
from oficialia.descargas import uploaded_file_response
from oficialia.roles import role_required

from . import practica
from .forms import CanalForm, DiligenciaForm, EscaneoForm
from .models import NotificacionPeticionario

PAGE_SIZE = 50


@role_required(*practica.QUEUE_ROLES)
def pendientes(request: HttpRequest) -> HttpResponse:
    page = Paginator(practica.personal_queue(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "notificaciones/pendientes.html", {"page": page, "query": ""})


def _get(pk: int) -> NotificacionPeticionario:
    return get_object_or_404(
        NotificacionPeticionario.objects.select_related(
            "escrito__peticionario", "respuesta__turno__secretaria",
            "prevencion__turno__secretaria", "prorroga__turno__secretaria",
            "acuse_electronico", "diligencia_por",
        ),
        pk=pk,
    )


def _render(request, notificacion, status: int = 200, **forms) -> HttpResponse:
    now = timezone.localtime()
    context = {
        "n": notificacion,
        "cedula": practica.cedula_context(notificacion),
        "canal_form": forms.get("canal_form")
        or CanalForm(prefix="canal", initial={"canal": notificacion.canal}),
        "diligencia_form": forms.get("diligencia_form")
        or DiligenciaForm(
            prefix="diligencia",
            canal=notificacion.canal,
            initial={"fecha": now.date(), "hora": now.time().replace(second=0, microsecond=0)},
        ),
        "escaneo_form": forms.get("escaneo_form") or EscaneoForm(prefix="escaneo"),
    }
    return render(request, "notificaciones/detalle.html", context, status=status)


@role_required(*practica.QUEUE_ROLES)
def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _get(pk))


@role_required(*practica.QUEUE_ROLES)
def cedula(request: HttpRequest, pk: int) -> HttpResponse:
    notificacion = practica.cedula_generate(notificacion_id=_get(pk).pk, user=request.user)
    notificacion.cedula.open("rb")
    return FileResponse(
        notificacion.cedula,
        content_type="application/pdf",
        filename=f"cedula-{notificacion.escrito.folio}-{notificacion.pk}.pdf",
    )


@role_required(*practica.QUEUE_ROLES)
def escaneo_descargar(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed cédula as it was scanned back."""
    notificacion = _get(pk)
    if not notificacion.escaneo:
        raise Http404
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(
        notificacion.escaneo_content_type, "jpg"
    )
    return uploaded_file_response(
        notificacion.escaneo.open("rb"),
        filename=f"cedula-firmada-{notificacion.escrito.folio}-{notificacion.pk}.{extension}",
        content_type=notificacion.escaneo_content_type,
    )


@require_POST
@role_required(*practica.QUEUE_ROLES)
def escaneo(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the signed scan of the cédula."""
    notificacion = _get(pk)
    form = EscaneoForm(request.POST, request.FILES, prefix="escaneo")
    if not form.is_valid():
        return _render(request, notificacion, 400, escaneo_form=form)
    try:
        notificacion = practica.escaneo_upload(
            notificacion_id=notificacion.pk, user=request.user, scan=form.cleaned_data["escaneo"]
        )
    except ActionError as exc:
        form.add_error(None, str(exc))
        return _render(request, notificacion, 409, escaneo_form=form)
    messages.success(request, _done_message(notificacion))
    return redirect("notificacion_detalle", pk=notificacion.pk)


def _done_message(notificacion: NotificacionPeticionario) -> str:
    if notificacion.is_done:
        at = timezone.localtime(notificacion.notificada_en)
        return (
            f"Notificación practicada el {at:%d/%m/%Y} a las {at:%H:%M}: el plazo se mide con "
            "esa fecha."
        )
    return "Cédula firmada guardada."


@require_POST
@role_required(*practica.QUEUE_ROLES)
def accion(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    notificacion = _get(pk)
    if action == "medio":
        form = CanalForm(request.POST, prefix="canal")
        if not form.is_valid():
            return _render(request, notificacion, 400, canal_form=form)
        try:
            practica.notificacion_channel_change(
                notificacion_id=pk, user=request.user, canal=form.cleaned_data["canal"],
                motivo=form.cleaned_data["motivo"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            return _render(request, notificacion, 409, canal_form=form)
        messages.success(request, "Medio de notificación cambiado.")
    elif action == "diligencia":
        form = DiligenciaForm(request.POST, prefix="diligencia", canal=notificacion.canal)
        if not form.is_valid():
            return _render(request, notificacion, 400, diligencia_form=form)
        c = form.cleaned_data
        try:
            notificacion = practica.diligencia_register(
                notificacion_id=pk, user=request.user, resultado=c["resultado"], at=c["at"],
                recibio_nombre=c["recibio_nombre"],
                recibio_identificacion=c["recibio_identificacion"], notas=c["notas"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            return _render(request, notificacion, 409, diligencia_form=form)
        if notificacion.is_done:
            messages.success(request, _done_message(notificacion))
        elif notificacion.diligencia_resultado == "entregada":
            messages.success(
                request,
                "Diligencia registrada. Suba la cédula firmada: hasta entonces la notificación "
                "sigue pendiente.",
            )
        else:
            messages.success(
                request, "Diligencia registrada: no se encontró al interesado; sigue pendiente."
            )
    else:
        raise Http404
    return redirect("notificacion_detalle", pk=pk)
