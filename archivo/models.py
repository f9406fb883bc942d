"""The archive under the Ley General de Archivos (arts. 13, 20, 21, 29, 31).

Instruments: the cuadro general de clasificación archivística (Fondo → Sección → Serie →
subserie) and the catálogo de disposición documental, kept on each Serie. A Serie is
versioned: editing one adds a new version row and retires the old one, so an expediente
classified under a version keeps its code, its vigencias and its destino as they were.

Expedientes: each escrito belongs to one; its documents form an electronic index whose rows
are hash-chained (`Documento.hash` covers the previous row's hash), so a row taken out,
swapped or edited, or a file whose bytes changed, is found by `indice.verify`.
"""

import uuid

from django.conf import settings
from django.db import models

from correspondencia.models import Escrito, Secretaria, Tramite


class Fondo(models.Model):
    codigo = models.CharField("código", max_length=20, unique=True)
    nombre = models.CharField(max_length=200)

    class Meta:
        ordering = ["codigo"]

    def __str__(self) -> str:
        return f"{self.codigo} {self.nombre}"


class SeccionTipo(models.TextChoices):
    COMUN = "comun", "Común"
    SUSTANTIVA = "sustantiva", "Sustantiva"


class Seccion(models.Model):
    fondo = models.ForeignKey(Fondo, on_delete=models.PROTECT, related_name="secciones")
    codigo = models.CharField("código", max_length=20, unique=True)
    nombre = models.CharField(max_length=200)
    tipo = models.CharField(max_length=12, choices=SeccionTipo.choices)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["orden", "codigo"]
        verbose_name = "sección"
        verbose_name_plural = "secciones"

    def __str__(self) -> str:
        return f"{self.codigo} {self.nombre}"


class Destino(models.TextChoices):
    BAJA = "baja", "Baja documental"
    HISTORICO = "historico", "Conservación en archivo histórico"


