"""The bitácora's end is anchored: by the end marker that moves with every entry, by each
published daily head, and on PostgreSQL by triggers that refuse TRUNCATE. The tamper matrix:
each attack someone with the database owner's keys could try, and what verification says."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion
from oficialia.bitacora import GENESIS, entry_hash
from oficialia.models import Bitacora, BitacoraCabeza, BitacoraFin

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ("oficialia_bitacora", "oficialia_bitacoracabeza", "oficialia_bitacorafin")


def write(n: int) -> list[int]:
    return [
        bitacora.record(action=Accion.SESION_ENTRAR, actor=None, actor_label=f"Persona {i}").id
        for i in range(n)
    ]


@pytest.fixture
def owner(postgres):
    """Behind the triggers' backs: every user trigger of the record's tables disabled."""

    def run(*statements: tuple[str, list]):
        with transaction.atomic(), connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for sql, params in statements:
                cursor.execute(sql, params)
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

    return run


@pytest.fixture
def chain():
    """Ten entries, a head published after the sixth, four more after it."""
    first = write(6)
    head = bitacora.publish_head(day=date(2026, 3, 1))
    rest = write(4)
    ids = first + rest
    assert head.last_id == ids[5]
    assert bitacora.verify().ok
    return ids


def rewrite_from(ids_and_content: list[tuple[int, dict]]) -> list[tuple[str, list]]:
    """Statements that rewrite entries and recompute every hash from the first one: a chain
    that is consistent in itself."""
    statements = []
    entries = list(Bitacora.objects.order_by("id"))
    changed = dict(ids_and_content)
    prev = GENESIS
    for entry in entries:
        if entry.id in changed:
            for field, value in changed[entry.id].items():
                setattr(entry, field, value)
        entry.prev_hash = prev
        entry.hash = entry_hash(prev, entry)
        statements.append(
            (
                "UPDATE oficialia_bitacora SET actor_label = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [entry.actor_label, entry.prev_hash, entry.hash, entry.id],
            )
        )
        prev = entry.hash
    statements.append(("UPDATE oficialia_bitacorafin SET last_hash = %s WHERE id = 1", [prev]))
    return statements


def test_the_end_marker_follows_every_entry(db):
    ids = write(3)
    end = BitacoraFin.objects.get()
    assert (end.first_id, end.last_id, end.count) == (ids[0], ids[-1], 3)
    assert end.last_hash == Bitacora.objects.get(pk=ids[-1]).hash


def test_truncate_is_refused_on_every_table_of_the_record(postgres, chain):
    for table in TABLES:
        with (
            pytest.raises(DatabaseError, match="no se vacía"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # As in production: this session has not asked to be allowed to empty it.
            cursor.execute("SET LOCAL oficialia.permitir_vaciar = 'no'")
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Bitacora.objects.count() == 10


def test_a_published_head_and_the_end_cannot_be_moved_back(postgres, chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        BitacoraCabeza.objects.update(last_hash="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        BitacoraCabeza.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        BitacoraFin.objects.update(last_id=chain[5], count=6)
    with pytest.raises(DatabaseError), transaction.atomic():
        BitacoraFin.objects.all().delete()
    assert bitacora.verify().ok


def test_attack_edit_an_entry(owner, chain):
    owner(("UPDATE oficialia_bitacora SET actor_label = 'Nadie' WHERE id = %s", [chain[3]]))
    result = bitacora.verify()
    assert not result.ok and result.first_bad_id == chain[3]
    assert "contenido" in result.reason


def test_attack_delete_an_entry_in_the_middle(owner, chain):
    owner(("DELETE FROM oficialia_bitacora WHERE id = %s", [chain[3]]))
    result = bitacora.verify()
    assert not result.ok and result.first_bad_id == chain[4]


def test_attack_delete_the_tail(owner, chain):
    owner(("DELETE FROM oficialia_bitacora WHERE id >= %s", [chain[7]]))
    result = bitacora.verify()
    assert not result.ok
    assert result.first_bad_id == chain[7]
    assert f"#{chain[9]}" in result.reason


def test_attack_delete_past_a_head_and_move_the_end_back(owner, chain):
    owner(
        ("DELETE FROM oficialia_bitacora WHERE id >= %s", [chain[4]]),
        (
            "UPDATE oficialia_bitacorafin SET last_id = %s, last_hash = %s, count = 4",
            [chain[3], Bitacora.objects.get(pk=chain[3]).hash],
        ),
    )
    result = bitacora.verify()
    assert not result.ok
    assert result.first_bad_id == chain[4]
    assert "01/03/2026" in result.reason


def test_attack_truncate_with_the_triggers_off(owner, chain):
    owner(("TRUNCATE oficialia_bitacora", []))
    result = bitacora.verify()
    assert not result.ok
    assert result.first_bad_id == chain[0]
    assert result.count == 0


def test_attack_disable_the_triggers_and_rewrite_a_consistent_chain(owner, chain):
    owner(*rewrite_from([(chain[2], {"actor_label": "Otra persona"})]))
    # The rewritten chain is consistent in itself: only the published head gives it away.
    result = bitacora.verify()
    assert not result.ok
    assert result.first_bad_id == chain[5]
    assert "reescribió" in result.reason


def test_attack_delete_before_a_head_and_rehash(owner, chain):
    statements = [("DELETE FROM oficialia_bitacora WHERE id = %s", [chain[1]])]
    owner(*statements)
    owner(*rewrite_from([]))
    result = bitacora.verify()
    assert not result.ok and result.first_bad_id == chain[5]


def test_the_command_names_the_first_missing_entry(owner, chain, capsys):
    owner(("DELETE FROM oficialia_bitacora WHERE id >= %s", [chain[8]]))
    with pytest.raises(SystemExit):
        call_command("verificar_bitacora")
    assert f"#{chain[8]}" in capsys.readouterr().err


def test_the_heads_are_published_as_open_data(client, chain):
    response = client.get("/transparencia/datos/bitacora.json")
    import json

    heads = json.loads(b"".join(response.streaming_content))
    assert heads[0]["dia"] == "2026-03-01"
    assert heads[0]["ultima_entrada"] == chain[5]
    assert heads[0]["huella_sha256"] == Bitacora.objects.get(pk=chain[5]).hash
    csv_text = b"".join(client.get("/transparencia/datos/bitacora.csv").streaming_content)
    assert Bitacora.objects.get(pk=chain[5]).hash in csv_text.decode()
