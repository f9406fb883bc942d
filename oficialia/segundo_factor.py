"""Second factor for staff (django-otp): a TOTP app on the phone, plus ten one-time recovery
codes. Required of the roles in OFICIALIA_2FA_ROLES (titular, contraloría, administración by
default); members of the EXEMPT_GROUP (the demo users, so the demo opens with a password)
are not asked. The middleware sends a signed-in person who owes the second factor to set it
up (first time) or to type a code (every sign-in) before any other page."""

import base64
from io import BytesIO

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import roles_of

EXEMPT_GROUP = "sin_segundo_factor"
RECOVERY_CODES = 10
SESSION_NEW_CODES = "segundo_factor_codigos"
# Pages a person who owes the second factor may still open.
ALLOWED_PREFIXES = ("/cuenta/segundo-factor/", "/cuenta/salir/", "/static/", "/salud/")
ALLOWED_PATHS = ("/healthz", "/metrics")


def required_for(user) -> bool:
    if not user.is_authenticated or not settings.SECOND_FACTOR_ROLES:
        return False
    if not roles_of(user) & set(settings.SECOND_FACTOR_ROLES):
        return False
    return not user.groups.filter(name=EXEMPT_GROUP).exists()


class SecondFactorMiddleware:
    """After django_otp.middleware.OTPMiddleware (which sets user.is_verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not path.startswith(ALLOWED_PREFIXES)
            and path not in ALLOWED_PATHS
            and required_for(user)
        ):
            target = "segundo_factor" if user_has_device(user) else "segundo_factor_configurar"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    codigo = forms.CharField(
        label="Código",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="Los 6 dígitos de su aplicación, o uno de sus códigos de recuperación.",
    )

    def clean_codigo(self) -> str:
        return "".join(self.cleaned_data["codigo"].split()).replace("-", "").lower()


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would take anything else for a view's name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}
    ):
        return reverse("staff_home")
    return target


def _qr_data_uri(text: str) -> str:
    buffer = BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _new_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recuperación")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@login_required
def configurar(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP app: scan the code, type one code to prove it works, get the recovery
    codes once."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not user.is_verified():
        return redirect(f"{reverse('segundo_factor')}?next={_safe_next(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="aplicación", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["codigo"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            request.session[SESSION_NEW_CODES] = _new_recovery_codes(user)
            return redirect(f"{reverse('segundo_factor_codigos')}?next={_safe_next(request)}")
        form.add_error(
            "codigo",
            "El código no coincide. Revise la hora del teléfono y escriba el código que se "
            "muestra ahora.",
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/segundo_factor_configurar.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request),
        },
    )


@login_required
def codigos(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(SESSION_NEW_CODES, None)
    if not codes:
        return redirect(_safe_next(request))
    return render(
        request,
        "registration/segundo_factor_codigos.html",
        {"codes": codes, "next": _safe_next(request)},
    )


@login_required
def verificar(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["codigo"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"Usó un código de recuperación; le quedan {left}. Si perdió el teléfono, "
                    "pida a la administración que restablezca su segundo factor.",
                )
            return redirect(_safe_next(request))
        form.add_error(
            "codigo",
            "El código no es válido o ya se usó. Escriba el código que muestra su aplicación "
            "ahora.",
        )
    return render(
        request,
        "registration/segundo_factor.html",
        {"form": form, "next": _safe_next(request)},
    )
