from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from oficialia.acciones import ActionError
from oficialia.roles import Role, role_required

from . import indice, vigencia
from .caratula import caratula_pdf
from .expedientes import expediente_close, expediente_reclassify
from .forms import ReclasificarForm, SerieForm
from .instrumentos import cuadro, serie_create, serie_data_of, serie_revise
from .models import Expediente, ExpedienteEstado, Serie

# Who reads the archive: the archivists keep it, the oficialía files into it, the
# contraloría reviews it.
READERS = (Role.ARCHIVOS, Role.OFICIALIA, Role.CONTRALORIA)
PAGE_SIZE = 50


@role_required(*READERS)
def cuadro_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "archivo/cuadro.html",
        {"secciones": cuadro(), "puede_editar": Role.ARCHIVOS in _roles(request)},
    )


def _roles(request: HttpRequest) -> set[str]:
    from oficialia.roles import roles_of

    return roles_of(request.user)


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def serie_nueva(request: HttpRequest) -> HttpResponse:
    form = SerieForm(request.POST or None, initial={"valor_administrativo": True})
    if request.method == "POST" and form.is_valid():
        try:
            serie = serie_create(data=form.to_data(), user=request.user)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Serie {serie.codigo} agregada al cuadro.")
            return redirect("archivo_cuadro")
    return render(request, "archivo/serie_form.html", {"form": form, "serie": None})


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def serie_editar(request: HttpRequest, serie_id: int) -> HttpResponse:
    serie = Serie.objects.filter(pk=serie_id).select_related("seccion").first()
    if serie is None:
        raise Http404
    if request.method == "POST":
        form = SerieForm(request.POST)
    else:
        data = serie_data_of(serie)
        form = SerieForm(initial={**data.__dict__, "tramites": data.tramites})
    if request.method == "POST" and form.is_valid():
        try:
            new = serie_revise(
                serie_id=serie.pk,
                data=form.to_data(),
                user=request.user,
                motivo=form.cleaned_data["motivo"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Serie {new.codigo}: versión {new.version} vigente.")
            return redirect("archivo_cuadro")
    versiones = Serie.objects.filter(linaje=serie.linaje).order_by("-version")
    return render(
        request, "archivo/serie_form.html", {"form": form, "serie": serie, "versiones": versiones}
    )


@role_required(*READERS)
def expedientes(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    estado = request.GET.get("estado", "")
    items = Expediente.objects.select_related("serie", "secretaria").order_by("-numero")
    if q:
        items = items.filter(numero__icontains=q) | items.filter(
            escritos__escrito__folio__icontains=q
        )
        items = items.distinct()
    if estado in ExpedienteEstado.values:
        items = items.filter(estado=estado)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "archivo/expedientes.html",
        {"page": page, "q": q, "estado": estado, "estados": ExpedienteEstado.choices},
    )


def _expediente(numero: str) -> Expediente:
    expediente = (
        Expediente.objects.select_related("serie__seccion__fondo", "secretaria", "serie__padre")
        .filter(numero=numero)
        .first()
    )
    if expediente is None:
        raise Http404
    return expediente


@role_required(*READERS)
def expediente_detalle(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = _expediente(numero)
    roles = _roles(request)
    return render(
        request,
        "archivo/expediente.html",
        {
            "expediente": expediente,
            "documentos": expediente.documentos.order_by("orden"),
            "escritos": expediente.escritos.select_related("escrito").order_by(
                "escrito__received_at"
            ),
            "fallas": indice.verify(expediente),
            "fin_tramite": vigencia.fin_tramite(expediente),
            "fin_concentracion": vigencia.fin_concentracion(expediente),
            "form": ReclasificarForm(),
            "puede_reclasificar": bool(roles & {Role.ARCHIVOS, Role.OFICIALIA}),
            "puede_cerrar": Role.ARCHIVOS in roles,
        },
    )


@role_required(Role.ARCHIVOS, Role.OFICIALIA)
@require_POST
def expediente_reclasificar(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = _expediente(numero)
    form = ReclasificarForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Elija la serie nueva y escriba el motivo del cambio.")
        return redirect("archivo_expediente", numero=numero)
    try:
        expediente_reclassify(
            expediente_id=expediente.pk,
            serie=form.cleaned_data["serie"],
            user=request.user,
            motivo=form.cleaned_data["motivo"],
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Expediente reclasificado.")
    return redirect("archivo_expediente", numero=numero)


@role_required(Role.ARCHIVOS)
@require_POST
def expediente_cerrar(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = _expediente(numero)
    try:
        expediente_close(expediente_id=expediente.pk, user=request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Expediente cerrado: desde hoy corre su plazo de conservación.")
    return redirect("archivo_expediente", numero=numero)


@role_required(*READERS)
def caratula(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = _expediente(numero)
    response = HttpResponse(caratula_pdf(expediente), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="caratula-{expediente.numero}.pdf"'
    return response
