from datetime import date, time

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone

from correspondencia.models import Secretaria
from oficialia.entrada import EMAIL_MAX_LENGTH

from .agenda import Slot, local_moment
from .models import HorarioCitas, Modulo, Servicio, Weekday
from .services import CITA_CODE_LENGTH, normalize_cita_code
from .templatetags.fila import long_day


class KioscoForm(forms.Form):
    """The service a walk-in chooses at the kiosk (one big button per service)."""

    servicio = forms.ModelChoiceField(
        queryset=Servicio.objects.none(),
        error_messages={
            "required": "Elija el servicio que necesita.",
            "invalid_choice": "Ese servicio ya no se ofrece. Elija otro.",
        },
    )

    def __init__(self, *args, secretaria: Secretaria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["servicio"].queryset = Servicio.objects.filter(
            secretaria=secretaria, activo=True
        )


class LlegadaForm(forms.Form):
    """Check-in at the kiosk with the appointment's code."""

    codigo = forms.CharField(
        label="Código de su cita",
        max_length=12,
        help_text="Viene en el comprobante de su cita; por ejemplo, K7M-2QX.",
        error_messages={"required": "Escriba el código de su cita."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_codigo(self) -> str:
        code = normalize_cita_code(self.cleaned_data["codigo"])
        if len(code) != CITA_CODE_LENGTH:
            raise forms.ValidationError(
                f"El código tiene {CITA_CODE_LENGTH} letras y números; revise su comprobante."
            )
        return code


def day_label(day: date) -> str:
    return long_day(day).capitalize()


class CitaForm(forms.Form):
    """An appointment booked online: the service, a free slot and who is coming."""

    servicio = forms.ModelChoiceField(
        label="Servicio",
        queryset=Servicio.objects.none(),
        empty_label="— Elija un servicio —",
        error_messages={"required": "Elija el servicio que necesita."},
    )
    fecha = forms.ChoiceField(label="Día", error_messages={"required": "Elija el día de su cita."})
    hora = forms.ChoiceField(
        label="Hora",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Elija la hora de su cita.",
            "invalid_choice": "Ese horario ya no está disponible. Elija otro.",
        },
    )
    nombre = forms.CharField(
        label="Nombre completo",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Escriba su nombre: así lo atenderán en el módulo."},
    )
    telefono = forms.RegexField(
        label="Teléfono",
        regex=r"^\+?[0-9 ()-]{8,20}$",
        required=False,
        error_messages={"invalid": "Escriba un teléfono de 10 dígitos, por ejemplo 747 123 4567."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label="Correo electrónico",
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    acepto_aviso = forms.BooleanField(
        label="He leído el aviso de privacidad.",
        error_messages={"required": "Para reservar la cita debe aceptar el aviso de privacidad."},
    )

    def __init__(self, *args, secretaria: Secretaria, days: dict[date, list[Slot]], **kwargs):
        super().__init__(*args, **kwargs)
        self.secretaria = secretaria
        self.days = days
        self.fields["servicio"].queryset = Servicio.objects.filter(
            secretaria=secretaria, activo=True
        ).order_by("orden", "letra")
        self.fields["servicio"].label_from_instance = lambda servicio: servicio.nombre
        self.fields["fecha"].choices = [(day.isoformat(), day_label(day)) for day in days]
        if not days:
            # The last free slot went while the person was typing: the form comes back with
            # what they wrote and this, by the day.
            gone = (
                "Ya no quedan horarios libres en los próximos días. Puede acudir sin cita y "
                "tomar una ficha en el kiosco de la entrada."
            )
            self.fields["fecha"].error_messages.update(required=gone, invalid_choice=gone)
            self.fields["hora"].required = False
        self.chosen_day = self._chosen_day()
        slots = days.get(self.chosen_day, [])
        self.fields["hora"].choices = [
            (
                f"{timezone.localtime(s.inicio):%H:%M}",
                f"{timezone.localtime(s.inicio):%H:%M}",
            )
            for s in slots
        ]
        self.slots = slots

    def _chosen_day(self) -> date | None:
        raw = self.data.get("fecha") if self.is_bound else self.initial.get("fecha")
        try:
            chosen = date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):
            chosen = None
        if chosen in self.days:
            return chosen
        return next(iter(self.days), None)

    def clean_nombre(self) -> str:
        return " ".join(self.cleaned_data["nombre"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fecha") and cleaned.get("hora"):
            day = date.fromisoformat(cleaned["fecha"])
            clock = time.fromisoformat(cleaned["hora"])
            cleaned["inicio"] = local_moment(day, clock)
        return cleaned


class TransferForm(forms.Form):
    """Where the person at the window goes next: a service of any secretaría."""

    servicio = forms.TypedChoiceField(
        label="Enviar a",
        coerce=int,
        error_messages={"required": "Elija la secretaría y el servicio."},
    )

    def __init__(self, *args, exclude: Servicio | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        services = Servicio.objects.filter(activo=True, secretaria__activa=True).select_related(
            "secretaria"
        )
        for servicio in services.order_by("secretaria__nombre", "orden", "letra"):
            if exclude is not None and servicio.pk == exclude.pk:
                continue
            groups.setdefault(servicio.secretaria.nombre, []).append(
                (servicio.pk, f"{servicio.letra} · {servicio.nombre}")
            )
        self.fields["servicio"].choices = [("", "— Elija —"), *groups.items()]


class HorarioForm(forms.ModelForm):
    class Meta:
        model = HorarioCitas
        fields = [
            "modulo",
            "dia_semana",
            "hora_inicio",
            "hora_fin",
            "duracion_minutos",
            "capacidad",
            "activo",
        ]
        widgets = {
            "hora_inicio": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "hora_fin": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, secretaria: Secretaria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modulo"].queryset = Modulo.objects.filter(secretaria=secretaria, activo=True)
        self.fields["modulo"].empty_label = "— Módulo —"
        self.fields["modulo"].label_from_instance = lambda modulo: modulo.nombre
        self.fields["dia_semana"].choices = [("", "— Día —"), *Weekday.choices]
        # A table row: the column header is the visible label; screen readers get it here.
        self.fields["capacidad"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label).capitalize())


class BaseHorarioFormSet(BaseModelFormSet):
    def __init__(self, *args, secretaria: Secretaria, **kwargs):
        self.secretaria = secretaria
        kwargs.setdefault("form_kwargs", {})["secretaria"] = secretaria
        kwargs.setdefault(
            "queryset",
            HorarioCitas.objects.filter(modulo__secretaria=secretaria).select_related("modulo"),
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Eliminar este horario"


HorarioFormSet = modelformset_factory(
    HorarioCitas, form=HorarioForm, formset=BaseHorarioFormSet, extra=2, can_delete=True
)
