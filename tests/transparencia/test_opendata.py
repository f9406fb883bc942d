"""The open data: one row per escrito, streamed, UTF-8, ISO dates, and no personal data."""

import csv
import io
import json
import re
import uuid
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse

from correspondencia.models import Channel
from oficialia.adjuntos import inspect_all
from tests.factories import TramiteFactory, pdf_bytes, upload
from transparencia import opendata, services
from transparencia.opendata import ESCRITOS_COLUMNS, MONTHLY_COLUMNS
from turnos.services import Route, escrito_turn

from .conftest import local

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/transparencia/datos/escritos.csv",
    "/transparencia/datos/escritos.json",
    "/transparencia/datos/mensual.csv",
    "/transparencia/datos/mensual.json",
]


def body(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(client, url: str = "/transparencia/datos/escritos.csv") -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(client, url).decode("utf-8-sig"))))


@pytest.fixture
def two_escritos(life, obras, agua):
    tramite = TramiteFactory(nombre="Licencia de construcción", secretaria=obras)
    answered = life.live(
        local(2025, 3, 3),
        obras,
        genero="mujer",
        tramite=tramite,
        answered=local(2025, 3, 5, 12),
        sense="positiva",
        score=5,
    )
    pending = life.receive(local(2025, 12, 31, 23, 30), channel=Channel.VENTANILLA)
    life.turn(pending, local(2026, 1, 2, 10), obras, agua)
    with time_machine.travel(local(2026, 1, 5, 12), tick=False):
        services.statistics_refresh()
        yield answered, pending


