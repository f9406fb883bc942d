"""What /transparencia/ and the open data read: anonymous summaries, never the raw tables.

How they stay current (the design, and why):

- Filing and answering are left exactly as they are. Every step of an escrito already writes a
  `Transicion` row in its own transaction, so that log is the change feed: a consumer
  (`services.statistics_refresh`) reads the rows added since its `Watermark`, and for each
  escrito they name derives its `EscritoPublico` again from the raw tables and moves the
  `SummaryCell` counters by the difference between the old and the new record. Deriving
  instead of interpreting each action makes the consumer idempotent (reading a row twice
  changes nothing) and indifferent to new kinds of steps: any step marks its escrito dirty.
- Summary counters updated in the filing's own transaction would be simpler to reason about,
  but every filing would then update the same few hot rows (the day, the month, the channel
  of today): concurrent filings, which today only queue on the folio counter for a few
  inserts, would also serialize on those counters, and an answer would touch a dozen rows.
  The issue asks that filing not get slower, so the work happens after commit, elsewhere.
- The consumer runs every 30 s from Celery beat, and the page itself catches up (a bounded
  batch) when the watermark is older than 30 s, so without beat (the demo) the figures are
  still live. A Postgres row lock on the watermark (SKIP LOCKED) makes it single-writer: a
  page that finds another consumer at work does not wait, it shows the figures as they are.
- Transicion ids come from a sequence, so a transaction that commits late can leave a row
  with an id below the watermark. The consumer remembers the ids it found missing ("gaps")
  and looks for them again on every run until `GAP_TIMEOUT` (a transaction that rolled back
  never fills its gap). `manage.py reconstruir_estadisticas` rebuilds everything from the
  log, for the changes the log does not record (catalogue edits in the admin, a día inhábil
  added after the answers were counted).
- The page reads a few thousand counter rows for a year (days, months, histograms of business
  days per secretaría) and a short cache on top, keyed by the watermark, so a new escrito
  shows as soon as it was consumed and the page never runs GROUP BY over a million escritos.
"""

from django.db import models

from correspondencia.models import Escrito, Tramite

# `SummaryCell.scope` of the figures of every secretaría together.
ALL_SCOPE = 0


class EscritoPublico(models.Model):
    """The public face of one escrito: the row of the open data, and the record the consumer
    diffs against. It holds no name, email, CURP, RFC, text, subject or file of anyone."""

    escrito = models.OneToOneField(
        Escrito, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    # Escrito.public_id: the open data never carries the folio.
    public_id = models.UUIDField()
    year = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=20)
    tramite = models.ForeignKey(
        Tramite, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20)
    # Categories only, for the aggregates; the open data does not publish them per escrito.
    tipo = models.CharField(max_length=12)
    genero = models.CharField(max_length=20, blank=True)  # blank unless a persona física
    # One entry per turno para atención still responsible (not returned), sorted by
    # secretaría: see services.TurnoHecho.
    turnos = models.JSONField(default=list)
    # The escrito's answer: set once every turno para atención answered (or was returned).
    answered_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    business_days = models.PositiveSmallIntegerField(null=True, blank=True)
    within_term = models.BooleanField(null=True)
    sense = models.CharField(max_length=60, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "escrito (datos abiertos)"
        verbose_name_plural = "escritos (datos abiertos)"
        indexes = [models.Index(fields=["year", "escrito"], name="escritopublico_year_idx")]

    def __str__(self) -> str:
        return str(self.public_id)


class SummaryCell(models.Model):
    """One counter: how many escritos (or turnos, or ratings) of `year` fall in `key` of
    `metric`, for one secretaría (`scope` is its id) or for all of them (`scope` 0).

    `month` is 1-12 for the metrics cut by month and 0 otherwise. A counter that went back
    to zero is kept: it costs a row and saves a delete in the consumer.
    """

    year = models.PositiveSmallIntegerField()
    scope = models.PositiveIntegerField()
    metric = models.CharField(max_length=24)
    month = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40, blank=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope", "metric", "month", "key"], name="unique_summary_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.scope} {self.metric} {self.month} {self.key}: {self.n}"


class Watermark(models.Model):
    """How far the consumer of the Transicion log got, and the ids it is still waiting for."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    # [[transicion id, unix time it was first found missing], ...]
    gaps = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # Goes up whenever a run changed a counter: the page's cache key, so the cache holds
    # while nothing changes and is left behind the moment something does.
    generation = models.BigIntegerField(default=0)
    # services.FIGURES_VERSION the counters were computed with.
    version = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
