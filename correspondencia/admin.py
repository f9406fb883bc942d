from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from .models import Acuse, Adjunto, Area, Escrito, Secretaria, Tramite, TramiteRequisito


@admin.register(Secretaria)
class SecretariaAdmin(admin.ModelAdmin):
    list_display = ["nombre", "siglas", "activa"]
    list_filter = ["activa"]
    search_fields = ["nombre", "siglas"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["nombre", "secretaria"]
    list_filter = ["secretaria"]
    search_fields = ["nombre"]


class TramiteRequisitoInline(admin.TabularInline):
    model = TramiteRequisito
    extra = 1
    fields = ["orden", "documento", "detalle", "obligatorio"]
    verbose_name = "requisito (documento que se adjunta)"
    verbose_name_plural = "requisitos: documentos que se adjuntan, en el orden en que se listan"


@admin.register(Tramite)
class TramiteAdmin(admin.ModelAdmin):
    """The catálogo de trámites y servicios, as the administración edits it."""

    list_display = [
        "nombre",
        "homoclave",
        "secretaria",
        "plazo_dias_habiles",
        "costo_display",
        "requisitos_count",
        "activo",
    ]
    list_display_links = ["nombre"]
    list_editable = ["activo"]
    list_filter = ["activo", "gratuito", "secretaria"]
    list_select_related = ["secretaria"]
    search_fields = ["nombre", "homoclave", "palabras_clave", "search_text"]
    autocomplete_fields = ["secretaria"]
    prepopulated_fields = {"slug": ["nombre"]}
    inlines = [TramiteRequisitoInline]
    save_on_top = True
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["nombre", "secretaria", "descripcion", "palabras_clave", "activo"]}),
        ("Plazo y costo", {"fields": ["plazo_dias_habiles", "gratuito", "costo"]}),
        ("Fundamento legal", {"fields": ["fundamento"]}),
        ("Catálogo nacional de trámites y servicios", {"fields": ["homoclave"]}),
        ("Dirección pública", {"fields": ["slug"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_requisitos=Count("requisitos"))

    @admin.display(description="costo")
    def costo_display(self, obj: Tramite) -> str:
        return obj.costo_display

    @admin.display(description="requisitos", ordering="_requisitos")
    def requisitos_count(self, obj: Tramite) -> int:
        return obj._requisitos


class AdjuntoInline(admin.TabularInline):
    model = Adjunto
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "pages", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Escrito)
class EscritoAdmin(SimpleHistoryAdmin):
    """Read-only: escritos change only through the application's services."""

    list_display = ["folio", "received_at", "channel", "state", "asunto"]
    list_filter = ["channel", "state"]
    search_fields = ["folio", "asunto"]
    date_hierarchy = "received_at"
    inlines = [AdjuntoInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Acuse)
class AcuseAdmin(admin.ModelAdmin):
    """Read-only: the acuse certifies the filing; only its generation task writes it."""

    list_display = ["escrito", "generated_at", "queued_at", "email_sent_at"]
    readonly_fields = ["escrito", "verification_token", "pdf", "pdf_sha256", "generated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
