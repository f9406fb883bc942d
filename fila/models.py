"""Fichas (queue tickets) for in-person attention at the secretarías, and appointments.

A *ficha* is never a `Turno`: a turno routes an escrito to a secretaría, a ficha puts a person
in line for one of its windows (*módulos*). Each secretaría sets its services, its módulos and,
per módulo, the hours it attends appointments (*citas*) and how many per slot.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.timezone import localtime
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from correspondencia.models import Secretaria


class Servicio(models.Model):
    """What a person comes for: its letter heads the ficha's number (`A` in `SOP-A023`)."""

    secretaria = models.ForeignKey(
        Secretaria, on_delete=models.PROTECT, related_name="servicios_fila"
    )
    nombre = models.CharField(max_length=120)
    letra = models.CharField(
        max_length=1,
        validators=[RegexValidator(r"^[A-Z]$", "Una sola letra mayúscula, de la A a la Z.")],
        help_text="Encabeza el número de la ficha: A, B, C…",
    )
    descripcion = models.CharField("descripción", max_length=250, blank=True)
    activo = models.BooleanField(default=True)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["secretaria__nombre", "orden", "letra"]
        verbose_name = "servicio de atención presencial"
        verbose_name_plural = "servicios de atención presencial"
        constraints = [
            models.UniqueConstraint(
                fields=["secretaria", "letra"], name="unique_servicio_letra_per_secretaria"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secretaria.siglas} · {self.letra} · {self.nombre}"


class Modulo(models.Model):
    """A window where the secretaría's staff attend people, e.g. «Ventanilla 2»."""

    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="modulos")
    nombre = models.CharField(max_length=40, help_text="Como se anuncia en la pantalla.")
    activo = models.BooleanField(default=True)
    en_pausa = models.BooleanField("en pausa", default=False)
    pausa_desde = models.DateTimeField(null=True, blank=True, editable=False)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["secretaria__nombre", "orden", "nombre"]
        verbose_name = "módulo de atención"
        verbose_name_plural = "módulos de atención"
        constraints = [
            models.UniqueConstraint(
                fields=["secretaria", "nombre"], name="unique_modulo_nombre_per_secretaria"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secretaria.siglas} · {self.nombre}"


class Weekday(models.IntegerChoices):
    """Appointments are given on working days only (see oficialia.calendario)."""

    LUNES = 0, "Lunes"
    MARTES = 1, "Martes"
    MIERCOLES = 2, "Miércoles"
    JUEVES = 3, "Jueves"
    VIERNES = 4, "Viernes"


class HorarioCitas(models.Model):
    """A módulo attends appointments on `dia_semana` from `hora_inicio` to `hora_fin`, in slots
    of `duracion_minutos`, `capacidad` people per slot. The capacity of a slot of the secretaría
    is the sum over the módulos that attend it."""

    modulo = models.ForeignKey(
        Modulo, on_delete=models.CASCADE, related_name="horarios", verbose_name="módulo"
    )
    dia_semana = models.PositiveSmallIntegerField("día", choices=Weekday.choices)
    hora_inicio = models.TimeField("desde")
    hora_fin = models.TimeField("hasta")
    duracion_minutos = models.PositiveSmallIntegerField(
        "minutos por cita",
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    capacidad = models.PositiveSmallIntegerField(
        "citas por horario",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Personas que este módulo atiende en cada horario.",
    )
    activo = models.BooleanField(default=True)

    class Meta:
        ordering = ["modulo__secretaria__nombre", "dia_semana", "hora_inicio", "modulo__nombre"]
        verbose_name = "horario de citas"
        verbose_name_plural = "horarios de citas"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hora_fin__gt=models.F("hora_inicio")),
                name="horario_citas_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.modulo} · {self.get_dia_semana_display()} "
            f"{self.hora_inicio:%H:%M} a {self.hora_fin:%H:%M}"
        )

    def clean(self) -> None:
        if self.hora_inicio and self.hora_fin and self.hora_fin <= self.hora_inicio:
            raise ValidationError({"hora_fin": "La hora final debe ser posterior a la inicial."})


