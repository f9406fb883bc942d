from django.conf import settings
from django.db import models

from correspondencia.models import Secretaria
from turnos.models import Respuesta, Sense, Turno


class EstadoBorrador(models.TextChoices):
    EN_REVISION = "en_revision", "En revisión del titular"
    DEVUELTO = "devuelto", "Devuelto con observaciones"
    FIRMADO = "firmado", "Firmado y enviado"


OPEN_STATES = [EstadoBorrador.EN_REVISION, EstadoBorrador.DEVUELTO]


class Borrador(models.Model):
    """A draft answer and who did what with it: drafted, returned, approved and signed."""

    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, related_name="borradores")
    texto = models.TextField()
    sense = models.CharField("sentido", max_length=12, choices=Sense.choices)
    estado = models.CharField(
        max_length=12, choices=EstadoBorrador.choices, default=EstadoBorrador.EN_REVISION
    )
    redactado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    redactado_en = models.DateTimeField()
    observaciones = models.TextField(blank=True)
    devuelto_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    devuelto_en = models.DateTimeField(null=True, blank=True)
    # The titular approves by signing: one act, one person, one moment.
    firmado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    firmado_en = models.DateTimeField(null=True, blank=True)
    firmante_nombre = models.CharField(max_length=300, blank=True)
    firmante_rfc = models.CharField(max_length=13, blank=True)
    firmante_curp = models.CharField(max_length=18, blank=True)
    certificado_serie = models.CharField(max_length=80, blank=True)
    certificado_sha256 = models.CharField(max_length=64, blank=True)
    respuesta = models.OneToOneField(
        Respuesta, on_delete=models.PROTECT, null=True, blank=True, related_name="borrador"
    )

    class Meta:
        ordering = ["redactado_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["turno"],
                condition=models.Q(estado__in=OPEN_STATES),
                name="un_borrador_abierto_por_turno",
            )
        ]

    def __str__(self) -> str:
        return f"Borrador de respuesta · {self.turno}"

    @property
    def sentido(self) -> str:
        return Sense.sentido(self.sense)


class PlantillaRespuesta(models.Model):
    """A secretaría's model answer: text with {variables} (see oficios.plantillas) that fills
    the draft answer, and with it the oficio."""

    secretaria = models.ForeignKey(
        Secretaria, on_delete=models.PROTECT, related_name="plantillas_respuesta"
    )
    nombre = models.CharField(max_length=120)
    texto = models.TextField()
    sense = models.CharField("sentido sugerido", max_length=12, choices=Sense.choices, blank=True)
    activa = models.BooleanField(default=True)
    actualizada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    actualizada_en = models.DateTimeField()

    class Meta:
        ordering = ["nombre"]
        verbose_name = "plantilla de respuesta"
        verbose_name_plural = "plantillas de respuesta"
        constraints = [
            models.UniqueConstraint(
                fields=["secretaria", "nombre"], name="plantilla_nombre_por_secretaria"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nombre} · {self.secretaria}"
