"""The counters the consumer keeps give the same figures as plain GROUP BY over the raw
tables (transparencia/reference.py), for every year and every secretaría: seeded escritos
(thousands, with their whole history) and real ones that went through the odd paths
(returned and re-routed, withdrawn, prevented, answered by two secretarías)."""

import io

import pytest
import time_machine
from django.core.management import call_command

from correspondencia.models import Secretaria
from transparencia import services
from transparencia.figures import build_figures
from transparencia.models import ALL_SCOPE
from transparencia.reference import datos_by_group_by
from transparencia.selectors import datos_read
from turnos import services as turnos
from turnos.services import Route

from .conftest import local

pytestmark = pytest.mark.django_db


def normalized(d):
    """What the figures read, without the counters that went back to zero."""

    def nonzero(values: dict) -> dict:
        return {k: n for k, n in values.items() if n}

    cells = {k: nonzero(v) for k, v in d.cells.items() if k[1] != "secretaria"}
    return (
        {k: v for k, v in cells.items() if v},
        {k: nonzero(v) for k, v in d.per_secretaria.items() if nonzero(v)},
        nonzero(d.ranking),
        nonzero(d.years),
    )


@pytest.fixture
def odd_paths(life, obras, agua):
    """Returned by Obras and routed again to Agua; withdrawn; prevented and answered."""
    e = life.receive(local(2025, 5, 5), genero="mujer")
    (turno,) = life.turn(e, local(2025, 5, 5, 11), obras)
    with time_machine.travel(local(2025, 5, 6), tick=False):
        turnos.turno_give_back(turno_id=turno.pk, user=life.titulares[obras.pk], reason="No")
        again = turnos.turno_reroute(turno_id=turno.pk, user=life.turnador, route=Route(agua))
    life.accept(again, local(2025, 5, 7))
    life.answer(again, local(2025, 5, 20, 12), "parcial")
    life.rate(e, local(2025, 5, 21), 1)
    w = life.receive(local(2025, 6, 9), genero="hombre")
    life.turn(w, local(2025, 6, 9, 11), obras, agua)
    with time_machine.travel(local(2025, 6, 10), tick=False):
        turnos.escrito_withdraw(escrito_id=w.pk, reason="Ya no lo necesito")
    p = life.receive(local(2025, 7, 1), genero="no_binario")
    (turno,) = life.turn(p, local(2025, 7, 1, 11), obras)
    life.accept(turno, local(2025, 7, 2))
    life.prevent(turno, local(2025, 7, 2, 12))


@pytest.mark.postgres("the GROUP BY reference is PostgreSQL SQL: GROUPING SETS, SET LOCAL")
def test_summaries_equal_group_by_for_every_year_and_secretaria(odd_paths):
    with time_machine.travel(local(2026, 2, 10, 12), tick=False):
        call_command("sembrar_escritos", cantidad=1500, anios=2, semilla=7, stdout=io.StringIO())
        services.statistics_refresh()
        today = local(2026, 2, 10).date()
        scopes = [ALL_SCOPE, *Secretaria.objects.values_list("pk", flat=True)]
        compared = 0
        for year in (2024, 2025, 2026):
            for scope in scopes:
                summary = datos_read(year=year, scope=scope, today=today)
                group_by = datos_by_group_by(year=year, scope=scope, today=today)
                assert normalized(summary) == normalized(group_by), (year, scope)
                assert build_figures(summary) == build_figures(group_by), (year, scope)
                compared += 1
        assert compared == 3 * len(scopes)
        assert datos_read(year=2025, scope=ALL_SCOPE, today=today).years[2025] > 600
