import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from correspondencia.models import Adjunto, Escrito


class DocumentoBusqueda(models.Model):
    """What the staff search reads about one escrito, kept by `busqueda.indice` whenever the
    escrito, its petitioner, its turnos, answers, prevenciones or attachments change.

    A blocked petitioner's data (ARCO cancellation) is not here: `nombre` is empty and the
    free texts have it masked, so no search can match it. On PostgreSQL a trigger keeps
    `vector` (the `es_unaccent` text search configuration, weighted A to D) from the texts,
    and GIN indexes serve it and the trigram searches of `nombre` and `folio`; on SQLite
    `plano` (the folded texts) is searched with LIKE.
    """

    escrito = models.OneToOneField(
        Escrito, on_delete=models.CASCADE, primary_key=True, related_name="busqueda"
    )
    folio = models.CharField(max_length=20)
    nombre = models.TextField("nombre del peticionario (sin acentos)", blank=True)
    titulo = models.TextField("asunto", blank=True)
    cuerpo = models.TextField("texto del escrito", blank=True)
    seguimiento = models.TextField("instrucciones, prevenciones y respuestas", blank=True)
    adjuntos = models.TextField("texto de los anexos", blank=True)
    plano = models.TextField("todo, sin acentos", blank=True)
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "documento de búsqueda"
        verbose_name_plural = "documentos de búsqueda"

    def __str__(self) -> str:
        return self.folio


class AlcanceDocumento(models.Model):
    """Who finds the escrito through its turnos: one row per scope key of its turnos
    (turnos.permissions.alcance_of_turno), with the escrito's reception date, so a titular's
    search walks the index (clave, received_at) of their secretaría's escritos newest first
    instead of checking every candidate's turnos. Written with the search document."""

    documento = models.ForeignKey(
        DocumentoBusqueda, on_delete=models.CASCADE, related_name="alcances"
    )
    clave = models.CharField(max_length=24)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = "alcance de un documento de búsqueda"
        verbose_name_plural = "alcances de los documentos de búsqueda"
        constraints = [
            models.UniqueConstraint(fields=["documento", "clave"], name="alcance_unico")
        ]
        indexes = [models.Index(fields=["clave", "-received_at"], name="alcance_reciente_idx")]

    def __str__(self) -> str:
        return f"{self.documento_id} · {self.clave}"


class IndicePendiente(models.Model):
    """The search index's outbox: an escrito whose search document must be written again.
    Marked in the transaction of the change (a rollback drops it with the change), so a change
    committed while the broker or the worker is down is not lost: the relay queues it again.
    The worker deletes the mark once the document is written, unless the escrito was marked
    again meanwhile (`marca` changed): that change's own task writes it then."""

    escrito = models.OneToOneField(
        Escrito, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    marca = models.UUIDField(default=uuid.uuid4)
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = "escrito por reindexar"
        verbose_name_plural = "escritos por reindexar"

    def __str__(self) -> str:
        return f"Reindexar {self.escrito_id}"


class TextoState(models.TextChoices):
    PENDIENTE = "pendiente", "Pendiente"
    EXTRAIDO = "extraido", "Texto extraído"
    OMITIDO = "omitido", "Sin extraer"
    ERROR = "error", "Error"


class TextoMethod(models.TextChoices):
    CAPA = "capa_de_texto", "Texto del PDF"
    OCR = "ocr", "Reconocimiento óptico (OCR)"


class TextoAdjunto(models.Model):
    """The text of one attachment, beside the original (which is never changed): read from
    a PDF's text layer, or recognised by OCR from a scan. Feeds the staff search."""

    adjunto = models.OneToOneField(
        Adjunto, on_delete=models.CASCADE, primary_key=True, related_name="texto_extraido"
    )
    state = models.CharField(
        "estado", max_length=10, choices=TextoState.choices, default=TextoState.PENDIENTE
    )
    method = models.CharField("método", max_length=15, choices=TextoMethod.choices, blank=True)
    texto = models.TextField(blank=True)
    motivo = models.CharField(max_length=250, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "texto de anexo"
        verbose_name_plural = "textos de anexos"

    def __str__(self) -> str:
        return f"Texto de {self.adjunto_id}"


class BusquedaGuardada(models.Model):
    """A search a staff member keeps to run again: its words and filters as a query string."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="busquedas_guardadas"
    )
    nombre = models.CharField(max_length=80)
    parametros = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nombre"]
        verbose_name = "búsqueda guardada"
        verbose_name_plural = "búsquedas guardadas"
        constraints = [
            models.UniqueConstraint(fields=["user", "nombre"], name="unique_busqueda_por_usuario")
        ]

    def __str__(self) -> str:
        return self.nombre
