from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from correspondencia.models import Adjunto, Area, Escrito, EscritoState, Secretaria


class Perfil(models.Model):
    """Where a staff user works: the secretaría (and area) whose turnos they see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perfil"
    )
    secretaria = models.ForeignKey(
        Secretaria, on_delete=models.PROTECT, null=True, blank=True, related_name="personal"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = "perfil del personal"
        verbose_name_plural = "perfiles del personal"

    def __str__(self) -> str:
        return f"{self.user} · {self.secretaria or 'sin secretaría'}"


class TurnoKind(models.TextChoices):
    ATENCION = "atencion", "Para atención"
    CONOCIMIENTO = "conocimiento", "Para conocimiento"


class TurnoState(models.TextChoices):
    PENDIENTE = "pendiente", "Pendiente de aceptar"
    ACEPTADO = "aceptado", "Aceptado"
    EN_ATENCION = "en_atencion", "En atención"
    PREVENCION = "prevencion", "En prevención"
    RESPONDIDO = "respondido", "Respondido"
    DEVUELTO = "devuelto", "Devuelto (no competente)"
    ENTERADO = "enterado", "Enterado"
    CANCELADO = "cancelado", "Cancelado por desistimiento"
    NO_PRESENTADO = "no_presentado", "Tenido por no presentado"


OPEN_TURNO_STATES = [
    TurnoState.PENDIENTE,
    TurnoState.ACEPTADO,
    TurnoState.EN_ATENCION,
    TurnoState.PREVENCION,
]
# While the escrito is in one of these, a returned turno can still be routed again (answered,
# concluded, reoriented...: a new turno could never change the escrito).
REROUTABLE_ESCRITO_STATES = (
    EscritoState.TURNADO,
    EscritoState.EN_ATENCION,
    EscritoState.PREVENIDO,
    EscritoState.NO_COMPETENTE,
)


class Turno(ConcurrentTransitionMixin, models.Model):
    escrito = models.ForeignKey(Escrito, on_delete=models.PROTECT, related_name="turnos")
    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="turnos")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True)
    kind = models.CharField("tipo", max_length=12, choices=TurnoKind.choices)
    instruccion = models.TextField("instrucción", blank=True)
    state = FSMField(
        "estado", default=TurnoState.PENDIENTE, choices=TurnoState.choices, protected=True
    )
    term_days = models.PositiveSmallIntegerField("plazo (días hábiles)", null=True, blank=True)
    due_date = models.DateField("fecha límite", null=True, blank=True, db_index=True)
    due_date_reason = models.CharField(
        "motivo del cambio de fecha límite", max_length=250, blank=True
    )
    turned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="turnos_dados"
    )
    turned_at = models.DateTimeField("turnado el", db_index=True)
    # A turno given again after the previous secretaría returned it.
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rerouted_as"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-turned_at"]
        indexes = [
            models.Index(fields=["secretaria", "state", "due_date"], name="turno_bandeja_idx"),
            models.Index(fields=["secretaria", "-turned_at"], name="turno_recent_idx"),
            # The bandeja's open turnos in the order it shows them, with every column its page,
            # its count and its traffic lights read (see turnos.selectors.bandeja): each is an
            # index-only scan that stops at the page, however many turnos the secretaría has.
            models.Index(
                fields=["secretaria", "due_date", "turned_at", "id"],
                include=["escrito", "area", "kind", "state"],
                condition=models.Q(state__in=OPEN_TURNO_STATES),
                name="turno_bandeja_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.escrito.folio} → {self.secretaria.siglas}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TURNO_STATES

    @property
    def for_attention(self) -> bool:
        return self.kind == TurnoKind.ATENCION

    @transition(
        field=state,
        source=TurnoState.PENDIENTE,
        target=TurnoState.ACEPTADO,
        conditions=[lambda t: t.kind == TurnoKind.ATENCION],
    )
    def accept(self) -> None:
        pass

    @transition(
        field=state,
        source=TurnoState.PENDIENTE,
        target=TurnoState.ENTERADO,
        conditions=[lambda t: t.kind == TurnoKind.CONOCIMIENTO],
    )
    def acknowledge(self) -> None:
        """A copy para conocimiento was read."""

    @transition(field=state, source=TurnoState.ACEPTADO, target=TurnoState.EN_ATENCION)
    def start(self) -> None:
        """Work began: the first task was assigned."""

    @transition(
        field=state,
        source=[TurnoState.ACEPTADO, TurnoState.EN_ATENCION],
        target=TurnoState.PREVENCION,
    )
    def prevent(self) -> None:
        pass

    @transition(field=state, source=TurnoState.PREVENCION, target=TurnoState.EN_ATENCION)
    def resume(self) -> None:
        pass

    @transition(
        field=state,
        source=[TurnoState.ACEPTADO, TurnoState.EN_ATENCION],
        target=TurnoState.RESPONDIDO,
    )
    def answer(self) -> None:
        pass

    @transition(
        field=state,
        source=[TurnoState.PENDIENTE, TurnoState.ACEPTADO, TurnoState.EN_ATENCION],
        target=TurnoState.DEVUELTO,
        conditions=[lambda t: t.kind == TurnoKind.ATENCION],
    )
    def give_back(self) -> None:
        """Returned as not competent."""

    @transition(field=state, source=TurnoState.PREVENCION, target=TurnoState.NO_PRESENTADO)
    def not_presented(self) -> None:
        """The prevención's deadline passed unanswered: an acuerdo closes the turno."""

    @transition(field=state, source=OPEN_TURNO_STATES, target=TurnoState.CANCELADO)
    def cancel(self) -> None:
        """The petitioner withdrew the escrito (desistimiento): nothing is left to do."""


