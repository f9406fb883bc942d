"""Citizen accounts: the expediente electrónico ciudadano and the ARCO requests.

A citizen signs in with Django's User (no staff role, no Perfil); this app keeps what the
account adds to it. The account's email is the Cuenta's (lower case, unique); the User's
username is an opaque handle ("ciudadano-…") so that the places that copy a username (the
bitácora's actor label, the audit of User changes, django-axes) never copy the address.
"""

from django.conf import settings
from django.db import models

from correspondencia.models import EscritoState


class NoticeKind(models.TextChoices):
    """The kinds of email notice, one per group of states. The acts the law requires to be
    made known (REQUIRED_NOTICE_KINDS) are always sent; the citizen may switch off the rest."""

    AVANCE = "avance", "Avances: turnado, en atención, devuelto a la Oficialía"
    PREVENCION = "prevencion", "Prevenciones: cuando le piden información"
    RESPUESTA = "respuesta", "Respuesta y conclusión"
    CIERRE = "cierre", "Cierre sin respuesta: rechazo, reorientación o desistimiento"


# A prevención and an answer must reach the petitioner (LFPA arts. 17-A and 35; Const. art.
# 8): their notices cannot be switched off.
REQUIRED_NOTICE_KINDS = (NoticeKind.PREVENCION, NoticeKind.RESPUESTA)
OPTIONAL_NOTICE_KINDS = tuple(k for k in NoticeKind if k not in REQUIRED_NOTICE_KINDS)


NOTICE_KIND_OF_STATE = {
    EscritoState.RECIBIDO: NoticeKind.AVANCE,
    EscritoState.TURNADO: NoticeKind.AVANCE,
    EscritoState.EN_ATENCION: NoticeKind.AVANCE,
    EscritoState.NO_COMPETENTE: NoticeKind.AVANCE,
    EscritoState.PREVENIDO: NoticeKind.PREVENCION,
    EscritoState.RESPONDIDO: NoticeKind.RESPUESTA,
    EscritoState.CONCLUIDO: NoticeKind.RESPUESTA,
    EscritoState.RECHAZADO: NoticeKind.CIERRE,
    EscritoState.REORIENTADO: NoticeKind.CIERRE,
    EscritoState.DESISTIDO: NoticeKind.CIERRE,
    EscritoState.NO_PRESENTADO: NoticeKind.CIERRE,
}


class Cuenta(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cuenta"
    )
    email = models.EmailField("correo electrónico", blank=True)
    created_at = models.DateTimeField("creada el")
    verified_at = models.DateTimeField("correo confirmado el", null=True, blank=True)
    # Set when an ARCO cancellation was applied: the account is closed and holds no data.
    cancelled_at = models.DateTimeField("datos cancelados el", null=True, blank=True)

    # The petitioner data the citizen saved: it fills the filing form.
    nombre = models.CharField("nombre completo", max_length=250, blank=True)
    telefono = models.CharField("teléfono", max_length=20, blank=True)
    curp = models.CharField("CURP", max_length=18, blank=True)
    domicilio = models.CharField("domicilio", max_length=300, blank=True)

    # Email notices, per kind; on by default. The list inside the account shows them all.
    notify_avance = models.BooleanField(default=True)
    notify_prevencion = models.BooleanField(default=True)
    notify_respuesta = models.BooleanField(default=True)
    notify_cierre = models.BooleanField(default=True)
    notices_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "cuenta ciudadana"
        verbose_name_plural = "cuentas ciudadanas"
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="unique_cuenta_email"
            )
        ]

    def __str__(self) -> str:
        return f"Cuenta {self.pk}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def wants_email(self, kind: str) -> bool:
        if kind in REQUIRED_NOTICE_KINDS:
            return True
        return getattr(self, f"notify_{kind}", True)


class LinkHow(models.TextChoices):
    PRESENTADO = "presentado", "Presentado con la cuenta"
    AGREGADO = "agregado", "Agregado con folio y código de acceso"
    CONFIRMADO = "confirmado", "Agregado con folio, código y confirmación por correo"
    RECLAMADO = "reclamado", "Reclamado de otra cuenta con folio, código y confirmación"
    OFICIALIA = "oficialia", "Vinculado en la Oficialía con identificación"


class EscritoVinculado(models.Model):
    """An escrito in the account's "Mis escritos". An escrito belongs to one account at most:
    whoever holds it may withdraw it and ask for its data to be cancelled."""

    cuenta = models.ForeignKey(Cuenta, on_delete=models.PROTECT, related_name="vinculos")
    escrito = models.OneToOneField(
        "correspondencia.Escrito", on_delete=models.PROTECT, related_name="vinculo"
    )
    how = models.CharField("cómo se agregó", max_length=12, choices=LinkHow.choices)
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = "escrito de una cuenta"
        verbose_name_plural = "escritos de las cuentas"

    def __str__(self) -> str:
        return f"{self.cuenta} · {self.escrito_id}"


