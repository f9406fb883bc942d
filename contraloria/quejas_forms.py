"""Forms of quejas y denuncias: the public one, the reporter's lookup, the contraloría's steps."""

import re
import uuid

from django import forms
from django.utils import timezone

from correspondencia.forms import ConsultaForm, MultipleFileField
from correspondencia.models import Secretaria
from oficialia.adjuntos import inspect_all
from oficialia.entrada import EMAIL_MAX_LENGTH, FechaField
from oficialia.folios import FolioSeries

from .models import QuejaKind
from .quejas_services import QuejaData

# Any series: an escrito's folio (OP-2026-000123) or another queja's.
FOLIO_RE = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")


# What each kind means, said where the citizen chooses it.
KIND_CHOICES = [
    (QuejaKind.COYOTAJE, "Coyotaje: alguien cobra por «agilizar» un trámite o por un lugar"),
    (QuejaKind.SOBORNO, "Soborno o cobro indebido: un servidor público le pidió dinero o un favor"),
    (QuejaKind.MALA_ATENCION, "Mala atención: maltrato, negativa a recibirle, retrasos sin razón"),
    (QuejaKind.OTRA, "Otra irregularidad"),
]


class QuejaForm(forms.Form):
    kind = forms.ChoiceField(
        label="¿Qué quiere reportar?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Elija qué quiere reportar."},
    )
    hechos = forms.CharField(
        label="¿Qué pasó?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Cuéntenos qué pasó, dónde y cuándo, y quién intervino. "
        "Entre más detalles, mejor se puede investigar.",
        error_messages={"required": "Cuéntenos qué pasó."},
    )
    fecha_hechos = FechaField(
        label="Fecha aproximada de los hechos",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Escriba una fecha válida."},
    )
    escrito_folio = forms.CharField(
        label="Folio del escrito relacionado",
        max_length=20,
        required=False,
        help_text="Si tiene que ver con un escrito o trámite, el folio de su acuse.",
        widget=forms.TextInput(
            attrs={"placeholder": "OP-2026-000123", "autocapitalize": "characters"}
        ),
    )
    secretaria = forms.ModelChoiceField(
        label="Secretaría o área",
        queryset=Secretaria.objects.filter(activa=True),
        required=False,
        empty_label="— No sé / ninguna —",
    )
    servidor_publico = forms.CharField(
        label="Servidor público señalado",
        max_length=200,
        required=False,
        help_text="Su nombre, cargo o cómo identificarlo (por ejemplo, «el de la ventanilla 3»).",
    )
    adjuntos = MultipleFileField(
        label="Pruebas",
        required=False,
        help_text="Fotografías o documentos: PDF, JPEG o PNG. Puede elegir varios.",
    )
    nombre = forms.CharField(
        label="Su nombre",
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Correo electrónico",
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telefono = forms.RegexField(
        label="Teléfono",
        regex=r"^\+?[0-9 ()-]{8,20}$",
        required=False,
        error_messages={"invalid": "Escriba un teléfono de 10 dígitos, por ejemplo 747 123 4567."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    acepto_aviso = forms.BooleanField(
        label="He leído el aviso de privacidad.",
        error_messages={"required": "Para presentar la queja debe leer el aviso de privacidad."},
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    def clean_hechos(self) -> str:
        value = self.cleaned_data["hechos"].strip()
        if not value:
            raise forms.ValidationError("Cuéntenos qué pasó.")
        return value

    def clean_fecha_hechos(self):
        value = self.cleaned_data["fecha_hechos"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("La fecha de los hechos no puede ser futura.")
        return value

    def clean_escrito_folio(self) -> str:
        value = "".join(self.cleaned_data["escrito_folio"].split()).upper()
        if value and not FOLIO_RE.match(value):
            raise forms.ValidationError(
                "El folio tiene la forma OP-2026-000123: dos letras, el año y seis dígitos."
            )
        return value

    def clean_nombre(self) -> str:
        return " ".join(self.cleaned_data["nombre"].split())

    def clean_servidor_publico(self) -> str:
        return " ".join(self.cleaned_data["servidor_publico"].split())

    def clean_adjuntos(self):
        return inspect_all(self.cleaned_data.get("adjuntos") or [])

    def to_data(self) -> QuejaData:
        c = self.cleaned_data
        return QuejaData(
            kind=c["kind"],
            hechos=c["hechos"],
            fecha_hechos=c.get("fecha_hechos"),
            escrito_folio=c.get("escrito_folio", ""),
            secretaria=c.get("secretaria"),
            servidor_publico=c.get("servidor_publico", ""),
            nombre=c.get("nombre", ""),
            email=c.get("email", ""),
            telefono=c.get("telefono", ""),
            adjuntos=c["adjuntos"],
        )


class QuejaConsultaForm(ConsultaForm):
    """Folio and access code, as on the escritos' lookup."""

    folio_series = FolioSeries.QUEJA

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folio"].widget.attrs["placeholder"] = "QD-2026-000123"
        self.fields["codigo"].help_text = "Se le mostró al presentar su queja."


class InvestigarForm(forms.Form):
    reason = forms.CharField(
        label="Motivo (interno)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Qué se va a investigar y cómo. No lo ve quien presentó la queja.",
    )


class ConcluirForm(forms.Form):
    resolucion = forms.CharField(
        label="Resolución",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="La lee quien presentó la queja, con su folio y su código de acceso.",
    )
    reason = forms.CharField(
        label="Nota interna",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Solo para la contraloría.",
    )
