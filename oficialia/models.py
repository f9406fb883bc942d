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


class DiaInhabil(models.Model):
    """A day or range of days the ayuntamiento declared non-working (vacations included).

    Weekends and the federal rest days of the Ley Federal del Trabajo (art. 74) are known to
    `oficialia.business_days` and need no row here.
    """

    start = models.DateField("desde")
    end = models.DateField("hasta", help_text="El mismo día si es uno solo.")
    descripcion = models.CharField("descripción", max_length=150)

    class Meta:
        ordering = ["-start"]
        verbose_name = "día inhábil"
        verbose_name_plural = "días inhábiles"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="inhabil_end_after_start"
            )
        ]

    def __str__(self) -> str:
        if self.start == self.end:
            return f"{self.start:%d/%m/%Y}: {self.descripcion}"
        return f"{self.start:%d/%m/%Y} a {self.end:%d/%m/%Y}: {self.descripcion}"
