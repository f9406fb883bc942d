"""The contraloría's own records: quejas y denuncias (the desk itself reads the bitácora and
adds no models).

A queja goes only to the contraloría. Nothing here is registered in the admin and no other
role's page reads these tables (tests/contraloria/test_quejas.py walks every persona).
"""

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class QuejaKind(models.TextChoices):
    COYOTAJE = "coyotaje", "Coyotaje"
    SOBORNO = "soborno", "Soborno o cobro indebido"
    MALA_ATENCION = "mala_atencion", "Mala atención"
    OTRA = "otra", "Otra irregularidad"


class QuejaState(models.TextChoices):
    RECIBIDA = "recibida", "Recibida"
    EN_INVESTIGACION = "en_investigacion", "En investigación"
    CONCLUIDA = "concluida", "Concluida"


class Queja(ConcurrentTransitionMixin, models.Model):
    """A queja or denuncia, anonymous or not, with its own folio series (QD-YYYY-NNNNNN)."""

    folio = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    kind = models.CharField("tipo", max_length=16, choices=QuejaKind.choices)
    state = FSMField(
        "estado", default=QuejaState.RECIBIDA, choices=QuejaState.choices, protected=True
    )
    received_at = models.DateTimeField("recibida el", db_index=True)
    hechos = models.TextField("qué pasó")
    fecha_hechos = models.DateField("fecha aproximada de los hechos", null=True, blank=True)
    # What the reporter names; none is required. The folio is kept as typed (it is not
    # checked against the escritos, so the public form reveals nothing about which exist).
    escrito_folio = models.CharField("folio relacionado", max_length=20, blank=True)
    secretaria = models.ForeignKey(
        "correspondencia.Secretaria",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="secretaría señalada",
    )
    servidor_publico = models.CharField("servidor público señalado", max_length=200, blank=True)
    # The reporter, all optional: a queja may be anonymous.
    nombre = models.CharField("nombre", max_length=250, blank=True)
    email = models.EmailField("correo electrónico", blank=True)
    telefono = models.CharField("teléfono", max_length=20, blank=True)
    privacy_accepted_at = models.DateTimeField("aviso de privacidad aceptado el")
    # One per form shown: a second POST of the same form finds the queja the first made.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    access_code_hash = models.CharField(max_length=64, editable=False)
    access_code_sealed = models.TextField(editable=False)
    # Written by the contraloría when it concludes; the reporter reads it with folio + code.
    resolucion = models.TextField("resolución", blank=True)
    concluded_at = models.DateTimeField("concluida el", null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "queja o denuncia"
        verbose_name_plural = "quejas y denuncias"
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="unique_queja_year_number")
        ]
        indexes = [models.Index(fields=["state", "-received_at"], name="queja_state_idx")]

    def __str__(self) -> str:
        return self.folio

    @property
    def is_anonymous(self) -> bool:
        return not (self.nombre or self.email or self.telefono)

    @transition(field=state, source=QuejaState.RECIBIDA, target=QuejaState.EN_INVESTIGACION)
    def investigate(self) -> None:
        """The contraloría opened an investigation."""

    @transition(field=state, source=QuejaState.EN_INVESTIGACION, target=QuejaState.CONCLUIDA)
    def conclude(self) -> None:
        """The contraloría wrote its resolution."""


class QuejaAdjunto(models.Model):
    """Evidence the reporter attached (checked by content, as an escrito's attachments)."""

    queja = models.ForeignKey(Queja, on_delete=models.PROTECT, related_name="adjuntos")
    file = models.FileField(upload_to="quejas/", max_length=200)
    original_name = models.CharField("nombre original", max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["queja", "position"]

    def __str__(self) -> str:
        return self.original_name


class QuejaTransicion(models.Model):
    """One step of a queja: who, when, from which state to which, and why. Only added."""

    queja = models.ForeignKey(Queja, on_delete=models.PROTECT, related_name="transiciones")
    source = models.CharField(max_length=20, blank=True)
    target = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField("motivo", blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.queja_id} {self.source}→{self.target} {self.at:%Y-%m-%d %H:%M}"

    @property
    def state_label(self) -> str:
        return QuejaState(self.target).label
