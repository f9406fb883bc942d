from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from correspondencia.models import Secretaria
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.entrada import typed_date
from oficialia.roles import Role, role_required, roles_of

from . import disposicion, escritorio, indice, vigencia
from .caratula import caratula_pdf
from .expedientes import expediente_close, expediente_reclassify
from .forms import (
    CajaForm,
    FondoForm,
    PrestamoForm,
    ReclasificarForm,
    SeccionForm,
    SerieEscritoForm,
    SerieForm,
    UbicarForm,
    UnirForm,
)
from .instrumentos import (
    cuadro,
    fondo_save,
    seccion_save,
    serie_create,
    serie_data_of,
    serie_revise,
)
from .models import (
    BajaDocumental,
    Caja,
    Deposito,
    Estante,
    Expediente,
    ExpedienteEstado,
    Fondo,
    Prestamo,
    Seccion,
    Serie,
    Transferencia,
    TransferenciaTipo,
)
from .originales import prestamo_open, prestamo_return
from .selectors import READERS, expediente_for_staff, expedientes_visible_to

# A secretaría's titular and enlace read the expedientes of their own escritos (selectors).
EXPEDIENTE_READERS = (*READERS, Role.TITULAR, Role.ENLACE)
PAGE_SIZE = 50


def _status(form) -> int:
    """200 for a blank form; 400 when what was posted is invalid; 409 when the use case
    refused it."""
    if getattr(form, "refused", False):
        return 409
    return 400 if form.is_bound and form.errors else 200


@role_required(*READERS)
def cuadro_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "archivo/cuadro.html",
        {
            "secciones": cuadro(),
            "fondos": Fondo.objects.all(),
            "puede_editar": Role.ARCHIVOS in _roles(request),
        },
    )


def _roles(request: HttpRequest) -> set[str]:
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
            form.refused = True
        else:
            messages.success(request, f"Serie {serie.codigo} agregada al cuadro.")
            return redirect("archivo_cuadro")
    return render(
        request, "archivo/serie_form.html", {"form": form, "serie": None}, status=_status(form)
    )


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
            form.refused = True
        else:
            messages.success(request, f"Serie {new.codigo}: versión {new.version} vigente.")
            return redirect("archivo_cuadro")
    versiones = Serie.objects.filter(linaje=serie.linaje).order_by("-version")
    return render(
        request,
        "archivo/serie_form.html",
        {"form": form, "serie": serie, "versiones": versiones},
        status=_status(form),
    )


@role_required(*EXPEDIENTE_READERS)
def expedientes(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    estado = request.GET.get("estado", "")
    items = (
        expedientes_visible_to(request.user)
        .select_related("serie", "secretaria")
        .order_by("-numero")
    )
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


@role_required(*EXPEDIENTE_READERS)
def expediente_detalle(request: HttpRequest, numero: str) -> HttpResponse:
    return _expediente_page(request, expediente_for_staff(request.user, numero))


def _expediente_page(
    request: HttpRequest, expediente, *, form=None, cerrar_error: str = "", status: int = 200
):
    """The expediente's page; `form` is a reclassification that failed, with what was typed;
    `cerrar_error` why closing it was refused, shown by its button."""
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
            "prestamo": expediente.prestamos.filter(devuelto_en__isnull=True)
            .select_related("solicitante")
            .first(),
            "fallas": indice.verify(expediente),
            "fin_tramite": vigencia.fin_tramite(expediente),
            "fin_concentracion": vigencia.fin_concentracion(expediente),
            "form": form or ReclasificarForm(),
            "puede_reclasificar": bool(roles & {Role.ARCHIVOS, Role.OFICIALIA}),
            "puede_cerrar": Role.ARCHIVOS in roles,
            "cerrar_error": cerrar_error,
        },
        status=status,
    )


