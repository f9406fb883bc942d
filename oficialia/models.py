from django.db import models


class FolioCounter(models.Model):
    """The last number given in a folio series for one year.

    The row is locked by the filing's own transaction while it takes the next number, so a
    filing that rolls back gives its number back and the series has no gaps.
    """

    series = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="unique_folio_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_number}"
