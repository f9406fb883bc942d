"""Folios: `SERIES-YYYY-NNNNNN`, one sequence per series and year, with no gaps.

The number comes from `oficialia.contadores.next_number` on the series' counter row, inside
the filing's transaction; the lock it takes is held only for the few inserts of a filing,
because the slow work (hashing and storing files) happens before the transaction opens.
This module is the folio rule: its series and its format.
"""

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
