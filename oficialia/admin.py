from django.contrib import admin

from .models import DiaInhabil


@admin.register(DiaInhabil)
class DiaInhabilAdmin(admin.ModelAdmin):
    """Adding, changing or removing a día inhábil recomputes the open turnos' due dates."""

    list_display = ["start", "end", "descripcion"]
    date_hierarchy = "start"
    search_fields = ["descripcion"]
