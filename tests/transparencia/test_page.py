"""/transparencia/: every question answered by a chart and its table, read from the counters
(never from the raw tables), for a year and optionally one secretaría."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.safestring import mark_safe

from transparencia import charts, selectors, services
from transparencia.figures import Figure, Table

from .conftest import local

pytestmark = pytest.mark.django_db

FIGURES = [
    "por-dia",
    "por-mes",
    "por-anio",
    "meses",
    "por-secretaria",
    "por-tramite",
    "por-medio",
    "por-genero",
    "por-tipo",
    "tiempo-respuesta",
    "sentido",
    "articulo-8",
    "calificacion",
]
RAW_TABLES = [
    "correspondencia_escrito",
    "correspondencia_peticionario",
    "correspondencia_transicion",
    "turnos_turno",
    "turnos_respuesta",
    "turnos_evaluacion",
]


@pytest.fixture
def some_escritos(life, obras, agua):
    life.live(local(2025, 3, 3), obras, genero="mujer", answered=local(2025, 3, 5, 12), score=4)
    life.live(
        local(2025, 4, 3), agua, genero="hombre", answered=local(2025, 4, 9, 12), sense="negativa"
    )
    life.live(local(2025, 5, 6), obras, genero="mujer")
    with time_machine.travel(local(2025, 6, 2, 12), tick=False):
        yield


def sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="figure" id="([\w-]+)".*?>(.*?)</section>', html, re.S))


def test_every_figure_is_a_chart_and_a_table(client, some_escritos):
    html = client.get("/transparencia/").content.decode()
    found = sections(html)
    assert list(found) == FIGURES
    for slug, body in found.items():
        assert re.search(r'<svg class="chart[^"]*"[^>]* role="img" aria-label="[^"]+"', body), slug
        assert "<caption>" in body and '<th scope="col">' in body, slug


def test_the_page_reads_counters_not_the_raw_tables(client, some_escritos):
    services.statistics_refresh()
    client.get("/transparencia/")  # publishes the day's bitácora head and caches the fichas
    with CaptureQueriesContext(connection) as page:
        response = client.get("/transparencia/?anio=2025&secretaria=SOP")
    assert response.status_code == 200
    raw = [q["sql"] for q in page.captured_queries if any(t in q["sql"] for t in RAW_TABLES)]
    assert raw == []
    assert len(page.captured_queries) <= 15
    # Warm: the figures come from the cache.
    with CaptureQueriesContext(connection) as warm:
        client.get("/transparencia/?anio=2025&secretaria=SOP")
    assert not [
        q
        for q in warm.captured_queries
        if "transparencia_summarycell" in q["sql"] and "DISTINCT" not in q["sql"]
    ]


def test_a_year_and_a_secretaria_have_stable_addresses(client, some_escritos):
    response = client.get("/transparencia/?anio=2025&secretaria=sop")
    assert response.status_code == 200
    assert response.context["stats"].scope_name == "Secretaría de Obras Públicas"
    assert response.context["stats"].total == 2
    assert client.get("/transparencia/?anio=2024").context["stats"].total == 0
    assert client.get("/transparencia/?anio=dosmil").status_code == 404
    assert client.get("/transparencia/?anio=1999").status_code == 404
    assert client.get("/transparencia/?anio=2026").status_code == 404  # the future
    assert client.get("/transparencia/?secretaria=NADA").status_code == 404


def test_the_filter_offers_the_years_with_escritos(client, some_escritos):
    html = client.get("/transparencia/").content.decode()
    assert '<option value="2025" selected>2025</option>' in html
    assert '<option value="SOP">Secretaría de Obras Públicas</option>' in html


def test_other_apps_can_add_figures(client, some_escritos, monkeypatch):
    extra = Figure(
        "fila-espera",
        "Espera en la fila",
        "Minutos de espera.",
        charts.bars([charts.Bar("Catastro", 12, "12 min")], label="Espera; ver la tabla"),
        Table("Espera por secretaría", ["Secretaría", "Minutos"], [["Catastro", "12"]]),
    )
    monkeypatch.setattr(selectors, "extra_figures", lambda **kw: [extra])
    html = client.get("/transparencia/").content.decode()
    assert list(sections(html))[-1] == "fila-espera"


def test_labels_are_escaped_in_the_charts():
    svg = charts.bars([charts.Bar("<script>alert(1)</script>", 1, "1")], label='a "b"')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'aria-label="a &quot;b&quot;"' in svg
    assert mark_safe(svg) == svg


def test_the_rendered_figures_are_kept_until_the_counters_move(client, life, obras, some_escritos):
    """Warm, the page neither reads nor draws the figures again: their HTML is cached under
    the statistics version, which the consumer changes when it moves a counter."""
    services.statistics_refresh()
    url = "/transparencia/?anio=2025"
    first = client.get(url).content.decode()
    key = selectors.statistics_key(year=2025, secretaria=None, mark=services.watermark())
    # Without the figures' data in the cache, a warm page still shows them: it reuses the
    # rendered fragment and never builds the figures.
    from django.core.cache import cache

    cache.delete(key)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url).content.decode()
    assert sections(again) == sections(first)
    read = [q["sql"] for q in warm.captured_queries if "transparencia_summarycell" in q["sql"]]
    assert [q for q in read if "DISTINCT" not in q] == []  # only the years of the filter
    assert cache.get(key) is None

    # A new escrito moves the counters: the next page is drawn again and counts it.
    total = re.search(r'kpi__value">([\d,\s]+)<', first).group(1)
    life.live(local(2025, 5, 20), obras, genero="mujer")
    services.statistics_refresh()
    fresh = client.get(url).content.decode()
    assert re.search(r'kpi__value">([\d,\s]+)<', fresh).group(1) != total


def _token(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def test_anonymous_visitors_share_the_drawn_page_but_not_a_csrf_token(client, some_escritos):
    """The page is the same for everyone who is not signed in: it is drawn once, and each
    visitor gets it with a CSRF token that matches the cookie they were given."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    first = client.get("/transparencia/?anio=2025")
    other = Client()
    with CaptureQueriesContext(connection) as served:
        second = other.get("/transparencia/?anio=2025")
    assert second.context is None  # not drawn again
    assert len(served.captured_queries) <= 2  # the watermark, and nothing the page reads
    a, b = first.content.decode(), second.content.decode()
    assert _token(a) != _token(b)
    assert a.replace(_token(a), "") == b.replace(_token(b), "")
    for response, html in ((first, a), (second, b)):
        assert _unmask_cipher_token(_token(html)) == response.cookies["csrftoken"].value
    assert "csrf-token-of-this-visitor" not in a + b


