from django import forms

from correspondencia.models import Channel, EscritoState, Secretaria, Tramite
from oficialia.entrada import FechaField
from turnos.plazos import Light

from .consulta import Filtros

LIGHTS = [(v, label) for v, label in Light.choices if v != Light.CLOSED]


class BusquedaForm(forms.Form):
    q = forms.CharField(
        label="Buscar",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Folio (2026-123), nombre, palabras del escrito o de sus anexos",
                "autocomplete": "off",
            }
        ),
    )
    desde = FechaField(
        label="Recibido desde", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hasta = FechaField(
        label="Recibido hasta", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    secretaria = forms.ModelChoiceField(
        label="Secretaría", queryset=Secretaria.objects.all(), required=False, empty_label="Todas"
    )
    estado = forms.ChoiceField(
        label="Estado", choices=[("", "Todos"), *EscritoState.choices], required=False
    )
    canal = forms.ChoiceField(
        label="Medio", choices=[("", "Todos"), *Channel.choices], required=False
    )
    tramite = forms.ModelChoiceField(
        label="Trámite", queryset=Tramite.objects.all(), required=False, empty_label="Todos"
    )
    semaforo = forms.ChoiceField(label="Semáforo", choices=[("", "Todos"), *LIGHTS], required=False)

    def clean(self):
        data = super().clean()
        desde, hasta = data.get("desde"), data.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", "La fecha final es anterior a la inicial.")
        return data

    def filtros(self) -> Filtros:
        d = self.cleaned_data
        return Filtros(
            desde=d.get("desde"),
            hasta=d.get("hasta"),
            secretaria_id=d["secretaria"].pk if d.get("secretaria") else None,
            estado=d.get("estado") or "",
            canal=d.get("canal") or "",
            tramite_id=d["tramite"].pk if d.get("tramite") else None,
            semaforo=d.get("semaforo") or "",
        )


class GuardarForm(forms.Form):
    nombre = forms.CharField(label="Guardar esta búsqueda como", max_length=80)
