"""A CSV cell that a spreadsheet would run as a formula is written as text, in every export."""

import csv
import io

import pytest
from django.urls import reverse

from oficialia import bitacora
from oficialia.hojas import safe_cell
from tests.factories import TramiteFactory, UserFactory, file_escrito

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_becomes_text(text):
    assert safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_kept():
    assert safe_cell(-3) == "-3"
    assert safe_cell(2.5) == "2.5"
    assert safe_cell("Obras Públicas") == "Obras Públicas"
    assert safe_cell(None) == ""


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_open_data_csv_neutralises_a_tramite_named_like_a_formula(client, db):
    tramite = TramiteFactory(nombre='=HYPERLINK("http://evil","clic")')
    escrito = file_escrito(queue_acuse=False).escrito
    escrito.tramite = tramite
    escrito.save(update_fields=["tramite"])
    from transparencia import services

    services.statistics_refresh()
    rows = _rows(client.get(reverse("transparencia_escritos_csv")))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil","clic")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_the_bitacora_csv_neutralises_what_anyone_typed(client, db):
    bitacora.record(action="sesion.fallida", actor=None, actor_label="=cmd|' /C calc'!A0")
    client.force_login(UserFactory(username="carla.contraloria", roles=["contraloria"]))
    rows = _rows(client.get(reverse("contraloria_bitacora_csv")))
    labels = [row[2] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in labels


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_every_csv_served_starts_with_a_bom_and_reads_its_accents(client, db):
    """Without the BOM Excel reads UTF-8 as its own code page: «Secretaría» comes out as
    «SecretarÃ\xada». (The archive's CSVs are checked beside their own tests.)"""
    TramiteFactory(nombre="Constancia de número oficial")
    file_escrito(queue_acuse=False)
    from transparencia import services

    services.statistics_refresh()
    urls = [
        reverse("transparencia_escritos_csv"),
        reverse("transparencia_mensual_csv"),
        reverse("transparencia_bitacora_csv"),
        reverse("tramites_csv"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv"), url
        body = _body(response)
        assert body.startswith(b"\xef\xbb\xbf"), url
        assert body.count(b"\xef\xbb\xbf") == 1, url
        body.decode("utf-8")
    assert "número".encode() in _body(client.get(reverse("tramites_csv")))
    client.force_login(UserFactory(username="carla.contraloria", roles=["contraloria"]))
    assert _body(client.get(reverse("contraloria_bitacora_csv"))).startswith(b"\xef\xbb\xbf")
