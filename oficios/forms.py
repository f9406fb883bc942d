from django import forms

from turnos.models import Sense


class BorradorForm(forms.Form):
    texto = forms.CharField(label="Respuesta", widget=forms.Textarea(attrs={"rows": 8}))
    sense = forms.ChoiceField(label="Sentido", choices=Sense.choices, widget=forms.RadioSelect)


class DevolverForm(forms.Form):
    observaciones = forms.CharField(
        label="Observaciones para quien la redactó", widget=forms.Textarea(attrs={"rows": 3})
    )


class FirmarForm(forms.Form):
    """The titular's e.firma, used for this signing only: nothing of it is stored."""

    borradores = forms.TypedMultipleChoiceField(
        label="Respuestas que firma",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Marque al menos una respuesta para firmar."},
    )
    cer = forms.FileField(
        label="Certificado (.cer)",
        help_text="El archivo .cer de su e.firma del SAT.",
        widget=forms.ClearableFileInput(attrs={"accept": ".cer"}),
    )
    key = forms.FileField(
        label="Llave privada (.key)",
        help_text="El archivo .key de su e.firma.",
        widget=forms.ClearableFileInput(attrs={"accept": ".key"}),
    )
    password = forms.CharField(
        label="Contraseña de la llave privada",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="No se guarda: se usa solo para firmar ahora.",
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borradores"].choices = choices

    def clean(self):
        data = super().clean()
        for name in ("cer", "key"):
            upload = data.get(name)
            if upload is not None:
                if upload.size > 64 * 1024:
                    self.add_error(name, "El archivo es demasiado grande para ser de una e.firma.")
                else:
                    data[f"{name}_bytes"] = upload.read()
        return data


class PlantillaForm(forms.Form):
    nombre = forms.CharField(label="Nombre", max_length=120)
    texto = forms.CharField(
        label="Texto",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Escriba las variables entre llaves, por ejemplo {folio} o {peticionario}.",
    )
    sense = forms.ChoiceField(
        label="Sentido sugerido",
        choices=[("", "— Ninguno —"), *Sense.choices],
        required=False,
    )
    activa = forms.BooleanField(label="Disponible al redactar", required=False, initial=True)

    def clean_texto(self):
        from .plantillas import unknown_variables

        texto = self.cleaned_data["texto"]
        if unknown := unknown_variables(texto):
            raise forms.ValidationError(
                "Estas variables no existen: "
                + ", ".join("{" + v + "}" for v in unknown)
                + ". Use solo las de la lista."
            )
        return texto
