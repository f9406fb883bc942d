from django.conf import settings
from django.db import models

from correspondencia.models import Escrito
from turnos.models import Prevencion, Prorroga, Respuesta


class Documento(models.TextChoices):
    RESPUESTA = "respuesta", "Respuesta"
    PREVENCION = "prevencion", "Prevención"
    ACUERDO = "acuerdo", "Acuerdo de tener por no presentado"
    PRORROGA = "prorroga", "Prórroga del plazo"


class Medio(models.TextChoices):
    CONSULTA = "consulta", "Consulta con folio y código de acceso"
    CUENTA = "cuenta", "Cuenta ciudadana"


class AcuseNotificacion(models.Model):
    """The acuse de notificación electrónica (Ley de Firma Electrónica Avanzada, art. 2-III):
    when the petitioner first opened an answer, a prevención, an acuerdo or a prórroga, what
    it said (its digest), and the signed PDF that proves it. The moment it records is the
    notification date."""

    escrito = models.ForeignKey(
        Escrito, on_delete=models.PROTECT, related_name="acuses_notificacion"
    )
    documento = models.CharField(max_length=12, choices=Documento.choices)
    respuesta = models.OneToOneField(
        Respuesta,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notificacion_electronica",
    )
    prevencion = models.OneToOneField(
        Prevencion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notificacion_electronica",
    )
    acuerdo = models.OneToOneField(
        Prevencion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acuerdo_notificacion_electronica",
    )
    prorroga = models.OneToOneField(
        Prorroga,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notificacion_electronica",
    )
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
                condition=(
                    models.Q(documento="respuesta", respuesta__isnull=False,
                             prevencion__isnull=True, acuerdo__isnull=True,
                             prorroga__isnull=True)
                    | models.Q(documento="prevencion", respuesta__isnull=True,
                               prevencion__isnull=False, acuerdo__isnull=True,
                               prorroga__isnull=True)
                    | models.Q(documento="acuerdo", respuesta__isnull=True,
                               prevencion__isnull=True, acuerdo__isnull=False,
                               prorroga__isnull=True)
                    | models.Q(documento="prorroga", respuesta__isnull=True,
                               prevencion__isnull=True, acuerdo__isnull=True,
                               prorroga__isnull=False)
                ),
                name="acuse_notificacion_de_un_solo_documento",
            )
        ]

    def __str__(self) -> str:
        return f"Notificación electrónica · {self.escrito.folio} · {self.get_documento_display()}"


class Acto(models.TextChoices):
    """The acts that must reach the petitioner."""

    PREVENCION = "prevencion", "Prevención"
    RESPUESTA = "respuesta", "Respuesta"
    ACUERDO = "acuerdo", "Acuerdo de tener por no presentado"
    PRORROGA = "prorroga", "Prórroga del plazo"


class Canal(models.TextChoices):
    ELECTRONICA = "electronica", "Electrónica (cuenta ciudadana, consulta o correo)"
    VENTANILLA = "ventanilla", "Personal, en la ventanilla"
    DOMICILIO = "domicilio", "Personal, en el domicilio"
    ESTRADOS = "estrados", "Por estrados"


PERSONAL_CHANNELS = (Canal.VENTANILLA, Canal.DOMICILIO)


class EstadoNotificacion(models.TextChoices):
    PENDIENTE = "pendiente", "Pendiente de notificar"
    NOTIFICADA = "notificada", "Notificada"


class Resultado(models.TextChoices):
    ENTREGADA = "entregada", "Se entregó: recibió y firmó la cédula"
    NO_LOCALIZADO = "no_localizado", "No se encontró al interesado"
    PUBLICADA = "publicada", "Se publicó en los estrados"


class NotificacionPeticionario(models.Model):
    """The legal notification of one act to the petitioner (LFPA art. 35 model): its channel,
    the date it was practiced and its evidence: the citizen's opening (acuse de notificación
    electrónica), the cédula signed by whoever received it (scanned back), or the publication
    in the estrados. Not the staff's in-app notices (oficialia.avisos.Notificacion)."""

    escrito = models.ForeignKey(
        Escrito, on_delete=models.PROTECT, related_name="notificaciones_peticionario"
    )
    acto = models.CharField(max_length=12, choices=Acto.choices)
    prevencion = models.ForeignKey(
        Prevencion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respuesta = models.OneToOneField(
        Respuesta, on_delete=models.PROTECT, null=True, blank=True, related_name="notificacion"
    )
    prorroga = models.OneToOneField(
        Prorroga, on_delete=models.PROTECT, null=True, blank=True, related_name="notificacion"
    )
    canal = models.CharField("medio", max_length=12, choices=Canal.choices)
    canal_motivo = models.CharField("motivo del cambio de medio", max_length=300, blank=True)
    estado = models.CharField(
        max_length=10,
        choices=EstadoNotificacion.choices,
        default=EstadoNotificacion.PENDIENTE,
        db_index=True,
    )
    creada_en = models.DateTimeField()
    notificada_en = models.DateTimeField("notificada el", null=True, blank=True)
    # Evidence.
    acuse_electronico = models.ForeignKey(
        AcuseNotificacion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    medio_electronico = models.CharField(max_length=10, choices=Medio.choices, blank=True)
    cedula = models.FileField(upload_to="cedulas/", max_length=200, blank=True)
    cedula_sha256 = models.CharField(max_length=64, blank=True)
    cedula_generada_en = models.DateTimeField(null=True, blank=True)
    diligencia_resultado = models.CharField(
        "resultado de la diligencia", max_length=14, choices=Resultado.choices, blank=True
    )
    diligencia_en = models.DateTimeField("fecha y hora de la diligencia", null=True, blank=True)
    diligencia_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recibio_nombre = models.CharField("nombre de quien recibió", max_length=250, blank=True)
    recibio_identificacion = models.CharField(
        "identificación que presentó", max_length=120, blank=True
    )
    diligencia_notas = models.TextField("observaciones", blank=True)
    escaneo = models.FileField(upload_to="cedulas/", max_length=200, blank=True)
    escaneo_sha256 = models.CharField(max_length=64, blank=True)
    escaneo_content_type = models.CharField(max_length=40, blank=True)
    escaneo_subido_en = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "notificación al peticionario"
        verbose_name_plural = "notificaciones al peticionario"
        ordering = ["creada_en", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["acto", "prevencion"],
                condition=models.Q(prevencion__isnull=False),
                name="una_notificacion_por_acto_de_prevencion",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(acto="respuesta", respuesta__isnull=False)
                    | models.Q(acto__in=["prevencion", "acuerdo"], prevencion__isnull=False)
                    | models.Q(acto="prorroga", prorroga__isnull=False)
                ),
                name="notificacion_de_su_acto",
            ),
        ]
        indexes = [models.Index(fields=["estado", "canal", "creada_en"])]

    def __str__(self) -> str:
        return f"Notificación · {self.escrito.folio} · {self.get_acto_display()}"

    @property
    def is_personal(self) -> bool:
        return self.canal in PERSONAL_CHANNELS

    @property
    def is_done(self) -> bool:
        return self.estado == EstadoNotificacion.NOTIFICADA
