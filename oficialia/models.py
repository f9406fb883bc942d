from django.conf import settings
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


class AcuerdoInhabil(models.Model):
    """The published acuerdo that declares días inhábiles (or re-opens days): its number,
    date, where and when it was published, and the document itself if uploaded."""

    numero = models.CharField("número", max_length=60)
    fecha = models.DateField("fecha del acuerdo")
    publicacion = models.CharField(
        "publicado en",
        max_length=200,
        help_text=(
            "Medio de publicación, p. ej. «Gaceta Municipal núm. 12» o «Periódico Oficial "
            "del Estado»."
        ),
    )
    publicado_el = models.DateField("fecha de publicación")
    documento = models.FileField("documento (PDF)", upload_to="acuerdos_inhabiles/", blank=True)

    class Meta:
        ordering = ["-fecha", "-id"]
        verbose_name = "acuerdo de días inhábiles"
        verbose_name_plural = "acuerdos de días inhábiles"

    def __str__(self) -> str:
        return f"Acuerdo {self.numero} del {self.fecha:%d/%m/%Y}"


class DiaInhabil(models.Model):
    """A day or range of days an acuerdo declared non-working (vacations included), or, with
    `habil`, re-opened as working (a day of the base list or of another acuerdo).

    Weekends and the procedure law's own list (OFICIALIA_DIAS_INHABILES_BASE) are known to
    `oficialia.calendario` and need no row here.
    """

    acuerdo = models.ForeignKey(
        AcuerdoInhabil,
        on_delete=models.PROTECT,
        related_name="dias",
        null=True,
        blank=True,
        help_text="El acuerdo publicado que lo declara.",
    )
    start = models.DateField("desde")
    end = models.DateField("hasta", help_text="El mismo día si es uno solo.")
    descripcion = models.CharField("descripción", max_length=150)
    habil = models.BooleanField(
        "se habilita",
        default=False,
        help_text=(
            "Marque si el acuerdo declara hábiles estos días (aunque la ley los liste como "
            "inhábiles)."
        ),
    )

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
        prefix = "Hábil " if self.habil else ""
        if self.start == self.end:
            return f"{prefix}{self.start:%d/%m/%Y}: {self.descripcion}"
        return f"{prefix}{self.start:%d/%m/%Y} a {self.end:%d/%m/%Y}: {self.descripcion}"


