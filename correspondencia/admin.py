from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Acuse, Adjunto, Area, Escrito, Secretaria, Tramite


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


@admin.register(Tramite)
class TramiteAdmin(admin.ModelAdmin):
    list_display = ["nombre", "secretaria", "plazo_dias_habiles", "activo"]
    list_filter = ["activo", "secretaria"]
    search_fields = ["nombre"]


class AdjuntoInline(admin.TabularInline):
    model = Adjunto
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "pages", "sha256"]
    readonly_fields = fields


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
    list_display = ["escrito", "generated_at", "queued_at", "email_sent_at"]
    readonly_fields = ["escrito", "verification_token", "pdf", "pdf_sha256", "generated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
