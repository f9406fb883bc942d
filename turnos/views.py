from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from correspondencia.bloqueo import mask_blocked_petitioner
from correspondencia.models import Adjunto, AdjuntoOrigin, Channel, Secretaria
from correspondencia.selectors import escrito_timeline
from oficialia import bitacora, suplencias, suplencias_acciones
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.avisos import notifications_mark_read
from oficialia.descargas import uploaded_file_response
from oficialia.models import Notificacion, Suplencia
from oficialia.replica import replica_reads
from oficialia.roles import Role, role_required, roles_of, secretaria_of

from . import plazos, selectors, services
from .forms import (
    AcuerdoNoPresentadoForm,
    AnswerForm,
    AssignForm,
    AvisosForm,
    DueDateForm,
    LoteAceptarForm,
    LoteAsignarForm,
    LoteTurnarForm,
    PreventForm,
    ProrrogaForm,
    ReasonForm,
    RerouteForm,
    RouteFormSet,
    SuplenciaForm,
    TareaProgressForm,
)
from .models import TurnoKind, TurnoState
from .plazos import LIGHT_LABELS, Thresholds, suggested_due_date, turno_due, with_clock
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
    return _inbox_page(request)


def _inbox_page(request: HttpRequest, *, lote_form=None, status: int = 200) -> HttpResponse:
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
            "lote_form": lote_form or LoteTurnarForm(prefix="lote"),
            "marcados": set(lote_form["escritos"].value() or []) if lote_form else set(),
        },
        status=status,
    )


@require_POST
@role_required(Role.OFICIALIA)
def oficialia_turnar_lote(request: HttpRequest) -> HttpResponse:
    """Route every marked escrito to one secretaría with one instruction."""
    form = LoteTurnarForm(request.POST, prefix="lote")
    if not form.is_valid():
        return _inbox_page(request, lote_form=form, status=400)
    c = form.cleaned_data
    try:
        lote = services.escritos_turn(
            escrito_ids=c["escritos"],
            user=request.user,
            secretaria=c["secretaria"],
            instruccion=c["instruccion"],
        )
    except ActionError as exc:
        form.add_error("escritos", str(exc))
        return _inbox_page(request, lote_form=form, status=400)
    return render(
        request,
        "turnos/lote_resultado.html",
        {
            "lote": lote,
            "hecho": f"turnado{'s' if len(lote.hechos) != 1 else ''} a {c['secretaria'].nombre}",
            "volver": reverse("oficialia_inbox"),
            "volver_texto": "Escritos por turnar",
            "ver": reverse("oficialia_turnados"),
            "ver_texto": "Ver los turnados",
        },
    )


@role_required(Role.OFICIALIA)
def oficialia_turnados(request: HttpRequest) -> HttpResponse:
    """What the Oficialía has routed, the most recent first, with each turno's state."""
    params = {
        "secretaria": request.GET.get("secretaria", ""),
        "state": request.GET.get("estado", ""),
    }
    turnos = selectors.routed_turnos(**params)
    page = Paginator(turnos, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "turnos/oficialia_turnados.html",
        {
            "page": page,
            "params": params,
            "states": TurnoState.choices,
            "secretarias": Secretaria.objects.filter(activa=True),
            "query": _query(request),
        },
    )


DECISIONS = {
    "reorientar": (services.escrito_reorient, "Escrito reorientado."),
    "rechazar": (services.escrito_reject, "Escrito rechazado."),
}