class TareaState(models.TextChoices):
    PENDIENTE = "pendiente", "Pendiente"
    EN_PROCESO = "en_proceso", "En proceso"
    TERMINADA = "terminada", "Terminada"


class Tarea(models.Model):
    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, related_name="tareas")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tareas"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    descripcion = models.TextField("descripción")
    due_date = models.DateField("fecha límite")
    state = models.CharField(
        "estado", max_length=12, choices=TareaState.choices, default=TareaState.PENDIENTE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["state", "due_date"]
        indexes = [models.Index(fields=["assigned_to", "state", "due_date"])]

    def __str__(self) -> str:
        return f"Tarea {self.pk} · {self.turno}"


class TareaComentario(models.Model):
    tarea = models.ForeignKey(Tarea, on_delete=models.PROTECT, related_name="comentarios")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    texto = models.TextField()
    state = models.CharField(max_length=12, choices=TareaState.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"Comentario {self.pk}"


class Prevencion(models.Model):
    """A request to the petitioner for missing information (once per turno, within the first
    part of the term: turnos.plazos). The term is paused from its notification to the answer;
    unanswered by `deadline`, an acuerdo has the turno for not presented."""

    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, related_name="prevenciones")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    texto = models.TextField("información que se requiere")
    # When it was made known to the petitioner (its notification record completed); None
    # while it waits: until then the turno's clock runs and the petitioner's deadline is unset.
    notified_at = models.DateTimeField("notificada el", null=True, blank=True)
    deadline = models.DateField("plazo para responder", null=True, blank=True)
    acuerdo_at = models.DateTimeField("acuerdo de no presentado", null=True, blank=True)
    acuerdo_texto = models.TextField("texto del acuerdo", blank=True)
    acuerdo_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The acuerdo as a document of its own: signed PAdES once, then served byte for byte.
    acuerdo_pdf = models.FileField(upload_to="acuerdos/", max_length=200, blank=True)
    acuerdo_pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_text = models.TextField("respuesta del peticionario", blank=True)
    answer_files = models.ManyToManyField(Adjunto, blank=True, related_name="+")

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            # One open prevención per turno at a time.
            models.UniqueConstraint(
                fields=["turno"],
                condition=models.Q(answered_at__isnull=True),
                name="one_open_prevencion_per_turno",
            )
        ]

    def __str__(self) -> str:
        return f"Prevención {self.pk} · {self.turno}"


