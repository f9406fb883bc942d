import uuid
from dataclasses import asdict

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

from oficialia.adjuntos import ACCEPT, inspect_all
from oficialia.entrada import EMAIL_MAX_LENGTH
from oficialia.folios import FolioSeries, parse_folio

from .models import Channel, Gender, PetitionerType, Secretaria, Tramite
from .services import EscritoData, PetitionerData


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, as Django's documentation shows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def validate_curp(value: str) -> str:
    try:
        return stdnum_curp.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            "La CURP no es válida: revise que tenga 18 caracteres y que coincida con la de su "
            "constancia (el último dígito se verifica).",
            code="curp",
        ) from exc


def validate_rfc(value: str, tipo: str) -> str:
    try:
        value = stdnum_rfc.validate(value, validate_check_digits=False)
    except StdnumError as exc:
        raise ValidationError(
            "El RFC no es válido: revise que tenga 12 caracteres (persona moral) o 13 "
            "(persona física), con la fecha en formato AAMMDD.",
            code="rfc",
        ) from exc
    if tipo == PetitionerType.MORAL and len(value) != 12:
        raise ValidationError("El RFC de una persona moral tiene 12 caracteres.", code="rfc")
    return value


class EscritoForm(forms.Form):
    """An escrito filed online by the petitioner."""

    tipo = forms.ChoiceField(
        label="Presenta como",
        choices=PetitionerType.choices,
        initial=PetitionerType.FISICA,
        widget=forms.RadioSelect,
    )
    nombre = forms.CharField(
        label="Nombre completo o razón social",
        max_length=250,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    numero_oficio = forms.CharField(
        label="Número de oficio",
        max_length=60,
        required=False,
        help_text="Solo para dependencias de gobierno.",
    )
    email = forms.EmailField(
        label="Correo electrónico",
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        help_text="Le enviaremos el acuse y los avisos de su escrito.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telefono = forms.RegexField(
        label="Teléfono",
        regex=r"^\+?[0-9 ()-]{8,20}$",
        required=False,
        error_messages={"invalid": "Escriba un teléfono de 10 dígitos, por ejemplo 747 123 4567."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    domicilio = forms.CharField(
        label="Domicilio",
        max_length=300,
        required=False,
        help_text="Calle, número, colonia y código postal, si desea respuesta en papel.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    curp = forms.CharField(label="CURP", max_length=18, required=False, help_text="18 caracteres.")
    rfc = forms.CharField(
        label="RFC",
        max_length=13,
        required=False,
        help_text="12 caracteres (persona moral) o 13 (persona física).",
    )
    genero = forms.ChoiceField(
        label="Género",
        choices=[("", "— Sin especificar —"), *Gender.choices],
        required=False,
        help_text="Solo se usa en estadísticas anónimas.",
    )
    asunto = forms.CharField(label="Asunto", max_length=250)
    texto = forms.CharField(
        label="Texto del escrito",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Puede escribir aquí su petición, adjuntarla en PDF o ambas cosas.",
    )
    tramite = forms.ModelChoiceField(
        label="Trámite relacionado",
        queryset=Tramite.objects.filter(activo=True).select_related("secretaria"),
        required=False,
        empty_label="— Ninguno / no sé —",
    )
    secretaria_destino = forms.ModelChoiceField(
        label="Dirigido a",
        queryset=Secretaria.objects.filter(activa=True),
        required=False,
        empty_label="— Que la Oficialía lo turne —",
    )
    adjuntos = MultipleFileField(
        label="Archivos adjuntos",
        required=False,
        help_text="PDF, JPEG o PNG. Puede elegir varios.",
    )
    acepto_aviso = forms.BooleanField(
        # An acknowledgement, not consent: filing a petition needs none (LGPDPPSO art. 16).
        label="He leído el aviso de privacidad",
        error_messages={
            "required": "Para presentar el escrito marque que leyó el aviso de privacidad."
        },
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    def clean_curp(self) -> str:
        value = self.cleaned_data["curp"].strip().upper()
        return validate_curp(value) if value else ""

    def clean_nombre(self) -> str:
        return " ".join(self.cleaned_data["nombre"].split())

    def clean_asunto(self) -> str:
        return " ".join(self.cleaned_data["asunto"].split())

    def clean_adjuntos(self):
        return inspect_all(self.cleaned_data.get("adjuntos") or [])

    def clean(self):
        cleaned = super().clean()
        tipo = cleaned.get("tipo")
        rfc = (cleaned.get("rfc") or "").strip().upper()
        if rfc:
            try:
                cleaned["rfc"] = validate_rfc(rfc, tipo)
            except ValidationError as exc:
                self.add_error("rfc", exc)
        if tipo == PetitionerType.DEPENDENCIA and not cleaned.get("numero_oficio", "").strip():
            self.add_error(
                "numero_oficio", "Las dependencias de gobierno deben indicar su número de oficio."
            )
        if (
            "texto" in cleaned
            and "adjuntos" in cleaned
            and (not cleaned["texto"].strip() and not cleaned["adjuntos"])
        ):
            self.add_error(
                "texto", "Escriba el texto de su petición o adjunte el escrito en PDF o imagen."
            )
        return cleaned

    def to_data(self) -> EscritoData:
        c = self.cleaned_data
        return EscritoData(
            peticionario=PetitionerData(
                tipo=c["tipo"],
                nombre=c["nombre"],
                email=c.get("email", ""),
                telefono=c.get("telefono", ""),
                curp=c.get("curp", ""),
                rfc=c.get("rfc", ""),
                genero=c.get("genero", ""),
                domicilio=c.get("domicilio", "").strip(),
            ),
            asunto=c["asunto"],
            texto=c.get("texto", "").strip(),
            numero_oficio=c.get("numero_oficio", "").strip(),
            tramite=c.get("tramite"),
            secretaria_destino=c.get("secretaria_destino"),
            adjuntos=c["adjuntos"],
        )


PAPER_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.EN_LINEA]


class VentanillaEscritoForm(EscritoForm):
    """A paper escrito captured by the ventanilla clerk, with its scans."""

    channel = forms.ChoiceField(
        label="Medio de recepción", choices=PAPER_CHANNELS, initial=Channel.VENTANILLA
    )
    fojas = forms.IntegerField(label="Fojas recibidas", min_value=1, max_value=100000)
    anexos = forms.IntegerField(
        label="Anexos en papel", min_value=0, initial=0, max_value=10000, required=False
    )
    anexos_descripcion = forms.CharField(
        label="Descripción de los anexos", max_length=250, required=False
    )
    ubicacion_original = forms.CharField(
        label="Ubicación del original",
        max_length=250,
        help_text="Dónde queda el papel, por ejemplo «Archivo de trámite, caja 2026-11, legajo 4».",
    )
    acepto_aviso = forms.BooleanField(
        label="Mostré el aviso de privacidad al peticionario.",
        error_messages={"required": "Confirme que el peticionario conoció el aviso de privacidad."},
    )

    confirmar_duplicado = forms.BooleanField(
        label="Sí, es otro escrito: registrarlo aunque se parezca al anterior.",
        required=False,
    )

    field_order = [
        "channel",
        "tipo",
        "nombre",
        "numero_oficio",
        "email",
        "telefono",
        "curp",
        "rfc",
        "domicilio",
        "genero",
        "asunto",
        "texto",
        "tramite",
        "secretaria_destino",
        "fojas",
        "anexos",
        "anexos_descripcion",
        "ubicacion_original",
        "adjuntos",
        "acepto_aviso",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adjuntos"].label = "Escaneos"
        self.fields["adjuntos"].help_text = "El escrito escaneado y sus anexos: PDF, JPEG o PNG."
        self.fields[
            "texto"
        ].help_text = "Opcional si adjunta el escaneo: un resumen ayuda al turno."
        self.fields["texto"].widget.attrs["rows"] = 4
        self.fields["email"].help_text = "Si lo da, se le envía el acuse por correo."

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("anexos"):
            cleaned["anexos"] = 0
        return cleaned

    def to_data(self) -> EscritoData:
        data = super().to_data()
        c = self.cleaned_data
        data.fojas = c["fojas"]
        data.anexos = c["anexos"]
        data.anexos_descripcion = c.get("anexos_descripcion", "").strip()
        data.ubicacion_original = c["ubicacion_original"].strip()
        return data


class VentanillaCorreccionForm(VentanillaEscritoForm):
    """The captured data of a paper escrito, corrected, with the reason. The scans, the
    folio and the reception time are not corrected."""

    motivo = forms.CharField(
        label="Motivo de la corrección",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Queda en el historial del escrito, p. ej. «Se capturó mal el número de fojas».",
        error_messages={"required": "Escriba por qué corrige la captura."},
    )

    def __init__(self, *args, escrito=None, **kwargs):
        if escrito is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs["initial"] = self.initial_from(escrito)
        super().__init__(*args, **kwargs)
        for name in ("adjuntos", "acepto_aviso", "submission_token", "confirmar_duplicado"):
            del self.fields[name]

    @staticmethod
    def initial_from(escrito) -> dict:
        from .services.corregir import ESCRITO_FIELDS, PETICIONARIO_FIELDS

        p = escrito.peticionario
        initial = {f: getattr(p, f) for f in PETICIONARIO_FIELDS}
        initial.update({f: getattr(escrito, f) for f in ESCRITO_FIELDS})
        return initial

    def to_changes(self) -> dict:
        c = self.cleaned_data
        data = self.to_data()
        changes = asdict(data.peticionario)
        changes.update(
            channel=c["channel"],
            numero_oficio=data.numero_oficio,
            asunto=data.asunto,
            texto=data.texto,
            tramite=data.tramite,
            secretaria_destino=data.secretaria_destino,
            fojas=data.fojas,
            anexos=data.anexos,
            anexos_descripcion=data.anexos_descripcion,
            ubicacion_original=data.ubicacion_original,
        )
        return changes

    def to_data(self) -> EscritoData:
        self.cleaned_data.setdefault("adjuntos", [])
        return VentanillaEscritoForm.to_data(self)


class ConsultaForm(forms.Form):
    folio = forms.CharField(
        label="Folio",
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "OP-2026-000123", "autocapitalize": "characters"}
        ),
    )
    codigo = forms.CharField(
        label="Código de acceso",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": "ABCDE-23456",
                "autocapitalize": "characters",
                "autocomplete": "off",
            }
        ),
        help_text="Está impreso en su acuse de recibo.",
    )

    folio_series = FolioSeries.ESCRITO

    def clean_folio(self) -> str:
        typed = self.cleaned_data["folio"]
        return parse_folio(typed, series=self.folio_series) or "".join(typed.split()).upper()


class TramiteBusquedaForm(forms.Form):
    """The search box and the secretaría filter of the catálogo de trámites."""

    q = forms.CharField(
        label="Buscar un trámite o servicio",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "p. ej. predial, bacheo, acta",
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    secretaria = forms.ModelChoiceField(
        label="Secretaría",
        queryset=Secretaria.objects.none(),
        to_field_name="siglas",
        required=False,
        empty_label="Todas las secretarías",
    )

    def __init__(self, *args, secretarias=None, **kwargs):
        super().__init__(*args, **kwargs)
        if secretarias is not None:
            self.fields["secretaria"].queryset = secretarias


class VerificarPdfForm(forms.Form):
    archivo = forms.FileField(
        label="Documento PDF",
        help_text="El acuse, el oficio de respuesta o cualquier PDF que le haya entregado el "
        "Ayuntamiento, tal como lo recibió.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_archivo(self):
        upload = self.cleaned_data["archivo"]
        if upload.size > settings.MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(
                f"El archivo pesa {filesizeformat(upload.size)}; el máximo es "
                f"{filesizeformat(settings.MAX_ATTACHMENT_BYTES)}."
            )
        content = upload.read()
        if not content.startswith(b"%PDF-"):
            raise forms.ValidationError(
                "El archivo no es un PDF. Suba el documento PDF tal como lo recibió."
            )
        self.cleaned_data["content"] = content
        return upload
