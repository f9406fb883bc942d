import cProfile, pstats, time
import pytest
from django.urls import reverse
from tests.factories import file_escrito, escrito_form_data, upload, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

def test_prof(client, settings):
    r = file_escrito(asunto="Poda")
    client.get(reverse("consulta"))
    for _ in range(3):
        client.post(reverse("consulta"), {"folio": r.escrito.folio, "codigo": r.access_code})
    pr = cProfile.Profile(); pr.enable()
    t = time.perf_counter()
    for _ in range(20):
        resp = client.post(reverse("consulta"), {"folio": r.escrito.folio, "codigo": r.access_code})
    print("\nconsulta ms", (time.perf_counter() - t) / 20 * 1000)
    pr.disable(); pstats.Stats(pr).sort_stats("cumulative").print_stats(40)
