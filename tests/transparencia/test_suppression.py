"""Withheld figures of the cuts by person (type of petitioner, gender): small ones, and the
ones that would give a small one back by subtraction, on the page and in the open data.

The attack below reads what the public reads (every page of /transparencia/, every
secretaría, and mensual.csv), writes down every relation between those figures (each month's
types against its escritos, its genders against its personas físicas, each month against the
year, each secretaría against all of them together) and tries to recover a withheld figure:
by one subtraction, by any combination of relations (exact linear algebra) and by the sum of
withheld figures being zero. It finds nothing on what the product publishes, and it does find
figures on what the old rule (small cells of one secretaría in one month only) published.
"""

import csv
import io
import re
from collections import defaultdict
from datetime import date
from fractions import Fraction
from html import unescape

import pytest
import time_machine
from django.core.management import call_command

from correspondencia.models import PetitionerType, Secretaria
from transparencia import reserva, selectors, services
from transparencia.figures import GENDER_LABELS, MONTHS_SHORT, SUPPRESSED, SUPPRESSED_SHORT

from .conftest import figures, local, rows

pytestmark = pytest.mark.django_db

TODAY = date(2025, 12, 1)
TYPES = list(PetitionerType.values)
GENDERS = list(GENDER_LABELS)
FISICA = PetitionerType.FISICA.value
ALL = "TODAS"


@pytest.fixture
def march(life, obras, agua):
    """In March 2025, to Obras Públicas: 5 women, 4 men, 1 company. To Agua Potable: 1 man."""
    for day in range(3, 8):
        life.live(local(2025, 3, day), obras, genero="mujer")
    for day in range(10, 14):
        life.live(local(2025, 3, day), obras, genero="hombre")
    life.live(local(2025, 3, 14), obras, tipo=PetitionerType.MORAL)
    life.live(local(2025, 3, 14, 12), agua, genero="hombre")
    with time_machine.travel(local(2025, 12, 1, 12), tick=False):
        yield


def test_a_small_figure_and_the_ones_that_would_give_it_back_are_withheld(march, obras):
    by_month = rows(figures(2025, obras, today=TODAY), "por-tipo", table=1)
    # 1 company of 10: its 1 is small; 9 = 10 - 1 would give it back, so it goes too; the
    # zero of dependencias singles nobody out.
    assert by_month["Mar"] == [SUPPRESSED_SHORT, SUPPRESSED_SHORT, "0"]
    by_gender = rows(figures(2025, obras, today=TODAY), "por-genero", table=1)
    assert by_gender["Mar"] == ["5", SUPPRESSED_SHORT, "0", "0"]
    assert by_gender["Ene"] == ["0", "0", "0", "0"]


def test_the_year_is_withheld_with_its_months(march, obras):
    stats = figures(2025, obras, today=TODAY)
    # Otherwise the year minus the other months (all zero) gives March back.
    assert rows(stats, "por-tipo")["Persona moral"] == [SUPPRESSED, SUPPRESSED]
    assert rows(stats, "por-tipo")["Persona física"] == [SUPPRESSED, SUPPRESSED]
    # With the personas físicas withheld, a percentage would give them back.
    assert {r[1] for r in rows(stats, "por-genero").values()} == {"—"}
    assert "restando" in stats.figures[7].note
    assert f">{SUPPRESSED}<" in str(stats.figures[8].chart)  # a label, and no bar


def test_all_secretarias_together_withhold_what_would_give_a_secretaria_back(march):
    stats = figures(2025, today=TODAY)
    # 10 físicas of all secretarías = 9 of Obras + 1 of Agua: with Agua's 1 withheld, the
    # total would give it back.
    assert rows(stats, "por-tipo", table=1)["Mar"][0] == SUPPRESSED_SHORT


def test_the_monthly_open_data_withholds_the_same_cells_as_the_page(march, client, obras):
    table = mensual(client)
    page = rows(figures(2025, obras, today=TODAY), "por-tipo", table=1)["Mar"]
    sop = {
        r["categoria"]: r["valor"]
        for r in table
        if (r["anio"], r["mes"], r["siglas"], r["indicador"])
        == ("2025", "3", "SOP", "tipo_peticionario")
    }
    assert [sop[t] for t in TYPES] == [SUPPRESSED if v == SUPPRESSED_SHORT else v for v in page]
    assert not [r for r in table if r["valor"] != SUPPRESSED and not r["valor"].isdigit()]


# The attack -------------------------------------------------------------------------------