def _oficialia_page(
    request: HttpRequest, escrito, *, formset=None, due_form=None, bound=None, status: int = 200
) -> HttpResponse:
    suggestion = suggested_due_date(escrito)
    suggested_secretaria = escrito.tramite.secretaria if escrito.tramite_id else None
    suggested_secretaria = suggested_secretaria or escrito.secretaria_destino
    if formset is None:
        initial = []
        if request.GET.get("sugerencia") and suggested_secretaria:
            initial = [{"secretaria": suggested_secretaria, "kind": TurnoKind.ATENCION}]
        formset = RouteFormSet(initial=initial, prefix="ruta")
    if due_form is None:
        due_form = DueDateForm(initial={"due_date": suggestion.due}, prefix="plazo")
    # One form per decision, each with its own prefix: two fields never share an id.
    decision_forms = {d: ReasonForm(prefix=d) for d in DECISIONS}
    if bound is not None:
        decision_forms[bound[0]] = bound[1]
    response = render(
        request,
        "turnos/oficialia_escrito.html",
        {
            "escrito": escrito,
            "formset": formset,
            "due_form": due_form,
            "suggestion": suggestion,
            "suggested_secretaria": suggested_secretaria,
            "reorient_form": decision_forms["reorientar"],
            "reject_form": decision_forms["rechazar"],
            "decision_open": bound is not None,
            "timeline": escrito_timeline(escrito, public_only=False),
            "adjuntos": escrito.adjuntos.all(),
        },
        status=status,
    )
    return mask_blocked_petitioner(escrito, response)


@role_required(Role.OFICIALIA)
def oficialia_escrito(request: HttpRequest, folio: str) -> HttpResponse:
    """Route an escrito (or decide it is not one, or not ours)."""
    escrito = selectors.escrito_for_staff(request.user, folio)
    if request.method != "POST":
        _record_view(escrito)
        return _oficialia_page(request, escrito)
    formset = RouteFormSet(request.POST, prefix="ruta")
    due_form = DueDateForm(request.POST, prefix="plazo")
    if not (formset.is_valid() and due_form.is_valid()):
        return _oficialia_page(request, escrito, formset=formset, due_form=due_form, status=400)
    # Every filled row counts, whether typed or prefilled from the suggestion.
    routes = [r for r in (f.to_route() for f in formset.forms) if r]
    try:
        services.escrito_turn(
            escrito_id=escrito.pk,
            user=request.user,
            routes=routes,
            due_date=due_form.cleaned_data["due_date"],
            due_date_reason=due_form.cleaned_data["due_date_reason"],
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return _oficialia_page(request, escrito, formset=formset, due_form=due_form, status=409)
    messages.success(request, f"Escrito {escrito.folio} turnado.")
    return redirect("oficialia_inbox")


@require_POST
@role_required(Role.OFICIALIA)
def oficialia_decidir(request: HttpRequest, folio: str, decision: str) -> HttpResponse:
    escrito = selectors.escrito_for_staff(request.user, folio)
    if decision not in DECISIONS:
        raise Http404
    form = ReasonForm(request.POST, prefix=decision)
    if not form.is_valid():
        return _oficialia_page(request, escrito, bound=(decision, form), status=400)
    service, success = DECISIONS[decision]
    try:
        service(escrito_id=escrito.pk, user=request.user, reason=form.cleaned_data["reason"])
    except ActionError as exc:
        form.add_error(None, str(exc))
        escrito.refresh_from_db()
        return _oficialia_page(request, escrito, bound=(decision, form), status=409)
    messages.success(request, success)
    return redirect("oficialia_inbox")


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
        with_clock(escrito.turnos.select_related("secretaria", "area", "respuesta")).order_by(
            "turned_at"
        )
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
    """The notices, unread first marked as such until opened or marked read (one by one,
    the marked ones, or all)."""
    form = AvisosForm(prefix="avisos")
    if request.method == "POST":
        if request.POST.get("todas"):
            done = notifications_mark_read(user=request.user)
            messages.success(
                request,
                f"{done} aviso{'s' if done != 1 else ''} marcado"
                f"{'s' if done != 1 else ''} como leído{'s' if done != 1 else ''}.",
            )
            return redirect("notificaciones")
        form = AvisosForm(request.POST, prefix="avisos")
        if form.is_valid():
            done = notifications_mark_read(user=request.user, ids=form.cleaned_data["avisos"])
            messages.success(
                request,
                f"{done} aviso{'s' if done != 1 else ''} marcado"
                f"{'s' if done != 1 else ''} como leído{'s' if done != 1 else ''}.",
            )
            return redirect("notificaciones")
    items = Notificacion.objects.filter(user=request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "turnos/notificaciones.html",
        {
            "page": page,
            "query": _query(request),
            "form": form,
            "unread": items.filter(read_at__isnull=True).count(),
        },
        status=400 if form.errors else 200,
    )


@role_required(*STAFF_ROLES)
def notificacion_abrir(request: HttpRequest, notificacion_id: int) -> HttpResponse:
    """Open a notice: it is read now, and the page it names opens."""
    notificacion = Notificacion.objects.filter(user=request.user, pk=notificacion_id).first()
    if notificacion is None:
        raise Http404
    notifications_mark_read(user=request.user, ids=[notificacion.pk])
    # Notices link inside the site; anything else opens the list instead.
    safe = url_has_allowed_host_and_scheme(notificacion.url, allowed_hosts=None)
    url = notificacion.url if safe and notificacion.url.startswith("/") else None
    return redirect(url or reverse("notificaciones"))


# Secretaría ------------------------------------------------------------------------------


@role_required(Role.TITULAR, Role.ENLACE)
def bandeja(request: HttpRequest) -> HttpResponse:
    return _bandeja_page(request)


def _lote_forms(request: HttpRequest, data=None) -> dict:
    secretaria_id, _ = secretaria_of(request.user)
    return {
        # One form on the page, two buttons: both read the same marked boxes («turnos»).
        "aceptar_form": LoteAceptarForm(data),
        "asignar_form": LoteAsignarForm(data, secretaria_id=secretaria_id),
    }


def _bandeja_page(request: HttpRequest, *, bound=None, status: int = 200) -> HttpResponse:
    """The secretaría's inbox; `bound` is (name, form) of a bulk action that failed."""
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
    lote = _lote_forms(request)
    if bound is not None:
        lote[bound[0]] = bound[1]
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
            **lote,
            "lote_abierto": bound[0] if bound else "",
            "marcados": set(bound[1]["turnos"].value() or []) if bound else set(),
            "suplencia": suplencias.ausencia_label(request.user),
        },
        status=status,
    )


