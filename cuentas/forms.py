from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from correspondencia.forms import validate_curp, validate_rfc
from correspondencia.models import PetitionerType
from oficialia.entrada import EMAIL_MAX_LENGTH

from .correos import email_queue
from .models import OPTIONAL_NOTICE_KINDS, ArcoKind, CorreoKind, Cuenta, Tratamiento
from .services import normalize_email

User = get_user_model()

TELEFONO_REGEX = r"^\+?[0-9 ()-]{8,20}$"  # as in the filing form
TELEFONO_ERROR = "Escriba un teléfono de 10 dígitos, por ejemplo 747 123 4567."


class RegistroForm(forms.Form):
    email = forms.EmailField(
        label="Correo electrónico",
        max_length=EMAIL_MAX_LENGTH,
        help_text="Le enviaremos un enlace para confirmarlo.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Contraseña",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Al menos 8 caracteres; que no sea solo números ni una contraseña común.",
    )
    password2 = forms.CharField(
        label="Repita la contraseña",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    acepto_aviso = forms.BooleanField(
        label="He leído el aviso de privacidad y acepto el tratamiento de mis datos.",
        error_messages={"required": "Para crear la cuenta debe aceptar el aviso de privacidad."},
    )

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Las contraseñas no coinciden.")
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(username="", email=cleaned.get("email", ""))
                )
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class EntrarForm(AuthenticationForm):
    """Sign-in with the email of a citizen account. It goes through `authenticate()`, so
    django-axes throttles it exactly as the staff sign-in (per account and per address)."""

    error_messages = {
        "invalid_login": "Correo o contraseña incorrectos. Revise mayúsculas y vuelva a intentar.",
        "inactive": "Correo o contraseña incorrectos. Revise mayúsculas y vuelva a intentar.",
        "unverified": (
            "Su cuenta aún no está confirmada: abra el enlace que le enviamos por correo "
            "(o pida uno nuevo abajo)."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Correo electrónico"
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs.update({"autocomplete": "email"})
        self.fields["password"].label = "Contraseña"

    def clean_username(self) -> str:
        """The account's handle for the address typed; an unknown address is passed on as
        typed, so that it fails (and is counted) like a wrong password."""
        email = normalize_email(self.cleaned_data["username"])
        cuenta = Cuenta.objects.select_related("user").filter(email=email).first()
        return cuenta.user.get_username() if cuenta else email

    def confirm_login_allowed(self, user) -> None:
        cuenta = Cuenta.objects.filter(user=user).first()
        if cuenta is None or cuenta.cancelled_at is not None or not user.is_active:
            # A staff account: this is not its door. Said as a wrong password would be.
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        if cuenta.verified_at is None:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class ReenviarForm(forms.Form):
    email = forms.EmailField(
        label="Correo electrónico",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CuentaPasswordResetForm(PasswordResetForm):
    """Password reset for citizen accounts only: staff passwords are the administración's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Correo electrónico de su cuenta"

    def get_users(self, email):
        users = User.objects.filter(
            cuenta__email=normalize_email(email),
            cuenta__cancelled_at__isnull=True,
            is_active=True,
        )
        return (u for u in users if u.has_usable_password())

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email,
        html_email_template_name=None,
    ):  # fmt: skip
        """Through the account's outbox, like its other emails: a mail server that is down
        delays the link, it does not lose it."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_queue(CorreoKind.CONTRASENA, to=to_email, subject=subject, body=body)


class DatosForm(forms.ModelForm):
    """The petitioner data the account keeps to fill the filing form."""

    telefono = forms.RegexField(
        label="Teléfono",
        regex=TELEFONO_REGEX,
        required=False,
        error_messages={"invalid": TELEFONO_ERROR},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = Cuenta
        fields = ["nombre", "telefono", "curp", "domicilio"]
        widgets = {
            "nombre": forms.TextInput(attrs={"autocomplete": "name"}),
            "domicilio": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
        help_texts = {
            "curp": "18 caracteres.",
            "domicilio": "Calle, número, colonia y código postal.",
        }

    def clean_nombre(self) -> str:
        return " ".join(self.cleaned_data["nombre"].split())

    def clean_curp(self) -> str:
        value = self.cleaned_data["curp"].strip().upper()
        return validate_curp(value) if value else ""


class AvisosForm(forms.Form):
    por_correo = forms.MultipleChoiceField(
        label="Avisarme por correo de",
        # Only the optional ones: prevenciones, answers, acuerdos and prórrogas always go out.
        choices=[(k.value, k.label) for k in OPTIONAL_NOTICE_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RectificacionForm(forms.Form):
    corrected_fields = ("nombre", "telefono", "curp", "rfc")

    detalle = forms.CharField(
        label="¿Qué está mal y dónde?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Por ejemplo: «Mi segundo apellido está mal escrito en mis escritos».",
    )
    nombre = forms.CharField(label="Nombre correcto", max_length=250, required=False)
    telefono = forms.RegexField(
        label="Teléfono correcto",
        regex=TELEFONO_REGEX,
        required=False,
        error_messages={"invalid": TELEFONO_ERROR},
    )
    curp = forms.CharField(label="CURP correcta", max_length=18, required=False)
    rfc = forms.CharField(label="RFC correcto", max_length=13, required=False)

    def clean_nombre(self) -> str:
        return " ".join(self.cleaned_data["nombre"].split())

    def clean_curp(self) -> str:
        value = self.cleaned_data["curp"].strip().upper()
        return validate_curp(value) if value else ""

    def clean_rfc(self) -> str:
        value = self.cleaned_data["rfc"].strip().upper()
        return validate_rfc(value, PetitionerType.FISICA) if value else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(f) for f in self.corrected_fields):
            raise ValidationError("Escriba al menos un dato corregido.")
        return cleaned

    def corrected(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.corrected_fields if self.cleaned_data[f]}


class CancelacionForm(forms.Form):
    detalle = forms.CharField(
        label="Motivo de la solicitud",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirmo = forms.BooleanField(
        label="Entiendo que, si procede, se borrarán mis datos y mi cuenta quedará cerrada.",
        error_messages={"required": "Marque la casilla para confirmar la solicitud."},
    )


class AccesoForm(forms.Form):
    detalle = forms.CharField(
        label="¿Qué datos quiere conocer?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Todos los datos personales que el Ayuntamiento tiene sobre mí en este sistema.",
        help_text="Puede pedirlos todos o decir cuáles; también para qué se usan y a quién "
        "se han transferido.",
    )


class OposicionForm(forms.Form):
    tratamiento = forms.ChoiceField(
        label="¿A qué uso de sus datos se opone?",
        choices=Tratamiento.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Elija el uso de sus datos al que se opone."},
    )
    detalle = forms.CharField(
        label="Motivo",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Por qué se opone; si eligió «Otro», describa también el tratamiento.",
    )


class ResolverForm(forms.Form):
    """The Unidad de Transparencia's answer to an ARCO request."""

    decision = forms.ChoiceField(
        label="Decisión",
        choices=[
            ("aplicar", "Procedente: hacerla efectiva ahora"),
            ("procedente", "Procedente: hacerla efectiva después (dentro del plazo)"),
            ("improcedente", "Improcedente"),
        ],
        widget=forms.RadioSelect,
    )
    resolucion = forms.CharField(
        label="Respuesta al titular",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoria si es improcedente: el fundamento y el motivo. "
        "No escriba datos personales: se conserva después de una cancelación.",
    )


class DesvincularForm(forms.Form):
    vinculo = forms.IntegerField(widget=forms.HiddenInput)
    motivo = forms.CharField(
        label="Motivo",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Por ejemplo: lo agregó un gestor; el peticionario se identificó en ventanilla.",
        error_messages={"required": "Escriba por qué se quita el escrito de la cuenta."},
    )


class VincularForm(forms.Form):
    """The Oficialía puts an escrito in an account after seeing the petitioner's ID."""

    folio = forms.CharField(label="Folio", max_length=30)
    correo = forms.EmailField(label="Correo de la cuenta", max_length=EMAIL_MAX_LENGTH)
    motivo = forms.CharField(
        label="Cómo se identificó",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Escriba cómo se identificó el peticionario."},
    )


class DesbloquearForm(forms.Form):
    """The administración lifts the sign-in lock of one account or one address."""

    cuenta = forms.CharField(required=False, max_length=150, widget=forms.HiddenInput)
    direccion = forms.GenericIPAddressField(required=False, widget=forms.HiddenInput)
    motivo = forms.CharField(
        label="Motivo",
        max_length=500,
        error_messages={
            "required": "Escriba por qué se desbloquea (por ejemplo, cómo se identificó)."
        },
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("cuenta")) == bool(cleaned.get("direccion")) and not (
            self.has_error("cuenta") or self.has_error("direccion")
        ):
            raise forms.ValidationError("Elija una cuenta o una dirección que desbloquear.")
        return cleaned


class ArcoPapelForm(forms.Form):
    """An ARCO request presented on paper at the ventanilla."""

    derecho = forms.ChoiceField(
        label="Derecho que ejerce", choices=ArcoKind.choices, widget=forms.RadioSelect
    )
    tratamiento = forms.ChoiceField(
        label="Tratamiento al que se opone (solo oposición)",
        choices=[("", "—"), *Tratamiento.choices],
        required=False,
    )
    titular_nombre = forms.CharField(
        label="Nombre del titular",
        max_length=250,
        help_text="Identificado en ventanilla con identificación oficial.",
    )
    titular_contacto = forms.CharField(
        label="Correo o domicilio para notificarle la respuesta", max_length=300
    )
    folios = forms.CharField(
        label="Folios de los escritos a los que se refiere",
        required=False,
        max_length=500,
        help_text="Separados por espacios o comas, p. ej. OP-2026-000123.",
    )
    detalle = forms.CharField(
        label="Lo que pide", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    nombre = forms.CharField(label="Nombre corregido", required=False, max_length=250)
    telefono = forms.CharField(label="Teléfono corregido", required=False, max_length=20)
    curp = forms.CharField(label="CURP corregida", required=False, max_length=18)
    rfc = forms.CharField(label="RFC corregido", required=False, max_length=13)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("derecho") == ArcoKind.OPOSICION and not cleaned.get("tratamiento"):
            self.add_error("tratamiento", "Elija el tratamiento al que se opone el titular.")
        return cleaned
