"""The citizen's account (/mi-cuenta/) and the Unidad de Transparencia's pages of ARCO
requests.

Citizens sign in at /mi-cuenta/entrar/, not at the staff's /cuenta/entrar/: the form asks for
an email and refuses staff accounts, and it lands on "Mis escritos". Both doors call
`authenticate()`, so django-axes counts their failures together, per account and per
address. Signing out is shared (/cuenta/salir/).
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from oficialia import bitacora, intentos
from oficialia.acciones_bitacora import Accion
from oficialia.folios import parse_folio
from oficialia.roles import Role, role_required
from oficialia.web import over_limit, rate_limited
from turnos.services import ActionError

from . import arco, plazos_arco, selectors, services
from .acceso import account_context, cuenta_required
from .forms import (
    AccesoForm,
    ArcoPapelForm,
    AvisosForm,
    CancelacionForm,
    CuentaPasswordResetForm,
    DatosForm,
    DesbloquearForm,
    DesvincularForm,
    EntrarForm,
    OposicionForm,
    RectificacionForm,
    ReenviarForm,
    RegistroForm,
    ResolverForm,
    VincularForm,
)
from .models import ArcoKind, NoticeKind
from .tokens import email_verification_token

User = get_user_model()
PAGE_SIZE = 20
# Per address: creating accounts, asking for links by email (confirmation, password reset).
RATE_SIGNUP = "10/h"
RATE_EMAIL_LINKS = "5/h"
# Adding an escrito by folio and access code is guessing codes if abused: the same limits
# as /consulta/, per address and per account.
REGISTRO_EMAIL_KEY = "cuenta_registro_email"


# Sign in, register, confirm, reset the password ---------------------------------------------


@method_decorator(never_cache, name="dispatch")
class EntrarView(auth_views.LoginView):
    form_class = EntrarForm
    template_name = "cuentas/entrar.html"
    next_page = reverse_lazy("cuenta_escritos")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.context_data["unverified"] = any(
            e.code == "unverified" for e in form.non_field_errors().as_data()
        )
        # Like every form that fails: the page again, with what was typed, and a 400.
        response.status_code = 400
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def registro(request: HttpRequest) -> HttpResponse:
    form = RegistroForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "cuenta_registro", RATE_SIGNUP):
            return rate_limited(request)
        if form.is_valid():
            services.cuenta_register(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
            )
            request.session[REGISTRO_EMAIL_KEY] = form.cleaned_data["email"]
            return redirect("cuenta_registro_enviado")
    return render(request, "cuentas/registro.html", {"form": form})


@never_cache
def registro_enviado(request: HttpRequest) -> HttpResponse:
    """The same page whether the address was new or already had an account."""
    email = request.session.get(REGISTRO_EMAIL_KEY, "")
    return render(
        request,
        "cuentas/registro_enviado.html",
        {"email": email, "form": ReenviarForm(initial={"email": email})},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirmar_reenviar(request: HttpRequest) -> HttpResponse:
    form = ReenviarForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "cuenta_enlaces", RATE_EMAIL_LINKS):
            return rate_limited(request)
        if form.is_valid():
            services.verification_resend(email=form.cleaned_data["email"])
            request.session[REGISTRO_EMAIL_KEY] = form.cleaned_data["email"]
            return redirect("cuenta_registro_enviado")
    return render(request, "cuentas/reenviar.html", {"form": form})


def _user_from_uid(uidb64: str):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.select_related("cuenta").filter(pk=pk, cuenta__isnull=False).first()
    except (TypeError, ValueError, OverflowError):
        return None


@never_cache
def confirmar(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the confirmation email. Opening it confirms (a GET, like most sites: the
    token is single-use, and whoever opens it has read that mailbox)."""
    user = _user_from_uid(uidb64)
    if user is not None and user.cuenta.is_verified:
        outcome = "ya"
    elif user is not None and email_verification_token.check_token(user, token):
        services.cuenta_verify(user_id=user.pk)
        outcome = "ok"
    else:
        outcome = "invalido"
    return render(
        request,
        "cuentas/confirmar.html",
        {"outcome": outcome, "form": ReenviarForm()},
        status=404 if outcome == "invalido" else 200,
    )


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = CuentaPasswordResetForm
    template_name = "cuentas/contrasena.html"
    email_template_name = "cuentas/email/contrasena.txt"
    subject_template_name = "cuentas/email/contrasena_asunto.txt"
    success_url = reverse_lazy("cuenta_password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        # The links point at the public address, not at whatever Host the request named.
        return {"base_url": settings.PUBLIC_BASE_URL}

    def post(self, request, *args, **kwargs):
        if over_limit(request, "cuenta_enlaces", RATE_EMAIL_LINKS):
            return rate_limited(request)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "cuentas/contrasena_enviada.html"


@method_decorator(never_cache, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "cuentas/contrasena_nueva.html"
    success_url = reverse_lazy("cuenta_password_reset_complete")

    def get_user(self, uidb64):
        # Citizen accounts only: a staff password is reset by the administración.
        return _user_from_uid(uidb64)

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link came to the mailbox: that confirms the address as well.
        services.cuenta_verify(user_id=form.user.pk)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "cuentas/contrasena_lista.html"


# Mis escritos ------------------------------------------------------------------------------


# Notices and saved data --------------------------------------------------------------------


@cuenta_required
@require_http_methods(["GET", "POST"])
def avisos(request: HttpRequest) -> HttpResponse:
    cuenta = request.cuenta
    if request.method == "POST":
        form = AvisosForm(request.POST)
        if form.is_valid():
            services.cuenta_notices_update(
                cuenta_id=cuenta.pk, email_kinds=set(form.cleaned_data["por_correo"])
            )
            messages.success(request, "Guardamos sus preferencias de avisos por correo.")
            return redirect("cuenta_avisos")
    else:
        form = AvisosForm(
            initial={"por_correo": [k for k in NoticeKind.values if cuenta.wants_email(k)]}
        )
    seen_before = cuenta.notices_seen_at
    page = Paginator(selectors.notices_of(cuenta), PAGE_SIZE).get_page(request.GET.get("pagina"))
    if request.method == "GET":
        services.cuenta_notices_seen(cuenta_id=cuenta.pk)
        cuenta.notices_seen_at = timezone.now()
    context = account_context(request, "avisos")
    return render(
        request,
        "cuentas/avisos.html",
        {**context, "page": page, "form": form, "seen_before": seen_before},
        status=400 if form.is_bound and form.errors else 200,
    )


@cuenta_required
@require_http_methods(["GET", "POST"])
def datos(request: HttpRequest) -> HttpResponse:
    form = DatosForm(request.POST or None, instance=request.cuenta)
    if request.method == "POST" and form.is_valid():
        services.cuenta_data_update(cuenta_id=request.cuenta.pk, **form.cleaned_data)
        messages.success(
            request, "Guardamos sus datos: llenarán el formulario de su próximo escrito."
        )
        return redirect("cuenta_datos")
    return render(
        request,
        "cuentas/datos.html",
        {**account_context(request, "datos"), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# Personal data (ARCO) ----------------------------------------------------------------------


ARCO_FORMS = {
    ArcoKind.ACCESO: ("acc", AccesoForm),
    ArcoKind.RECTIFICACION: ("rect", RectificacionForm),
    ArcoKind.CANCELACION: ("canc", CancelacionForm),
    ArcoKind.OPOSICION: ("opos", OposicionForm),
}


@cuenta_required
@require_http_methods(["GET", "POST"])
def privacidad(request: HttpRequest) -> HttpResponse:
    """The four ARCO rights from the account: each request goes to the Unidad de
    Transparencia with its receipt folio and its term."""
    cuenta = request.cuenta
    derecho = request.POST.get("derecho") if request.method == "POST" else None
    forms = {
        kind: form_class(request.POST if derecho == kind else None, prefix=prefix)
        for kind, (prefix, form_class) in ARCO_FORMS.items()
    }
    form = forms.get(derecho)
    status = 200
    if form is not None and not form.is_valid():
        status = 400
    elif form is not None:
        try:
            solicitud = services.arco_request_create(
                cuenta_id=cuenta.pk,
                kind=ArcoKind(derecho),
                detalle=form.cleaned_data["detalle"],
                rectificacion=form.corrected() if derecho == ArcoKind.RECTIFICACION else None,
                tratamiento=form.cleaned_data.get("tratamiento", ""),
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(
                request,
                f"Recibimos su solicitud con el folio {solicitud.folio}. La Unidad de "
                f"Transparencia le responderá a más tardar el "
                f"{solicitud.answer_due:%d/%m/%Y}; le avisaremos por correo y también la "
                "verá en esta página.",
            )
            return redirect("cuenta_privacidad")
    return render(
        request,
        "cuentas/privacidad.html",
        {
            **account_context(request, "privacidad"),
            "acc_form": forms[ArcoKind.ACCESO],
            "rect_form": forms[ArcoKind.RECTIFICACION],
            "canc_form": forms[ArcoKind.CANCELACION],
            "opos_form": forms[ArcoKind.OPOSICION],
            "solicitudes": selectors.arco_requests_of(cuenta),
        },
        status=status,
    )


def _record_access(cuenta, fmt: str) -> None:
    bitacora.record(
        action=Accion.ARCO_ACCESO,
        object_type="cuenta",
        object_ref=str(cuenta.pk),
        changes={"formato": fmt},
        actor=cuenta.user,
    )


@cuenta_required
def mis_datos_json(request: HttpRequest) -> HttpResponse:
    data = arco.personal_data(request.cuenta)
    _record_access(request.cuenta, "json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="mis-datos-{timezone.localdate():%Y%m%d}.json"'
    )
    return response


@cuenta_required
def mis_datos_pdf(request: HttpRequest) -> HttpResponse:
    data = arco.personal_data(request.cuenta)
    _record_access(request.cuenta, "pdf")
    response = HttpResponse(arco.personal_data_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="mis-datos-{timezone.localdate():%Y%m%d}.pdf"'
    )
    return response


# The Unidad de Transparencia receives and answers the ARCO requests -------------------------


@role_required(Role.TRANSPARENCIA)
def arco_solicitudes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cuentas/arco_solicitudes.html",
        {
            "abiertas": selectors.arco_requests_open(),
            "resueltas": selectors.arco_requests_resolved(),
            "today": timezone.localdate(),
        },
    )


@never_cache
@role_required(Role.TRANSPARENCIA, Role.VENTANILLA)
@require_http_methods(["GET", "POST"])
def arco_nueva(request: HttpRequest) -> HttpResponse:
    """A request presented on paper at the ventanilla: captured, with its receipt folio."""
    form = ArcoPapelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            solicitud = services.arco_request_register(
                user=request.user,
                kind=data["derecho"],
                titular_nombre=data["titular_nombre"],
                titular_contacto=data["titular_contacto"],
                detalle=data["detalle"],
                folios=data["folios"].replace(",", " ").split(),
                rectificacion={k: data.get(k, "") for k in services.RECTIFIABLE_FIELDS},
                tratamiento=data.get("tratamiento", ""),
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            return render(request, "cuentas/arco_nueva.html", {"form": form}, status=409)
        else:
            return render(request, "cuentas/arco_recibida.html", {"solicitud": solicitud})
    status = 400 if form.is_bound else 200
    return render(request, "cuentas/arco_nueva.html", {"form": form}, status=status)


ARCO_ACTIONS = {
    "responder": "Respuesta registrada.",
    "ampliar": "Plazo de respuesta ampliado.",
    "notificar": "Notificación registrada.",
    "efectiva": "Solicitud hecha efectiva.",
}


@never_cache
@role_required(Role.TRANSPARENCIA)
@require_http_methods(["GET", "POST"])
def arco_solicitud(request: HttpRequest, solicitud_id: int) -> HttpResponse:
    solicitud = selectors.arco_request(solicitud_id)
    action = request.POST.get("accion", "responder") if request.method == "POST" else ""
    form = ResolverForm(request.POST if action == "responder" else None)
    error = ""
    status = 200
    if action == "responder" and not form.is_valid():
        # Each error beside its field, with what was typed.
        status = 400
    elif action in ARCO_ACTIONS:
        try:
            if action == "responder":
                decision = form.cleaned_data["decision"]
                services.arco_request_resolve(
                    solicitud_id=solicitud.pk,
                    user=request.user,
                    accept=decision != "improcedente",
                    execute=decision == "aplicar",
                    resolucion=form.cleaned_data["resolucion"],
                )
            elif action == "ampliar":
                services.arco_request_extend(
                    solicitud_id=solicitud.pk,
                    user=request.user,
                    reason=request.POST.get("motivo", ""),
                )
            elif action == "notificar":
                services.arco_answer_notify(
                    solicitud_id=solicitud.pk,
                    user=request.user,
                    channel=request.POST.get("medio", ""),
                )
            else:
                services.arco_request_execute(solicitud_id=solicitud.pk, user=request.user)
        except ActionError as exc:
            error = str(exc)
            status = 409
        else:
            messages.success(request, f"{solicitud.folio}: {ARCO_ACTIONS[action]}")
            return redirect("arco_solicitud", solicitud_id=solicitud.pk)
    # The page shows the petitioner data of the escritos concerned: that goes on record.
    bitacora.record(
        action=Accion.DATOS_VER, object_type="solicitud_arco", object_ref=solicitud.folio
    )
    return render(
        request,
        "cuentas/arco_solicitud.html",
        {
            "solicitud": solicitud,
            "form": form,
            "error": error,
            "due": plazos_arco.current_due(solicitud),
            "escritos": selectors.escritos_with_lights(
                selectors.arco_request_escritos(solicitud).select_related("peticionario")
            ),
            "corregidos": [
                (services.RECTIFIABLE_FIELDS.get(field, field), value)
                for field, value in solicitud.rectificacion.items()
            ],
        },
        status=status,
    )


# The Oficialía's view of which escritos are in which accounts ------------------------------


@never_cache
@role_required(Role.OFICIALIA)
@require_http_methods(["GET", "POST"])
def vinculos(request: HttpRequest) -> HttpResponse:
    """Find an escrito's link to an account by folio, link one after seeing an ID, and undo
    one with a reason. A refused form comes back with what was typed, its error by its field."""
    typed = request.GET.get("folio", "")
    folio = parse_folio(typed) or typed.strip().upper()
    posted = request.POST if request.method == "POST" else None
    linking = posted is not None and posted.get("accion") == "vincular"
    vincular = VincularForm(posted if linking else None, auto_id="v-%s", initial={"folio": folio})
    desvincular = DesvincularForm(posted if posted is not None and not linking else None)
    if linking and vincular.is_valid():
        c = vincular.cleaned_data
        try:
            link = services.escrito_link_at_desk(
                user=request.user, folio=c["folio"], email=c["correo"], reason=c["motivo"]
            )
        except ActionError as exc:
            vincular.add_error(None, str(exc))
        else:
            messages.success(request, f"El escrito {link.escrito.folio} quedó en la cuenta.")
            return redirect(f"{reverse('oficialia_vinculos')}?folio={link.escrito.folio}")
    if desvincular.is_bound and desvincular.is_valid():
        try:
            folio = services.escrito_unlink(
                vinculo_id=desvincular.cleaned_data["vinculo"],
                user=request.user,
                reason=desvincular.cleaned_data["motivo"],
            )
        except ActionError as exc:
            desvincular.add_error(None, str(exc))
        else:
            messages.success(request, f"El escrito {folio} ya no está en ninguna cuenta.")
            return redirect(f"{reverse('oficialia_vinculos')}?folio={folio}")
    unlink_id = None
    if desvincular.is_bound:
        # The refused row is shown again, under its escrito's folio, with the reason typed.
        unlink_id = desvincular.cleaned_data.get("vinculo")
        folio = selectors.link_folio(unlink_id) or folio
    failed = any(f.is_bound and f.errors for f in (vincular, desvincular))
    return render(
        request,
        "cuentas/vinculos.html",
        {
            "folio": folio,
            "rows": selectors.links_for_staff(folio),
            "form": desvincular,
            "unlink_id": unlink_id,
            "vincular": vincular,
        },
        status=400 if failed else 200,
    )


# The administración lifts sign-in locks --------------------------------------------------


@never_cache
@role_required(Role.ADMINISTRACION)
@require_http_methods(["GET", "POST"])
def accesos_bloqueados(request: HttpRequest) -> HttpResponse:
    """The locked accounts and addresses, each with its reason to unlock; a refused unlock
    comes back with the reason typed, its error by its row."""
    form = DesbloquearForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        try:
            intentos.access_unlock(
                user=request.user,
                reason=c["motivo"],
                username=c["cuenta"].strip(),
                ip_address=c["direccion"] or "",
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Acceso desbloqueado; quedó en la bitácora.")
            return redirect("accesos_bloqueados")
    locks = intentos.current_locks()
    row = None
    if form.is_bound:
        cuenta, direccion = form.data.get("cuenta", ""), form.data.get("direccion", "")
        row = ("c", cuenta) if cuenta else ("d", direccion)
    return render(
        request,
        "cuentas/accesos_bloqueados.html",
        {
            "locks": locks,
            "form": form,
            "failed_cuenta": row[1] if row and row[0] == "c" else None,
            "failed_direccion": row[1] if row and row[0] == "d" else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
