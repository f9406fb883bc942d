from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from correspondencia.bloqueo import mask_blocked_petitioner
from correspondencia.models import Adjunto, AdjuntoOrigin, Channel, Secretaria
from correspondencia.selectors import escrito_timeline
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.descargas import uploaded_file_response
from oficialia.models import Notificacion
from oficialia.replica import replica_reads
from oficialia.roles import Role, role_required, roles_of

from . import plazos, selectors, services
from .forms import (
    AcuerdoNoPresentadoForm,
    AnswerForm,
    AssignForm,
    DueDateForm,
    PreventForm,
    ProrrogaForm,
    ReasonForm,
    RerouteForm,
    RouteFormSet,
    TareaProgressForm,
)
from .models import TurnoKind, TurnoState
from .plazos import LIGHT_LABELS, Thresholds, suggested_due_date, turno_due
from .services import Route

PAGE_SIZE = 25
STAFF_ROLES = (
    Role.VENTANILLA,
    Role.OFICIALIA,
    Role.TITULAR,
    Role.ENLACE,
    Role.OPERATIVO,
    Role.CONTRALORIA,
    Role.ADMINISTRACION,
    Role.ARCHIVOS,
    Role.TRANSPARENCIA,
)


def _record_view(escrito) -> None:
    """Staff opened a page with the petitioner's personal data: that goes on record."""
    bitacora.record(
        action=Accion.DATOS_VER,
        object_type="escrito",
        object_ref=escrito.folio,
        folio=escrito.folio,
    )


def _query(request: HttpRequest, *paging: str) -> str:
    """The current filters, for the pagination links (without `pagina` and `paging`)."""
    params = request.GET.copy()
    for name in ("pagina", *paging):
        params.pop(name, None)
    return params.urlencode()


def _run(request: HttpRequest, action, success) -> bool:
    """Call a service; show its refusal as a message instead of an error page. `success` is
    the message, or a function of what the service returned that words it."""
    try:
        result = action()
    except ActionError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def _notice(done: str):
    """The success message of an act that must reach the petitioner: what was done and how
    far its notification got, as notificaciones reported it (never "notificada" when nothing
    was sent)."""
    return lambda result: (
        f"{done}; {getattr(result, 'como_se_notifica', '') or 'pendiente de notificar'}."
    )


# Oficialía -------------------------------------------------------------------------------


# The search may read from the replica; the work list it filters, read right after routing
# an escrito, stays on the primary so the clerk sees what they just did.
@replica_reads(when=lambda request: bool(request.GET.get("q", "").strip()))
@role_required(Role.OFICIALIA)
def oficialia_inbox(request: HttpRequest) -> HttpResponse:
    params = {
        "order": request.GET.get("orden", "recientes"),
        "q": request.GET.get("q", "").strip(),
        "channel": request.GET.get("medio", ""),
        "secretaria": request.GET.get("secretaria", ""),
    }
    escritos = selectors.oficialia_inbox(**params)
    page = Paginator(escritos, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "turnos/oficialia_inbox.html",
        {
            "page": page,
            "params": params,
            "channels": Channel.choices,
            "secretarias": Secretaria.objects.filter(activa=True),
            "returned": selectors.returned_turnos()[:50],
            "query": _query(request),
        },
    )


@role_required(Role.OFICIALIA)
def oficialia_escrito(request: HttpRequest, folio: str) -> HttpResponse:
    """Route an escrito (or decide it is not one, or not ours)."""
    escrito = selectors.escrito_for_staff(request.user, folio)
    if request.method == "GET":
        _record_view(escrito)
    suggestion = suggested_due_date(escrito)
    suggested_secretaria = escrito.tramite.secretaria if escrito.tramite_id else None
    suggested_secretaria = suggested_secretaria or escrito.secretaria_destino
    initial = []
    if request.method == "GET" and request.GET.get("sugerencia") and suggested_secretaria:
        initial = [{"secretaria": suggested_secretaria, "kind": TurnoKind.ATENCION}]
    formset = RouteFormSet(request.POST or None, initial=initial, prefix="ruta")
    due_form = DueDateForm(
        request.POST or None, initial={"due_date": suggestion.due}, prefix="plazo"
    )
    if request.method == "POST" and formset.is_valid() and due_form.is_valid():
        # Every filled row counts, whether typed or prefilled from the suggestion.
        routes = [r for r in (f.to_route() for f in formset.forms) if r]
        ok = _run(
            request,
            lambda: services.escrito_turn(
                escrito_id=escrito.pk,
                user=request.user,
                routes=routes,
                due_date=due_form.cleaned_data["due_date"],
                due_date_reason=due_form.cleaned_data["due_date_reason"],
            ),
            f"Escrito {escrito.folio} turnado.",
        )
        if ok:
            return redirect("oficialia_inbox")
    response = render(
        request,
        "turnos/oficialia_escrito.html",
        {
            "escrito": escrito,
            "formset": formset,
            "due_form": due_form,
            "suggestion": suggestion,
            "suggested_secretaria": suggested_secretaria,
            "reason_form": ReasonForm(),
            "timeline": escrito_timeline(escrito, public_only=False),
            "adjuntos": escrito.adjuntos.all(),
        },
    )
    return mask_blocked_petitioner(escrito, response)


