"""The contraloría exports a search of the bitácora as CSV, and the export goes on record."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from contraloria import selectors
from oficialia import bitacora
from oficialia.bitacora import ip_keyed_hash
from oficialia.models import Bitacora

from .desk import F1, FORMULA, OBRAS, make_people, newest_first, write_log

pytestmark = pytest.mark.django_db

URL = reverse("contraloria_bitacora_csv")


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_people()


@pytest.fixture
def log(people):
    return write_log(people)


@pytest.fixture
def desk(people) -> Client:
    client = Client()
    client.force_login(people.carla)
    return client


def download(client: Client, params: dict) -> tuple[bytes, list[list[str]]]:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bitacora-')
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_file_is_utf8_with_a_byte_order_mark_so_excel_reads_the_accents(desk, log):
    body, rows = download(desk, {"secretaria": OBRAS})
    assert body.startswith("\ufeff".encode())  # EF BB BF
    assert rows[0][:3] == ["Entrada", "Fecha y hora (Ciudad de México)", "Actor"]
    assert "Secretaría de Obras Públicas".encode() in body


def test_the_file_holds_every_entry_of_the_search_not_just_a_page(monkeypatch, desk, log):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 3)  # read in several chunks
    _, rows = download(desk, {"folio": F1.lower()})
    # Not the export's own entry (it names the folio too): the file ends before it.
    expected = newest_first(Bitacora.objects.filter(folio=F1).exclude(action="bitacora.exportar"))
    assert len(expected) > 3
    assert [int(r[0]) for r in rows[1:]] == expected


def test_each_row_has_time_actor_role_secretaria_address_action_object_changes_and_hashes(
    desk, log
):
    _, rows = download(desk, {"accion": "turno.accept"})
    header, (row,) = rows[0], rows[1:]
    entry = log[3]
    assert dict(zip(header, row, strict=True)) == {
        "Entrada": str(entry.pk),
        "Fecha y hora (Ciudad de México)": "2026-06-09 10:30:00",
        "Actor": "Olga",
        "Id de usuario": str(entry.actor_id),
        "Rol": "titular",
        "Secretaría": OBRAS,
        "Dirección IP": f"#{ip_keyed_hash('198.51.100.7')[:10]}",
        "Acción": "turno.accept",
        "Descripción de la acción": "Turno aceptado",
        "Objeto": "turno",
        "Referencia": "11",
        "Folio": F1,
        "Cambios": '{"a": "aceptado", "de": "pendiente", "descripcion": "Secretaría de Obras '
        'Públicas: aceptó el turno", "secretaria": "Secretaría de Obras Públicas"}',
        "Hash anterior": entry.prev_hash,
        "Hash": entry.hash,
    }


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(desk, log):
    _, rows = download(desk, {"accion": "sesion.fallida"})
    (row,) = rows[1:]
    assert row[2] == f"Intento como «{FORMULA}»"  # does not start with "="
    assert row[10] == "'" + FORMULA  # the name typed, made inert
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_the_export_is_itself_on_record_with_its_filters(desk, people, log):
    before = Bitacora.objects.count()
    download(desk, {"usuario": people.ernesto.pk, "accion": "datos.ver", "desde": "2026-06-10"})

    assert Bitacora.objects.count() == before + 1
    entry = Bitacora.objects.latest("id")
    assert entry.action == "bitacora.exportar"
    assert entry.actor == people.carla
    assert entry.role == "contraloria"
    assert entry.changes == {
        "filtros": {"usuario": "ernesto.enlace", "accion": "datos.ver", "desde": "2026-06-10"},
        "formato": "csv",
    }
    assert bitacora.verify().ok


def test_the_file_is_the_log_as_it_stood_when_exported(desk, log):
    _, first = download(desk, {})
    exported = Bitacora.objects.latest("id")
    # The export's own entry is not in its file, and everything before it is.
    assert [int(r[0]) for r in first[1:]] == newest_first(Bitacora.objects.exclude(pk=exported.pk))
    # The next export, of exports, finds the first one.
    _, second = download(desk, {"accion": "bitacora.exportar"})
    assert [int(r[0]) for r in second[1:]] == [exported.pk]


def test_an_export_of_a_folio_is_found_under_that_folio(desk, log):
    download(desk, {"folio": F1})
    search = desk.get(reverse("contraloria_bitacora"), {"folio": F1})
    assert search.context["page"].entries[0].action == "bitacora.exportar"


def test_filters_that_do_not_validate_export_nothing(desk, log):
    before = Bitacora.objects.count()
    response = desk.get(URL, {"desde": "2026-06-12", "hasta": "2026-06-01", "accion": "datos.ver"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("contraloria_bitacora") + "?")
    assert "accion=datos.ver" in response.url
    assert Bitacora.objects.count() == before


def test_a_search_too_big_for_one_file_asks_to_narrow_it(monkeypatch, desk, log):
    monkeypatch.setattr(selectors, "EXPORT_MAX", 3)
    before = Bitacora.objects.count()
    response = desk.get(URL, {"folio": F1}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("contraloria_bitacora"))
    assert "más de 3 entradas: acote las fechas" in response.content.decode()
    assert Bitacora.objects.count() == before  # nothing exported, nothing recorded
    monkeypatch.setattr(selectors, "EXPORT_MAX", 6)
    assert desk.get(URL, {"folio": F1}).status_code == 200