class ConfirmacionVinculo(models.Model):
    """A pending request to put an escrito in an account, waiting for the confirmation sent to
    the email written on the escrito. Folio and access code alone are not proof: a gestor who
    filed for others holds many. Only the SHA-256 of the link's token is kept."""

    cuenta = models.ForeignKey(Cuenta, on_delete=models.CASCADE, related_name="confirmaciones")
    escrito = models.ForeignKey(
        "correspondencia.Escrito", on_delete=models.CASCADE, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "confirmación de vínculo"
        verbose_name_plural = "confirmaciones de vínculo"

    def __str__(self) -> str:
        return f"{self.cuenta} · {self.escrito_id}"


class ArcoKind(models.TextChoices):
    ACCESO = "acceso", "Acceso"
    RECTIFICACION = "rectificacion", "Rectificación"
    CANCELACION = "cancelacion", "Cancelación"
    OPOSICION = "oposicion", "Oposición"


class Tratamiento(models.TextChoices):
    """The treatments of personal data a titular may oppose (the privacy notice's purposes
    that are not needed to answer the petition, and "other")."""

    AVISOS = "avisos", "Avisos por correo sobre el avance de mis escritos"
    ESTADISTICAS = "estadisticas", "Estadísticas públicas (género y temas de los escritos)"
    CALIFICACION = "calificacion", "Medición de la calidad con mis calificaciones"
    OTRO = "otro", "Otro tratamiento (lo describo abajo)"


class ArcoChannel(models.TextChoices):
    CUENTA = "cuenta", "Desde la cuenta ciudadana"
    VENTANILLA = "ventanilla", "En papel, en ventanilla"


class ArcoState(models.TextChoices):
    PENDIENTE = "pendiente", "En trámite"
    PROCEDENTE = "procedente", "Procedente, por hacerse efectiva"
    ATENDIDA = "atendida", "Atendida"
    IMPROCEDENTE = "improcedente", "Improcedente"


class SolicitudArco(models.Model):
    """A request to exercise a right over personal data (access, rectification, cancellation,
    opposition), received by the Unidad de Transparencia from an account or on paper at the
    ventanilla, with its receipt folio and its legal terms (cuentas.plazos_arco)."""

    folio = models.CharField("folio", max_length=20, blank=True)
    channel = models.CharField(
        "medio", max_length=12, choices=ArcoChannel.choices, default=ArcoChannel.CUENTA
    )
    cuenta = models.ForeignKey(
        Cuenta, on_delete=models.PROTECT, related_name="solicitudes", null=True, blank=True
    )
    # On paper: who asks (identified at the ventanilla), where to notify, and the escritos
    # the request is about.
    titular_nombre = models.CharField("titular", max_length=250, blank=True)
    titular_contacto = models.CharField(
        "correo o domicilio para notificar", max_length=300, blank=True
    )
    folios = models.JSONField("escritos a los que se refiere", default=list, blank=True)
    kind = models.CharField("derecho", max_length=14, choices=ArcoKind.choices)
    detalle = models.TextField("lo que pide")
    # Opposition: the treatment opposed (the reason is in `detalle`).
    tratamiento = models.CharField(
        "tratamiento al que se opone", max_length=14, choices=Tratamiento.choices, blank=True
    )
    # Rectification: the corrected values the citizen gave (nombre, telefono, curp, rfc).
    rectificacion = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        "estado", max_length=12, choices=ArcoState.choices, default=ArcoState.PENDIENTE
    )
    requested_at = models.DateTimeField("solicitada el", db_index=True)
    answer_due = models.DateField("plazo para responder", null=True, blank=True)
    extended_at = models.DateTimeField("plazo ampliado el", null=True, blank=True)
    extension_reason = models.TextField("motivo de la ampliación", blank=True)
    resolved_at = models.DateTimeField("respondida el", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolucion = models.TextField("respuesta al titular", blank=True)
    notified_at = models.DateTimeField("respuesta notificada el", null=True, blank=True)
    notification_channel = models.CharField("notificada por", max_length=120, blank=True)
    execution_due = models.DateField("plazo para hacerla efectiva", null=True, blank=True)
    executed_at = models.DateTimeField("hecha efectiva el", null=True, blank=True)
    # The due date the Unidad was last reminded of (one reminder per term).
    reminded_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = "solicitud ARCO"
        verbose_name_plural = "solicitudes ARCO"
        constraints = [
            # One open request of each kind per account.
            models.UniqueConstraint(
                fields=["cuenta", "kind"],
                condition=models.Q(state="pendiente"),
                name="one_pending_arco_request_per_kind",
            ),
            models.UniqueConstraint(
                fields=["folio"], condition=~models.Q(folio=""), name="unique_arco_folio"
            ),
        ]

    def __str__(self) -> str:
        return self.folio or f"{self.get_kind_display()} {self.pk}"


class CorreoKind(models.TextChoices):
    CONFIRMAR = "confirmar", "Confirmación del correo de la cuenta"
    YA_REGISTRADA = "ya_registrada", "Aviso de cuenta ya registrada"
    CONTRASENA = "contrasena", "Enlace para restablecer la contraseña"
    CONFIRMAR_VINCULO = "confirmar_vinculo", "Confirmación para agregar un escrito"
    VINCULO = "vinculo", "Aviso de escrito agregado, reclamado o quitado"
    ARCO = "arco", "Respuesta a una solicitud ARCO"
    RESPUESTA_CORREO = "respuesta_correo", "Respuesta a un correo recibido en la ventanilla"


class CorreoCuenta(models.Model):
    """The outbox of the citizen account's emails. A row is written in the transaction that
    decides the email; the worker sends it after commit and marks it, once; a relay queues
    again what the broker never got or the mail server refused. `params` are what the email
    is made from when it is sent (it checks again that it is still wanted); they may hold a
    confirmation token or an address, so they are emptied once it is handled."""

    kind = models.CharField(max_length=20, choices=CorreoKind.choices)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    # Sent, or found needless when its turn came (already confirmed, account closed).
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "correo de cuenta por enviar"
        verbose_name_plural = "correos de cuentas por enviar"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="correo_cuenta_pendiente_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
