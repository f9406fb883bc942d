from django import forms

from correspondencia.models import PetitionerType, Tramite


class CorreoRadicarForm(forms.Form):
    tipo = forms.ChoiceField(
        label="Tipo de peticionario", choices=PetitionerType.choices, initial=PetitionerType.FISICA
    )
    nombre = forms.CharField(label="Nombre o razón social", max_length=250)
    numero_oficio = forms.CharField(
        label="Número de oficio",
        max_length=60,
        required=False,
        help_text="Solo si lo envía una dependencia de gobierno.",
    )
    asunto = forms.CharField(max_length=250)
    texto = forms.CharField(label="Texto del escrito", widget=forms.Textarea, required=False)
    tramite = forms.ModelChoiceField(
        label="Trámite",
        queryset=Tramite.objects.filter(activo=True),
        required=False,
        empty_label="Ninguno (escrito libre)",
    )

    def clean(self):
        data = super().clean()
        if data.get("tipo") != PetitionerType.DEPENDENCIA and data.get("numero_oficio"):
            self.add_error(
                "numero_oficio", "El número de oficio es solo para dependencias de gobierno."
            )
        return data


class CorreoRechazarForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo del rechazo",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Se le enviará a quien escribió, p. ej. «El mensaje no contiene ninguna "
        "petición» o «Es publicidad».",
    )
