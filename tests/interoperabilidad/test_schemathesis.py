"""schemathesis generates requests from the published OpenAPI schema and checks every answer:
no server error, and each status, content type, header and body as the schema says. Runs in
the services suite (PostgreSQL), with a bounded budget per operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from correspondencia.models import Escrito
from interoperabilidad.models import Institucion
from oficialia.models import Bitacora
from tests.factories import TramiteFactory

from .conftest import bearer

# Examples generated per operation: with about ten operations, a few hundred calls.
EXAMPLES = 30


@pytest.fixture
def api_schema(postgres, db):
    from django.core import signals
    from django.db import close_old_connections

    from config.wsgi import application

    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    gobierno = Institucion.objects.create(
        nombre="Secretaría General de Gobierno del Estado", correo_contacto="sgg@sgg.gob.mx"
    )
    TramiteFactory(nombre="Licencia de construcción", homoclave="MUN-SOP-001-A")
    return bearer(gobierno)


def test_the_api_answers_as_its_schema_says(api_schema, token, settings):
    # Hundreds of calls in a few seconds: the per-token rate is not what is under test here.
    settings.API_RATE = "100000/m"
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # A request can match the schema and still be refused with 422 for what only the
            # server can judge: a trámite that does not exist, a file that is not the PDF it
            # claims to be, a key already used for another oficio. Every other check runs.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
    # The generated requests reached the use cases, not only the validation.
    assert Escrito.objects.exists()
    assert Bitacora.objects.filter(action="api.llamada", changes__estado=201).exists()