@require_POST
@role_required(Role.OFICIALIA)
def oficialia_decidir(request: HttpRequest, folio: str, decision: str) -> HttpResponse:
    escrito = selectors.escrito_for_staff(request.user, folio)
    actions = {
        "rechazar": (services.escrito_reject, "Escrito rechazado."),
        "reorientar": (services.escrito_reorient, "Escrito reorientado."),
    }
    if decision not in actions:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Escriba el motivo: el peticionario lo verá.")
        return redirect("oficialia_escrito", folio=folio)
    service, success = actions[decision]
    ok = _run(
        request,
        lambda: service(
            escrito_id=escrito.pk, user=request.user, reason=form.cleaned_data["reason"]
        ),
        success,
    )
    return redirect(
        "oficialia_inbox" if ok else "oficialia_escrito", **({} if ok else {"folio": folio})
    )


@role_required(Role.OFICIALIA)
def turno_returnar(request: HttpRequest, turno_id: int) -> HttpResponse:
    turno = selectors.returned_turnos().filter(pk=turno_id).first()
    if turno is None:
        raise Http404
    form = RerouteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok = _run(
            request,
            lambda: services.turno_reroute(
                turno_id=turno.pk,
                user=request.user,
                route=Route(
                    secretaria=form.cleaned_data["secretaria"],
                    instruccion=form.cleaned_data["instruccion"],
                ),
            ),
            f"Turno de {turno.escrito.folio} enviado a {form.cleaned_data['secretaria']}.",
        )
        if ok:
            return redirect("oficialia_inbox")
    return render(
        request,
        "turnos/turno_returnar.html",
        {
            "turno": turno,
            "form": form,
            "timeline": escrito_timeline(turno.escrito, public_only=False),
        },
    )


# Every staff role ------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def escrito_detalle(request: HttpRequest, folio: str) -> HttpResponse:
    escrito = selectors.escrito_for_staff(request.user, folio)
    _record_view(escrito)
    thresholds = Thresholds.now()
    turnos = list(
        escrito.turnos.select_related("secretaria", "area", "respuesta").order_by("turned_at")
    )
    for turno in turnos:
        turno.light = thresholds.light(turno)
    response = render(
        request,
        "turnos/escrito_detalle.html",
        {
            "escrito": escrito,
            "turnos": turnos,
            "timeline": escrito_timeline(escrito, public_only=False),
            "adjuntos": escrito.adjuntos.all(),
            "light_labels": LIGHT_LABELS,
        },
    )
    return mask_blocked_petitioner(escrito, response)


@role_required(*STAFF_ROLES)
def adjunto_descargar(request: HttpRequest, folio: str, adjunto_id: int) -> FileResponse:
    escrito = selectors.escrito_for_staff(request.user, folio)
    adjunto = Adjunto.objects.filter(escrito=escrito, pk=adjunto_id).first()
    if adjunto is None:
        raise Http404
    bitacora.record(
        action=Accion.ARCHIVO_DESCARGAR,
        object_type="adjunto",
        object_ref=str(adjunto.pk),
        folio=escrito.folio,
        changes={"archivo": adjunto.original_name, "sha256": adjunto.sha256},
    )
    return uploaded_file_response(
        adjunto.file.open("rb"), filename=adjunto.original_name, content_type=adjunto.content_type
    )


