from django.db import models

from correspondencia.models import Escrito
from turnos.models import Prevencion, Respuesta


class Documento(models.TextChoices):
    RESPUESTA = "respuesta", "Respuesta"
    PREVENCION = "prevencion", "Prevención"


class Medio(models.TextChoices):
    CONSULTA = "consulta", "Consulta con folio y código de acceso"
    CUENTA = "cuenta", "Cuenta ciudadana"


class AcuseNotificacion(models.Model):
    """The acuse de notificación electrónica (Ley de Firma Electrónica Avanzada, art. 2-III):
    when the petitioner first opened an answer or a prevención, what it said (its digest), and
    the signed PDF that proves it. The moment it records is the notification date."""

    escrito = models.ForeignKey(Escrito, on_delete=models.PROTECT,
                                related_name="acuses_notificacion")
    documento = models.CharField(max_length=12, choices=Documento.choices)
    respuesta = models.OneToOneField(Respuesta, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="notificacion_electronica")
    prevencion = models.OneToOneField(Prevencion, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="notificacion_electronica")
    medio = models.CharField(max_length=10, choices=Medio.choices)
    abierto_en = models.DateTimeField()
    contenido_sha256 = models.CharField("huella de lo notificado", max_length=64)
    pdf = models.FileField(upload_to="notificaciones/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    generado_en = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "acuse de notificación electrónica"
        verbose_name_plural = "acuses de notificación electrónica"
        ordering = ["abierto_en"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(respuesta__isnull=False, prevencion__isnull=True)
                           | models.Q(respuesta__isnull=True, prevencion__isnull=False)),
                name="acuse_notificacion_de_un_solo_documento",
            )
        ]

    def __str__(self) -> str:
        return f"Notificación electrónica · {self.escrito.folio} · {self.get_documento_display()}"
