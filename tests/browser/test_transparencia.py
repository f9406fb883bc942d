"""/transparencia/ in a real browser, at desktop and phone widths: every figure is a chart
with its table, the year and secretaría filters work, nothing overflows a 360 px screen, and
axe finds nothing serious. Screenshots go to tests/artifacts/transparencia-*.png.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible
from tests.factories import file_escrito
from transparencia import services
from transparencia.models import Watermark

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


@pytest.fixture
def seeded(transactional_db):
    """Two years of escritos with their whole history, already counted."""
    call_command("sembrar_escritos", cantidad=3000, anios=2, semilla=11, stdout=io.StringIO())
    services.statistics_refresh()


def figures_are_charts_with_tables(page) -> None:
    for slug in FIGURES:
        section = page.get_by_test_id(f"figura-{slug}")
        expect(section.get_by_role("heading", level=2)).to_be_visible()
        chart = section.locator("svg[role=img]")
        expect(chart).to_be_visible()
        assert chart.get_attribute("aria-label"), slug
        table = section.locator("table").first
        details = section.locator("details")
        if details.count():
            details.first.locator("summary").click()  # the long tables are folded
        expect(table).to_be_visible()
        expect(table.locator("caption")).not_to_be_empty()
        assert table.locator("tbody tr").count() > 0, slug


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than the screen"


def test_the_public_finds_every_figure_as_a_chart_and_a_table(
    seeded, live_server, new_page, screenshot
):
    year = timezone.localdate().year
    page = new_page()
    page.goto(f"{live_server.url}/transparencia/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Escritos en cifras")
    expect(page.get_by_test_id("resumen")).to_contain_text(f"Escritos recibidos en {year}")
    assert_accessible(page, "transparencia-escritorio")
    screenshot(page, "transparencia-01-cifras")  # as it opens: the long tables folded
    figures_are_charts_with_tables(page)

    # One secretaría, the year before: the address says so and can be shared.
    filters = page.get_by_test_id("filtros")
    filters.get_by_label("Año").select_option(str(year - 1))
    filters.get_by_label("Secretaría").select_option(label="Obras Públicas")
    filters.get_by_role("button", name="Ver cifras").click()
    expect(page).to_have_url(re.compile(rf"\?anio={year - 1}&secretaria=SOP$"))
    expect(page.locator(".stats-meta")).to_contain_text(
        f"Obras Públicas, escritos recibidos en {year - 1}"
    )
    suppressed = page.get_by_test_id("figura-por-genero").locator("td", has_text="res")
    assert suppressed.count() > 0  # small counts, and the ones that would give them back
    screenshot(page, "transparencia-02-secretaria")
    figures_are_charts_with_tables(page)

    page.get_by_role("link", name="Datos abiertos y diccionario de datos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datos abiertos")
    expect(page.get_by_test_id("diccionario").first).to_contain_text("fecha_recepcion")
    assert_accessible(page, "transparencia-datos")
    screenshot(page, "transparencia-03-datos")


def test_on_a_phone_nothing_overflows_and_the_figures_stay_readable(
    seeded, live_server, new_page, artifacts
):
    page = new_page(PHONE, mobile=True)
    page.goto(f"{live_server.url}/transparencia/?secretaria=CAT")
    figures_are_charts_with_tables(page)
    no_sideways_scroll(page)
    expect(page.get_by_test_id("resumen")).to_contain_text("Del 1 al")
    for part in ("resumen", "figura-por-tipo", "figura-por-genero"):
        page.get_by_test_id(part).screenshot(
            path=str(artifacts / f"transparencia-telefono-{part}.png")
        )
    # The charts fit the screen (they scale down, never past its edge).
    widths = page.locator("svg.chart").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert max(widths) <= PHONE["width"]
    assert_accessible(page, "transparencia-telefono")
    page.goto(f"{live_server.url}/transparencia/datos/")
    no_sideways_scroll(page)


def test_a_new_escrito_shows_within_a_minute_without_beat(seeded, live_server, new_page):
    """No worker in this test: the page catches up by itself when the consumer is late."""
    page = new_page()
    page.goto(f"{live_server.url}/transparencia/")
    before = page.get_by_test_id("resumen").locator(".kpi__value").first.inner_text()
    file_escrito(queue_acuse=False)
    # As if the last run of the consumer were 31 seconds old: in the database and in the
    # watermark it published to the cache.
    late = timezone.now() - timedelta(seconds=31)
    Watermark.objects.update(refreshed_at=late)
    mark = services.watermark()
    services._publish(generation=mark.generation, version=mark.version, refreshed_at=late)
    page.reload()
    after = page.get_by_test_id("resumen").locator(".kpi__value").first.inner_text()
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 1