class ContadorFichas(models.Model):
    """The last ficha number given by a secretaría on a day (locked while a ficha is issued)."""

    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="+")
    fecha = models.DateField()
    ultimo_numero = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "contador de fichas"
        verbose_name_plural = "contadores de fichas"
        constraints = [
            models.UniqueConstraint(
                fields=["secretaria", "fecha"], name="unique_contador_per_secretaria_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secretaria_id} · {self.fecha}: {self.ultimo_numero}"


class FichaState(models.TextChoices):
    EN_ESPERA = "en_espera", "En espera"
    LLAMADA = "llamada", "Llamada al módulo"
    ATENDIDA = "atendida", "Atendida"
    NO_SE_PRESENTO = "no_se_presento", "No se presentó"
    TRANSFERIDA = "transferida", "Transferida"


CLOSED_FICHA_STATES = [FichaState.ATENDIDA, FichaState.NO_SE_PRESENTO, FichaState.TRANSFERIDA]


class FichaOrigin(models.TextChoices):
    KIOSCO = "kiosco", "Kiosco"
    CITA = "cita", "Cita"
    TRANSFERENCIA = "transferencia", "Transferencia"


class Ficha(ConcurrentTransitionMixin, models.Model):
    """One person in the queue of a secretaría.

    The queue order: fichas with `preferente_desde` already reached (an appointment at its
    time, a person transferred from another queue) first, by that moment; then walk-ins by
    `espera_desde`; then appointments whose time has not come.
    """

    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="fichas")
    servicio = models.ForeignKey(Servicio, on_delete=models.PROTECT, related_name="fichas")
    fecha = models.DateField()
    numero = models.PositiveIntegerField()
    codigo = models.CharField("ficha", max_length=20)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    origen = models.CharField(max_length=14, choices=FichaOrigin.choices)
    estado = FSMField(
        default=FichaState.EN_ESPERA, choices=FichaState.choices, protected=True, db_index=True
    )
    emitida_at = models.DateTimeField("emitida el")
    # When the wait counts from: arrival, or the appointment's time for who came early.
    espera_desde = models.DateTimeField()
    preferente_desde = models.DateTimeField(null=True, blank=True)
    modulo = models.ForeignKey(
        Modulo, on_delete=models.PROTECT, null=True, blank=True, related_name="fichas"
    )
    llamada_at = models.DateTimeField("llamada por primera vez", null=True, blank=True)
    ultima_llamada_at = models.DateTimeField(null=True, blank=True)
    llamadas = models.PositiveSmallIntegerField(default=0)
    terminada_at = models.DateTimeField(null=True, blank=True)
    atendida_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transferida_a = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferida_de"
    )

    class Meta:
        ordering = ["-emitida_at"]
        verbose_name = "ficha"
        verbose_name_plural = "fichas"
        constraints = [
            models.UniqueConstraint(
                fields=["secretaria", "fecha", "numero"], name="unique_ficha_number_per_day"
            ),
            # A módulo attends one person at a time.
            models.UniqueConstraint(
                fields=["modulo"],
                condition=models.Q(estado=FichaState.LLAMADA),
                name="one_called_ficha_per_modulo",
            ),
        ]
        indexes = [
            models.Index(
                fields=["secretaria", "fecha"],
                condition=models.Q(estado=FichaState.EN_ESPERA),
                name="ficha_waiting_idx",
            ),
            models.Index(fields=["secretaria", "terminada_at"], name="ficha_finished_idx"),
            models.Index(fields=["espera_desde"], name="ficha_espera_desde_idx"),
        ]

    def __str__(self) -> str:
        return self.codigo

    @property
    def is_waiting(self) -> bool:
        return self.estado == FichaState.EN_ESPERA

    @transition(field=estado, source=FichaState.EN_ESPERA, target=FichaState.LLAMADA)
    def call(self) -> None:
        pass

    @transition(field=estado, source=FichaState.LLAMADA, target=FichaState.LLAMADA)
    def call_again(self) -> None:
        pass

    @transition(field=estado, source=FichaState.LLAMADA, target=FichaState.ATENDIDA)
    def attend(self) -> None:
        pass

    @transition(field=estado, source=FichaState.LLAMADA, target=FichaState.NO_SE_PRESENTO)
    def mark_absent(self) -> None:
        pass

    @transition(field=estado, source=FichaState.LLAMADA, target=FichaState.TRANSFERIDA)
    def transfer(self) -> None:
        pass


class Llamado(models.Model):
    """Each time a módulo called a ficha (again): what the display board shows."""

    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="+")
    ficha = models.ForeignKey(Ficha, on_delete=models.PROTECT, related_name="llamados")
    modulo = models.ForeignKey(Modulo, on_delete=models.PROTECT, related_name="llamados")
    at = models.DateTimeField()
    por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    repeticion = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "llamado"
        verbose_name_plural = "llamados"
        indexes = [models.Index(fields=["secretaria", "-id"], name="llamado_board_idx")]

    def __str__(self) -> str:
        return f"{self.ficha.codigo} → {self.modulo.nombre}"


class CitaState(models.TextChoices):
    RESERVADA = "reservada", "Reservada"
    PRESENTADA = "presentada", "Llegó (ficha entregada)"
    CANCELADA = "cancelada", "Cancelada"


# Citas that take a place in their slot.
TAKEN_CITA_STATES = [CitaState.RESERVADA, CitaState.PRESENTADA]


class Cita(ConcurrentTransitionMixin, models.Model):
    """An appointment booked online. On arrival it becomes a ficha called ahead of walk-ins
    from its time on."""

    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="citas")
    servicio = models.ForeignKey(Servicio, on_delete=models.PROTECT, related_name="citas")
    inicio = models.DateTimeField("fecha y hora")
    nombre = models.CharField("nombre", max_length=150)
    email = models.EmailField("correo electrónico", blank=True)
    telefono = models.CharField("teléfono", max_length=20, blank=True)
    # Typed at the kiosk on arrival; the page with the person's data opens with `token` only.
    codigo = models.CharField("código", max_length=8, unique=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estado = FSMField(default=CitaState.RESERVADA, choices=CitaState.choices, protected=True)
    reservada_at = models.DateTimeField("reservada el")
    cancelada_at = models.DateTimeField(null=True, blank=True)
    ficha = models.OneToOneField(
        Ficha, on_delete=models.PROTECT, null=True, blank=True, related_name="cita"
    )

    class Meta:
        ordering = ["inicio"]
        verbose_name = "cita"
        verbose_name_plural = "citas"
        indexes = [models.Index(fields=["secretaria", "inicio"], name="cita_slot_idx")]

    def __str__(self) -> str:
        return f"{self.codigo} · {self.secretaria.siglas} · {localtime(self.inicio):%d/%m/%Y %H:%M}"

    @transition(field=estado, source=CitaState.RESERVADA, target=CitaState.PRESENTADA)
    def check_in(self) -> None:
        pass

    @transition(field=estado, source=CitaState.RESERVADA, target=CitaState.CANCELADA)
    def cancel(self) -> None:
        pass