@require_POST
@role_required(Role.TITULAR, Role.ENLACE)
def bandeja_lote(request: HttpRequest, accion: str) -> HttpResponse:
    """Accept, or assign the same task on, every marked turno; each one through its own use
    case, a failure reported without undoing the others."""
    if accion not in ("aceptar", "asignar"):
        raise Http404
    name = f"{accion}_form"
    form = _lote_forms(request, request.POST)[name]
    if not form.is_valid():
        return _bandeja_page(request, bound=(name, form), status=400)
    c = form.cleaned_data
    try:
        if accion == "aceptar":
            lote = services.turnos_accept(turno_ids=c["turnos"], user=request.user)
            hecho = "aceptado" + ("s" if len(lote.hechos) != 1 else "")
        else:
            lote = services.turnos_assign(
                turno_ids=c["turnos"],
                user=request.user,
                assignee=c["assignee"],
                descripcion=c["descripcion"],
                due_date=c["due_date"],
            )
            hecho = "con tarea asignada"
    except ActionError as exc:
        form.add_error("turnos", str(exc))
        return _bandeja_page(request, bound=(name, form), status=400)
    return render(
        request,
        "turnos/lote_resultado.html",
        {
            "lote": lote,
            "hecho": hecho,
            "volver": reverse("bandeja"),
            "volver_texto": "Bandeja",
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


# The forms of the turno page, by the action each posts to: (form class, prefix).
TURNO_FORMS = {
    "asignar": ("assign_form", AssignForm, "tarea"),
    "prevenir": ("prevent_form", PreventForm, "prevencion"),
    "no-presentado": ("acuerdo_form", AcuerdoNoPresentadoForm, "acuerdo"),
    "prorrogar": ("prorroga_form", ProrrogaForm, "prorroga"),
    "responder": ("answer_form", AnswerForm, "respuesta"),
    "devolver": ("reason_form", ReasonForm, "devolucion"),
}


def _turno_form(action: str, turno, data=None, files=None):
    _, form_class, prefix = TURNO_FORMS[action]
    kwargs = {"prefix": prefix}
    if form_class is AssignForm:
        kwargs["secretaria_id"] = turno.secretaria_id
        if data is None:
            kwargs["initial"] = {"due_date": turno.due_date}
    return form_class(data, files, **kwargs)


def _turno_page(
    request: HttpRequest, turno, *, bound=None, refused=None, status: int = 200
) -> HttpResponse:
    """The turno's page; `bound` is (action, form) of a form that failed, shown again in its
    place with what was typed and each error next to its field. `refused` is (action, form)
    of one the use case refused: the turno may have changed so its place is gone, so it is
    shown at the top, with its reason and the text, to correct or copy."""
    thresholds = Thresholds.now()
    turno.light = thresholds.light(turno)
    escrito = turno.escrito
    forms = {name: _turno_form(action, turno) for action, (name, _, _) in TURNO_FORMS.items()}
    open_form = ""
    if bound is not None:
        action, form = bound
        forms[TURNO_FORMS[action][0]] = form
        open_form = action
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
            "prorroga": plazos.turno_extension(turno),
            "open_form": open_form,
            "refused": refused[1] if refused else None,
            "refused_action": refused[0] if refused else "",
            "timeline": escrito_timeline(escrito, public_only=False),
            "adjuntos": escrito.adjuntos.all(),
            "suplencia": suplencias.ausencia_label(request.user),
            **forms,
        },
        status=status,
    )
    return mask_blocked_petitioner(escrito, response)


