"""The contraloría's anti-coyotaje page: the signals of a period, each with its evidence."""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion
from oficialia.entrada import FechaField
from oficialia.replica import replica_reads
from oficialia.roles import Role, role_required

from . import signals_selectors as selectors

# A longer period is refused: every detector reads the whole of it.
MAX_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    desde = FechaField(
        label="Desde", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hasta = FechaField(
        label="Hasta", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("desde"), cleaned.get("hasta")
        if start and end:
            if start > end:
                raise forms.ValidationError("La fecha «desde» debe ser anterior a «hasta».")
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise forms.ValidationError(f"Elija un periodo de hasta {MAX_PERIOD_DAYS} días.")
        return cleaned


def _default_period() -> selectors.Period:
    return selectors.Period.last_days(settings.SENAL_PERIODO_DIAS)


@replica_reads
@never_cache
@role_required(Role.CONTRALORIA)
def senales(request: HttpRequest) -> HttpResponse:
    default = _default_period()
    form = PeriodForm(
        request.GET if {"desde", "hasta"} & set(request.GET) else None,
        initial={"desde": default.start, "hasta": default.end},
    )
    period = default
    if form.is_bound and form.is_valid():
        period = selectors.Period(form.cleaned_data["desde"], form.cleaned_data["hasta"])
    found = selectors.signals(period)
    # The page shows petitioners' names and contacts: reading it goes on record.
    bitacora.record(
        action=Accion.SENALES_VER,
        object_type="senales",
        changes={"desde": period.start.isoformat(), "hasta": period.end.isoformat()},
    )
    return render(
        request,
        "contraloria/senales.html",
        {
            "form": form,
            "signals": found,
            "period": period,
            "t": found.thresholds,
        },
    )
