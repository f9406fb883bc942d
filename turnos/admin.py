from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Perfil, Turno


@admin.register(Perfil)
class PerfilAdmin(admin.ModelAdmin):
    list_display = ["user", "secretaria", "area"]
    list_filter = ["secretaria"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Turno)
class TurnoAdmin(SimpleHistoryAdmin):
    """Read-only: turnos change only through their transitions in the application."""

    list_display = ["escrito", "secretaria", "kind", "state", "due_date", "turned_at"]
    list_filter = ["state", "kind", "secretaria"]
    search_fields = ["escrito__folio"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
