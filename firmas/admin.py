from django import forms
from django.contrib import admin

from . import confianza
from .models import AutoridadCertificadora, Constancia, ListaRevocacion


class _UploadForm(forms.ModelForm):
    archivo = forms.FileField(help_text="")
    loader = None

    class Meta:
        fields = []

    def clean_archivo(self):
        data = self.cleaned_data["archivo"].read()
        try:
            self.instance = type(self).loader(data)
        except confianza.CargaError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def save(self, commit=True):
        return self.instance

    def save_m2m(self):
        pass


class AutoridadForm(_UploadForm):
    loader = staticmethod(confianza.authority_install)

    class Meta:
        model = AutoridadCertificadora
        fields = []


class ListaForm(_UploadForm):
    loader = staticmethod(confianza.crl_load)

    class Meta:
        model = ListaRevocacion
        fields = []


class _ReadOnlyAfterUpload(admin.ModelAdmin):
    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return self.upload_form
        kwargs["fields"] = self.editable_after
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown

    def get_fields(self, request, obj=None):
        return ["archivo"] if obj is None else [*self.shown, *self.editable_after]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()


@admin.register(AutoridadCertificadora)
class AutoridadCertificadoraAdmin(_ReadOnlyAfterUpload):
    upload_form = AutoridadForm
    list_display = ["nombre", "vigente_hasta", "activa", "instalada_en"]
    shown = ["nombre", "huella_sha256", "vigente_desde", "vigente_hasta", "instalada_en"]
    editable_after = ["activa"]


@admin.register(ListaRevocacion)
class ListaRevocacionAdmin(_ReadOnlyAfterUpload):
    upload_form = ListaForm
    list_display = ["autoridad", "emitida_en", "siguiente_en", "revocados", "cargada_en"]
    shown = ["autoridad", "huella_sha256", "emitida_en", "siguiente_en", "revocados",
             "cargada_en"]
    editable_after = []


@admin.register(Constancia)
class ConstanciaAdmin(admin.ModelAdmin):
    list_display = ["documento", "referencia", "proveedor", "emitida_en"]
    readonly_fields = ["documento", "referencia", "sha256", "proveedor", "emitida_en"]
    exclude = ["datos"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