class Prorroga(models.Model):
    """The one extension of a turno's term: so many business days more, with the reason, made
    known to the petitioner."""

    turno = models.OneToOneField(Turno, on_delete=models.PROTECT, related_name="prorroga")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    days = models.PositiveSmallIntegerField("días hábiles más")
    reason = models.TextField("motivo")
    previous_due_date = models.DateField()

    def __str__(self) -> str:
        return f"Prórroga {self.days} días · {self.turno}"


class Sense(models.TextChoices):
    POSITIVA = "positiva", "Positiva"
    NEGATIVA = "negativa", "Negativa"
    PARCIAL = "parcial", "Parcial"
    INFORMATIVA = "informativa", "Informativa"

    @classmethod
    def sentido(cls, value: str) -> str:
        """The sense as it agrees with «sentido» (masculine): «sentido positivo»; the labels
        agree with «respuesta»."""
        return {
            cls.POSITIVA: "positivo",
            cls.NEGATIVA: "negativo",
            cls.PARCIAL: "parcial",
            cls.INFORMATIVA: "informativo",
        }.get(value, str(value))


class Respuesta(models.Model):
    turno = models.OneToOneField(Turno, on_delete=models.PROTECT, related_name="respuesta")
    texto = models.TextField()
    sense = models.CharField("sentido", max_length=12, choices=Sense.choices)
    oficio = models.ForeignKey(
        Adjunto, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()
    # When the answer was made known to the petitioner (the notification of
    # notificaciones.NotificacionPeticionario). Until then it is "pendiente de notificar":
    # within_term is None and the turno's clock keeps running.
    notified_at = models.DateTimeField("notificada el", null=True, blank=True)
    # Measured on the notification date (turnos.plazos.answered_within_term).
    within_term = models.BooleanField("en plazo", null=True)

    def __str__(self) -> str:
        return f"Respuesta · {self.turno}"

    @property
    def pending_notification(self) -> bool:
        return self.within_term is None
    def sentido(self) -> str:
        return Sense.sentido(self.sense)


class Evaluacion(models.Model):
    """The petitioner's rating of the attention received, once per escrito."""

    escrito = models.OneToOneField(Escrito, on_delete=models.PROTECT, related_name="evaluacion")
    score = models.PositiveSmallIntegerField(
        "calificación", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comentario = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="evaluacion_score_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.escrito} · {self.score}"


class ReminderKind(models.TextChoices):
    THREE_DAYS = "3_dias", "Vence en 3 días hábiles"
    ONE_DAY = "1_dia", "Vence en 1 día hábil"
    TODAY = "hoy", "Vence hoy"
    OVERDUE = "vencido", "Vencido"
    # Keyed by the prevención's deadline: to the petitioner before it, to the secretaría after.
    PREVENCION_AVISO = "prev_aviso", "Prevención: vence el plazo del peticionario"
    PREVENCION_VENCIDA = "prev_vence", "Prevención vencida sin respuesta"
    # Keyed by the turno's due date: an answer is on time only once it is notified.
    RESPUESTA_SIN_NOTIFICAR = "resp_aviso", "Respuesta pendiente de notificar"
    RESPUESTA_VENCIDA = "resp_vence", "Respuesta notificada fuera de plazo"


class Recordatorio(models.Model):
    """A reminder already sent. The unique constraint makes a second run of the job harmless."""

    turno = models.ForeignKey(Turno, on_delete=models.CASCADE, related_name="recordatorios")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["turno", "kind", "due_date"], name="one_reminder_per_kind_and_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.turno} · {self.kind}"
