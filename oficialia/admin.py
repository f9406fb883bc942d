from django.contrib import admin, messages
from django.utils import timezone

from .dias_inhabiles import year_has_calendar
from .models import AcuerdoInhabil, DiaInhabil


class DiaInhabilInline(admin.TabularInline):
    model = DiaInhabil
    extra = 1
    fields = ["start", "end", "descripcion", "habil"]


def _warn_next_year(request) -> None:
    year = timezone.localdate().year + 1
    if not year_has_calendar(year):
        messages.warning(
            request,
            f"Aún no hay acuerdo de días inhábiles para {year}. Regístrelo en cuanto se publique.",
        )


@admin.register(AcuerdoInhabil)
class AcuerdoInhabilAdmin(admin.ModelAdmin):
    """The acuerdo with its days: saving recomputes the open turnos' due dates."""

    list_display = ["numero", "fecha", "publicacion", "publicado_el"]
    date_hierarchy = "fecha"
    search_fields = ["numero", "publicacion", "dias__descripcion"]
    inlines = [DiaInhabilInline]

    def changelist_view(self, request, extra_context=None):
        _warn_next_year(request)
        return super().changelist_view(request, extra_context)


@admin.register(DiaInhabil)
class DiaInhabilAdmin(admin.ModelAdmin):
    """Adding, changing or removing a día inhábil recomputes the open turnos' due dates."""

    list_display = ["start", "end", "descripcion", "habil", "acuerdo"]
    list_filter = ["habil"]
    date_hierarchy = "start"
    search_fields = ["descripcion", "acuerdo__numero"]
    autocomplete_fields = ["acuerdo"]

    def changelist_view(self, request, extra_context=None):
        _warn_next_year(request)
        return super().changelist_view(request, extra_context)
