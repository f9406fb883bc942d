"""Which figures of the cuts by person are withheld, so that nobody can be singled out.

The cuts by person are the escritos by type of petitioner (física, moral, dependencia) and
by gender (personas físicas only), each per month and for the whole year, for every
secretaría and for all of them together: the page /transparencia/ and mensual.csv publish
them. Everything else the page and the open data publish (escritos per day, month, year,
channel, trámite, secretaría; answers, terms, senses) is already public escrito by escrito
in escritos.csv, so withholding it would protect nothing: those figures are known to anyone.

Withholding a small cell is not enough when the figures around it are exact: the month's
total minus the other types gives it back; the year minus the other months; all secretarías
together minus the others. So, over one year:

- primary: a cell with 1 to MIN_COUNT-1 escritos (a zero singles nobody out and is shown);
- complementary: every relation an attacker can subtract in (listed in `relations`) that
  holds exactly one withheld cell gets a second one, the smallest (a zero only when nothing
  else is left: two withheld zeros add up to zero and give each other away), until none
  holds exactly one;
- then an audit: the withheld cells are unknowns of the linear system every relation gives;
  one that the system determines anyway (a chain of relations, not a single one, can do it)
  gets another complement in one of its relations, and the audit runs again.

The attacker is granted more than the published figures tell: that every escrito of all
secretarías together is counted in exactly the secretarías that received it, as if the
escritos not yet turned and those turned to two were known by type and gender. The result
is one set for the year, used by the page (every secretaría, every month) and mensual.csv
alike, so no two published places disagree on what is withheld.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from correspondencia.models import PetitionerType

from .models import ALL_SCOPE

Key = tuple[int, int, str, str]  # (scope, month (0: the year), metric, key)

PERSON_METRICS = ("tipo", "genero")
YEAR = 0
MONTHS = range(1, 13)
FISICA = PetitionerType.FISICA.value
_PRIME = 2**61 - 1  # the audit's arithmetic: exact for systems of ±1 relations this size


@dataclass(frozen=True)
class Relation:
    """sum(sign * value of cell) over `cells` is known to whoever reads the published figures
    (the rest of the relation is figures that are never withheld)."""

    cells: tuple[tuple[Key, int], ...]  # (cell, +1 or -1)
    name: str = ""


def cut(
    counts: dict[Key, int],
    *,
    categories: dict[str, list[str]],
    scopes: Iterable[int],
) -> tuple[dict[Key, int], dict[tuple[int, int], int]]:
    """Every cell of the cuts by person (zeros included, year totals added) and the month
    and year totals, from the monthly counters `counts` (metrics "mes", "tipo", "genero")."""
    scopes = sorted({ALL_SCOPE, *scopes})
    totals: dict[tuple[int, int], int] = defaultdict(int)
    values: dict[Key, int] = {}
    for s in scopes:
        for m in MONTHS:
            n = counts.get((s, m, "mes", ""), 0)
            totals[(s, m)] = n
            totals[(s, YEAR)] += n
        for metric in PERSON_METRICS:
            for k in categories[metric]:
                year = 0
                for m in MONTHS:
                    n = counts.get((s, m, metric, k), 0)
                    values[(s, m, metric, k)] = n
                    year += n
                values[(s, YEAR, metric, k)] = year
    return values, dict(totals)


def relations(values: dict[Key, int], categories: dict[str, list[str]]) -> list[Relation]:
    """Every sum an attacker can subtract in: each row of a table against its total, each
    column against the year, each secretaría against all of them together."""
    scopes = sorted({s for s, *_ in values})
    out = []
    for s in scopes:
        for m in (YEAR, *MONTHS):
            # The types of a month add up to its escritos (never withheld).
            out.append(Relation(tuple(((s, m, "tipo", k), 1) for k in categories["tipo"]), "tipo"))
            # The genders add up to the personas físicas of the month.
            out.append(
                Relation(
                    (
                        *(((s, m, "genero", k), 1) for k in categories["genero"]),
                        ((s, m, "tipo", FISICA), -1),
                    ),
                    "genero",
                )
            )
        for metric in PERSON_METRICS:
            for k in categories[metric]:
                # The months add up to the year.
                out.append(
                    Relation(
                        (*(((s, m, metric, k), 1) for m in MONTHS), ((s, YEAR, metric, k), -1)),
                        "anio",
                    )
                )
    others = [s for s in scopes if s != ALL_SCOPE]
    if others:
        for m in (YEAR, *MONTHS):
            for metric in PERSON_METRICS:
                for k in categories[metric]:
                    out.append(
                        Relation(
                            (
                                ((ALL_SCOPE, m, metric, k), 1),
                                *(((s, m, metric, k), -1) for s in others),
                            ),
                            "secretarias",
                        )
                    )
    return out


def primary(values: dict[Key, int], min_count: int) -> set[Key]:
    return {c for c, n in values.items() if 0 < n < min_count}


def _smallest(candidates: Iterable[Key], values: dict[Key, int]) -> Key | None:
    """The complement: the smallest cell, a zero last (see the module's docstring)."""
    return min(candidates, key=lambda c: (values[c] == 0, values[c], c), default=None)


def determined(hidden: set[Key], rels: list[Relation], values: dict[Key, int]) -> set[Key]:
    """The withheld cells a reader can still compute: those the linear system of `rels`
    determines (Gauss-Jordan over a prime field, on sparse rows), and those of a relation
    whose withheld cells all count with the same sign and add up to zero (none is negative,
    so each is zero)."""
    order = sorted(hidden)
    index = {c: i for i, c in enumerate(order)}
    found: set[Key] = set()
    pivots: dict[int, dict[int, int]] = {}
    for rel in rels:
        mine = [(c, sign) for c, sign in rel.cells if c in index]
        if not mine:
            continue
        if len({sign for _, sign in mine}) == 1 and not sum(values[c] for c, _ in mine):
            found.update(c for c, _ in mine)
        row: dict[int, int] = {}
        for c, sign in mine:
            row[index[c]] = (row.get(index[c], 0) + sign) % _PRIME
        for col in [col for col in row if col in pivots]:
            factor = row.pop(col)
            for other, v in pivots[col].items():
                if other == col:
                    continue
                value = (row.get(other, 0) - factor * v) % _PRIME
                if value:
                    row[other] = value
                else:
                    row.pop(other, None)
        row = {col: v for col, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {other: v * inverse % _PRIME for other, v in row.items()}
        for prow in pivots.values():
            factor = prow.pop(col, 0)
            if factor:
                for other, v in row.items():
                    if other == col:
                        continue
                    value = (prow.get(other, 0) - factor * v) % _PRIME
                    if value:
                        prow[other] = value
                    else:
                        prow.pop(other, None)
        pivots[col] = row
    found.update(order[col] for col, row in pivots.items() if len(row) == 1)
    return found


def protect(values: dict[Key, int], rels: list[Relation], *, min_count: int) -> frozenset[Key]:
    """The cells to withhold: primary, then complements until no relation and no chain of
    relations gives one back (see the module's docstring)."""
    hidden = primary(values, min_count)
    by_cell: dict[Key, list[Relation]] = defaultdict(list)
    for rel in rels:
        for c, _ in rel.cells:
            by_cell[c].append(rel)
    while True:
        changed = True
        while changed:
            changed = False
            for rel in rels:
                inside = [c for c, _ in rel.cells if c in hidden]
                if len(inside) != 1:
                    continue
                extra = _smallest((c for c, _ in rel.cells if c not in hidden), values)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
        exposed = determined(hidden, rels, values)
        added = False
        for cell in sorted(exposed):
            options = [c for rel in by_cell[cell] for c, _ in rel.cells if c not in hidden]
            extra = _smallest(options, values)
            if extra is not None:
                hidden.add(extra)
                added = True
        if not added:
            return frozenset(hidden)


def categories() -> dict[str, list[str]]:
    from .figures import GENDER_LABELS

    return {"tipo": list(PetitionerType.values), "genero": list(GENDER_LABELS)}


def withheld(counts: dict[Key, int], *, min_count: int) -> frozenset[Key]:
    """The withheld cells of one year, from its monthly counters (see `cut`)."""
    cats = categories()
    scopes = {s for s, *_ in counts}
    values, _ = cut(counts, categories=cats, scopes=scopes)
    return protect(values, relations(values, cats), min_count=min_count)
