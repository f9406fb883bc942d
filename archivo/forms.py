from django import forms

from correspondencia.models import Tramite
from oficialia.entrada import FechaField

from .instrumentos import SerieData
from .models import Deposito, Destino, Expediente, Fondo, Seccion, SeccionTipo, Serie


class SerieForm(forms.Form):
    seccion = forms.ModelChoiceField(
        label="Sección", queryset=Seccion.objects.select_related("fondo")
    )
    padre = forms.ModelChoiceField(
        label="Serie a la que pertenece (solo si es subserie)",
        queryset=Serie.objects.filter(vigente=True, padre__isnull=True),
        required=False,
        empty_label="— Es una serie —",
    )
    codigo = forms.CharField(label="Código", max_length=30, help_text="p. ej. AM.4S.5")
    nombre = forms.CharField(label="Nombre", max_length=200)
    descripcion = forms.CharField(
        label="Descripción", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valor_administrativo = forms.BooleanField(label="Valor administrativo", required=False)
    valor_legal = forms.BooleanField(label="Valor legal", required=False)
    valor_fiscal = forms.BooleanField(label="Valor fiscal o contable", required=False)
    vigencia_tramite = forms.IntegerField(
        label="Vigencia en archivo de trámite (años)", min_value=0, max_value=100
    )
    vigencia_concentracion = forms.IntegerField(
        label="Vigencia en archivo de concentración (años)", min_value=0, max_value=100
    )
    destino = forms.ChoiceField(label="Destino final", choices=Destino.choices)
    fundamento = forms.CharField(
        label="Fundamento legal", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tramites = forms.ModelMultipleChoiceField(
        label="Trámites que se clasifican en esta serie",
        queryset=Tramite.objects.order_by("nombre"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    por_defecto = forms.BooleanField(
        label="Serie por defecto (escritos sin trámite o con un trámite sin serie)", required=False
    )
    motivo = forms.CharField(
        label="Motivo del cambio",
        max_length=300,
        required=False,
        help_text="Obligatorio al modificar: se crea una versión nueva y lo ya clasificado "
        "conserva la anterior.",
    )

    def to_data(self) -> SerieData:
        c = dict(self.cleaned_data)
        c.pop("motivo")
        c["tramites"] = list(c["tramites"])
        return SerieData(**c)


class ReclasificarForm(forms.Form):
    serie = forms.ModelChoiceField(
        label="Serie nueva",
        queryset=Serie.objects.filter(vigente=True).select_related("seccion").order_by("codigo"),
    )
    motivo = forms.CharField(label="Motivo", max_length=300)


class PrestamoForm(forms.Form):
    expediente = forms.CharField(label="Número de expediente", max_length=30)
    solicitante = forms.ModelChoiceField(
        label="Quién lo lleva",
        queryset=None,
        help_text="Personal del Ayuntamiento con cuenta en el sistema.",
    )
    motivo = forms.CharField(label="Para qué", max_length=300)
    vence = FechaField(
        label="Fecha de devolución", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["solicitante"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__isnull=False)
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["solicitante"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )

    def clean_expediente(self):
        numero = self.cleaned_data["expediente"].strip().upper()
        expediente = Expediente.objects.filter(numero=numero).first()
        if expediente is None:
            raise forms.ValidationError(f"No hay un expediente con el número {numero}.")
        return expediente


class CajaForm(forms.Form):
    deposito = forms.ModelChoiceField(label="Archivo", queryset=Deposito.objects.all())
    estante = forms.CharField(label="Estante", max_length=10, help_text="p. ej. E02")
    codigo = forms.CharField(label="Caja", max_length=10, help_text="p. ej. C014")
    descripcion = forms.CharField(label="Descripción", max_length=200, required=False)


class _CuadroForm(forms.Form):
    """Fondo and sección forms: a code unique among its kind, and the reason on a change."""

    model = None

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            del self.fields["motivo"]
        else:
            self.fields["motivo"].required = True

    def clean_codigo(self):
        codigo = self.cleaned_data["codigo"].strip().upper()
        others = self.model.objects.filter(codigo=codigo)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Ya existe el código {codigo}.")
        return codigo


class FondoForm(_CuadroForm):
    model = Fondo

    codigo = forms.CharField(label="Código", max_length=20, help_text="p. ej. AM")
    nombre = forms.CharField(label="Nombre", max_length=200)
    motivo = forms.CharField(
        label="Motivo del cambio",
        max_length=300,
        help_text="Queda en el historial. Los expedientes ya clasificados conservan el nombre "
        "con que se clasificaron.",
    )


class SeccionForm(_CuadroForm):
    model = Seccion

    fondo = forms.ModelChoiceField(label="Fondo", queryset=Fondo.objects.all())
    codigo = forms.CharField(label="Código", max_length=20, help_text="p. ej. AM.4S")
    nombre = forms.CharField(label="Nombre", max_length=200)
    tipo = forms.ChoiceField(label="Tipo", choices=SeccionTipo.choices)
    orden = forms.IntegerField(
        label="Orden en el cuadro", min_value=0, max_value=999, initial=0, required=False
    )
    motivo = FondoForm.base_fields["motivo"]

    def clean_orden(self):
        return self.cleaned_data.get("orden") or 0


class UnirForm(forms.Form):
    """Join the escrito to another open expediente (acumulación)."""

    expediente = forms.CharField(
        label="Número del expediente abierto", max_length=30, help_text="p. ej. EXP-2026-000123"
    )
    motivo = forms.CharField(
        label="Motivo",
        max_length=300,
        required=False,
        help_text="Obligatorio si el escrito ya tiene expediente propio: se acumula al otro.",
    )

    def clean_expediente(self):
        numero = self.cleaned_data["expediente"].strip().upper()
        expediente = Expediente.objects.filter(numero=numero).first()
        if expediente is None:
            raise forms.ValidationError(f"No hay un expediente con el número {numero}.")
        if expediente.estado != "abierto":
            raise forms.ValidationError(
                f"El expediente {numero} está {expediente.get_estado_display().lower()}: "
                "elija uno abierto."
            )
        return expediente


class SerieEscritoForm(forms.Form):
    serie = forms.ModelChoiceField(
        label="Serie",
        queryset=Serie.objects.filter(vigente=True).select_related("seccion").order_by("codigo"),
    )
    motivo = forms.CharField(label="Motivo del cambio", max_length=300, required=False)


class UbicarForm(forms.Form):
    caja = forms.CharField(
        label="Caja",
        max_length=40,
        help_text="La etiqueta de la caja: archivo, estante y caja, p. ej. AT-E02-C014.",
    )
    legajo = forms.CharField(label="Legajo", max_length=40, required=False)

    def clean_caja(self):
        from .models import Caja

        etiqueta = self.cleaned_data["caja"].strip().upper()
        caja = Caja.objects.filter(etiqueta=etiqueta).first()
        if caja is None:
            raise forms.ValidationError(
                f"No hay una caja con la etiqueta {etiqueta}: regístrela en «Archivos y cajas»."
            )
        return caja
