"""The bitácora: what goes on record, and that the record cannot be altered unnoticed."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from correspondencia.models import Secretaria
from oficialia import bitacora
from oficialia.models import Bitacora, BitacoraCabeza
from tests.factories import UserFactory, escrito_form_data, file_escrito, pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def actions() -> list[str]:
    return list(Bitacora.objects.order_by("id").values_list("action", flat=True))


@pytest.fixture
def trigger_off(postgres):
    """Behind the trigger's back: what someone with the database owner's keys could do."""

    def run(sql: str, params=()):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE oficialia_bitacora DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE oficialia_bitacora ENABLE TRIGGER USER")

    return run


def test_an_online_filing_is_recorded_with_the_citizen_folio_and_address(client):
    client.post(reverse("escrito_nuevo"), escrito_form_data(), REMOTE_ADDR="203.0.113.9")
    entry = Bitacora.objects.get(action="escrito.recibir")
    assert entry.actor is None
    assert entry.actor_label.startswith("Ciudadano (OP-")
    assert entry.folio == entry.actor_label[len("Ciudadano (") : -1]
    assert entry.ip is None and entry.ip_hmac == bitacora.ip_keyed_hash("203.0.113.9")
    assert entry.changes["a"] == "recibido"


def test_staff_actions_carry_actor_role_and_secretaria(client, ventanilla_clerk):
    from turnos.models import Perfil

    secretaria = Secretaria.objects.create(nombre="Catastro", siglas="CAT")
    Perfil.objects.create(user=ventanilla_clerk, secretaria=secretaria)
    client.force_login(ventanilla_clerk)
    data = escrito_form_data(channel="ventanilla", fojas=2, ubicacion_original="Archivo")
    client.post(reverse("ventanilla_nuevo"), data, follow=True)
    entry = Bitacora.objects.get(action="escrito.recibir")
    assert entry.actor == ventanilla_clerk
    assert entry.role == "ventanilla"
    assert entry.secretaria == "Catastro"
    # Opening the page with the petitioner's data and printing the acuse are on record too.
    folio = entry.folio
    client.get(reverse("ventanilla_acuse", args=[folio]))
    assert Bitacora.objects.filter(action="datos.ver", folio=folio, actor=ventanilla_clerk).exists()
    assert Bitacora.objects.filter(action="acuse.descargar", folio=folio).exists()


def test_sign_ins_and_failed_sign_ins_are_recorded_without_the_password(db):
    UserFactory(username="rosa", roles=["ventanilla"])
    client = Client()
    client.post(reverse("login"), {"username": "rosa", "password": "mal-escrita-123"})
    client.post(reverse("login"), {"username": "rosa", "password": "contraseña-de-prueba"})
    failed = Bitacora.objects.get(action="sesion.fallida")
    assert failed.changes == {"usuario": "rosa"}
    assert "mal-escrita" not in str(Bitacora.objects.values_list("changes", flat=True))
    assert Bitacora.objects.filter(action="sesion.entrar", actor__username="rosa").exists()


def test_catalogue_and_role_changes_are_recorded(db):
    secretaria = Secretaria.objects.create(nombre="Salud", siglas="SSM")
    secretaria.nombre = "Salud Municipal"
    secretaria.save()
    user = UserFactory(username="nuevo")
    user.groups.add(Group.objects.get_or_create(name="enlace")[0])
    changed = Bitacora.objects.get(action="catalogo.cambiar", object_type="secretaria")
    assert changed.changes["nombre"] == ["Salud", "Salud Municipal"]
    roles = Bitacora.objects.filter(action="usuario.roles", object_ref=str(user.pk)).last()
    assert roles.changes["agregados"] == ["enlace"]
    created = Bitacora.objects.get(action="catalogo.agregar", object_type="user")
    assert "password" not in created.changes


def test_a_staff_download_is_recorded(client, turnador):
    result = file_escrito(attachments=[upload("plano.pdf", pdf_bytes())])
    adjunto = result.escrito.adjuntos.get()
    client.force_login(turnador)
    client.get(reverse("adjunto_descargar", args=[result.escrito.folio, adjunto.pk]))
    entry = Bitacora.objects.get(action="archivo.descargar")
    assert entry.actor == turnador
    assert entry.changes == {"archivo": "plano.pdf", "sha256": adjunto.sha256}


def test_the_chain_verifies_and_the_command_says_so(capsys):
    for _ in range(3):
        file_escrito()
    assert bitacora.verify().ok
    call_command("verificar_bitacora")
    assert "Bitácora íntegra" in capsys.readouterr().out


def test_each_entry_chains_to_the_previous_one():
    file_escrito()
    file_escrito()
    entries = list(Bitacora.objects.order_by("id"))
    assert entries[0].prev_hash == bitacora.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
        assert after.hash == bitacora.entry_hash(before.hash, after)


def test_the_database_refuses_update_and_delete(postgres):
    file_escrito()
    entry_id, label = Bitacora.objects.order_by("id").values_list("id", "actor_label").first()
    for sql in (
        "UPDATE oficialia_bitacora SET actor_label = 'otro' WHERE id = %s",
        "DELETE FROM oficialia_bitacora WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="solo admite agregar"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry_id])
    with pytest.raises(DatabaseError):
        Bitacora.objects.filter(pk=entry_id).delete()
    assert Bitacora.objects.filter(pk=entry_id, actor_label=label).exists()


def test_an_entry_edited_behind_the_trigger_is_caught(trigger_off, capsys):
    for _ in range(4):
        file_escrito()
    target = Bitacora.objects.order_by("id")[2]
    trigger_off(
        "UPDATE oficialia_bitacora SET changes = %s WHERE id = %s",
        ['{"a": "concluido"}', target.pk],
    )
    result = bitacora.verify()
    assert not result.ok
    assert result.first_bad_id == target.pk
    with pytest.raises(SystemExit) as exit_info:
        call_command("verificar_bitacora")
    assert exit_info.value.code == 1
    assert f"#{target.pk}" in capsys.readouterr().err


def test_a_deleted_entry_is_caught(trigger_off):
    for _ in range(4):
        file_escrito()
    entries = list(Bitacora.objects.order_by("id").values_list("id", flat=True))
    trigger_off("DELETE FROM oficialia_bitacora WHERE id = %s", [entries[1]])
    result = bitacora.verify()
    assert not result.ok
    assert result.first_bad_id == entries[2]


def test_parallel_writers_keep_the_chain_linear(postgres):
    barrier = threading.Barrier(12)

    def write(i):
        barrier.wait()
        try:
            for n in range(10):
                bitacora.record(action="datos.ver", object_ref=f"{i}-{n}", actor=None)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(write, range(12)))
    entries = list(Bitacora.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(entries) == 120
    parents = [prev for prev, _ in entries]
    assert len(set(parents)) == 120  # nobody chained to the same parent: no fork
    assert bitacora.verify().ok


def test_the_chain_head_is_published_once_a_day():
    file_escrito()
    first = bitacora.publish_head()
    file_escrito()
    again = bitacora.publish_head()
    assert again.pk == first.pk
    assert BitacoraCabeza.objects.count() == 1
    last_id, last_hash, count = bitacora.head()
    assert first.last_hash != last_hash
    assert first.last_id < last_id
    assert first.count < count


def test_the_transparency_page_publishes_the_day_s_chain_head(client):
    file_escrito()
    html = client.get("/transparencia/").content.decode()
    published = BitacoraCabeza.objects.get()
    assert published.last_hash == bitacora.head()[1]
    assert published.last_hash in html
    assert 'data-testid="bitacora-cabeza"' in html