def test_escritos_csv_has_one_row_per_escrito_as_the_dictionary_says(client, two_escritos):
    answered, pending = two_escritos
    response = client.get("/transparencia/datos/escritos.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: a spreadsheet reads it as UTF-8
    assert raw.splitlines()[0].decode("utf-8-sig") == ",".join(c.name for c in ESCRITOS_COLUMNS)
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table == [
        {
            "id_publico": str(answered.public_id),
            "anio": "2025",
            "fecha_recepcion": "2025-03-03",
            "medio": "en_linea",
            "secretarias": "Secretaría de Obras Públicas",
            "tramite": "Licencia de construcción",
            "estado": "concluido",
            "fecha_limite": "2025-03-18",  # 17 March rests
            "fecha_respuesta": "2025-03-05",
            "sentido": "positiva",
            "dias_habiles": "2",
            "en_plazo": "si",
        },
        {
            "id_publico": str(pending.public_id),
            "anio": "2025",  # received at 23:30 of 31 December, Mexico City
            "fecha_recepcion": "2025-12-31",
            "medio": "ventanilla",
            "secretarias": "Secretaría de Agua Potable | Secretaría de Obras Públicas",
            "tramite": "",
            "estado": "turnado",
            "fecha_limite": "2026-01-15",
            "fecha_respuesta": "",
            "sentido": "",
            "dias_habiles": "",
            "en_plazo": "",
        },
    ]
    assert "Secretaría".encode() in raw  # UTF-8, not an escape


def test_escritos_json_has_the_same_records_with_json_types(client, two_escritos):
    answered, pending = two_escritos
    records = json.loads(body(client, "/transparencia/datos/escritos.json"))
    assert [r["id_publico"] for r in records] == [str(answered.public_id), str(pending.public_id)]
    assert list(records[0]) == [c.name for c in ESCRITOS_COLUMNS]
    assert records[0]["anio"] == 2025
    assert records[0]["dias_habiles"] == 2
    assert records[0]["en_plazo"] is True
    assert records[1]["en_plazo"] is None
    assert records[1]["fecha_respuesta"] is None


def test_one_year_has_its_own_address(client, two_escritos, life):
    life.receive(local(2026, 1, 5, 9))
    services.statistics_refresh()
    assert [r["anio"] for r in csv_rows(client)] == ["2025", "2025", "2026"]
    assert [r["anio"] for r in csv_rows(client, "/transparencia/datos/escritos.csv?anio=2026")] == [
        "2026"
    ]
    response = client.get("/transparencia/datos/escritos.json?anio=2025")
    assert 'filename="escritos-2025.json"' in response["Content-Disposition"]
    assert client.get("/transparencia/datos/escritos.csv?anio=dos").status_code == 404


def test_the_rows_are_streamed_through_a_server_side_cursor(client, two_escritos, monkeypatch):
    # The JSON always builds its records in Python (on PostgreSQL the CSV is COPY's, below).
    monkeypatch.setattr(opendata, "ROWS_PER_CHUNK", 1)
    cursors = []
    chunked = connection.chunked_cursor

    def spy():
        cursors.append(True)
        return chunked()

    monkeypatch.setattr(connection, "chunked_cursor", spy)
    response = client.get("/transparencia/datos/escritos.json")
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    assert not response.has_header("Content-Length")
    assert not cursors  # nothing read yet: the rows are read while the response is sent
    pieces = list(response.streaming_content)
    assert len(pieces) == 4  # "[", then one record per piece, then "]"
    assert cursors  # .iterator(): a named (server-side) cursor on PostgreSQL


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", EXPORTS[:2])
def test_the_escritos_are_read_inside_one_transaction(client, two_escritos, url):
    """Outside a transaction Django declares the cursor WITH HOLD, and PostgreSQL builds every
    row before it sends the first; inside one the first rows leave at once. The header leaves
    before the transaction opens."""
    response = client.get(url)
    stream = iter(response.streaming_content)
    head = next(stream)
    with_head = connection.in_atomic_block
    first = next(stream)
    with_rows = connection.in_atomic_block
    rest = list(stream)
    response.close()
    assert (with_head, with_rows, connection.in_atomic_block) == (False, True, False)
    assert head in (
        b"\xef\xbb\xbf" + b",".join(c.name.encode() for c in ESCRITOS_COLUMNS) + b"\r\n",
        b"[",
    )
    assert b"".join([first, *rest]).count(b"\n") >= 2


@pytest.mark.parametrize("url", EXPORTS[:2])
def test_a_download_brings_the_statistics_up_to_date_before_its_rows(
    client, life, obras, two_escritos, url
):
    """Without beat for 30 s, a download brings the statistics up to date before it reads a
    row, as the page does."""
    late = life.receive(local(2026, 1, 5, 11))
    with time_machine.travel(local(2026, 1, 5, 12, 1), tick=False):
        before = services.watermark().last_id
        rows = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert services.watermark().last_id > before
    assert str(late.public_id) in rows


def test_the_monthly_aggregates_follow_their_dictionary(client, two_escritos):
    raw = body(client, "/transparencia/datos/mensual.csv")
    assert raw.splitlines()[0].decode("utf-8-sig") == ",".join(c.name for c in MONTHLY_COLUMNS)
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    march = {
        (r["siglas"], r["indicador"], r["categoria"]): r["valor"]
        for r in table
        if (r["anio"], r["mes"]) == ("2025", "3")
    }
    assert march[("TODAS", "recibidos", "")] == "1"
    assert march[("TODAS", "medio", "en_linea")] == "1"
    assert march[("TODAS", "genero", "mujer")] == "reservado"  # 1: small
    assert march[("TODAS", "genero", "hombre")] == "0"  # a zero singles nobody out
    assert march[("TODAS", "respuestas", "en_plazo")] == "1"  # not a cut by person
    assert march[("SOP", "genero", "mujer")] == "reservado"
    records = json.loads(body(client, "/transparencia/datos/mensual.json"))
    assert len(records) == len(table)
    assert {
        "anio": 2025,
        "mes": 3,
        "siglas": "TODAS",
        "secretaria": "Todas las secretarías",
        "indicador": "recibidos",
        "categoria": "",
        "valor": 1,
    } in records


def test_the_dictionary_page_lists_every_column(client):
    html = client.get("/transparencia/datos/").content.decode()
    for column in [*ESCRITOS_COLUMNS, *MONTHLY_COLUMNS]:
        assert f"<code>{column.name}</code>" in html
    for url in EXPORTS:
        assert f'href="{url}"' in html


def test_no_personal_data_leaves_in_any_download_or_page(client, life, obras, turnador):
    """Plant a unique string in every personal field and look for each one in everything
    the public can get."""
    # Twelve characters: the RFC holds thirteen.
    planted = {
        field: f"QX{uuid.uuid4().hex[:10].upper()}"
        for field in [
            "nombre",
            "email",
            "telefono",
            "curp",
            "rfc",
            "asunto",
            "texto",
            "numero_oficio",
            "anexos_descripcion",
            "ubicacion_original",
            "archivo",
            "instruccion",
            "respuesta",
            "comentario",
            "prevencion",
            "motivo",
        ]
    }
    escrito = life.receive(
        local(2025, 3, 3),
        genero="mujer",
        nombre=planted["nombre"],
        email=f"{planted['email']}@example.com",
        telefono=planted["telefono"],
        curp=planted["curp"],
        rfc=planted["rfc"],
        asunto=planted["asunto"],
        texto=planted["texto"],
        numero_oficio=planted["numero_oficio"],
        anexos_descripcion=planted["anexos_descripcion"],
        ubicacion_original=planted["ubicacion_original"],
        adjuntos=inspect_all([upload(f"{planted['archivo']}.pdf", pdf_bytes(), "application/pdf")]),
    )
    with time_machine.travel(local(2025, 3, 3, 11), tick=False):
        (turno,) = escrito_turn(
            escrito_id=escrito.pk,
            user=turnador,
            routes=[Route(obras, instruccion=planted["instruccion"])],
        )
    life.accept(turno, local(2025, 3, 4))
    life.prevent(turno, local(2025, 3, 4, 12), texto=planted["prevencion"])
    other = life.live(local(2025, 3, 5), obras, genero="hombre")
    (other_turno,) = other.turnos.all()
    life.accept(other_turno, local(2025, 3, 6))
    life.answer(other_turno, local(2025, 3, 6, 12), "negativa", texto=planted["respuesta"])
    life.rate(other, local(2025, 3, 7), 3, comentario=planted["comentario"])
    rejected = life.receive(local(2025, 3, 5, 13), nombre=planted["nombre"])
    with time_machine.travel(local(2025, 3, 6), tick=False):
        from turnos.services import escrito_reject

        escrito_reject(escrito_id=rejected.pk, user=turnador, reason=planted["motivo"])
    with time_machine.travel(local(2025, 3, 10, 12), tick=False):
        services.statistics_refresh()
        public = [
            body(client, url)
            for url in [
                *EXPORTS,
                "/transparencia/datos/bitacora.csv",
                "/transparencia/datos/bitacora.json",
            ]
        ]
        public += [
            client.get(url).content
            for url in [
                "/transparencia/",
                "/transparencia/?anio=2025",
                "/transparencia/?anio=2025&secretaria=SOP",
                "/transparencia/datos/",
            ]
        ]
    everything = b"\n".join(public)
    assert str(escrito.public_id).encode() in everything  # the escrito is published, and found
    assert escrito.folio.encode() not in everything  # by its public id, never its folio
    assert not re.search(rb"OP-\d{4}-\d{6}", everything)
    found = {field: text for field, text in planted.items() if text.encode() in everything}
    assert found == {}
    assert b"example.com" not in everything


def test_an_empty_database_gives_valid_files(client):
    assert csv_rows(client) == []
    assert json.loads(body(client, "/transparencia/datos/escritos.json")) == []
    assert json.loads(body(client, "/transparencia/datos/mensual.json")) == []


def test_dates_are_iso_in_mexico_city_time(client, two_escritos):
    _, pending = csv_rows(client)
    assert pending["fecha_recepcion"] == date(2025, 12, 31).isoformat()


@pytest.fixture
def awkward_names(two_escritos, life, obras):
    """Names a CSV must quote (commas, quotes), accents that sort after z by code point, and
    an escrito turned to two secretarías and one with a trámite."""
    from correspondencia.models import Secretaria, Tramite

    Secretaria.objects.filter(pk=obras.pk).update(nombre='Obras, "Norte" y Ñandú')
    tramite = Tramite.objects.get()
    Tramite.objects.filter(pk=tramite.pk).update(nombre="Licencia; uso de suelo, «mixto»")
    with time_machine.travel(local(2026, 1, 5, 12), tick=False):
        yield


def python_csv(year=None) -> bytes:
    from transparencia.selectors import catalogues

    header = [c.name for c in ESCRITOS_COLUMNS]
    rows = opendata.escritos_rows(catalogues(), year=year)
    return "".join(opendata.csv_stream(header, rows)).encode()


@pytest.mark.parametrize("year", [None, 2025, 2026])
def test_postgresql_copy_writes_the_same_csv_as_python(postgres, client, awkward_names, year):
    """On PostgreSQL, COPY writes escritos.csv; it must be byte for byte the file the rows
    built in Python give (which SQLite serves, and which the JSON shares)."""
    url = "/transparencia/datos/escritos.csv" + (f"?anio={year}" if year else "")
    served = body(client, url)
    assert served == python_csv(year)
    assert served.count(b"\r\n") == {None: 3, 2025: 3, 2026: 1}[year]
    if year != 2026:
        assert '"Obras, ""Norte"" y Ñandú | Secretaría de Agua Potable"'.encode() in served


@pytest.mark.parametrize(
    "shape",
    ["none", "one", "two_in_order", "two_reversed", "the_same_twice", "three", "unknown_id"],
)
def test_copy_names_the_secretarias_of_any_number_of_turnos_as_python(
    postgres, client, awkward_names, obras, agua, shape
):
    """COPY names one or two secretarías without aggregating and three or more with it: each
    shape of an escrito's turnos gives the cell Python gives (sorted by code point, each name
    once, the id of one no longer in the catalogue)."""
    from tests.factories import SecretariaFactory
    from transparencia.models import EscritoPublico

    third = SecretariaFactory(nombre="Ábside municipal", siglas="ABS")
    ids = {
        "none": [],
        "one": [agua.pk],
        "two_in_order": [agua.pk, obras.pk],
        "two_reversed": [obras.pk, agua.pk],
        "the_same_twice": [obras.pk, obras.pk],
        "three": [third.pk, obras.pk, agua.pk],
        "unknown_id": [987654, agua.pk],
    }[shape]
    row = EscritoPublico.objects.order_by("-escrito_id").first()
    template = row.turnos[0] if row.turnos else [0, "turnado", None, None, None, None, "", None]
    row.turnos = [[pk, *template[1:]] for pk in ids]
    row.save(update_fields=["turnos"])
    served = body(client, "/transparencia/datos/escritos.csv")
    assert served == python_csv()
    expected = {
        "none": "",
        "one": "Secretaría de Agua Potable",
        "two_in_order": '"Obras, ""Norte"" y Ñandú | Secretaría de Agua Potable"',
        "two_reversed": '"Obras, ""Norte"" y Ñandú | Secretaría de Agua Potable"',
        "the_same_twice": '"Obras, ""Norte"" y Ñandú"',
        "three": '"Obras, ""Norte"" y Ñandú | Secretaría de Agua Potable | Ábside municipal"',
        "unknown_id": "987654 | Secretaría de Agua Potable",
    }[shape]
    last = served.decode("utf-8-sig").split("\r\n")[-2]
    assert last.split(",", 4)[4].startswith(expected + ",")


def test_a_name_that_needs_care_is_written_by_python(postgres, client, awkward_names, obras):
    from correspondencia.models import Secretaria

    Secretaria.objects.filter(pk=obras.pk).update(nombre="Obras\nNorte")
    served = body(client, "/transparencia/datos/escritos.csv")
    assert served == python_csv()
    assert b'"Obras\nNorte' in served
