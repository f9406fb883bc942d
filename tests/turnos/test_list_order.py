"""Lists come out in the same order on SQLite (`make run`, `make test`) and PostgreSQL
(production, the services suite). The one place the two differ by themselves is where NULLs
go: PostgreSQL puts them last in ascending order and first in descending order, SQLite the
other way round. This module runs in both suites."""

from datetime import date

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.turnos.test_bandeja_queries import Inboxes, bandeja_rows
from turnos.selectors import Thresholds, bandeja

pytestmark = pytest.mark.django_db


@pytest.fixture
def inboxes(obras, agua, titular_obras, turnador, operativo_obras) -> Inboxes:
    return Inboxes(
        obras=obras, agua=agua, titular=titular_obras, turnador=turnador, operativo=operativo_obras
    )


def urgency(turno) -> tuple:
    return (turno.due_date is None, turno.due_date or date.max, turno.turned_at, turno.pk)


def test_the_bandeja_lists_the_overdue_first_and_the_undated_last(inboxes, titular_obras):
    inboxes.grow_to(16)
    thresholds = Thresholds.now()
    turnos = list(bandeja(titular_obras, thresholds=thresholds))
    assert [urgency(t) for t in turnos] == sorted(urgency(t) for t in turnos)
    assert thresholds.light(turnos[0]) == "vencido"
    assert turnos[-1].due_date is None  # para conocimiento: no term of its own
    assert any(t.due_date is None for t in turnos[:-1]), "the data needs several undated"

    client = Client()
    client.force_login(titular_obras)
    shown = bandeja_rows(client.get(reverse("bandeja")).content.decode())
    assert [int(pk) for _, pk in shown] == [t.pk for t in turnos][: len(shown)]
    assert shown[0][0] == "vencido"


def test_no_default_ordering_names_a_column_that_can_be_null():
    """A model's Meta.ordering is the order of its admin and of every list that does not say
    otherwise; on a nullable column it would differ between the two databases."""
    offending = []
    for model in apps.get_models():
        for entry in model._meta.ordering:
            if not isinstance(entry, str):
                continue  # an expression states its own NULLS FIRST/LAST
            path = [model._meta.pk.name if n == "pk" else n for n in entry.lstrip("-").split("__")]
            current = model
            for name in path:
                field = current._meta.get_field(name)
                if field.null:
                    offending.append(f"{model._meta.label}.{entry}")
                    break
                if field.is_relation and field.related_model is not None:
                    current = field.related_model
    assert offending == []
