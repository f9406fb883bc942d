"""What the administración installs to check signatures (the certification authorities it
trusts and the revocation lists it loads), and the NOM-151 constancias kept for what the
ayuntamiento issues."""

from django.db import models


class AutoridadCertificadora(models.Model):
    """A certificate of a certification authority whose signatures are trusted: the SAT's
    published CA certificates, loaded by hand. Never fetched at run time."""

    nombre = models.CharField(max_length=300)
    certificado = models.BinaryField("certificado (DER)")
    huella_sha256 = models.CharField("huella SHA-256", max_length=64, unique=True)
    vigente_desde = models.DateTimeField()
    vigente_hasta = models.DateTimeField()
    activa = models.BooleanField(default=True)
    instalada_en = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "autoridad certificadora de confianza"
        verbose_name_plural = "autoridades certificadoras de confianza"
        ordering = ["nombre"]

    def __str__(self) -> str:
        return self.nombre


class ListaRevocacion(models.Model):
    """A certificate revocation list (CRL) loaded by the administración."""

    autoridad = models.ForeignKey(
        AutoridadCertificadora, on_delete=models.CASCADE, related_name="listas"
    )
    contenido = models.BinaryField("lista (DER)")
    huella_sha256 = models.CharField("huella SHA-256", max_length=64, unique=True)
    emitida_en = models.DateTimeField()
    siguiente_en = models.DateTimeField(null=True, blank=True)
    revocados = models.PositiveIntegerField(default=0)
    cargada_en = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lista de certificados revocados (CRL)"
        verbose_name_plural = "listas de certificados revocados (CRL)"
        ordering = ["-emitida_en"]

    def __str__(self) -> str:
        return f"CRL de {self.autoridad} del {self.emitida_en:%d/%m/%Y}"


class Constancia(models.Model):
    """A NOM-151-SCFI-2016 constancia de conservación: a provider's signed proof that a
    document with this digest existed, unchanged, on that date."""

    documento = models.CharField(max_length=30)  # "acuse", "respuesta", "notificacion"
    referencia = models.CharField(max_length=60)  # the folio, or the record's id
    sha256 = models.CharField(max_length=64)
    proveedor = models.CharField(max_length=200)
    datos = models.BinaryField()
    emitida_en = models.DateTimeField()
    solicitada_en = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "constancia NOM-151"
        verbose_name_plural = "constancias NOM-151"
        constraints = [
            models.UniqueConstraint(fields=["documento", "referencia", "sha256"],
                                    name="constancia_unica_por_documento"),
        ]

    def __str__(self) -> str:
        return f"Constancia de {self.documento} {self.referencia}"