@role_required(*STAFF_ROLES)
def notificaciones(request: HttpRequest) -> HttpResponse:
    items = Notificacion.objects.filter(user=request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    response = render(
        request, "turnos/notificaciones.html", {"page": page, "query": _query(request)}
    )
    Notificacion.objects.filter(
        user=request.user, read_at__isnull=True, pk__in=[n.pk for n in page]
    ).update(read_at=timezone.now())
    return response


# Secretaría ------------------------------------------------------------------------------


@role_required(Role.TITULAR, Role.ENLACE)
def bandeja(request: HttpRequest) -> HttpResponse:
    thresholds = Thresholds.now()
    params = {
        "state": request.GET.get("estado", "abiertos"),
        "light": request.GET.get("semaforo", ""),
        "kind": request.GET.get("tipo", ""),
        "q": request.GET.get("q", "").strip(),
    }
    turnos = selectors.bandeja(request.user, thresholds=thresholds, **params)
    filters = _query(request, "despues", "antes")
    paging = {k: request.GET.get(k) for k in ("pagina", "despues", "antes")}
    counts, total = selectors.bandeja_totals(
        request.user, thresholds, turnos, filters=filters, fresh=not any(paging.values())
    )
    page = selectors.bandeja_page(
        turnos,
        count=total,
        size=PAGE_SIZE,
        number=paging["pagina"],
        after=paging["despues"],
        before=paging["antes"],
    )
    for turno in page.turnos:
        turno.light = thresholds.light(turno)
    return render(
        request,
        "turnos/bandeja.html",
        {
            "page": page,
            "params": params,
            "counts": counts,
            "states": TurnoState.choices,
            "kinds": TurnoKind.choices,
            "light_labels": LIGHT_LABELS,
            "secretaria": getattr(getattr(request.user, "perfil", None), "secretaria", None),
            "query": filters,
        },
    )


@role_required(Role.TITULAR, Role.ENLACE)
def prevenciones_vencidas(request: HttpRequest) -> HttpResponse:
    """The turnos whose prevención went unanswered: each waits for its acuerdo."""
    items = selectors.expired_preventions_of(request.user, today=timezone.localdate())
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request, "turnos/prevenciones_vencidas.html", {"page": page, "query": _query(request)}
    )


@role_required(Role.TITULAR, Role.ENLACE)
def turno_detalle(request: HttpRequest, turno_id: int) -> HttpResponse:
    turno = selectors.turno_for_worker(request.user, turno_id)
    thresholds = Thresholds.now()
    turno.light = thresholds.light(turno)
    escrito = turno.escrito
    _record_view(escrito)
    response = render(
        request,
        "turnos/turno_detalle.html",
        {
            "turno": turno,
            "escrito": escrito,
            "due": turno_due(turno) if turno.kind == TurnoKind.ATENCION else None,
            "light_labels": LIGHT_LABELS,
            "tareas": turno.tareas.select_related("assigned_to").prefetch_related("comentarios"),
            "prevenciones": turno.prevenciones.all(),
            "respuesta": getattr(turno, "respuesta", None),
            "respuesta_sin_firma": settings.RESPUESTA_SIN_FIRMA,
            "borrador_abierto": turno.borradores.filter(
                estado__in=["en_revision", "devuelto"]
            ).first(),
            "assign_form": AssignForm(
                secretaria_id=turno.secretaria_id,
                initial={"due_date": turno.due_date},
                prefix="tarea",
            ),
            "prevent_form": PreventForm(prefix="prevencion"),
            # Why a prevención is not possible any more, and the prevención awaiting its acuerdo.
            "prevent_error": plazos.prevention_error(turno, today=thresholds.today),
            "prevent_until": plazos.prevention_window_end(turno),
            "expired_prevencion": next(
                (
                    p
                    for p in turno.prevenciones.all()
                    if plazos.prevention_expired(p, today=thresholds.today)
                ),
                None,
            ),
            "acuerdo_form": AcuerdoNoPresentadoForm(prefix="acuerdo"),
            "prorroga": plazos.turno_extension(turno),
            "prorroga_form": ProrrogaForm(prefix="prorroga"),
            "answer_form": AnswerForm(prefix="respuesta"),
            "reason_form": ReasonForm(prefix="devolucion"),
            "timeline": escrito_timeline(escrito, public_only=False),
            "adjuntos": escrito.adjuntos.all(),
        },
    )
    return mask_blocked_petitioner(escrito, response)


