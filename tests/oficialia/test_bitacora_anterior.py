"""A bitácora written before the kernel and its vocabulary existed still verifies, and every
code it holds has a label: stored values never change with the code that reads them.

The fixture is the whole bitácora of the demo (2,557 entries) as the code of that time wrote
it, with the users its entries name (without passwords), read raw from its SQLite file."""

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion, action_label
from oficialia.models import Bitacora

FIXTURE = Path(__file__).parent / "fixtures" / "bitacora_anterior.json.gz"

pytestmark = pytest.mark.django_db


def _when(raw: str) -> datetime:
    """The database's own text of a moment (UTC), microseconds included: they are hashed."""
    return datetime.fromisoformat(raw).replace(tzinfo=UTC)


def _load() -> int:
    data = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    # bulk_create sends no signals: loading must not add entries of its own.
    User.objects.bulk_create(
        User(**{**u, "date_joined": _when(u["date_joined"]), "password": "!"})
        for u in data["users"]
    )
    Bitacora.objects.bulk_create(Bitacora(**{**e, "at": _when(e["at"])}) for e in data["bitacora"])
    return len(data["bitacora"])


def test_an_old_bitacora_still_verifies_with_the_new_code():
    loaded = _load()
    result = bitacora.verify()
    assert result.ok, result.reason
    assert result.count == loaded == 2557


def test_every_old_code_is_in_the_vocabulary_with_a_spanish_label():
    _load()
    codes = set(Bitacora.objects.values_list("action", flat=True))
    assert codes <= set(Accion.values), codes - set(Accion.values)
    assert all(action_label(code) != code for code in codes)


def test_a_changed_old_entry_is_caught():
    _load()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # behind the append-only trigger's back
            # The loaded entries' deferred foreign-key checks must run first: PostgreSQL
            # refuses to ALTER a table with trigger events still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE oficialia_bitacora DISABLE TRIGGER USER")
        cursor.execute("UPDATE oficialia_bitacora SET action = 'bitacora.exportar' WHERE id = 1000")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE oficialia_bitacora ENABLE TRIGGER USER")
    result = bitacora.verify()
    assert not result.ok and result.first_bad_id == 1000


def test_an_unknown_code_is_refused_when_recording():
    with pytest.raises(ValueError):
        bitacora.record(action="escrito.inventado")
    assert Bitacora.objects.count() == 0