class Serie(models.Model):
    """One version of a serie (or subserie, with `padre`) and its disposición.

    `linaje` is shared by every version of the same serie; exactly one is `vigente`.
    """

    linaje = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    vigente = models.BooleanField(default=True)
    seccion = models.ForeignKey(Seccion, on_delete=models.PROTECT, related_name="series")
    padre = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subseries",
        verbose_name="serie (si es subserie)",
    )
    codigo = models.CharField("código", max_length=30)
    nombre = models.CharField(max_length=200)
    descripcion = models.TextField("descripción", blank=True)
    # Valores documentales primarios (the reason it is kept in trámite and concentración).
    valor_administrativo = models.BooleanField("valor administrativo", default=True)
    valor_legal = models.BooleanField("valor legal", default=False)
    valor_fiscal = models.BooleanField("valor fiscal o contable", default=False)
    vigencia_tramite = models.PositiveSmallIntegerField("vigencia en archivo de trámite (años)")
    vigencia_concentracion = models.PositiveSmallIntegerField(
        "vigencia en archivo de concentración (años)"
    )
    destino = models.CharField("destino final", max_length=12, choices=Destino.choices)
    fundamento = models.TextField("fundamento legal", blank=True)
    tramites = models.ManyToManyField(
        Tramite,
        blank=True,
        related_name="+",
        help_text="Los escritos de estos trámites se clasifican en esta serie al turnarse.",
    )
    por_defecto = models.BooleanField(
        "serie por defecto",
        default=False,
        help_text="Para los escritos sin trámite o con un trámite que ninguna serie reclama.",
    )
    creada_en = models.DateTimeField(auto_now_add=True)
    creada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motivo = models.CharField("motivo del cambio", max_length=300, blank=True)

    class Meta:
        ordering = ["codigo", "version"]
        constraints = [
            models.UniqueConstraint(fields=["linaje", "version"], name="serie_version_unica"),
            models.UniqueConstraint(
                fields=["codigo"], condition=models.Q(vigente=True), name="serie_codigo_vigente"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.codigo} {self.nombre}"

    @property
    def es_subserie(self) -> bool:
        return self.padre_id is not None

    @property
    def valores(self) -> list[str]:
        names = [
            ("administrativo", self.valor_administrativo),
            ("legal", self.valor_legal),
            ("fiscal o contable", self.valor_fiscal),
        ]
        return [name for name, held in names if held]

    @property
    def ruta(self) -> str:
        """The full classification: fondo / sección / serie / subserie codes and names."""
        parts = [str(self.seccion.fondo), str(self.seccion)]
        if self.padre_id:
            parts.append(str(self.padre))
        parts.append(str(self))
        return " / ".join(parts)


class ExpedienteEstado(models.TextChoices):
    ABIERTO = "abierto", "Abierto"
    CERRADO = "cerrado", "Cerrado"


class Custodia(models.TextChoices):
    TRAMITE = "tramite", "Archivo de trámite"
    CONCENTRACION = "concentracion", "Archivo de concentración"
    HISTORICO = "historico", "Archivo histórico"
    BAJA = "baja", "Dado de baja"


class ContadorExpediente(models.Model):
    """Gap-free numbering of expedientes per year (oficialia.contadores)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Expediente(models.Model):
    numero = models.CharField("número", max_length=30, unique=True)
    serie = models.ForeignKey(Serie, on_delete=models.PROTECT, related_name="expedientes")
    titulo = models.CharField("título", max_length=250)
    # The classification as it read when the expediente was opened or reclassified: a later
    # change of the cuadro does not rewrite it.
    clasificacion = models.CharField("clasificación", max_length=400)
    secretaria = models.ForeignKey(
        Secretaria,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="área productora",
    )
    estado = models.CharField(
        max_length=10, choices=ExpedienteEstado.choices, default=ExpedienteEstado.ABIERTO
    )
    custodia = models.CharField(max_length=14, choices=Custodia.choices, default=Custodia.TRAMITE)
    abierto_en = models.DateField("fecha de apertura")
    cerrado_en = models.DateField("fecha de cierre", null=True, blank=True)
    abierto_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The index's head: the last row's hash and how many rows there are, so that removing
    # the last document is found as surely as removing one in the middle.
    indice_cabeza = models.CharField(max_length=64, blank=True)
    indice_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-abierto_en", "-numero"]

    def __str__(self) -> str:
        return self.numero


class ExpedienteEscrito(models.Model):
    """The expediente an escrito belongs to (one each)."""

    escrito = models.OneToOneField(Escrito, on_delete=models.PROTECT, related_name="+")
    expediente = models.ForeignKey(Expediente, on_delete=models.PROTECT, related_name="escritos")
    agregado_en = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.escrito_id} → {self.expediente_id}"


class DocumentoTipo(models.TextChoices):
    ESCRITO = "escrito", "Escrito y anexos"
    ACUSE = "acuse", "Acuse de recibo"
    ACUSE_SUSTITUIDO = "acuse_sustituido", "Acuse sustituido"
    PREVENCION = "prevencion", "Respuesta a prevención"
    RESPUESTA = "respuesta", "Oficio de respuesta"
    NOTIFICACION = "notificacion", "Constancia de notificación"
    OTRO = "otro", "Otro documento"


class Documento(models.Model):
    """One row of an expediente's electronic index. Rows are only ever added."""

    expediente = models.ForeignKey(Expediente, on_delete=models.PROTECT, related_name="documentos")
    orden = models.PositiveIntegerField()
    tipo = models.CharField(max_length=20, choices=DocumentoTipo.choices)
    descripcion = models.CharField("documento", max_length=255)
    fecha = models.DateField()
    fojas = models.PositiveIntegerField(null=True, blank=True)
    archivo = models.CharField(max_length=200, help_text="Nombre del archivo en el almacenamiento")
    sha256 = models.CharField(max_length=64)
    # What the row names, so that indexing the same file twice is a no-op.
    origen = models.CharField(max_length=60)
    hash_anterior = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    agregado_en = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expediente", "orden"]
        constraints = [
            models.UniqueConstraint(fields=["expediente", "orden"], name="documento_orden"),
            models.UniqueConstraint(fields=["expediente", "origen"], name="documento_origen"),
        ]

    def __str__(self) -> str:
        return f"{self.expediente.numero} #{self.orden} {self.descripcion}"


# Paper originals ----------------------------------------------------------------------------


class Deposito(models.Model):
    """A physical archive (a room): archivo de trámite of an area, concentración, histórico."""

    codigo = models.CharField("código", max_length=10, unique=True)
    nombre = models.CharField(max_length=150)
    custodia = models.CharField(max_length=14, choices=Custodia.choices, default=Custodia.TRAMITE)
    domicilio = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["codigo"]
        verbose_name = "archivo (depósito)"
        verbose_name_plural = "archivos (depósitos)"

    def __str__(self) -> str:
        return f"{self.codigo} {self.nombre}"


class Estante(models.Model):
    deposito = models.ForeignKey(Deposito, on_delete=models.PROTECT, related_name="estantes")
    codigo = models.CharField("código", max_length=10)

    class Meta:
        ordering = ["deposito__codigo", "codigo"]
        constraints = [
            models.UniqueConstraint(fields=["deposito", "codigo"], name="estante_por_deposito")
        ]

    def __str__(self) -> str:
        return f"{self.deposito.codigo}-{self.codigo}"


class Caja(models.Model):
    estante = models.ForeignKey(Estante, on_delete=models.PROTECT, related_name="cajas")
    codigo = models.CharField("código", max_length=10)
    descripcion = models.CharField("descripción", max_length=200, blank=True)
    # "AT-E02-C014": what the box's label shows and the ventanilla types as the place.
    etiqueta = models.CharField(max_length=40, unique=True, editable=False)

    class Meta:
        ordering = ["etiqueta"]
        constraints = [
            models.UniqueConstraint(fields=["estante", "codigo"], name="caja_por_estante")
        ]

    def __str__(self) -> str:
        return self.etiqueta

    def save(self, *args, **kwargs):
        self.etiqueta = f"{self.estante}-{self.codigo}".upper()
        super().save(*args, **kwargs)


class UbicacionOriginal(models.Model):
    """Where the paper original of an escrito is kept: a box, and a legajo inside it."""

    escrito = models.OneToOneField(Escrito, on_delete=models.PROTECT, related_name="+")
    caja = models.ForeignKey(Caja, on_delete=models.PROTECT, related_name="originales")
    legajo = models.CharField(max_length=40, blank=True)
    ubicado_en = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ubicación de un original"
        verbose_name_plural = "ubicaciones de originales"

    def __str__(self) -> str:
        return f"{self.caja}{f', legajo {self.legajo}' if self.legajo else ''}"


class Prestamo(models.Model):
    """A loan of an expediente's paper: who took it, why, when, when it is due back, and
    when it came back. Rows are never deleted: together they are the loan ledger."""

    expediente = models.ForeignKey(Expediente, on_delete=models.PROTECT, related_name="prestamos")
    solicitante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    motivo = models.CharField(max_length=300)
    prestado_en = models.DateTimeField()
    vence = models.DateField("fecha de devolución")
    prestado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    devuelto_en = models.DateTimeField(null=True, blank=True)
    recibido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The last day a reminder went out, so a second run the same day sends nothing.
    recordado_el = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-prestado_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["expediente"],
                condition=models.Q(devuelto_en__isnull=True),
                name="un_prestamo_abierto_por_expediente",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expediente.numero} → {self.solicitante}"