def test_a_signed_in_visitor_is_not_served_the_anonymous_page(client, turnador, some_escritos):
    anonymous = client.get("/transparencia/").content  # the anonymous page, now cached
    assert b">Personal</a>" in anonymous
    client.force_login(turnador)
    response = client.get("/transparencia/")
    assert response.context is not None  # drawn for this user
    assert b">Personal</a>" not in response.content
    assert b"Salir (" in response.content


def _total(html: str) -> str:
    return re.search(r'kpi__value">([\d,\s]+)<', html).group(1)


def test_warm_the_anonymous_page_reads_nothing_from_the_database(
    client, life, obras, some_escritos, django_capture_on_commit_callbacks
):
    """The consumer publishes its watermark in the cache when it commits: a warm anonymous
    page is then one cache round trip, and a counter moved is still shown at once."""
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        services.statistics_refresh()
    url = "/transparencia/?anio=2025"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as served:
        again = Client().get(url)
    assert served.captured_queries == []
    assert again.context is None
    assert sections(again.content.decode()) == sections(first)

    life.live(local(2025, 5, 20), obras, genero="mujer")
    with django_capture_on_commit_callbacks(execute=True):
        services.statistics_refresh()
    fresh = Client().get(url).content.decode()
    assert _total(fresh) != _total(first)


def test_a_late_consumer_is_caught_up_by_the_page_even_with_the_page_cached(
    client, life, obras, some_escritos, django_capture_on_commit_callbacks
):
    """Beat stopped: the published watermark ages, and after REFRESH_EVERY the page reads the
    database again and runs the consumer itself, as it did before anything was published."""
    with django_capture_on_commit_callbacks(execute=True):
        services.statistics_refresh()
    url = "/transparencia/?anio=2025"
    first = client.get(url).content.decode()
    life.live(local(2025, 5, 20), obras, genero="mujer")  # no consumer runs
    later = timezone.now() + services.REFRESH_EVERY + timedelta(seconds=1)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        caught_up = client.get(url).content.decode()
    assert _total(caught_up) != _total(first)
