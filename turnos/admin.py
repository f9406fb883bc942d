from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
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


class PerfilInline(admin.StackedInline):
    model = Perfil
    can_delete = False
    verbose_name_plural = "secretaría y área"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Users with their secretaría, so roles and place are set in one page."""

    inlines = [PerfilInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "secretaria"]
    list_filter = ["is_active", "groups", "perfil__secretaria"]

    @admin.display(description="secretaría", ordering="perfil__secretaria__nombre")
    def secretaria(self, obj):
        perfil = getattr(obj, "perfil", None)
        return perfil.secretaria if perfil else "—"