@role_required(Role.ARCHIVOS, Role.OFICIALIA)
@require_POST
def expediente_reclasificar(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = _expediente(numero)
    form = ReclasificarForm(request.POST)
    if not form.is_valid():
        return _expediente_page(request, expediente, form=form, status=400)
    try:
        expediente_reclassify(
            expediente_id=expediente.pk,
            serie=form.cleaned_data["serie"],
            user=request.user,
            motivo=form.cleaned_data["motivo"],
        )
    except ActionError as exc:
        form.add_error(None, str(exc))
        return _expediente_page(request, _expediente(numero), form=form, status=409)
    messages.success(request, "Expediente reclasificado.")
    return redirect("archivo_expediente", numero=numero)


@role_required(Role.ARCHIVOS)
@require_POST
def expediente_cerrar(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = _expediente(numero)
    try:
        expediente_close(expediente_id=expediente.pk, user=request.user)
    except ActionError as exc:
        return _expediente_page(request, _expediente(numero), cerrar_error=str(exc), status=409)
    messages.success(request, "Expediente cerrado: desde hoy corre su plazo de conservación.")
    return redirect("archivo_expediente", numero=numero)


@role_required(*EXPEDIENTE_READERS)
def caratula(request: HttpRequest, numero: str) -> HttpResponse:
    expediente = expediente_for_staff(request.user, numero)
    response = HttpResponse(caratula_pdf(expediente), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="caratula-{expediente.numero}.pdf"'
    return response


# The desk's paper ---------------------------------------------------------------------------

DESK_ROLES = (Role.VENTANILLA, Role.OFICIALIA, Role.ARCHIVOS)


def _day(request: HttpRequest) -> date:
    return typed_date(request.GET.get("fecha")) or timezone.localdate()


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(*DESK_ROLES)
def papel(request: HttpRequest) -> HttpResponse:
    """The day's paper: the relación, the stickers and the turnado slips."""
    day = _day(request)
    return render(
        request,
        "archivo/papel.html",
        {
            "day": day,
            "mias": escritorio.paper_received(day=day, clerk=request.user).count(),
            "todas": escritorio.paper_received(day=day).count(),
            "formatos": escritorio.LABEL_FORMATS.values(),
            "secretarias": Secretaria.objects.filter(
                turnos__turned_at__range=escritorio.day_bounds(day)
            )
            .annotate(n=Count("turnos"))
            .order_by("nombre"),
            "puede_turnado": bool(_roles(request) & {Role.OFICIALIA, Role.ARCHIVOS}),
        },
    )


@role_required(*DESK_ROLES)
def relacion(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    clerk = None if request.GET.get("por") == "dia" else request.user
    rows = escritorio.relacion_rows(escritorio.paper_received(day=day, clerk=clerk))
    stem = f"relacion-{day:%Y-%m-%d}" + (f"-{clerk.get_username()}" if clerk else "")
    bitacora.record(
        action=Accion.ARCHIVO_IMPRIMIR,
        object_type="relacion",
        object_ref=stem,
        changes={"escritos": len(rows)},
    )
    if request.GET.get("formato") == "csv":
        response = HttpResponse(
            escritorio.relacion_csv(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    return _pdf_response(escritorio.relacion_pdf(day=day, clerk=clerk, rows=rows), f"{stem}.pdf")


@role_required(Role.OFICIALIA, Role.ARCHIVOS)
def turnado(request: HttpRequest, siglas: str) -> HttpResponse:
    secretaria = Secretaria.objects.filter(siglas=siglas).first()
    if secretaria is None:
        raise Http404
    day = _day(request)
    return _pdf_response(
        escritorio.turnado_pdf(day=day, secretaria=secretaria),
        f"turnado-{secretaria.siglas}-{day:%Y-%m-%d}.pdf",
    )


@role_required(*DESK_ROLES)
def etiquetas(request: HttpRequest) -> HttpResponse:
    """«Recibido» stickers: the named folios, or the clerk's paper captures of the day. A
    ventanilla clerk prints only their own captures."""
    formato = escritorio.LABEL_FORMATS.get(request.GET.get("formato", ""), None)
    formato = formato or escritorio.LABEL_FORMATS["hoja"]
    folios = request.GET.getlist("folio")
    only_mine = not (_roles(request) & {Role.OFICIALIA, Role.ARCHIVOS})
    if folios:
        escritos = escritorio.paper_received_by_folio(folios=folios)
        if only_mine:
            escritos = escritos.filter(captured_by=request.user)
        escritos = list(escritos)
        if not escritos:
            raise Http404
    else:
        clerk = None if (request.GET.get("por") == "dia" and not only_mine) else request.user
        escritos = list(escritorio.paper_received(day=_day(request), clerk=clerk))
    return _pdf_response(
        escritorio.etiquetas_pdf(escritos=escritos, formato=formato),
        f"etiquetas-{formato.key}.pdf",
    )


# Paper originals: boxes and loans -------------------------------------------------------------


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def cajas(request: HttpRequest) -> HttpResponse:
    form = CajaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        estante, _ = Estante.objects.get_or_create(
            deposito=c["deposito"], codigo=c["estante"].strip().upper()
        )
        caja, created = Caja.objects.get_or_create(
            estante=estante,
            codigo=c["codigo"].strip().upper(),
            defaults={"descripcion": c["descripcion"]},
        )
        if created:
            messages.success(request, f"Caja {caja.etiqueta} agregada.")
            return redirect("archivo_cajas")
        form.add_error("codigo", f"Ya existe la caja {caja.etiqueta}.")
    depositos = Deposito.objects.prefetch_related("estantes__cajas__originales")
    return render(
        request,
        "archivo/cajas.html",
        {"form": form, "depositos": depositos},
        status=_status(form),
    )


@role_required(Role.ARCHIVOS)
def caja_etiqueta(request: HttpRequest, caja_id: int) -> HttpResponse:
    caja = Caja.objects.select_related("estante__deposito").filter(pk=caja_id).first()
    if caja is None:
        raise Http404
    return _pdf_response(escritorio.caja_label_pdf(caja), f"caja-{caja.etiqueta}.pdf")


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def prestamos(request: HttpRequest) -> HttpResponse:
    form = PrestamoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            prestamo_open(
                expediente_id=c["expediente"].pk,
                solicitante=c["solicitante"],
                motivo=c["motivo"],
                vence=c["vence"],
                user=request.user,
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            form.refused = True
        else:
            messages.success(request, f"Préstamo de {c['expediente'].numero} registrado.")
            return redirect("archivo_prestamos")
    return _prestamos_page(request, form, status=_status(form))


def _prestamos_page(
    request: HttpRequest, form, *, devolucion: tuple[int, str] | None = None, status: int = 200
) -> HttpResponse:
    """The loan form and the ledger; `devolucion` is a return that was refused (the loan's
    id and why), shown by that loan's button."""
    ledger = Prestamo.objects.select_related(
        "expediente", "solicitante", "prestado_por", "recibido_por"
    )
    if request.GET.get("ver") == "abiertos":
        ledger = ledger.filter(devuelto_en__isnull=True)
    page = Paginator(ledger, PAGE_SIZE).get_page(request.GET.get("pagina"))
    error_id, error = devolucion or (None, "")
    return render(
        request,
        "archivo/prestamos.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "devolucion_id": error_id,
            "devolucion_error": error,
            # The page may be shown at the return's own address: its links name the ledger's.
            "pages_url": reverse("archivo_prestamos"),
        },
        status=status,
    )


@role_required(Role.ARCHIVOS)
@require_POST
def prestamo_devolver(request: HttpRequest, prestamo_id: int) -> HttpResponse:
    if not Prestamo.objects.filter(pk=prestamo_id).exists():
        raise Http404
    try:
        prestamo = prestamo_return(prestamo_id=prestamo_id, user=request.user)
    except ActionError as exc:
        return _prestamos_page(
            request, PrestamoForm(), devolucion=(prestamo_id, str(exc)), status=409
        )
    messages.success(request, f"Devolución de {prestamo.expediente.numero} registrada.")
    return redirect("archivo_prestamos")


# Transfers and disposal ----------------------------------------------------------------------


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def transferencias(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _transferencias_page(request)
    ids = [int(v) for v in request.POST.getlist("expediente") if v.isdecimal()]
    accion = request.POST.get("accion")
    try:
        if accion == "primaria":
            done = disposicion.transfer_make(
                tipo=TransferenciaTipo.PRIMARIA, expediente_ids=ids, user=request.user
            )
        elif accion == "secundaria":
            done = disposicion.transfer_make(
                tipo=TransferenciaTipo.SECUNDARIA, expediente_ids=ids, user=request.user
            )
        elif accion == "baja":
            baja = disposicion.baja_dictaminar(expediente_ids=ids, user=request.user)
            messages.success(request, f"Baja {baja.numero} dictaminada: revísela y publíquela.")
            return redirect("archivo_baja", numero=baja.numero)
        else:
            raise ActionError("Elija qué hacer con los expedientes.")
    except ActionError as exc:
        # The list comes back as it was marked, with the reason above its button.
        return _transferencias_page(
            request, error=(accion, str(exc)), elegidos=set(ids), status=400 if not ids else 409
        )
    messages.success(request, f"Transferencia {done.numero} hecha: imprima su inventario.")
    return redirect("archivo_transferencias")


def _transferencias_page(
    request: HttpRequest,
    *,
    error: tuple[str | None, str] | None = None,
    elegidos: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The three lists of expedientes due; `error` is (the list, why) of a refused POST and
    `elegidos` what was marked in it (every row is marked on a first visit)."""
    today = timezone.localdate()
    error_clave, error_text = error or (None, "")
    listas = []
    for clave, titulo, boton, items, end in (
        ("primaria", "Vigencia en trámite cumplida: transferencia primaria",
         "Transferir al archivo de concentración", disposicion.due_primary(), vigencia.fin_tramite),
        ("secundaria", "Conservación cumplida, destino histórico: transferencia secundaria",
         "Transferir al archivo histórico", disposicion.due_secondary(),
         vigencia.fin_concentracion),
        ("baja", "Conservación cumplida, destino baja", "Dictaminar la baja documental",
         disposicion.due_baja(), vigencia.fin_concentracion),
    ):  # fmt: skip
        for e in items:
            e.vence = end(e)
            e.elegido = clave != error_clave or e.pk in (elegidos or set())
        listas.append(
            {
                "clave": clave,
                "titulo": titulo,
                "boton": boton,
                "expedientes": items,
                "error": error_text if clave == error_clave else "",
            }
        )
    return render(
        request,
        "archivo/transferencias.html",
        {
            "today": today,
            "listas": listas,
            # A POST naming none of the lists (an unknown action) still says why.
            "error": error_text if error_clave not in {lista["clave"] for lista in listas} else "",
            "transferencias": Transferencia.objects.all()[:50],
            "bajas": BajaDocumental.objects.all()[:50],
        },
        status=status,
    )


@role_required(Role.ARCHIVOS)
def inventario(request: HttpRequest, numero: str, formato: str) -> HttpResponse:
    transferencia = Transferencia.objects.filter(numero=numero).first()
    if transferencia is None or formato not in ("pdf", "csv"):
        raise Http404
    if formato == "csv":
        rows = disposicion.inventory_rows(
            transferencia.expedientes.select_related("serie").order_by("numero")
        )
        response = HttpResponse(
            disposicion.inventory_csv(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="inventario-{numero}.csv"'
        return response
    return _pdf_response(
        disposicion.transfer_inventory_pdf(transferencia), f"inventario-{numero}.pdf"
    )


def _baja(numero: str) -> BajaDocumental:
    baja = BajaDocumental.objects.filter(numero=numero).first()
    if baja is None:
        raise Http404
    return baja


@role_required(Role.ARCHIVOS)
def baja_detalle(request: HttpRequest, numero: str) -> HttpResponse:
    return _baja_page(request, _baja(numero))


def _baja_page(request: HttpRequest, baja, *, error: str = "", status: int = 200):
    """The baja's page; `error` is why its next step was refused, shown by its button."""
    return render(
        request,
        "archivo/baja.html",
        {"baja": baja, "hasta": disposicion.publicada_hasta(baja), "error": error},
        status=status,
    )


@role_required(Role.ARCHIVOS)
@require_POST
def baja_accion(request: HttpRequest, numero: str, accion: str) -> HttpResponse:
    baja = _baja(numero)
    services = {"publicar": disposicion.baja_publicar, "ejecutar": disposicion.baja_ejecutar}
    if accion not in services:
        raise Http404
    try:
        services[accion](baja_id=baja.pk, user=request.user)
    except ActionError as exc:
        return _baja_page(request, _baja(numero), error=str(exc), status=409)
    messages.success(
        request, "Baja publicada." if accion == "publicar" else "Documentos suprimidos."
    )
    return redirect("archivo_baja", numero=numero)


def baja_documento(request: HttpRequest, numero: str, documento: str) -> HttpResponse:
    """The dictamen and the acta: public once published (within its term), and always for
    the Coordinación de Archivos."""
    baja = BajaDocumental.objects.filter(numero=numero).first()
    staff = request.user.is_authenticated and Role.ARCHIVOS in _roles(request)
    public = baja is not None and baja in disposicion.bajas_publicas()
    if baja is None or documento not in ("dictamen", "acta") or not (staff or public):
        raise Http404
    content = disposicion.baja_documento(baja, documento)
    if content is None:
        raise Http404
    return _pdf_response(content, f"{documento}-{numero}.pdf")


def bajas_publicas(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "archivo/bajas_publicas.html",
        {"bajas": disposicion.bajas_publicas(), "anios": settings.ARCHIVO_BAJA_PUBLICACION_ANIOS},
    )


# The cuadro's fondos and secciones -----------------------------------------------------------


def _history(obj) -> list:
    return list(obj.history.select_related("history_user").order_by("-history_date", "-pk"))


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def fondo_form(request: HttpRequest, fondo_id: int | None = None) -> HttpResponse:
    fondo = None
    if fondo_id is not None:
        fondo = Fondo.objects.filter(pk=fondo_id).first()
        if fondo is None:
            raise Http404
    initial = {"codigo": fondo.codigo, "nombre": fondo.nombre} if fondo else None
    form = FondoForm(request.POST or None, instance=fondo, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = fondo_save(
                codigo=c["codigo"],
                nombre=c["nombre"],
                motivo=c.get("motivo", ""),
                fondo_id=fondo.pk if fondo else None,
                user=request.user,
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            form.refused = True
        else:
            messages.success(request, f"Fondo {saved.codigo} guardado.")
            return redirect("archivo_cuadro")
    return _cuadro_page(request, form, fondo, "fondo")


def _cuadro_page(request: HttpRequest, form, objeto, clase: str) -> HttpResponse:
    """The form of a fondo or a sección, with its earlier versions."""
    return render(
        request,
        "archivo/cuadro_form.html",
        {
            "form": form,
            "objeto": objeto,
            "clase": clase,
            "versiones": _history(objeto) if objeto else [],
        },
        status=_status(form),
    )


@role_required(Role.ARCHIVOS)
@require_http_methods(["GET", "POST"])
def seccion_form(request: HttpRequest, seccion_id: int | None = None) -> HttpResponse:
    seccion = None
    if seccion_id is not None:
        seccion = Seccion.objects.select_related("fondo").filter(pk=seccion_id).first()
        if seccion is None:
            raise Http404
    initial = (
        {
            "fondo": seccion.fondo_id,
            "codigo": seccion.codigo,
            "nombre": seccion.nombre,
            "tipo": seccion.tipo,
            "orden": seccion.orden,
        }
        if seccion
        else {"fondo": Fondo.objects.values_list("pk", flat=True).first()}
    )
    form = SeccionForm(request.POST or None, instance=seccion, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = seccion_save(
                fondo=c["fondo"],
                codigo=c["codigo"],
                nombre=c["nombre"],
                tipo=c["tipo"],
                orden=c["orden"],
                motivo=c.get("motivo", ""),
                seccion_id=seccion.pk if seccion else None,
                user=request.user,
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            form.refused = True
        else:
            messages.success(request, f"Sección {saved.codigo} guardada.")
            return redirect("archivo_cuadro")
    return _cuadro_page(request, form, seccion, "sección")


# The archive of one escrito, on its staff page -------------------------------------------------

# Who files an escrito in an expediente or changes its serie; who records where its paper is.
CLASSIFIERS = (Role.ARCHIVOS, Role.OFICIALIA)
PLACERS = (Role.ARCHIVOS, Role.OFICIALIA, Role.VENTANILLA)


def escrito_panel_context(user, escrito, **forms) -> dict:
    """What the escrito's staff page shows of its archive, and the forms the user may use."""
    from correspondencia.models import Channel

    from .expedientes import expediente_of
    from .instrumentos import serie_proposed_for
    from .models import UbicacionOriginal

    roles = roles_of(user)
    expediente = expediente_of(escrito.pk)
    visible = expediente is not None and (
        expedientes_visible_to(user).filter(pk=expediente.pk).exists()
    )
    ubicacion = (
        UbicacionOriginal.objects.select_related("caja__estante__deposito")
        .filter(escrito_id=escrito.pk)
        .first()
    )
    propuesta = serie_proposed_for(escrito) if expediente is None else None
    clasifica = bool(roles & {str(r) for r in CLASSIFIERS})
    abierto = expediente is None or expediente.estado == ExpedienteEstado.ABIERTO
    papel = escrito.channel != Channel.EN_LINEA
    serie_actual = expediente.serie if expediente else propuesta
    return {
        "escrito": escrito,
        "expediente": expediente,
        "expediente_visible": visible,
        "propuesta": propuesta,
        "ubicacion": ubicacion,
        "papel": papel,
        "puede_clasificar": clasifica and abierto,
        "puede_ubicar": papel and bool(roles & {str(r) for r in PLACERS}),
        "unir_form": forms.get("unir_form") or UnirForm(prefix="unir"),
        "serie_form": forms.get("serie_form")
        or SerieEscritoForm(
            prefix="serie", initial={"serie": serie_actual.pk if serie_actual else None}
        ),
        "ubicar_form": forms.get("ubicar_form")
        or UbicarForm(
            prefix="ubicar",
            initial={"caja": ubicacion.caja.etiqueta, "legajo": ubicacion.legajo}
            if ubicacion
            else None,
        ),
    }


@role_required(*CLASSIFIERS, Role.VENTANILLA)
@require_http_methods(["GET", "POST"])
def escrito_archivo(request: HttpRequest, folio: str) -> HttpResponse:
    """The escrito's archive: join an open expediente, set or change its serie, place its
    paper original in a box. Succeeds back to the escrito's page; an error stays here with
    what was typed and the message next to its field."""
    from turnos.selectors import escrito_for_staff

    from .expedientes import escrito_join, escrito_serie_set
    from .originales import original_place

    escrito = escrito_for_staff(request.user, folio)
    roles = roles_of(request.user)
    accion = request.POST.get("accion", "")
    allowed = {"unir": CLASSIFIERS, "serie": CLASSIFIERS, "ubicar": PLACERS}
    if request.method == "GET" or accion not in allowed:
        return render(request, "archivo/escrito.html", escrito_panel_context(request.user, escrito))
    if not roles & {str(r) for r in allowed[accion]}:
        raise PermissionDenied
    form_class, key = {
        "unir": (UnirForm, "unir_form"),
        "serie": (SerieEscritoForm, "serie_form"),
        "ubicar": (UbicarForm, "ubicar_form"),
    }[accion]
    form = form_class(request.POST, prefix=accion)
    if form.is_valid():
        c = form.cleaned_data
        try:
            if accion == "unir":
                expediente = escrito_join(
                    escrito_id=escrito.pk,
                    expediente=c["expediente"],
                    user=request.user,
                    motivo=c["motivo"],
                )
                done = f"El escrito quedó en el expediente {expediente.numero}."
            elif accion == "serie":
                expediente = escrito_serie_set(
                    escrito_id=escrito.pk, serie=c["serie"], user=request.user, motivo=c["motivo"]
                )
                done = f"Expediente {expediente.numero} en la serie {expediente.serie.codigo}."
            else:
                if escrito.channel == "en_linea":
                    raise ActionError("Un escrito presentado en línea no tiene original en papel.")
                ubicacion = original_place(
                    escrito_id=escrito.pk, caja=c["caja"], legajo=c["legajo"], user=request.user
                )
                done = f"Original guardado en {ubicacion}."
        except ActionError as exc:
            # A missing reason is the reason's error; anything else belongs to the choice.
            asks_reason = str(exc).startswith("Escriba")
            field = {"unir": "expediente", "serie": "serie", "ubicar": "caja"}[accion]
            form.add_error("motivo" if asks_reason and accion != "ubicar" else field, str(exc))
            form.refused = True
        else:
            messages.success(request, done)
            return redirect("escrito_detalle", folio=escrito.folio)
    return render(
        request,
        "archivo/escrito.html",
        escrito_panel_context(request.user, escrito, **{key: form}),
        status=_status(form),
    )
