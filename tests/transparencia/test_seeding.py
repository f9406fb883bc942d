"""`manage.py sembrar_escritos`: synthetic escritos with their whole history, their folios
the next ones of each year's series, and the log the statistics consumer reads."""

import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F, Max

from correspondencia.models import Escrito, Transicion
from oficialia.models import FolioCounter
from tests.factories import file_escrito
from transparencia.models import EscritoPublico
from turnos.models import Evaluacion, Respuesta, Turno

from .conftest import local

pytestmark = pytest.mark.django_db


def test_seeded_folios_continue_each_years_series_without_gaps():
    with time_machine.travel(local(2026, 3, 2, 12), tick=False):
        first = file_escrito(queue_acuse=False).escrito  # a real one: OP-2026-000001
        call_command("sembrar_escritos", cantidad=400, anios=1, stdout=io.StringIO())
        after = file_escrito(queue_acuse=False).escrito
    assert first.folio == "OP-2026-000001"
    for year in (2025, 2026):
        numbers = sorted(Escrito.objects.filter(year=year).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert FolioCounter.objects.get(year=year).last_number == numbers[-1]
    assert after.number == Escrito.objects.filter(year=2026).aggregate(m=Max("number"))["m"]
    assert all(
        re.fullmatch(r"OP-\d{4}-\d{6}", f) for f in Escrito.objects.values_list("folio", flat=True)
    )
    assert not Escrito.objects.values("folio").annotate(n=Count("pk")).filter(n__gt=1)


def test_seeded_escritos_have_their_history_and_are_counted():
    with time_machine.travel(local(2026, 3, 2, 12), tick=False):
        call_command("sembrar_escritos", cantidad=300, anios=2, stdout=io.StringIO())
    assert Escrito.objects.count() == 300
    assert EscritoPublico.objects.count() == 300  # consumed at the end of the command
    assert Transicion.objects.filter(action="recibir").count() == 300
    answered = Turno.objects.filter(state="respondido")
    assert Respuesta.objects.count() == answered.count() > 150
    assert Transicion.objects.filter(action="responder", turno_id__isnull=False).count() == (
        answered.count()
    )
    assert Evaluacion.objects.count() == Transicion.objects.filter(action="calificar").count() > 0
    # Everything happened before the command ran, in the order it would have.
    assert not Turno.objects.filter(answered_at__lt=F("turned_at")).exists()
    assert not Turno.objects.filter(turned_at__lt=F("escrito__received_at")).exists()


def test_every_seeded_reference_points_at_a_row():
    """The seed may skip PostgreSQL's foreign key checks (seeding._bulk_transaction): the
    keys must hold by construction."""
    from correspondencia.models import Peticionario
    from turnos.models import Evaluacion, Respuesta

    with time_machine.travel(local(2026, 3, 2, 12), tick=False):
        call_command("sembrar_escritos", cantidad=500, anios=2, stdout=io.StringIO())
    for model in (Peticionario, Escrito, Turno, Respuesta, Evaluacion, Transicion):
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            dangling = model.objects.exclude(**{f"{field.name}__isnull": True}).exclude(
                **{f"{field.attname}__in": field.related_model.objects.values("pk")}
            )
            assert not dangling.exists(), f"{model.__name__}.{field.name}"