@role_required(Role.TITULAR, Role.ENLACE)
def turno_detalle(request: HttpRequest, turno_id: int) -> HttpResponse:
    turno = selectors.turno_for_worker(request.user, turno_id)
    _record_view(turno.escrito)
    return _turno_page(request, turno)


@role_required(Role.TITULAR, Role.ENLACE)
def acuerdo_descargar(request: HttpRequest, turno_id: int, prevencion_id: int) -> FileResponse:
    """The signed acuerdo de tener por no presentado of this turno, byte for byte."""
    turno = selectors.turno_for_worker(request.user, turno_id)
    if not turno.prevenciones.filter(pk=prevencion_id, acuerdo_at__isnull=False).exists():
        raise Http404
    prevencion = services.acuerdo_pdf_generate(prevencion_id=prevencion_id)
    return FileResponse(
        prevencion.acuerdo_pdf.open("rb"),
        filename=f"acuerdo-{turno.escrito.folio}.pdf",
        content_type="application/pdf",
    )


def _turno_call(action: str, turno, user, c: dict):
    """The service each form of the turno page hands its cleaned data to."""
    if action == "asignar":
        return services.tarea_assign(
            turno_id=turno.pk,
            user=user,
            assignee=c["assignee"],
            descripcion=c["descripcion"],
            due_date=c["due_date"],
        )
    if action == "prevenir":
        return services.turno_prevent(turno_id=turno.pk, user=user, texto=c["texto"])
    if action == "prorrogar":
        return services.turno_extend(
            turno_id=turno.pk, user=user, days=c["days"], reason=c["reason"]
        )
    if action == "no-presentado":
        return services.turno_not_presented(turno_id=turno.pk, user=user, texto=c["texto"])
    if action == "responder":
        return services.turno_answer(
            turno_id=turno.pk, user=user, texto=c["texto"], sense=c["sense"], oficio=c["oficio"]
        )
    return services.turno_give_back(turno_id=turno.pk, user=user, reason=c["reason"])