def mensual(client) -> list[dict]:
    body = b"".join(client.get("/transparencia/datos/mensual.csv").streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def number(text: str) -> int | None:
    return None if text in (SUPPRESSED, SUPPRESSED_SHORT) else int(text.replace(",", ""))


def table_rows(html: str) -> list[list[str]]:
    """The body rows of a table, each cell's text."""
    body = html.split("<tbody>", 1)[1]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def read_published(client, year: int) -> tuple[dict, dict]:
    """What the public reads: (scope, month, metric, key) → a number or None (withheld), and
    (scope, month) → escritos of the month (never withheld). Scopes by siglas, month 0 the
    year. Pages and open data must agree wherever both publish a figure."""
    cells: dict = {}
    totals: dict = defaultdict(int)

    def put(key, value):
        assert cells.setdefault(key, value) == value, (key, cells[key], value)

    for r in mensual(client):
        if int(r["anio"]) != year:
            continue
        scope, month = r["siglas"], int(r["mes"])
        indicator = {"tipo_peticionario": "tipo", "genero": "genero"}.get(r["indicador"])
        if r["indicador"] == "recibidos":
            totals[(scope, month)] = int(r["valor"])
        elif indicator:
            put((scope, month, indicator, r["categoria"]), number(r["valor"]))
    scopes = [(ALL, "")] + [(s, s) for s in Secretaria.objects.values_list("siglas", flat=True)]
    for siglas, param in scopes:
        html = client.get(f"/transparencia/?anio={year}&secretaria={param}").content.decode()
        for slug, metric, keys in (("por-tipo", "tipo", TYPES), ("por-genero", "genero", GENDERS)):
            section = html.split(f'data-testid="figura-{slug}"', 1)[1].split("</section>", 1)[0]
            tables = [table_rows(t) for t in re.findall(r"<table.*?</table>", section, re.S)]
            year_table, month_table = tables[0], tables[1]
            for k, row in zip(keys, year_table, strict=True):
                put((siglas, 0, metric, k), number(row[1]))
            for row in month_table:
                month = [m.capitalize() for m in MONTHS_SHORT].index(row[0]) + 1
                for k, value in zip(keys, row[1:], strict=True):
                    put((siglas, month, metric, k), number(value))
                if month not in {m for (s, m) in totals if s == siglas}:
                    totals[(siglas, month)] = 0  # no row in the open data: no escritos
    return cells, dict(totals)


def truth(year: int) -> dict:
    """The counters themselves, by siglas: what the attack's answers are checked against."""
    siglas = dict(Secretaria.objects.values_list("pk", "siglas"))
    values, _ = reserva.cut(
        selectors.person_counts(year), categories=reserva.categories(), scopes=siglas
    )
    return {(siglas.get(s, ALL), m, metric, k): n for (s, m, metric, k), n in values.items()}


def attacker_relations(cells: dict, totals: dict, true: dict) -> list[tuple[list, int]]:
    """Every relation the public can write down, as ([(cell, coefficient)], known value).
    Written here apart from transparencia.reserva. Granted more than is published: the
    difference between all secretarías and the sum of each (escritos not turned yet, or
    turned to two) is taken as known."""
    scopes = sorted({s for s, *_ in cells})
    months = sorted({m for _, m, *_ in cells if m})
    out = []
    for s in scopes:
        for m in [0, *months]:
            total = totals.get((s, m), 0) if m else sum(totals.get((s, x), 0) for x in months)
            out.append(([((s, m, "tipo", k), 1) for k in TYPES], total))
            out.append(
                ([((s, m, "genero", k), 1) for k in GENDERS] + [((s, m, "tipo", FISICA), -1)], 0)
            )
        for metric, keys in (("tipo", TYPES), ("genero", GENDERS)):
            for k in keys:
                out.append(
                    ([((s, m, metric, k), 1) for m in months] + [((s, 0, metric, k), -1)], 0)
                )
    others = [s for s in scopes if s != ALL]
    for m in [0, *months]:
        for metric, keys in (("tipo", TYPES), ("genero", GENDERS)):
            for k in keys:
                terms = [((ALL, m, metric, k), 1)] + [((s, m, metric, k), -1) for s in others]
                out.append((terms, sum(c * true.get(cell, 0) for cell, c in terms)))
    return out


def recover(cells: dict, relations: list[tuple[list, int]]) -> dict:
    """Every withheld cell the relations give back, with its value."""
    hidden = sorted(k for k, v in cells.items() if v is None)
    index = {k: i for i, k in enumerate(hidden)}
    found = {}
    equations = []
    for terms, known in relations:
        rest = known - sum(c * cells[cell] for cell, c in terms if cells.get(cell) is not None)
        unknown = [(cell, c) for cell, c in terms if cell in index]
        if len(unknown) == 1:  # one subtraction
            cell, c = unknown[0]
            found[cell] = Fraction(rest, c)
        if unknown and len({c for _, c in unknown}) == 1 and rest == 0:  # none is negative
            found.update({cell: Fraction(0) for cell, _ in unknown})
        if unknown:
            row = defaultdict(Fraction)
            for cell, c in unknown:
                row[index[cell]] += c
            equations.append((dict(row), Fraction(rest)))
    # Any combination of relations: Gauss-Jordan over the rationals.
    pivots: dict[int, tuple[dict, Fraction]] = {}
    for row, rhs in equations:
        row = dict(row)
        for col in [c for c in row if c in pivots]:
            f = row.pop(col)
            prow, prhs = pivots[col]
            for other, v in prow.items():
                if other != col:
                    row[other] = row.get(other, 0) - f * v
            rhs -= f * prhs
        row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        f = row[col]
        row, rhs = {c: v / f for c, v in row.items()}, rhs / f
        for pc, (prow, prhs) in list(pivots.items()):
            g = prow.get(col)
            if g:
                new = {c: prow.get(c, 0) - g * row.get(c, 0) for c in set(prow) | set(row)}
                pivots[pc] = ({c: v for c, v in new.items() if v}, prhs - g * rhs)
        pivots[col] = (row, rhs)
    for col, (row, rhs) in pivots.items():
        if len(row) == 1:
            found[hidden[col]] = rhs
    return found


def naive(true: dict) -> dict:
    """What the old rule published: a cell under 5 of one secretaría in one month."""
    return {
        k: None if k[0] != ALL and k[1] != 0 and k[3] != "" and n < 5 else n
        for k, n in true.items()
    }


@pytest.fixture
def a_year(db):
    """1,200 synthetic escritos over 2025 with their whole history, every secretaría."""
    with time_machine.travel(local(2026, 1, 10, 12), tick=False):
        call_command(
            "sembrar_escritos",
            cantidad=1200,
            anios=1,
            semilla=11,
            stdout=io.StringIO(),
        )
        services.statistics_refresh()
        yield 2025


def test_no_withheld_figure_can_be_recovered_from_what_is_published(a_year, client):
    with time_machine.travel(local(2026, 1, 10, 12), tick=False):
        cells, totals = read_published(client, a_year)
    true = truth(a_year)
    hidden = [k for k, v in cells.items() if v is None]
    assert len(hidden) > 20  # there is something to attack
    assert {k[2] for k in hidden} == {"tipo", "genero"}
    for k, v in cells.items():  # what is shown is true
        assert v is None or v == true[k], k
    published_small = [k for k, v in cells.items() if v is not None and 0 < v < 5]
    assert published_small == []
    relations = attacker_relations(cells, totals, true)
    assert len(relations) > 100
    assert recover(cells, relations) == {}


def test_the_attack_recovers_figures_from_the_old_rule(a_year, client):
    with time_machine.travel(local(2026, 1, 10, 12), tick=False):
        _, totals = read_published(client, a_year)
    true = truth(a_year)
    published = naive({k: true[k] for k in true})
    found = recover(published, attacker_relations(published, totals, true))
    assert len(found) > 10
    for cell, value in found.items():
        assert value == true[cell], cell  # and what it finds is the truth


def test_the_audit_catches_a_figure_no_single_subtraction_gives_back():
    """Two withheld 2x2 squares joined by one withheld cell: every row and column holds two
    or more withheld figures, so the row-and-column rule is satisfied, yet rows 1 and 2 minus
    columns 1 and 2 give the joining cell back. reserva.determined finds it and protect()
    withholds one more figure until nothing is determined."""
    small = {(1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (3, 4), (4, 3), (4, 4), (2, 3)}
    values = {
        (r, c, "t", ""): (2 if (r, c) in small else 10 + r + c)
        for r in range(1, 6)
        for c in range(1, 6)
    }
    rels = [
        reserva.Relation(tuple(((r, c, "t", ""), 1) for c in range(1, 6))) for r in range(1, 6)
    ] + [reserva.Relation(tuple(((r, c, "t", ""), 1) for r in range(1, 6))) for c in range(1, 6)]
    hidden = {(r, c, "t", "") for r, c in small}
    assert reserva.determined(hidden, rels, values) == {(2, 3, "t", "")}
    protected = reserva.protect(values, rels, min_count=5)
    assert protected > hidden
    assert not reserva.determined(set(protected), rels, values)
    # The attack agrees, with its own arithmetic.
    cells = {
        (str(r), c, "t", ""): None if (r, c, "t", "") in protected else n
        for (r, c, _, _), n in values.items()
    }
    sums = [
        (
            [((str(r), c, "t", ""), 1) for c in range(1, 6)],
            sum(values[(r, c, "t", "")] for c in range(1, 6)),
        )
        for r in range(1, 6)
    ] + [
        (
            [((str(r), c, "t", ""), 1) for r in range(1, 6)],
            sum(values[(r, c, "t", "")] for r in range(1, 6)),
        )
        for c in range(1, 6)
    ]
    assert recover(cells, sums) == {}
    naive_cells = {
        k: None if (int(k[0]), k[1]) in small else values[(int(k[0]), k[1], "t", "")] for k in cells
    }
    assert recover(naive_cells, sums) == {("2", 3, "t", ""): 2}