# Transfers and disposal ----------------------------------------------------------------------


class ContadorArchivo(models.Model):
    """Gap-free numbers of transfers and bajas, per kind and year (oficialia.contadores)."""

    clave = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clave", "year"], name="contador_archivo_unico")
        ]

    def __str__(self) -> str:
        return f"{self.clave}-{self.year}: {self.last_number}"


class TransferenciaTipo(models.TextChoices):
    PRIMARIA = "primaria", "Transferencia primaria (al archivo de concentración)"
    SECUNDARIA = "secundaria", "Transferencia secundaria (al archivo histórico)"


class Transferencia(models.Model):
    numero = models.CharField("número", max_length=20, unique=True)
    tipo = models.CharField(max_length=10, choices=TransferenciaTipo.choices)
    fecha = models.DateField()
    hecha_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expedientes = models.ManyToManyField(Expediente, related_name="transferencias")

    class Meta:
        ordering = ["-fecha", "-numero"]

    def __str__(self) -> str:
        return self.numero


class BajaEstado(models.TextChoices):
    DICTAMINADA = "dictaminada", "Dictaminada"
    PUBLICADA = "publicada", "Publicada"
    EJECUTADA = "ejecutada", "Ejecutada (documentos suprimidos)"


class BajaDocumental(models.Model):
    """A baja documental (LGA art. 31): dictamen and acta, published, and only then carried
    out. The publication stays public for ARCHIVO_BAJA_PUBLICACION_ANIOS years."""

    numero = models.CharField("número", max_length=20, unique=True)
    estado = models.CharField(max_length=12, choices=BajaEstado.choices)
    dictaminada_en = models.DateTimeField()
    dictaminada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    publicada_en = models.DateTimeField(null=True, blank=True)
    ejecutada_en = models.DateTimeField(null=True, blank=True)
    ejecutada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expedientes = models.ManyToManyField(Expediente, related_name="bajas")

    class Meta:
        ordering = ["-dictaminada_en"]
        verbose_name = "baja documental"
        verbose_name_plural = "bajas documentales"

    def __str__(self) -> str:
        return self.numero
