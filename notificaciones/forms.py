from django import forms
from django.utils import timezone

from oficialia.adjuntos import ACCEPT, inspect
from oficialia.entrada import FechaField

from .models import Canal, Resultado
from .practica import channels_allowed


class CanalForm(forms.Form):
    canal = forms.ChoiceField(label="Medio de notificación", choices=())
    motivo = forms.CharField(
        label="Motivo del cambio",
        max_length=300,
        help_text="Por ejemplo: «No tiene correo; pasará a la ventanilla».",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canal"].choices = channels_allowed()


class DiligenciaForm(forms.Form):
    resultado = forms.ChoiceField(
        label="Resultado", choices=Resultado.choices, widget=forms.RadioSelect
    )
    fecha = FechaField(
        label="Fecha de la diligencia", widget=forms.DateInput(attrs={"type": "date"})
    )
    hora = forms.TimeField(label="Hora", widget=forms.TimeInput(attrs={"type": "time"}))
    recibio_nombre = forms.CharField(
        label="Nombre de quien recibió",
        max_length=250,
        required=False,
        help_text="Como aparece en su identificación.",
    )
    recibio_identificacion = forms.CharField(
        label="Identificación que presentó",
        max_length=120,
        required=False,
        help_text="Por ejemplo: «INE, clave de elector …».",
    )
    notas = forms.CharField(
        label="Observaciones",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, canal: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # A personal notification is delivered or not; one by estrados is posted.
        offered = (
            [Resultado.PUBLICADA]
            if canal == Canal.ESTRADOS
            else [Resultado.ENTREGADA, Resultado.NO_LOCALIZADO]
        )
        self.fields["resultado"].choices = [(r.value, r.label) for r in offered]

    def clean(self):
        data = super().clean()
        if data.get("fecha") and data.get("hora"):
            data["at"] = timezone.make_aware(
                timezone.datetime.combine(data["fecha"], data["hora"])
            )
        if data.get("resultado") == Resultado.ENTREGADA and not (
            data.get("recibio_nombre") or ""
        ).strip():
            self.add_error("recibio_nombre", "Escriba el nombre de quien recibió la cédula.")
        return data


class EscaneoForm(forms.Form):
    escaneo = forms.FileField(
        label="Cédula firmada, escaneada (PDF, JPEG o PNG)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_escaneo(self):
        return inspect(self.cleaned_data["escaneo"])