TURNO_SUCCESS = {
    "asignar": "Tarea asignada.",
    "prevenir": _notice("Prevención registrada (el plazo se suspende desde que se notifique)"),
    "prorrogar": _notice("Plazo prorrogado"),
    "no-presentado": _notice("Acuerdo registrado: el turno se tuvo por no presentado"),
    "responder": _notice("Respuesta registrada"),
    "devolver": "Turno devuelto a la Oficialía de Partes.",
}


@require_POST
@role_required(Role.TITULAR, Role.ENLACE)
def turno_accion(request: HttpRequest, turno_id: int, action: str) -> HttpResponse:
    """Every action on a turno posts here; each form is checked and handed to its service.
    A form that fails comes back with what was typed and its errors (never a redirect that
    would lose the text)."""
    turno = selectors.turno_for_worker(request.user, turno_id)
    user = request.user
    if action == "aceptar":
        _run(
            request, lambda: services.turno_accept(turno_id=turno.pk, user=user), "Turno aceptado."
        )
        return redirect("turno_detalle", turno_id=turno.pk)
    if action not in TURNO_FORMS:
        raise Http404
    form = _turno_form(action, turno, request.POST, request.FILES)
    if not form.is_valid():
        return _turno_page(request, turno, bound=(action, form), status=400)
    try:
        result = _turno_call(action, turno, user, form.cleaned_data)
    except ActionError as exc:
        form.add_error(None, str(exc))
        form.auto_id = "rechazado_%s"  # its own ids: the form may also be in its place
        turno = selectors.turno_for_worker(request.user, turno_id)
        return _turno_page(request, turno, refused=(action, form), status=409)
    success = TURNO_SUCCESS[action]
    messages.success(request, success(result) if callable(success) else success)
    if action == "devolver":
        return redirect("bandeja")
    return redirect("turno_detalle", turno_id=turno.pk)


# Stand-ins -------------------------------------------------------------------------------


@role_required(Role.TITULAR, Role.ENLACE)
def suplencias_view(request: HttpRequest) -> HttpResponse:
    """Name who acts for me while I am away; see whom I stand in for."""
    form = SuplenciaForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                suplencias_acciones.suplencia_name(
                    user=request.user,
                    suplente=c["suplente"],
                    desde=c["desde"],
                    hasta=c["hasta"],
                    motivo=c["motivo"],
                )
            except ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"{c['suplente'].get_full_name() or c['suplente'].username} recibirá sus "
                    f"turnos, recordatorios y firmas del {c['desde']:%d/%m/%Y} al "
                    f"{c['hasta']:%d/%m/%Y}.",
                )
                return redirect("suplencias")
        status = 400
    today = timezone.localdate()
    return render(
        request,
        "turnos/suplencias.html",
        {
            "form": form,
            "mias": Suplencia.objects.filter(ausente=request.user, hasta__gte=today)
            .select_related("suplente")
            .order_by("desde"),
            "cubro": Suplencia.objects.filter(suplente=request.user, hasta__gte=today)
            .select_related("ausente")
            .order_by("desde"),
            "today": today,
        },
        status=status,
    )


@require_POST
@role_required(Role.TITULAR, Role.ENLACE)
def suplencia_terminar(request: HttpRequest, suplencia_id: int) -> HttpResponse:
    if not Suplencia.objects.filter(pk=suplencia_id, ausente=request.user).exists():
        raise Http404
    _run(
        request,
        lambda: suplencias_acciones.suplencia_end(suplencia_id=suplencia_id, user=request.user),
        "Suplencia terminada: sus avisos vuelven a llegarle a usted.",
    )
    return redirect("suplencias")


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
        (Role.ARCHIVOS, "archivo_expedientes"),
    ):
        if str(role) in roles:
            return redirect(target)
    if str(Role.ADMINISTRACION) in roles:
        # Administración keeps the catalogues, users and roles in the administration site.
        return redirect("admin:index" if request.user.is_staff else "accesos_bloqueados")
    return redirect("inicio")


# The petitioner, on /consulta/ after giving folio and access code -------------------------
