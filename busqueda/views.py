from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from oficialia.replica import PRIMARY, replica_reads
from oficialia.roles import SEE_ALL_ROLES, Role, has_role, role_required

from .consulta import search
from .forms import BusquedaForm, GuardarForm
from .models import BusquedaGuardada
from .ocr import ocr_status

# Every staff role has the box; what each finds is its own scope (consulta.searchable).
SEARCH_ROLES = tuple(Role)
FILTER_FIELDS = ("q", "desde", "hasta", "secretaria", "estado", "canal", "tramite", "semaforo")


def _params(data) -> str:
    return urlencode([(k, data.get(k)) for k in FILTER_FIELDS if data.get(k)])


# A search reads from the replica when one is configured (oficialia/replica.py); the empty
# box does not.
@replica_reads(when=lambda request: bool(_params(request.GET)))
@role_required(*SEARCH_ROLES)
def busqueda(request: HttpRequest) -> HttpResponse:
    """One search box for every desk: what the user may see, nothing else."""
    form = BusquedaForm(request.GET or None)
    resultados = None
    if form.is_bound and form.is_valid() and _params(request.GET):
        try:
            page = int(request.GET.get("pagina", "1"))
        except ValueError:
            page = 1
        resultados = search(request.user, form.cleaned_data["q"], form.filtros(), page=page)
    params = _params(request.GET)
    detail = "escrito_detalle"
    if not has_role(
        request.user, *SEE_ALL_ROLES, Role.TITULAR, Role.ENLACE, Role.OPERATIVO, Role.VENTANILLA
    ) and has_role(request.user, Role.ADMINISTRACION):
        detail = "admin"
    return render(
        request,
        "busqueda/busqueda.html",
        {
            "form": form,
            "resultados": resultados,
            "params": params,
            "detail": detail,
            # From the primary: a search saved a moment ago is listed at once.
            "guardadas": BusquedaGuardada.objects.using(PRIMARY).filter(user=request.user),
            "guardar_form": GuardarForm(),
            "ocr": ocr_status(),
        },
    )


@require_POST
@role_required(*SEARCH_ROLES)
def busqueda_guardar(request: HttpRequest) -> HttpResponse:
    form = GuardarForm(request.POST)
    params = _params(request.POST)
    if not params:
        messages.error(request, "Escriba algo que buscar o elija un filtro antes de guardar.")
        return redirect("busqueda")
    if not form.is_valid():
        messages.error(request, "Escriba un nombre para la búsqueda (hasta 80 caracteres).")
        return redirect(f"{reverse('busqueda')}?{params}")
    BusquedaGuardada.objects.update_or_create(
        user=request.user,
        nombre=form.cleaned_data["nombre"].strip(),
        defaults={"parametros": params},
    )
    messages.success(request, f"Búsqueda «{form.cleaned_data['nombre']}» guardada.")
    return redirect(f"{reverse('busqueda')}?{params}")


@require_POST
@role_required(*SEARCH_ROLES)
def busqueda_borrar(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's own saved searches (another's is never touched)."""
    deleted, _ = BusquedaGuardada.objects.filter(pk=pk, user=request.user).delete()
    if deleted:
        messages.success(request, "Búsqueda guardada borrada.")
    return redirect("busqueda")
