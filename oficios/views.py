from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from oficialia import firma
from oficialia.acciones import ActionError
from oficialia.entrada import whole_number
from oficialia.roles import Role, role_required
from turnos import selectors as turnos_selectors

from . import plantillas, selectors, services
from .forms import BorradorForm, DevolverForm, FirmarForm, PlantillaForm


@never_cache
@role_required(Role.TITULAR, Role.ENLACE)
@require_http_methods(["GET", "POST"])
def borrador(request: HttpRequest, turno_id: int) -> HttpResponse:
    """Write the answer and send it to the titular for signature (or correct a returned one)."""
    turno = turnos_selectors.turno_for_worker(request.user, turno_id)
    current = selectors.open_borrador(turno)
    initial = {"texto": current.texto, "sense": current.sense} if current else None
    disponibles = plantillas.templates_of(request.user).filter(activa=True)
    elegida = None
    if request.method == "GET" and (chosen := whole_number(request.GET.get("plantilla", ""))):
        elegida = disponibles.filter(pk=chosen).first()
        if elegida is not None:
            values = plantillas.values_for(turno.escrito, secretaria_nombre=turno.secretaria.nombre)
            initial = {
                "texto": plantillas.fill(elegida.texto, values),
                "sense": elegida.sense or (current.sense if current else ""),
            }
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
            form.add_error(None, str(exc))
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
        {
            "turno": turno,
            "escrito": turno.escrito,
            "borrador": current,
            "form": form,
            "plantillas": disponibles,
            "elegida": elegida,
        },
        status=400 if form.errors else 200,
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


def _firmas_page(request: HttpRequest, *, form=None, devolver=None, status: int = 200):
    """The titular's desk; `devolver` is (borrador id, form) of a return that failed, shown
    again with what was typed."""
    pending = list(selectors.pending_for_titular(request.user))
    if form is None:
        form = FirmarForm(choices=[(b.pk, b.turno.escrito.folio) for b in pending])
    for b in pending:
        # A prefix per draft: the same form repeated on one page never repeats a field id.
        b.devolver_form = DevolverForm(prefix=f"devolver-{b.pk}")
        b.devolver_open = False
        if devolver is not None and devolver[0] == b.pk:
            b.devolver_form, b.devolver_open = devolver[1], True
    return render(
        request,
        "oficios/firmas_pendientes.html",
        {"pending": pending, "form": form},
        status=status,
    )


@never_cache
@sensitive_post_parameters("password")
@sensitive_variables("password", "data")
@role_required(Role.TITULAR)
@require_http_methods(["GET", "POST"])
def firmas_pendientes(request: HttpRequest) -> HttpResponse:
    """The titular's desk: review each draft, return it with comments, or sign several."""
    if request.method != "POST":
        return _firmas_page(request)
    pending = list(selectors.pending_for_titular(request.user))
    choices = [(b.pk, b.turno.escrito.folio) for b in pending]
    form = FirmarForm(request.POST, request.FILES, choices=choices)
    if not form.is_valid():
        return _firmas_page(request, form=form, status=400)
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
        form.add_error(None, str(exc))
        return _firmas_page(request, form=form, status=409)
    for r in results:
        folio = r.borrador.turno.escrito.folio
        if r.error:
            messages.error(request, f"{folio}: {r.error}")
        else:
            how = getattr(r.borrador.respuesta, "como_se_notifica", "")
            messages.success(
                request,
                f"{folio}: respuesta firmada y registrada; {how or 'pendiente de notificar'}.",
            )
    return redirect("firmas_pendientes")


@require_POST
@role_required(Role.TITULAR)
def borrador_devolver(request: HttpRequest, borrador_id: int) -> HttpResponse:
    if selectors.borrador_for_worker(request.user, borrador_id) is None:
        raise Http404
    form = DevolverForm(request.POST, prefix=f"devolver-{borrador_id}")
    if not form.is_valid():
        return _firmas_page(request, devolver=(borrador_id, form), status=400)
    try:
        services.borrador_return(
            borrador_id=borrador_id,
            user=request.user,
            observaciones=form.cleaned_data["observaciones"],
        )
    except ActionError as exc:
        form.add_error(None, str(exc))
        return _firmas_page(request, devolver=(borrador_id, form), status=409)
    messages.success(request, "Respuesta devuelta con sus observaciones.")
    return redirect("firmas_pendientes")


@never_cache
@role_required(Role.TITULAR, Role.ENLACE)
@require_http_methods(["GET", "POST"])
def plantillas_view(request: HttpRequest, plantilla_id: int | None = None) -> HttpResponse:
    """The secretaría's answer templates: the list, a new one or one to change, with a
    preview filled with example values."""
    mine = plantillas.templates_of(request.user)
    plantilla = None
    if plantilla_id is not None:
        plantilla = mine.filter(pk=plantilla_id).first()
        if plantilla is None:
            raise Http404
    initial = (
        {
            "nombre": plantilla.nombre,
            "texto": plantilla.texto,
            "sense": plantilla.sense,
            "activa": plantilla.activa,
        }
        if plantilla
        else None
    )
    form = PlantillaForm(request.POST or None, initial=initial)
    preview = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            if request.POST.get("vista_previa"):
                preview = plantillas.fill(c["texto"], plantillas.EXAMPLE)
            else:
                try:
                    saved = plantillas.plantilla_save(
                        user=request.user,
                        data=plantillas.PlantillaData(
                            nombre=c["nombre"],
                            texto=c["texto"],
                            sense=c["sense"],
                            activa=c["activa"],
                        ),
                        plantilla_id=plantilla.pk if plantilla else None,
                    )
                except ActionError as exc:
                    form.add_error(None, str(exc))
                    status = 409
                else:
                    messages.success(request, f"Plantilla «{saved.nombre}» guardada.")
                    return redirect("plantillas")
        else:
            status = 400
    return render(
        request,
        "oficios/plantillas.html",
        {
            "plantillas": mine,
            "plantilla": plantilla,
            "form": form,
            "preview": preview,
            "variables": plantillas.VARIABLES,
        },
        status=status,
    )
