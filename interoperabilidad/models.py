"""Institutions that file and follow escritos by API, their tokens and webhooks, and the
mailbox the email intake reads."""

import uuid

from django.conf import settings
from django.db import models

from correspondencia.models import Escrito


class Scope(models.TextChoices):
    RADICAR = "radicar", "Presentar escritos y responder prevenciones"
    CONSULTAR = "consultar", "Consultar sus escritos (estado e historial)"
    DESCARGAR = "descargar", "Descargar acuses, respuestas y oficios"
    AVISOS = "avisos", "Registrar sus webhooks (avisos de cambios)"


class Evento(models.TextChoices):
    RECIBIDO = "escrito.recibido", "Escrito recibido"
    TURNADO = "escrito.turnado", "Escrito turnado"
    PREVENIDO = "escrito.prevenido", "Prevención al peticionario"
    RESPONDIDO = "escrito.respondido", "Escrito respondido"
    CONCLUIDO = "escrito.concluido", "Escrito concluido"


class Institucion(models.Model):
    """Another government office (state government, DIF, another municipality) that
    exchanges oficios with the ayuntamiento through the API."""

    nombre = models.CharField(max_length=250, unique=True)
    siglas = models.CharField(max_length=30, blank=True)
    correo_contacto = models.EmailField(
        "correo de contacto",
        help_text="Recibe los acuses y los avisos técnicos (por ejemplo, un webhook pausado).",
    )
    activa = models.BooleanField(default=True)
    created_at = models.DateTimeField("alta", auto_now_add=True)

    class Meta:
        ordering = ["nombre"]
        verbose_name = "institución"
        verbose_name_plural = "instituciones"

    def __str__(self) -> str:
        return self.nombre


