from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from correspondencia.models import Secretaria
from oficialia.roles import role_required, secretaria_of
from oficialia.web import over_limit, rate_limited

from . import agenda, selectors, services
from .forms import CitaForm, HorarioFormSet, KioscoForm, LlegadaForm, TransferForm
from .models import CitaState
from .permissions import CONSOLE_ROLES, SCHEDULE_ROLES
from .services import ActionError

# Rate limits per address, overridable in settings. The kiosk is one tablet (one address) for
# everyone who comes in, so its limit is generous: it stops a script filling the queue.
RATES = {"fila_ficha": "120/h", "fila_llegada": "20/m", "fila_cita": "10/h"}
# How long the ticket stays on the kiosk's screen before it goes back to the start.
KIOSK_RETURN_SECONDS = 30


def _over_fila_limit(request: HttpRequest, group: str) -> bool:
    return over_limit(request, group, getattr(settings, f"{group.upper()}_RATE", RATES[group]))


def _partial(request: HttpRequest) -> bool:
    """htmx asking again for the live part of the page (board, ticket, console queue)."""
    return request.headers.get("HX-Request") == "true"


# Kiosk -----------------------------------------------------------------------------------


@require_GET
def kiosco(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "fila/kiosco.html",
        {"secretarias": selectors.secretarias_with_services()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def kiosco_servicios(request: HttpRequest, siglas: str) -> HttpResponse:
    secretaria = selectors.secretaria_for_public(siglas)
    data = request.POST if request.method == "POST" else None
    form = KioscoForm(data, secretaria=secretaria)
    status = 200
    if request.method == "POST":
        if _over_fila_limit(request, "fila_ficha"):
            return rate_limited(request)
        if form.is_valid():
            try:
                ficha = services.ficha_issue(servicio_id=form.cleaned_data["servicio"].pk)
            except ActionError as exc:
                form.add_error("servicio", str(exc))
                status = 409
            else:
                return redirect(reverse("fila_ficha", args=[ficha.token]) + "?kiosco=1")
        else:
            status = 400
    return render(
        request,
        "fila/kiosco_servicios.html",
        {
            "secretaria": secretaria,
            "form": form,
            "servicios": selectors.services_of(secretaria),
            "preview": selectors.queue_preview(secretaria),
        },
        status=status,
    )


@never_cache
@require_GET
def ficha(request: HttpRequest, token) -> HttpResponse:
    """The ticket: its number, people ahead, estimated wait. The status part refreshes itself,
    so a person who opened it on their phone (QR code) sees when they are called."""
    found = selectors.ficha_by_token(token)
    if found is None:
        raise Http404
    context = {
        "status": selectors.ficha_status(found),
        "ficha": found,
        "kiosk": request.GET.get("kiosco") == "1",
        "return_seconds": KIOSK_RETURN_SECONDS,
    }
    if _partial(request):
        return render(request, "fila/_ficha_estado.html", context)
    url = request.build_absolute_uri(reverse("fila_ficha", args=[found.token]))
    context["qr_svg"] = _qr(url)
    return render(request, "fila/ficha.html", context)


def _qr(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@never_cache
@require_http_methods(["GET", "POST"])
def llegada(request: HttpRequest) -> HttpResponse:
    """Check-in at the kiosk: the appointment's code gives the person their ficha."""
    form = LlegadaForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _over_fila_limit(request, "fila_llegada"):
            return rate_limited(request)
        if form.is_valid():
            try:
                ficha = services.cita_check_in(codigo=form.cleaned_data["codigo"])
            except ActionError as exc:
                form.add_error("codigo", str(exc))
                status = 409
            else:
                return redirect(reverse("fila_ficha", args=[ficha.token]) + "?kiosco=1")
        else:
            status = 400
    return render(request, "fila/llegada.html", {"form": form}, status=status)


# Display board ---------------------------------------------------------------------------


@never_cache
@require_GET
def pantalla(request: HttpRequest, siglas: str) -> HttpResponse:
    """The board in the waiting room. htmx asks for its calls every two seconds."""
    secretaria = selectors.secretaria_for_public(siglas)
    context = selectors.board(secretaria)
    if _partial(request):
        return render(request, "fila/_pantalla_llamados.html", context)
    return render(request, "fila/pantalla.html", context)


# Appointments ----------------------------------------------------------------------------


@require_GET
def citas(request: HttpRequest) -> HttpResponse:
    return render(
        request, "fila/citas.html", {"secretarias": selectors.secretarias_with_appointments()}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cita_nueva(request: HttpRequest, siglas: str) -> HttpResponse:
    secretaria = selectors.secretaria_for_public(siglas)
    days = agenda.bookable_days(secretaria.pk)
    data = request.POST if request.method == "POST" else None
    initial = {"fecha": request.GET.get("fecha")} if request.GET.get("fecha") else {}
    if data is not None and data.get("ver_horas"):
        # Without JavaScript, "see that day's hours" posts the form: show it again, unchecked.
        initial = {k: v for k, v in data.dict().items() if k not in ("hora", "ver_horas")}
        data = None
    form = CitaForm(data, initial=initial, secretaria=secretaria, days=days)
    if form.is_bound:
        if _over_fila_limit(request, "fila_cita"):
            return rate_limited(request)
        if form.is_valid():
            c = form.cleaned_data
            try:
                cita = services.cita_book(
                    servicio_id=c["servicio"].pk,
                    inicio=c["inicio"],
                    nombre=c["nombre"],
                    email=c.get("email", ""),
                    telefono=c.get("telefono", ""),
                )
            except ActionError as exc:
                form.add_error("hora", str(exc))
            else:
                return redirect("fila_cita", token=cita.token)
    context = {"secretaria": secretaria, "form": form}
    if _partial(request) and request.method == "GET":
        # The slots of another day, without losing what was typed in the rest of the form.
        return render(request, "fila/_cita_horas.html", context)
    return render(request, "fila/cita_nueva.html", context)


@never_cache
@require_GET
def cita(request: HttpRequest, token) -> HttpResponse:
    found = selectors.cita_by_token(token)
    if found is None:
        raise Http404
    now = timezone.now()
    return render(
        request,
        "fila/cita.html",
        {
            "cita": found,
            "code": services.display_cita_code(found.codigo),
            "can_cancel": found.estado == CitaState.RESERVADA and found.inicio > now,
            "check_in_from": timezone.localtime(found.inicio - services.CHECK_IN_EARLY),
            "check_in_until": timezone.localtime(found.inicio + services.CHECK_IN_LATE),
        },
    )


@require_POST
def cita_cancelar(request: HttpRequest, token) -> HttpResponse:
    found = selectors.cita_by_token(token)
    if found is None:
        raise Http404
    try:
        services.cita_cancel(cita_id=found.pk)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Su cita quedó cancelada; el horario queda libre para alguien más."
        )
    return redirect("fila_cita", token=found.token)


# The módulo's console (staff) ------------------------------------------------------------


@role_required(*CONSOLE_ROLES)
def modulos(request: HttpRequest) -> HttpResponse:
    mine = list(selectors.modulos_of(request.user))
    return render(request, "fila/modulos.html", {"modulos": mine})


@never_cache
@role_required(*CONSOLE_ROLES)
def consola(request: HttpRequest, modulo_id: int) -> HttpResponse:
    modulo = selectors.modulo_for_staff(request.user, modulo_id)
    context = selectors.console(modulo)
    if _partial(request):
        return render(request, "fila/_consola_cola.html", context)
    return _console_page(request, modulo, context)


def _console_page(request, modulo, context=None, transfer_form=None, status: int = 200):
    context = context or selectors.console(modulo)
    current = context["current"]
    exclude = current.servicio if current else None
    context["transfer_form"] = transfer_form or TransferForm(exclude=exclude)
    return render(request, "fila/consola.html", context, status=status)


def _console_transfer(request: HttpRequest, modulo) -> HttpResponse:
    """Send the person at the window to another service; an error comes back beside the
    choice, on the console."""
    current = selectors.console(modulo)["current"]
    form = TransferForm(request.POST, exclude=current.servicio if current else None)
    if not form.is_valid():
        return _console_page(request, modulo, transfer_form=form, status=400)
    try:
        nueva = services.ficha_transfer(
            modulo_id=modulo.pk, user=request.user, servicio_id=form.cleaned_data["servicio"]
        )
    except ActionError as exc:
        form.add_error(None, str(exc))
        return _console_page(request, modulo, transfer_form=form, status=409)
    messages.success(
        request,
        f"Transferida: su nueva ficha es {nueva.codigo} ({nueva.secretaria.nombre}). "
        "Indíquesela a la persona.",
    )
    return redirect("fila_consola", modulo_id=modulo.pk)


def _console_action(request: HttpRequest, modulo_id: int, action: str) -> str | None:
    """Run one action of the console; the message to show on success."""
    user = request.user
    if action == "llamar":
        ficha = services.ficha_call_next(modulo_id=modulo_id, user=user)
        if ficha is None:
            return "No hay fichas en espera."
        return f"Ficha {ficha.codigo} llamada."
    if action == "rellamar":
        ficha = services.ficha_call_again(modulo_id=modulo_id, user=user)
        return f"Ficha {ficha.codigo} llamada de nuevo ({ficha.llamadas}.ª vez)."
    if action == "atendida":
        ficha = services.ficha_mark_attended(modulo_id=modulo_id, user=user)
        return f"Ficha {ficha.codigo} atendida."
    if action == "ausente":
        ficha = services.ficha_mark_absent(modulo_id=modulo_id, user=user)
        return f"Ficha {ficha.codigo}: no se presentó."
    if action == "pausar":
        services.modulo_pause(modulo_id=modulo_id, user=user)
        return "Módulo en pausa: no se le llamarán fichas."
    if action == "reanudar":
        services.modulo_resume(modulo_id=modulo_id, user=user)
        return "Módulo abierto de nuevo."
    raise Http404


@require_POST
@role_required(*CONSOLE_ROLES)
def consola_accion(request: HttpRequest, modulo_id: int, action: str) -> HttpResponse:
    modulo = selectors.modulo_for_staff(request.user, modulo_id)
    if action == "transferir":
        return _console_transfer(request, modulo)
    try:
        message = _console_action(request, modulo.pk, action)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("fila_consola", modulo_id=modulo.pk)


@never_cache
@role_required(*SCHEDULE_ROLES)
@require_http_methods(["GET", "POST"])
def horarios(request: HttpRequest) -> HttpResponse:
    """The titular sets when the secretaría's módulos attend appointments, and how many."""
    secretaria_id, _area = secretaria_of(request.user)
    secretaria = None
    formset = None
    if secretaria_id is not None:
        secretaria = Secretaria.objects.get(pk=secretaria_id)
        data = request.POST if request.method == "POST" else None
        formset = HorarioFormSet(data, secretaria=secretaria, prefix="horario")
        if request.method == "POST" and formset.is_valid():
            with transaction.atomic():
                formset.save()
            messages.success(request, "Horarios de citas guardados.")
            return redirect("fila_horarios")
    return render(
        request,
        "fila/horarios.html",
        {
            "secretaria": secretaria,
            "formset": formset,
            "modulos": selectors.modulos_of(request.user),
        },
        # A refused table comes back as typed, each error in its cell.
        status=400 if formset is not None and formset.is_bound and not formset.is_valid() else 200,
    )
