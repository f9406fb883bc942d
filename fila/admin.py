from django.contrib import admin

from .models import Cita, Ficha, HorarioCitas, Modulo, Servicio


@admin.register(Servicio)
class ServicioAdmin(admin.ModelAdmin):
    list_display = ["nombre", "letra", "secretaria", "activo", "orden"]
    list_filter = ["secretaria", "activo"]
    list_editable = ["activo", "orden"]
    search_fields = ["nombre", "secretaria__nombre", "secretaria__siglas"]


class HorarioCitasInline(admin.TabularInline):
    model = HorarioCitas
    extra = 1
    fields = [
        "dia_semana",
        "hora_inicio",
        "hora_fin",
        "duracion_minutos",
        "capacidad",
        "activo",
    ]


@admin.register(Modulo)
class ModuloAdmin(admin.ModelAdmin):
    """A módulo (window) and, inline, the hours it attends appointments."""

    list_display = ["nombre", "secretaria", "activo", "en_pausa", "orden"]
    list_filter = ["secretaria", "activo"]
    search_fields = ["nombre", "secretaria__nombre", "secretaria__siglas"]
    readonly_fields = ["en_pausa", "pausa_desde"]
    inlines = [HorarioCitasInline]


@admin.register(HorarioCitas)
class HorarioCitasAdmin(admin.ModelAdmin):
    list_display = [
        "modulo",
        "dia_semana",
        "hora_inicio",
        "hora_fin",
        "duracion_minutos",
        "capacidad",
        "activo",
    ]
    list_filter = ["modulo__secretaria", "dia_semana", "activo"]
    list_select_related = ["modulo__secretaria"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Fichas and citas change only through their use cases (kiosk, console, booking)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ficha)
class FichaAdmin(ReadOnlyAdmin):
    list_display = [
        "codigo",
        "secretaria",
        "servicio",
        "origen",
        "estado",
        "emitida_at",
        "llamada_at",
        "terminada_at",
        "modulo",
    ]
    list_filter = ["secretaria", "estado", "origen", "fecha"]
    search_fields = ["codigo"]
    date_hierarchy = "emitida_at"
    list_select_related = ["secretaria", "servicio", "modulo"]


@admin.register(Cita)
class CitaAdmin(ReadOnlyAdmin):
    list_display = ["codigo", "secretaria", "servicio", "inicio", "nombre", "estado"]
    list_filter = ["secretaria", "estado"]
    search_fields = ["codigo", "nombre"]
    date_hierarchy = "inicio"
    list_select_related = ["secretaria", "servicio"]
