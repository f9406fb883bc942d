"""Folios: `SERIES-YYYY-NNNNNN`, one sequence per series and year, with no gaps.

The next number is taken with an UPDATE ... SET last_number = last_number + 1 on the
series' counter row, inside the caller's transaction. The UPDATE holds the row lock until
that transaction ends, so concurrent filings queue on it and each sees the number the one
before committed; a filing that fails rolls its increment back with everything else, so no
number is ever skipped. The lock is held only for the few inserts of a filing, because the
slow work (hashing and storing files) happens before the transaction opens.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import FolioCounter


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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_folio must run inside the filing's transaction")
    year = folio_year(moment)
    counter = FolioCounter.objects.filter(series=series, year=year)
    if not counter.update(last_number=F("last_number") + 1):
        # First folio of the year. A concurrent first filing may insert the row too: the
        # unique constraint makes one of us wait and fail, and that one takes the UPDATE path.
        try:
            with transaction.atomic():
                FolioCounter.objects.create(series=series, year=year, last_number=1)
        except IntegrityError:
            counter.update(last_number=F("last_number") + 1)
    number = counter.values_list("last_number", flat=True).get()
    return Folio(series=series, year=year, number=number)
