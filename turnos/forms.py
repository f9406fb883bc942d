from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from correspondencia.forms import MultipleFileField
from correspondencia.models import Area, Secretaria
from oficialia.adjuntos import PDF, inspect, inspect_all
from oficialia.entrada import FechaField
from oficialia.roles import Role

from .models import Sense, TareaState, TurnoKind
from .services import Route

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RouteForm(forms.Form):
    secretaria = forms.ModelChoiceField(
        label="Secretaría",
        queryset=Secretaria.objects.filter(activa=True),
        required=False,
        empty_label="— Elija una secretaría —",
    )
    area = forms.ModelChoiceField(
        label="Área",
        queryset=Area.objects.select_related("secretaria"),
        required=False,
        empty_label="— Toda la secretaría —",
    )
    kind = forms.ChoiceField(label="Tipo", choices=TurnoKind.choices, initial=TurnoKind.ATENCION)
    instruccion = forms.CharField(
        label="Instrucción", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        area, secretaria = cleaned.get("area"), cleaned.get("secretaria")
        if area and not secretaria:
            self.add_error("secretaria", "Elija la secretaría del área.")
        if area and secretaria and area.secretaria_id != secretaria.pk:
            self.add_error("area", f"El área «{area.nombre}» no pertenece a {secretaria}.")
        return cleaned

    def to_route(self) -> Route | None:
        c = self.cleaned_data
        if not c.get("secretaria"):
            return None
        return Route(
            secretaria=c["secretaria"],
            kind=c["kind"],
            area=c.get("area"),
            instruccion=c.get("instruccion", "").strip(),
        )


RouteFormSet = forms.formset_factory(RouteForm, extra=3, max_num=8)


class DueDateForm(forms.Form):
    due_date = FechaField(label="Fecha límite", widget=DateInput(), required=False)
    due_date_reason = forms.CharField(
        label="Motivo del cambio",
        required=False,
        max_length=250,
        help_text="Obligatorio solo si cambia la fecha calculada.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motivo", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class RerouteForm(forms.Form):
    secretaria = forms.ModelChoiceField(
        label="Turnar a", queryset=Secretaria.objects.filter(activa=True)
    )
    instruccion = forms.CharField(
        label="Instrucción", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Asignar a", queryset=User.objects.none())
    descripcion = forms.CharField(
        label="Qué hay que hacer", widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = FechaField(label="Fecha límite de la tarea", widget=DateInput())

    def __init__(self, *args, secretaria_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, perfil__secretaria_id=secretaria_id, groups__name=Role.OPERATIVO
        ).order_by("first_name", "username")
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class PreventForm(forms.Form):
    texto = forms.CharField(
        label="Información o documentos que faltan",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "El peticionario lo verá en su consulta y en su correo, con el plazo que tiene para "
            "responder; el plazo de respuesta se suspende hasta que responda."
        ),
    )


class ProrrogaForm(forms.Form):
    days = forms.IntegerField(label="Días hábiles más", min_value=1, max_value=365)
    reason = forms.CharField(
        label="Motivo",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="El peticionario verá la nueva fecha límite y este motivo.",
    )


class AcuerdoNoPresentadoForm(forms.Form):
    texto = forms.CharField(
        label="Acuerdo",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=(
            "Fundamento y resolutivo: se tiene por no presentado el escrito porque la prevención "
            "no se respondió en el plazo. Se notifica al peticionario."
        ),
    )


class AnswerForm(forms.Form):
    texto = forms.CharField(label="Respuesta", widget=forms.Textarea(attrs={"rows": 6}))
    sense = forms.ChoiceField(label="Sentido", choices=Sense.choices, widget=forms.RadioSelect)
    oficio = forms.FileField(
        label="Oficio de respuesta (PDF firmado)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_oficio(self):
        upload = self.cleaned_data.get("oficio")
        if not upload:
            return None
        inspected = inspect(upload)
        if inspected.content_type != PDF:
            raise ValidationError("El oficio de respuesta debe ser un PDF.")
        return inspected


class TareaProgressForm(forms.Form):
    state = forms.ChoiceField(
        label="Estado",
        choices=[(TareaState.EN_PROCESO, "En proceso"), (TareaState.TERMINADA, "Terminada")],
        widget=forms.RadioSelect,
        initial=TareaState.EN_PROCESO,
    )
    texto = forms.CharField(label="Comentario", widget=forms.Textarea(attrs={"rows": 3}))


class PrevencionAnswerForm(forms.Form):
    texto = forms.CharField(
        label="Su respuesta", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    adjuntos = MultipleFileField(
        label="Documentos", required=False, help_text="PDF, JPEG o PNG. Puede elegir varios."
    )

    def clean_adjuntos(self):
        return inspect_all(self.cleaned_data.get("adjuntos") or [])

    def clean(self):
        cleaned = super().clean()
        if (
            "adjuntos" in cleaned
            and not cleaned.get("texto", "").strip()
            and not cleaned["adjuntos"]
        ):
            raise ValidationError(
                "Escriba su respuesta o adjunte los documentos que se le pidieron."
            )
        return cleaned


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label="¿Cómo califica la atención que recibió?",
        choices=[
            (5, "5 · Excelente"),
            (4, "4 · Buena"),
            (3, "3 · Regular"),
            (2, "2 · Mala"),
            (1, "1 · Muy mala"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comentario = forms.CharField(
        label="Comentario", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DesistirForm(forms.Form):
    """The petitioner withdraws the escrito: asked to confirm, the reason optional."""

    motivo = forms.CharField(
        label="Motivo",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Opcional. Quedará en el historial del escrito.",
    )
    confirmo = forms.BooleanField(
        label="Confirmo que me desisto de este escrito: ya no será atendido y no podrá reanudarse.",
        error_messages={"required": "Marque la casilla para confirmar el desistimiento."},
    )


class SeleccionField(forms.Field):
    """The ids of the rows marked on a desk (checkboxes with the field's name)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Marque al menos uno en la lista.",
        "invalid": "La selección no es válida: recargue la página y márquelos de nuevo.",
    }

    def to_python(self, value):
        if not value:
            return []
        try:
            return list(dict.fromkeys(int(v) for v in value))
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class LoteTurnarForm(forms.Form):
    """Route every marked escrito to one secretaría, para atención, with one instruction."""

    escritos = SeleccionField(label="Escritos marcados")
    secretaria = forms.ModelChoiceField(
        label="Turnar a",
        queryset=Secretaria.objects.filter(activa=True),
        empty_label="— Elija una secretaría —",
    )
    instruccion = forms.CharField(
        label="Instrucción",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="La misma para todos; cada escrito lleva su propia fecha límite.",
    )


class LoteAceptarForm(forms.Form):
    turnos = SeleccionField(label="Turnos marcados")


class LoteAsignarForm(AssignForm):
    """The same task, to the same person, on every marked turno."""

    turnos = SeleccionField(label="Turnos marcados")
    field_order = ["turnos", "assignee", "descripcion", "due_date"]


class AvisosForm(forms.Form):
    avisos = SeleccionField(label="Avisos marcados")


class SuplenciaForm(forms.Form):
    suplente = forms.ModelChoiceField(label="Suplente", queryset=User.objects.none())
    desde = FechaField(label="Desde", widget=DateInput())
    hasta = FechaField(
        label="Hasta (inclusive)",
        widget=DateInput(),
        help_text="La suplencia termina sola al acabar este día.",
    )
    motivo = forms.CharField(label="Motivo", required=False, max_length=250)

    def __init__(self, *args, user, **kwargs):
        from oficialia.suplencias import staff_choices

        super().__init__(*args, **kwargs)
        self.fields["suplente"].queryset = staff_choices(user)
        self.fields["suplente"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        cleaned = super().clean()
        desde, hasta = cleaned.get("desde"), cleaned.get("hasta")
        if desde and hasta and hasta < desde:
            self.add_error("hasta", "La fecha final no puede ser anterior a la inicial.")
        return cleaned