class TokenApi(models.Model):
    """A bearer token. Only its SHA-256 is kept: the token itself is shown once, when issued."""

    institucion = models.ForeignKey(
        Institucion, on_delete=models.CASCADE, related_name="tokens", verbose_name="institución"
    )
    nombre = models.CharField(
        max_length=100, help_text="Para qué sistema o persona es, p. ej. «SIGED estatal»."
    )
    prefijo = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField("permisos", default=list)
    created_at = models.DateTimeField("emitido", auto_now_add=True)
    revoked_at = models.DateTimeField("revocado", null=True, blank=True)
    last_used_at = models.DateTimeField("último uso", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("última dirección", null=True, blank=True)

    class Meta:
        ordering = ["institucion", "-created_at"]
        verbose_name = "token de API"
        verbose_name_plural = "tokens de API"

    def __str__(self) -> str:
        return f"{self.prefijo}… ({self.nombre})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.institucion.activa


class EscritoInstitucional(models.Model):
    """An escrito an institution filed through the API: who owns it, under which
    Idempotency-Key and with what content (a replay with other content is refused)."""

    escrito = models.OneToOneField(Escrito, on_delete=models.PROTECT, related_name="institucional")
    institucion = models.ForeignKey(
        Institucion, on_delete=models.PROTECT, related_name="escritos", verbose_name="institución"
    )
    idempotency_key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "escrito de una institución"
        verbose_name_plural = "escritos de instituciones"
        constraints = [
            models.UniqueConstraint(
                fields=["institucion", "idempotency_key"], name="one_escrito_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.escrito_id} · {self.institucion}"


class Webhook(models.Model):
    """A URL of an institution that receives the events it chose (Standard Webhooks)."""

    institucion = models.ForeignKey(
        Institucion, on_delete=models.CASCADE, related_name="webhooks", verbose_name="institución"
    )
    url = models.URLField(max_length=500)
    eventos = models.JSONField(default=list, help_text="Los eventos que se le envían.")
    secret = models.CharField(
        "secreto", max_length=80, editable=False, help_text="whsec_…: verifica las firmas."
    )
    activo = models.BooleanField(default=True)
    paused_at = models.DateTimeField("pausado", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField("fallos seguidos", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institucion", "url"]
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"

    def __str__(self) -> str:
        return self.url


class EntregaState(models.TextChoices):
    PENDIENTE = "pendiente", "Pendiente"
    ENTREGADA = "entregada", "Entregada"
    FALLIDA = "fallida", "Fallida (sin más intentos)"


class Entrega(models.Model):
    """One event for one webhook, with every attempt's outcome. The msg id stays the same
    across attempts and re-sends, so the receiver can drop duplicates."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="entregas")
    evento = models.CharField(max_length=30, choices=Evento.choices)
    msg_id = models.CharField(max_length=40, unique=True, editable=False)
    escrito = models.ForeignKey(Escrito, on_delete=models.PROTECT, related_name="+")
    transicion_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    state = models.CharField(
        "estado", max_length=10, choices=EntregaState.choices, default=EntregaState.PENDIENTE
    )
    attempts = models.PositiveIntegerField("intentos", default=0)
    last_status = models.PositiveIntegerField("última respuesta HTTP", null=True, blank=True)
    last_error = models.CharField("último error", max_length=300, blank=True)
    next_attempt_at = models.DateTimeField("próximo intento", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField("entregada", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "entrega de webhook"
        verbose_name_plural = "entregas de webhook"
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "transicion_id", "evento"],
                name="one_delivery_per_webhook_and_step",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.evento} → {self.webhook}"


class Intento(models.Model):
    """One HTTP attempt of an Entrega: the log the admin reads."""

    entrega = models.ForeignKey(Entrega, on_delete=models.CASCADE, related_name="intentos")
    at = models.DateTimeField()
    status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.entrega_id} {self.status or self.error}"


# Email intake ------------------------------------------------------------------------------


class Buzon(models.Model):
    """Where the reader is in one IMAP folder: the UIDVALIDITY it saw and the last UID it
    turned into a draft. Advanced in the same transaction as the draft."""

    clave = models.CharField(max_length=300, unique=True)  # user@host/folder
    uidvalidity = models.BigIntegerField(null=True)
    last_uid = models.BigIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "buzón"
        verbose_name_plural = "buzones"

    def __str__(self) -> str:
        return self.clave


class CorreoState(models.TextChoices):
    PENDIENTE = "pendiente", "Por revisar"
    RADICADO = "radicado", "Registrado como escrito"
    RECHAZADO = "rechazado", "Rechazado"


class CorreoEntrante(models.Model):
    """A message read from the mailbox: a draft the ventanilla turns into an escrito or
    rejects with a reason."""

    buzon = models.ForeignKey(Buzon, on_delete=models.PROTECT, related_name="correos")
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    raw_sha256 = models.CharField(max_length=64)
    remitente = models.EmailField("remitente", max_length=254)
    remitente_nombre = models.CharField(max_length=250, blank=True)
    asunto = models.CharField(max_length=250, blank=True)
    cuerpo = models.TextField(blank=True)
    recibido_en = models.DateTimeField("recibido el")
    leido_en = models.DateTimeField("leído el")
    state = models.CharField(
        "estado", max_length=10, choices=CorreoState.choices, default=CorreoState.PENDIENTE
    )
    motivo_rechazo = models.TextField("motivo del rechazo", blank=True)
    escrito = models.OneToOneField(
        Escrito, on_delete=models.PROTECT, null=True, blank=True, related_name="correo"
    )
    revisado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revisado_en = models.DateTimeField(null=True, blank=True)
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["recibido_en", "pk"]
        verbose_name = "correo recibido"
        verbose_name_plural = "correos recibidos"
        constraints = [
            models.UniqueConstraint(
                fields=["buzon", "uidvalidity", "uid"], name="one_draft_per_imap_uid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.remitente}: {self.asunto}"


class CorreoAdjunto(models.Model):
    """An attachment of a message, checked like any upload. One that fails the check is
    kept out of the escrito, and the clerk sees why."""

    correo = models.ForeignKey(CorreoEntrante, on_delete=models.CASCADE, related_name="adjuntos")
    file = models.FileField(upload_to="correo/", max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField("por qué no se acepta", max_length=400, blank=True)

    class Meta:
        ordering = ["correo", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def valido(self) -> bool:
        return not self.error
