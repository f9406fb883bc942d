from django.contrib import admin

from .models import Cuenta, EscritoVinculado, SolicitudArco


@admin.register(Cuenta)
class CuentaAdmin(admin.ModelAdmin):
    """Read-only: accounts change through their owner's pages and the ARCO requests."""

    list_display = ["__str__", "email", "created_at", "verified_at", "cancelled_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "cancelled_at"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Cuenta._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EscritoVinculado)
class EscritoVinculadoAdmin(admin.ModelAdmin):
    list_display = ["escrito", "cuenta", "how", "linked_at"]
    search_fields = ["escrito__folio"]
    readonly_fields = ["cuenta", "escrito", "how", "linked_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SolicitudArco)
class SolicitudArcoAdmin(admin.ModelAdmin):
    """Resolved from their own page (/datos-personales/solicitudes/), which applies them."""

    list_display = ["__str__", "cuenta", "kind", "state", "requested_at", "resolved_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in SolicitudArco._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
