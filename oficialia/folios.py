"""Folios: `SERIES-YYYY-NNNNNN`, one sequence per series and year, with no gaps.

The number comes from `oficialia.contadores.next_number` on the series' counter row, inside
the filing's transaction; the lock it takes is held only for the few inserts of a filing,
because the slow work (hashing and storing files) happens before the transaction opens.
This module is the folio rule: its series and its format.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone

from .contadores import next_number
from .models import FolioCounter


class FolioSeries(models.TextChoices):
    ESCRITO = "OP", "Escritos"
    QUEJA = "QD", "Quejas y denuncias"
    ARCO = "DP", "Solicitudes de derechos ARCO (datos personales)"


@dataclass(frozen=True)
class Folio:
    series: str
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.series}-{self.year}-{self.number:06d}"


def folio_year(moment: datetime) -> int:
    return timezone.localtime(moment).year


def allocate_folio(*, series: str, moment: datetime) -> Folio:
    """Take the next folio of `series` for the local year of `moment`.

    Must run inside the transaction that stores what the folio names.
    """
    year = folio_year(moment)
    number = next_number(FolioCounter, "last_number", series=series, year=year)
    return Folio(series=series, year=year, number=number)


@dataclass(frozen=True)
class FolioParcial:
    """A folio as people type it: `OP-2026-000123`, `2026-123`, `123`; what was left out is
    None."""

    series: str | None
    year: int | None
    number: int

    def matches_suffix(self) -> str:
        """The end every folio it names shares (`2026-000123`, `-000123`)."""
        year = f"{self.year}-" if self.year is not None else "-"
        return f"{year}{self.number:06d}"


_FOLIO_PARCIAL = re.compile(r"^(?:([A-Za-z]{2})-?)?(?:(\d{4})-)?(\d{1,6})$")


def parse_folio_parcial(text: str) -> FolioParcial | None:
    """Read a whole or short folio; None when `text` is not one."""
    found = _FOLIO_PARCIAL.match((text or "").strip())
    if not found:
        return None
    series, year, number = found.groups()
    if int(number) == 0:
        return None
    return FolioParcial(
        series=series.upper() if series else None,
        year=int(year) if year else None,
        number=int(number),
    )


def parse_folio(text: str, *, series: str = FolioSeries.ESCRITO, today=None) -> str | None:
    """The full folio a person meant when typing `text`: `OP-2026-000123`, `op-2026-123`,
    `2026-123` or `123` (the current year's, of `series`). None when `text` is not a folio.

    Staff type folios from paper, over the phone, from memory: every zero is not typed. Read
    by parse_folio_parcial; this fills in what was left out.
    """
    parcial = parse_folio_parcial(text)
    if parcial is None:
        return None
    year = parcial.year or (today or timezone.localdate()).year
    return str(Folio(series=parcial.series or series, year=year, number=parcial.number))
