"""Catálogo interoperable: each trámite may carry its homoclave of the national catálogo de
trámites y servicios; it is shown, searchable, exported and given by the API."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import TramiteFactory


@pytest.fixture
def licencia(obras):
    return TramiteFactory(
        nombre="Licencia de construcción", secretaria=obras, homoclave="MUN-SOP-001-A"
    )


def test_the_homoclave_is_shown_on_the_tramite_page(client, licencia):
    page = client.get(licencia.get_absolute_url()).content.decode()
    assert 'data-testid="homoclave">MUN-SOP-001-A<' in page
    sin = TramiteFactory(nombre="Constancia de no adeudo", secretaria=licencia.secretaria)
    assert 'data-testid="homoclave"' not in client.get(sin.get_absolute_url()).content.decode()


def test_the_catalogue_is_exported_with_homoclaves(client, licencia):
    TramiteFactory(nombre="Constancia de no adeudo", secretaria=licencia.secretaria)
    assert 'data-testid="catalogo-csv"' in client.get("/tramites/").content.decode()
    response = client.get("/tramites/catalogo.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["nombre"], r["homoclave"]) for r in rows] == [
        ("Constancia de no adeudo", ""),
        ("Licencia de construcción", "MUN-SOP-001-A"),
    ]
    assert rows[1]["url"] == "http://testserver" + licencia.get_absolute_url()


def test_the_api_gives_each_tramite_its_homoclave(gobierno_api, licencia):
    (tramite,) = gobierno_api.get("/api/v1/tramites").json()
    assert tramite["homoclave"] == "MUN-SOP-001-A"
    assert tramite["slug"] == licencia.slug


def test_an_oficio_filed_for_a_tramite_carries_its_homoclave(gobierno_api, licencia):
    from .test_api import file

    folio = file(gobierno_api, tramite=licencia.slug).json()["folio"]
    detail = gobierno_api.get(f"/api/v1/escritos/{folio}").json()
    assert (detail["tramite"], detail["homoclave"]) == (licencia.nombre, "MUN-SOP-001-A")


def test_a_malformed_homoclave_is_refused_and_two_trámites_cannot_share_one(licencia):
    licencia.homoclave = "mun sop 1"
    with pytest.raises(ValidationError) as error:
        licencia.full_clean()
    assert "catálogo nacional" in str(error.value)
    with pytest.raises(IntegrityError):
        TramiteFactory(nombre="Otra", secretaria=licencia.secretaria, homoclave="MUN-SOP-001-A")


def test_the_homoclave_finds_the_tramite_in_the_search(client, licencia):
    page = client.get("/tramites/", {"q": "MUN-SOP-001-A"}).content.decode()
    assert "Licencia de construcción" in page
