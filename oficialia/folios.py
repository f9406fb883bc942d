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


_SHORT_FOLIO = re.compile(
    r"^\s*(?:(?P<series>[A-Za-z]{2})\s*-\s*)?(?:(?P<year>\d{4})\s*-\s*)?(?P<number>\d{1,9})\s*$"
)


def parse_folio(text: str, *, series: str = FolioSeries.ESCRITO, today=None) -> str | None:
    """The full folio a person meant when typing `text`: `OP-2026-000123`, `op-2026-123`,
    `2026-123` or `123` (the current year's). None when `text` is not a folio at all.

    Staff type folios from paper, over the phone, from memory: every zero is not typed.
    """
    match = _SHORT_FOLIO.match(text or "")
    if match is None:
        return None
    typed_series = (match["series"] or series).upper()
    year = int(match["year"]) if match["year"] else (today or timezone.localdate()).year
    return str(Folio(series=typed_series, year=year, number=int(match["number"])))
