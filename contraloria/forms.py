"""The desk's search forms: GET parameters read into filters, never anything written."""

from django import forms

from correspondencia.models import Secretaria
from oficialia.entrada import FechaField, whole_number
from oficialia.folios import parse_folio

from .selectors import NO_USER, BitacoraFilters, FilterOptions


def _date_field(label: str) -> forms.DateField:
    return FechaField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Escriba una fecha válida."},
    )


class PeriodForm(forms.Form):
    desde = _date_field("Desde")
    hasta = _date_field("Hasta")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("desde"), cleaned.get("hasta")
        if since and until and since > until:
            raise forms.ValidationError("La fecha «desde» es posterior a la fecha «hasta».")
        return cleaned


class BitacoraSearchForm(PeriodForm):
    """Each choice offers only what the bitácora holds (see bitacora_filter_options)."""

    usuario = forms.ChoiceField(label="Usuario", required=False)
    secretaria = forms.ChoiceField(label="Secretaría", required=False)
    accion = forms.ChoiceField(label="Acción", required=False)
    folio = forms.CharField(
        label="Folio",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "OP-2026-000123", "autocapitalize": "characters"}
        ),
    )
    field_order = ["usuario", "secretaria", "accion", "folio", "desde", "hasta"]

    def __init__(self, data, *, options: FilterOptions):
        super().__init__(data)
        self.fields["usuario"].choices = [
            ("", "Todos"),
            (NO_USER, "Sin usuario (ciudadanía, sistema)"),
            *((str(pk), label) for pk, label in options.users),
        ]
        self.fields["secretaria"].choices = [("", "Todas"), *((s, s) for s in options.secretarias)]
        self.fields["accion"].choices = [("", "Todas"), *options.actions]

    def clean_folio(self) -> str:
        typed = self.cleaned_data["folio"]
        return parse_folio(typed) or typed.strip().upper()

    def filters(self) -> BitacoraFilters:
        data = self.cleaned_data
        user = data.get("usuario") or ""
        return BitacoraFilters(
            actor_id=whole_number(user),
            no_user=user == NO_USER,
            secretaria=data.get("secretaria") or "",
            action=data.get("accion") or "",
            folio=data.get("folio") or "",
            since=data.get("desde"),
            until=data.get("hasta"),
        )


class VencidosForm(forms.Form):
    secretaria = forms.ModelChoiceField(
        label="Secretaría",
        queryset=Secretaria.objects.order_by("nombre"),
        required=False,
        empty_label="Todas",
    )