class Bitacora(models.Model):
    """The append-only record of every action that matters, chained by SHA-256.

    Each entry stores the hash of its own content together with the previous entry's hash,
    so altering or deleting any entry breaks the chain from there on
    (`manage.py verificar_bitacora`). On PostgreSQL a trigger refuses UPDATE and DELETE.
    Entries are written only by `oficialia.bitacora.record`.
    """

    at = models.DateTimeField(db_index=True)
    # Indexed by bitacora_actor_idx (actor, -at, -id): no index of its own.
    actor = models.ForeignKey(
        "auth.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=150)
    role = models.CharField(max_length=120, blank=True)
    secretaria = models.CharField(max_length=150, blank=True)
    # Entries before the keyed hash kept the address itself; new ones keep only
    # ip_hmac (HMAC-SHA256 with BITACORA_IP_KEY): two entries from one address still match,
    # but the address cannot be read back. BitacoraIP may keep it for a set time.
    ip = models.GenericIPAddressField(null=True, blank=True)
    ip_hmac = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=30, blank=True)
    object_ref = models.CharField(max_length=60, blank=True)
    folio = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    # Not indexed: entries are found by id; the chain, not an index, guards the hashes.
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = "entrada de bitácora"
        verbose_name_plural = "bitácora"
        # The contraloría's search filters by each of these and pages by time, newest first
        # (contraloria.selectors.bitacora_page): each filter, alone or with a date range, is
        # one index range scan that stops at the page. Ordered by id instead, a date range
        # has no index to follow and reads every newer entry (bench/bitacora.py). With the
        # action included, "what did this person (or secretaría) do, and how many times"
        # is counted from the index alone.
        indexes = [
            models.Index(
                fields=["actor", "-at", "-id"], include=["action"], name="bitacora_actor_idx"
            ),
            models.Index(fields=["action", "-at", "-id"], name="bitacora_action_idx"),
            models.Index(fields=["folio", "-at", "-id"], name="bitacora_folio_idx"),
            models.Index(
                fields=["secretaria", "-at", "-id"],
                include=["action"],
                name="bitacora_secretaria_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def address_label(self) -> str:
        """What the contraloría reads: the address of an old entry, or a short tag of its
        keyed hash (equal tags, same address)."""
        if self.ip:
            return self.ip
        return f"#{self.ip_hmac[:10]}" if self.ip_hmac else ""


class BitacoraIP(models.Model):
    """The client address of a bitácora entry, kept apart (the entry is append-only) for
    BITACORA_IP_RETENTION_DAYS and then deleted by the retention task."""

    # No database constraint: a foreign key to the append-only bitácora would add trigger
    # events on its rows (and the bitácora is never deleted from anyway).
    entry = models.OneToOneField(
        Bitacora, on_delete=models.DO_NOTHING, db_constraint=False, related_name="ip_kept"
    )
    ip = models.GenericIPAddressField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "dirección de una entrada de bitácora"
        verbose_name_plural = "direcciones de la bitácora"

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.ip}"


class BitacoraCabeza(models.Model):
    """The chain head published each day: anyone who kept one can detect a rewritten chain."""

    day = models.DateField(unique=True)
    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField()
    published_at = models.DateTimeField()
    # RFC 3161 timestamp token (DER, base64) of last_hash, when a TSA is configured: a third
    # party's signed word that this head existed at that time.
    tsa_token = models.TextField(blank=True)
    tsa_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.count} · {self.last_hash[:12]}…"


class Notificacion(models.Model):
    """What staff see in the app; the same text also goes by email (oficialia.avisos)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notificaciones"
    )
    texto = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Moved from turnos with its table: the rows stay where they were.
        db_table = "turnos_notificacion"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="turnos_noti_user_id_dbdad5_idx")]

    def __str__(self) -> str:
        return self.texto


class BitacoraFin(models.Model):
    """Where the chain ends: one row, moved forward in the same transaction as each entry.
    Deleting the last entries leaves it pointing past the end, so verification names the
    first missing one; on PostgreSQL a trigger lets it only move forward."""

    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField()

    class Meta:
        verbose_name = "fin de la bitácora"

    def __str__(self) -> str:
        return f"#{self.last_id} ({self.count})"


class Latido(models.Model):
    """The last sign of life of a background process (the worker, beat), for /healthz."""

    proceso = models.CharField(max_length=20, unique=True)
    at = models.DateTimeField()
    host = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "latido"

    def __str__(self) -> str:
        return f"{self.proceso} {self.at:%Y-%m-%d %H:%M:%S}"


class Suplencia(models.Model):
    """While `ausente` is away (from `desde` to `hasta`, both included), `suplente` receives
    their notices and holds their roles; every act says «por ausencia de …». It ends by itself
    after `hasta`, or earlier when `terminada_en` is set."""

    ausente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suplencias_dadas"
    )
    suplente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suplencias"
    )
    desde = models.DateField()
    hasta = models.DateField()
    motivo = models.CharField(max_length=250, blank=True)
    creada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    creada_en = models.DateTimeField()
    terminada_en = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-desde", "-pk"]
        indexes = [models.Index(fields=["suplente", "hasta"], name="suplencia_suplente_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hasta__gte=models.F("desde")), name="suplencia_periodo"
            ),
            models.CheckConstraint(
                condition=~models.Q(ausente=models.F("suplente")), name="suplencia_otra_persona"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suplente} por ausencia de {self.ausente} ({self.desde} a {self.hasta})"
