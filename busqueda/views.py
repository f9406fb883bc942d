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
    return _page(request, request.GET, GuardarForm())


def _page(request: HttpRequest, data, guardar_form: GuardarForm, status: int = 200):
    """The search page for the filters in `data` (the query string, or the filters posted
    back with a name that failed), with `guardar_form` as given."""
    form = BusquedaForm(data or None)
    resultados = None
    if form.is_bound and form.is_valid() and _params(data):
        try:
            page = int(request.GET.get("pagina", "1"))
        except ValueError:
            page = 1
        resultados = search(request.user, form.cleaned_data["q"], form.filtros(), page=page)
    params = _params(data)
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
            "filtros": [(k, data.get(k)) for k in FILTER_FIELDS if data.get(k)],
            "detail": detail,
            # From the primary: a search saved a moment ago is listed at once.
            "guardadas": BusquedaGuardada.objects.using(PRIMARY).filter(user=request.user),
            "guardar_form": guardar_form,
            "ocr": ocr_status(),
        },
        status=status,
    )


@require_POST
@role_required(*SEARCH_ROLES)
def busqueda_guardar(request: HttpRequest) -> HttpResponse:
    """Save the filters under a name; a name that fails comes back beside its field, with
    the search and the name as they were."""
    form = GuardarForm(request.POST)
    params = _params(request.POST)
    if not params:
        form.is_valid()
        form.add_error(None, "Escriba algo que buscar o elija un filtro antes de guardar.")
    if not form.is_valid():
        return _page(request, request.POST, form, status=400)
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
