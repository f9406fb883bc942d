"""The migration gives every escrito already filed its random public id, and the open data's
records the same one."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("correspondencia", "0009_tramite_homoclave"), ("transparencia", "0001_initial")]
AFTER = [
    ("correspondencia", "0010_escrito_public_id"),
    ("transparencia", "0002_escritopublico_public_id"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_escritos_get_distinct_random_ids_and_the_open_data_follows():
    old = migrate(BEFORE)
    try:
        Peticionario = old.get_model("correspondencia", "Peticionario")
        Escrito = old.get_model("correspondencia", "Escrito")
        EscritoPublico = old.get_model("transparencia", "EscritoPublico")
        now = timezone.now()
        peticionario = Peticionario.objects.create(tipo="fisica", nombre="Ana")
        pks = []
        for number in (1, 2, 3):
            escrito = Escrito.objects.create(
                folio=f"OP-2025-{number:06d}",
                year=2025,
                number=number,
                channel="en_linea",
                received_at=now,
                peticionario=peticionario,
                asunto="Bache",
                privacy_accepted_at=now,
                access_code_hash="x",
                access_code_sealed="x",
                digest="x",
                state="recibido",
            )
            EscritoPublico.objects.create(
                escrito=escrito,
                folio=escrito.folio,
                year=2025,
                received_at=now,
                channel="en_linea",
                state="recibido",
                tipo="fisica",
            )
            pks.append(escrito.pk)
        new = migrate(AFTER)
        Escrito = new.get_model("correspondencia", "Escrito")
        EscritoPublico = new.get_model("transparencia", "EscritoPublico")
        ids = dict(Escrito.objects.filter(pk__in=pks).values_list("pk", "public_id"))
        assert len(set(ids.values())) == 3
        assert all(isinstance(v, uuid.UUID) and v.version == 4 for v in ids.values())
        published = dict(
            EscritoPublico.objects.filter(escrito_id__in=pks).values_list(
                "escrito_id", "public_id"
            )
        )
        assert published == ids
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