@require_POST
@role_required(Role.TITULAR, Role.ENLACE)
def turno_accion(request: HttpRequest, turno_id: int, action: str) -> HttpResponse:
    """Every action on a turno posts here; each form is checked and handed to its service."""
    turno = selectors.turno_for_worker(request.user, turno_id)
    user = request.user
    if action == "aceptar":
        _run(
            request, lambda: services.turno_accept(turno_id=turno.pk, user=user), "Turno aceptado."
        )
    elif action == "asignar":
        form = AssignForm(request.POST, secretaria_id=turno.secretaria_id, prefix="tarea")
        if form.is_valid():
            c = form.cleaned_data
            _run(
                request,
                lambda: services.tarea_assign(
                    turno_id=turno.pk,
                    user=user,
                    assignee=c["assignee"],
                    descripcion=c["descripcion"],
                    due_date=c["due_date"],
                ),
                "Tarea asignada.",
            )
        else:
            messages.error(request, _first_error(form))
    elif action == "prevenir":
        form = PreventForm(request.POST, prefix="prevencion")
        if form.is_valid():
            _run(
                request,
                lambda: services.turno_prevent(
                    turno_id=turno.pk, user=user, texto=form.cleaned_data["texto"]
                ),
                _notice(
                    "Prevención registrada (el plazo se suspende desde que se notifique)"
                ),
            )
        else:
            messages.error(request, _first_error(form))
    elif action == "prorrogar":
        form = ProrrogaForm(request.POST, prefix="prorroga")
        if form.is_valid():
            c = form.cleaned_data
            _run(
                request,
                lambda: services.turno_extend(
                    turno_id=turno.pk, user=user, days=c["days"], reason=c["reason"]
                ),
                _notice("Plazo prorrogado"),
            )
        else:
            messages.error(request, _first_error(form))
    elif action == "no-presentado":
        form = AcuerdoNoPresentadoForm(request.POST, prefix="acuerdo")
        if form.is_valid():
            _run(
                request,
                lambda: services.turno_not_presented(
                    turno_id=turno.pk, user=user, texto=form.cleaned_data["texto"]
                ),
                _notice("Acuerdo registrado: el turno se tuvo por no presentado"),
            )
        else:
            messages.error(request, _first_error(form))
    elif action == "responder":
        form = AnswerForm(request.POST, request.FILES, prefix="respuesta")
        if form.is_valid():
            c = form.cleaned_data
            _run(
                request,
                lambda: services.turno_answer(
                    turno_id=turno.pk,
                    user=user,
                    texto=c["texto"],
                    sense=c["sense"],
                    oficio=c["oficio"],
                ),
                _notice("Respuesta registrada"),
            )
        else:
            messages.error(request, _first_error(form))
    elif action == "devolver":
        form = ReasonForm(request.POST, prefix="devolucion")
        if form.is_valid():
            ok = _run(
                request,
                lambda: services.turno_give_back(
                    turno_id=turno.pk, user=user, reason=form.cleaned_data["reason"]
                ),
                "Turno devuelto a la Oficialía de Partes.",
            )
            if ok:
                return redirect("bandeja")
        else:
            messages.error(request, _first_error(form))
    else:
        raise Http404
    return redirect("turno_detalle", turno_id=turno.pk)


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Revise los datos."


# Operativo -------------------------------------------------------------------------------


@role_required(Role.OPERATIVO)
def tareas(request: HttpRequest) -> HttpResponse:
    show_done = request.GET.get("terminadas") == "1"
    items = selectors.tareas_of(request.user, show_done=show_done)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "turnos/tareas.html",
        {"page": page, "show_done": show_done, "query": _query(request)},
    )


@role_required(Role.OPERATIVO)
def tarea_detalle(request: HttpRequest, tarea_id: int) -> HttpResponse:
    tarea = selectors.tarea_for_user(request.user, tarea_id)
    form = TareaProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok = _run(
            request,
            lambda: services.tarea_progress(
                tarea_id=tarea.pk,
                user=request.user,
                texto=form.cleaned_data["texto"],
                state=form.cleaned_data["state"],
            ),
            "Avance registrado.",
        )
        if ok:
            return redirect("tarea_detalle", tarea_id=tarea.pk)
    return render(
        request,
        "turnos/tarea_detalle.html",
        {
            "tarea": tarea,
            "form": form,
            "comentarios": tarea.comentarios.select_related("author"),
            "adjuntos": tarea.turno.escrito.adjuntos.exclude(origin=AdjuntoOrigin.RESPUESTA),
        },
    )


def staff_home(request: HttpRequest) -> HttpResponse:
    """Where a signed-in user lands: the inbox of their role."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    roles = roles_of(request.user)
    for role, target in (
        (Role.OFICIALIA, "oficialia_inbox"),
        (Role.TITULAR, "bandeja"),
        (Role.ENLACE, "bandeja"),
        (Role.OPERATIVO, "tareas"),
        (Role.VENTANILLA, "ventanilla"),
        (Role.CONTRALORIA, "contraloria_inicio"),
        (Role.TRANSPARENCIA, "arco_solicitudes"),
    ):
        if str(role) in roles:
            return redirect(target)
    return redirect("inicio")


# The petitioner, on /consulta/ after giving folio and access code -------------------------
