"""How many SQL queries a filing and a /consulta/ lookup cost, pinned: a change that adds one
to these paths (a lookup repeated, a relation read row by row, a second transaction) fails
here instead of showing up as a slower filing under load. The figures are PostgreSQL's; on
SQLite the bitácora takes no advisory lock, so there are fewer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from correspondencia.models import Acuse
from tests.conftest import celery_broker
from tests.factories import escrito_form_data, file_escrito, pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

# BEGIN; the petitioner and its history row; the folio (one UPDATE ... RETURNING); the escrito
# and its history row; the search index's mark for the worker (one upsert); the attachments;
# the acuse; the transición; the bitácora's lock (PostgreSQL), head, entry and end marker;
# COMMIT; then, after the commit, the archive reads the step and the place of the paper
# original (none for an online filing). The search document and the text of the attachments
# are the worker's (busqueda.indice.reindex_escrito).
FILING_QUERIES = 17
# The filing's, plus the session and the twin check of the form; the acuse, its email, the
# search document and the attachments' text are the worker's.
FILING_VIEW_QUERIES = 17
# The escrito with its trámite, destination and evaluación; the timeline; the turnos with
# their answers; their prevenciones (the calendar, when not cached); and the new session row,
# one INSERT (oficialia/sesiones.py).
LOOKUP_QUERIES = 5
LOOKUP_FORM_QUERIES = 1  # the session


@pytest.fixture
def broker():
    """Tasks go to Celery's in-memory broker, as to Redis in production: the request's own
    queries are counted, not those of the tasks a worker would run."""
    with celery_broker("memory://"):
        yield


def test_a_filing_costs_a_fixed_number_of_queries(broker, django_assert_max_num_queries):
    file_escrito()  # the folio counter row and the bitácora exist from here on
    with django_assert_max_num_queries(FILING_QUERIES):
        file_escrito(attachments=[upload("a.pdf", pdf_bytes())], queue_acuse=False)


def test_a_filing_reads_the_submission_token_once_and_marks_the_acuse_queued_inside(
    broker, client
):
    file_escrito()
    data = escrito_form_data()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("escrito_nuevo"), data)
    assert response.status_code == 302
    sql = [q["sql"] for q in captured.captured_queries]
    assert len(sql) <= FILING_VIEW_QUERIES, "\n".join(sql)
    assert sum('"submission_token" =' in q for q in sql) == 1, "\n".join(sql)
    # queued_at is written by the filing's own INSERT, not by an UPDATE after the commit.
    assert not [q for q in sql if q.startswith('UPDATE "correspondencia_acuse" SET "queued_at"')]
    assert Acuse.objects.get(escrito__submission_token=data["submission_token"]).queued_at


def test_a_consulta_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):

    result = file_escrito()
    client.get(reverse("consulta"))
    with django_assert_max_num_queries(LOOKUP_QUERIES):
        response = client.post(
            reverse("consulta"), {"folio": result.escrito.folio, "codigo": result.access_code}
        )
    assert result.escrito.folio in response.content.decode()
    with django_assert_max_num_queries(LOOKUP_FORM_QUERIES):
        assert client.get(reverse("consulta")).status_code == 200
