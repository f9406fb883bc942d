import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oficialia import access_codes
from tests.factories import file_escrito, escrito_form_data

pytestmark = pytest.mark.django_db(transaction=True)

def test_dump(client):
    r = file_escrito(asunto="Poda")
    client.get(reverse("consulta"))
    with CaptureQueriesContext(connection) as c:
        resp = client.post(reverse("consulta"), {"folio": r.escrito.folio, "codigo": r.access_code})
    assert resp.status_code == 200
    print("\nPOST", len(c.captured_queries))
    for q in c.captured_queries: print("  ", q["sql"][:230])
    with CaptureQueriesContext(connection) as c:
        resp = client.get(reverse("consulta"))
    print("\nGET", len(c.captured_queries))
    for q in c.captured_queries: print("  ", q["sql"][:230])
    data = escrito_form_data()
    with CaptureQueriesContext(connection) as c:
        resp = client.post(reverse("escrito_nuevo"), data)
    assert resp.status_code == 302, resp.content[:2000]
    print("\nFILING", len(c.captured_queries))
    for q in c.captured_queries: print("  ", q["sql"][:200])
