import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from oficialia.text import fold


class Secretaria(models.Model):
    nombre = models.CharField(max_length=150, unique=True)
    siglas = models.CharField(max_length=12, unique=True)
    activa = models.BooleanField(default=True)

    class Meta:
        ordering = ["nombre"]
        verbose_name = "secretaría"
        verbose_name_plural = "secretarías"

    def __str__(self) -> str:
        return self.nombre


class Area(models.Model):
    secretaria = models.ForeignKey(Secretaria, on_delete=models.PROTECT, related_name="areas")
    nombre = models.CharField(max_length=150)

    class Meta:
        ordering = ["secretaria__nombre", "nombre"]
        verbose_name = "área"
        verbose_name_plural = "áreas"
        constraints = [
            models.UniqueConstraint(
                fields=["secretaria", "nombre"], name="unique_area_per_secretaria"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secretaria.siglas} · {self.nombre}"


class Tramite(models.Model):
    """A trámite or servicio of the public catalogue (/tramites/), edited by the administración."""

    nombre = models.CharField(max_length=200, unique=True)
    # The public address of the trámite: made from the name once and kept when the name
    # changes, so links already shared (and printed) keep working.
    slug = models.SlugField(
        "dirección pública",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Parte final de la dirección /tramites/…/. Se genera del nombre; no la cambie "
        "después de publicada.",
    )
    descripcion = models.TextField(
        "descripción", blank=True, help_text="Qué es, para quién y cuándo se solicita."
    )
    secretaria = models.ForeignKey(
        Secretaria,
        on_delete=models.PROTECT,
        related_name="tramites",
        verbose_name="secretaría responsable",
    )
    plazo_dias_habiles = models.PositiveSmallIntegerField(
        "plazo de respuesta (días hábiles)", default=10
    )
    gratuito = models.BooleanField(default=True)
    costo = models.CharField(
        max_length=250,
        blank=True,
        help_text="Solo si no es gratuito: monto y forma de pago, p. ej. «2.5 UMA por m² de "
        "construcción, en las cajas de la Tesorería».",
    )
    fundamento = models.TextField(
        "fundamento legal", blank=True, help_text="Leyes y reglamentos que sustentan el trámite."
    )
    palabras_clave = models.CharField(
        "palabras clave",
        max_length=250,
        blank=True,
        help_text="Otras palabras con que la gente lo busca, p. ej. «permiso de obra, barda».",
    )
    # The key of the trámite in the national catálogo de trámites y servicios (Ley General de
    # Mejora Regulatoria), so other offices can name it the same way.
    homoclave = models.CharField(
        "homoclave",
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]+(-[A-Z0-9]+)+$",
                "Escriba la homoclave como aparece en el catálogo nacional: mayúsculas, "
                "números y guiones, p. ej. «MUN-OBR-001-A».",
            )
        ],
        help_text="Clave del trámite en el Catálogo Nacional de Regulaciones, Trámites y "
        "Servicios, si ya está inscrito.",
    )
    activo = models.BooleanField(
        default=True, help_text="Solo los trámites activos aparecen en el catálogo y el formulario."
    )
    # Folded (lowercase, without accents) name, keywords and description, kept on save:
    # the catalogue's search matches it word by word on any database.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["nombre"]
        verbose_name = "trámite"
        verbose_name_plural = "trámites"
        constraints = [
            models.UniqueConstraint(
                fields=["homoclave"],
                condition=~models.Q(homoclave=""),
                name="unique_tramite_homoclave",
            )
        ]

    def __str__(self) -> str:
        return self.nombre

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        self.search_text = fold(
            " ".join([self.nombre, self.homoclave, self.palabras_clave, self.descripcion])
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "slug"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tramite_detalle", args=[self.slug])

    def clean(self):
        ceiling = settings.MAX_TERM_BUSINESS_DAYS
        if self.plazo_dias_habiles is not None and not 1 <= self.plazo_dias_habiles <= ceiling:
            raise ValidationError(
                {
                    "plazo_dias_habiles": (
                        f"El plazo debe ser de 1 a {ceiling} días hábiles: {ceiling} es el "
                        "máximo legal que fija el Ayuntamiento "
                        "(OFICIALIA_PLAZO_MAXIMO_DIAS_HABILES). Escriba un plazo menor o pida "
                        "al área jurídica que revise el máximo."
                    )
                }
            )
        if not self.gratuito and not self.costo.strip():
            raise ValidationError({"costo": "Indique el costo o marque el trámite como gratuito."})
        if self.gratuito and self.costo.strip():
            raise ValidationError(
                {"costo": "Un trámite gratuito no lleva costo: borre el costo o quite «gratuito»."}
            )

    def _unique_slug(self) -> str:
        base = slugify(self.nombre)[:190] or "tramite"
        slug, n = base, 2
        while Tramite.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def costo_display(self) -> str:
        return "Gratuito" if self.gratuito else self.costo


class TramiteRequisito(models.Model):
    """A document the petitioner attaches (or shows) for a trámite, in the order listed."""

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="requisitos")
    documento = models.CharField(
        max_length=250, help_text="p. ej. «Identificación oficial vigente»"
    )
    detalle = models.CharField(
        max_length=250, blank=True, help_text="p. ej. «INE o pasaporte; por ambos lados»"
    )
    obligatorio = models.BooleanField(default=True)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["tramite", "orden", "pk"]
        verbose_name = "requisito"
        verbose_name_plural = "requisitos"

    def __str__(self) -> str:
        return self.documento


class Channel(models.TextChoices):
    EN_LINEA = "en_linea", "En línea"
    VENTANILLA = "ventanilla", "Ventanilla"
    CORREO_POSTAL = "correo_postal", "Correo postal"
    MENSAJERIA = "mensajeria", "Mensajería"
    CORREO_ELECTRONICO = "correo_electronico", "Correo electrónico"


class PetitionerType(models.TextChoices):
    FISICA = "fisica", "Persona física"
    MORAL = "moral", "Persona moral"
    DEPENDENCIA = "dependencia", "Dependencia de gobierno"


class Gender(models.TextChoices):
    MUJER = "mujer", "Mujer"
    HOMBRE = "hombre", "Hombre"
    NO_BINARIO = "no_binario", "No binario"
    PREFIERO_NO_DECIR = "prefiero_no_decir", "Prefiero no decir"


class Peticionario(models.Model):
    """The petitioner as given on one escrito (a snapshot: it does not change with later ones)."""

    tipo = models.CharField(max_length=12, choices=PetitionerType.choices)
    nombre = models.CharField("nombre o razón social", max_length=250)
    email = models.EmailField("correo electrónico", blank=True)
    telefono = models.CharField("teléfono", max_length=20, blank=True)
    curp = models.CharField("CURP", max_length=18, blank=True)
    rfc = models.CharField("RFC", max_length=13, blank=True)
    domicilio = models.CharField("domicilio", max_length=300, blank=True)
    genero = models.CharField("género", max_length=20, choices=Gender.choices, blank=True)
    # ARCO cancellation is a blocking first (LGPDPPSO): the data stays, untouched, in the
    # escrito, its acuse and its files (public archive documents), but it is out of every
    # use: staff pages show it masked, exports, open data and searches leave it out. It is
    # suppressed only when the archival retention of the escrito ends.
    bloqueado_at = models.DateTimeField("datos bloqueados el", null=True, blank=True)
    suprimido_at = models.DateTimeField("datos suprimidos el", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "peticionario"
        verbose_name_plural = "peticionarios"

    def __str__(self) -> str:
        return self.visible.nombre

    @property
    def is_blocked(self) -> bool:
        return self.bloqueado_at is not None

    @property
    def visible(self) -> "Peticionario | PeticionarioBloqueado":
        """What a staff page may show: the data, or the mask when it is blocked."""
        return PeticionarioBloqueado(self) if self.is_blocked else self


class PeticionarioBloqueado:
    """The mask a staff page shows in place of a blocked petitioner: the kind of petitioner
    (the figures count it) and nothing that identifies the person."""

    nombre = "[Datos bloqueados por cancelación ARCO]"
    email = telefono = curp = rfc = domicilio = genero = ""
    is_blocked = True

    def __init__(self, peticionario: Peticionario) -> None:
        self.tipo = peticionario.tipo
        self._peticionario = peticionario

    def get_tipo_display(self) -> str:
        return self._peticionario.get_tipo_display()

    def get_genero_display(self) -> str:
        return ""

    def __str__(self) -> str:
        return self.nombre


class EscritoState(models.TextChoices):
    RECIBIDO = "recibido", "Recibido"
    TURNADO = "turnado", "Turnado"
    EN_ATENCION = "en_atencion", "En atención"
    PREVENIDO = "prevenido", "Prevenido (falta información)"
    RESPONDIDO = "respondido", "Respondido"
    CONCLUIDO = "concluido", "Concluido"
    NO_COMPETENTE = "no_competente", "Devuelto por no competencia"
    REORIENTADO = "reorientado", "Reorientado a otra autoridad"
    DESISTIDO = "desistido", "Desistido"
    RECHAZADO = "rechazado", "Rechazado (no es un escrito)"
    NO_PRESENTADO = "no_presentado", "Tenido por no presentado"


# States in which the escrito still waits for the ayuntamiento.
OPEN_ESCRITO_STATES = [
    EscritoState.RECIBIDO,
    EscritoState.TURNADO,
    EscritoState.EN_ATENCION,
    EscritoState.PREVENIDO,
    EscritoState.NO_COMPETENTE,
]


class Escrito(ConcurrentTransitionMixin, models.Model):
    folio = models.CharField(max_length=20, unique=True)
    # The escrito's name in the open data: random, so it says nothing of the folio, the
    # date or the order of filing; stable, so a row can be followed from one download to
    # the next. The folio is printed on the acuse and never published.
    public_id = models.UUIDField(
        "identificador público", default=uuid.uuid4, unique=True, editable=False
    )
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    channel = models.CharField("medio de recepción", max_length=20, choices=Channel.choices)
    state = FSMField(
        "estado", default=EscritoState.RECIBIDO, choices=EscritoState.choices, protected=True
    )
    received_at = models.DateTimeField("recibido el", db_index=True)
    peticionario = models.ForeignKey(
        Peticionario, on_delete=models.PROTECT, related_name="escritos"
    )
    numero_oficio = models.CharField("número de oficio", max_length=60, blank=True)
    asunto = models.CharField(max_length=250)
    texto = models.TextField("texto del escrito", blank=True)
    tramite = models.ForeignKey(
        Tramite, on_delete=models.PROTECT, null=True, blank=True, related_name="escritos"
    )
    secretaria_destino = models.ForeignKey(
        Secretaria,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escritos_dirigidos",
        verbose_name="dirigido a",
    )
    # Paper received at the ventanilla.
    fojas = models.PositiveIntegerField(null=True, blank=True)
    anexos = models.PositiveIntegerField(null=True, blank=True)
    anexos_descripcion = models.CharField(max_length=250, blank=True)
    ubicacion_original = models.CharField("ubicación del original", max_length=250, blank=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escritos_capturados",
    )
    privacy_accepted_at = models.DateTimeField("aviso de privacidad aceptado el")
    # One per form shown: a second POST of the same form finds the escrito the first made.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    access_code_hash = models.CharField(max_length=64, editable=False)
    access_code_sealed = models.TextField(editable=False)
    digest = models.CharField("huella SHA-256", max_length=64, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="unique_escrito_year_number")
        ]

    def __str__(self) -> str:
        return self.folio

    # Transitions. The oficialía's are checked for role by the services; the others follow
    # from what happens to the escrito's turnos.
    @transition(
        field=state,
        source=[EscritoState.RECIBIDO, EscritoState.NO_COMPETENTE],
        target=EscritoState.TURNADO,
    )
    def turn(self) -> None:
        """Routed to one or more secretarías."""

    @transition(field=state, source=EscritoState.RECIBIDO, target=EscritoState.RECHAZADO)
    def reject(self) -> None:
        """Not an escrito (spam, empty)."""

    @transition(
        field=state,
        source=[EscritoState.RECIBIDO, EscritoState.NO_COMPETENTE],
        target=EscritoState.REORIENTADO,
    )
    def reorient(self) -> None:
        """The ayuntamiento is not competent: the petitioner is told which authority is."""

    @transition(field=state, source=EscritoState.TURNADO, target=EscritoState.EN_ATENCION)
    def start_attention(self) -> None:
        """A secretaría accepted a turno para atención."""

    @transition(
        field=state,
        source=[EscritoState.TURNADO, EscritoState.EN_ATENCION],
        target=EscritoState.PREVENIDO,
    )
    def prevent(self) -> None:
        """The petitioner must complete information; the clock stops."""

    @transition(field=state, source=EscritoState.PREVENIDO, target=EscritoState.EN_ATENCION)
    def resume(self) -> None:
        """The petitioner answered the prevención; the clock runs again."""

    @transition(field=state, source=EscritoState.PREVENIDO, target=EscritoState.NO_PRESENTADO)
    def not_presented(self) -> None:
        """The prevención went unanswered: an acuerdo has the escrito for not presented."""

    @transition(
        field=state,
        source=[EscritoState.TURNADO, EscritoState.EN_ATENCION],
        target=EscritoState.RESPONDIDO,
    )
    def answer(self) -> None:
        """Every turno para atención has answered."""

    @transition(
        field=state,
        source=[EscritoState.TURNADO, EscritoState.EN_ATENCION],
        target=EscritoState.NO_COMPETENTE,
    )
    def return_not_competent(self) -> None:
        """Every turno para atención was returned: back to the oficialía to route again."""

    @transition(field=state, source=EscritoState.RESPONDIDO, target=EscritoState.CONCLUIDO)
    def conclude(self) -> None:
        """The answer was notified and the matter is closed."""

    @transition(
        field=state,
        source=[
            EscritoState.RECIBIDO,
            EscritoState.TURNADO,
            EscritoState.EN_ATENCION,
            EscritoState.PREVENIDO,
        ],
        target=EscritoState.DESISTIDO,
    )
    def withdraw(self) -> None:
        """The petitioner withdrew the escrito (desistimiento)."""


class Transicion(models.Model):
    """One step in the life of an escrito or of one of its turnos: who, what, when, why.

    Rows are only ever added. The timelines (staff and /consulta/) read them.
    """

    escrito = models.ForeignKey(Escrito, on_delete=models.PROTECT, related_name="transiciones")
    turno_id = models.BigIntegerField(null=True, blank=True)
    secretaria = models.ForeignKey(
        Secretaria, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    description = models.CharField(max_length=250)
    source = models.CharField(max_length=20, blank=True)
    target = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    # Shown on /consulta/: internal steps (a task assigned) are not.
    public = models.BooleanField(default=True)
    at = models.DateTimeField(db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["escrito", "at"])]

    def __str__(self) -> str:
        return f"{self.escrito_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def state_label(self) -> str:
        """The escrito's new state, for the steps that changed it."""
        if self.turno_id is None and self.target in EscritoState.values:
            return EscritoState(self.target).label
        return ""


class AdjuntoOrigin(models.TextChoices):
    ESCRITO = "escrito", "Escrito"
    PREVENCION = "prevencion", "Respuesta a prevención"
    RESPUESTA = "respuesta", "Oficio de respuesta"


class Adjunto(models.Model):
    escrito = models.ForeignKey(Escrito, on_delete=models.PROTECT, related_name="adjuntos")
    file = models.FileField(upload_to="adjuntos/", max_length=200)
    original_name = models.CharField("nombre original", max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    origin = models.CharField(
        "origen", max_length=12, choices=AdjuntoOrigin.choices, default=AdjuntoOrigin.ESCRITO
    )
    # The verdict on each electronic signature the PDF carried when it was filed
    # (oficialia.firma.Veredicto as a dict); empty when it carried none. The file itself is
    # kept byte for byte.
    firmas = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["escrito", "position"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def firmas_validas(self) -> bool:
        return bool(self.firmas) and all(f["estado"] == "valida" for f in self.firmas)


# 2: the closing line no longer attributes "nadie puede cobrarle" to Article 8 of the
# Constitution, which says nothing of the kind.
ACUSE_TEMPLATE_VERSION = 2


class Acuse(models.Model):
    """The acuse de recibo of an escrito: made in the background after the filing commits.

    The row is written in the filing's transaction, so an acuse not made yet (broker down,
    worker crashed) is never lost: `generated_at` is empty until the PDF exists, and the
    periodic relay queues it again.
    """

    escrito = models.OneToOneField(Escrito, on_delete=models.PROTECT, related_name="acuse")
    # The wording of templates/correspondencia/acuse.html this acuse was made with: an acuse
    # made again (its file lost) must come out as the petitioner holds it.
    template_version = models.PositiveSmallIntegerField(
        default=ACUSE_TEMPLATE_VERSION, editable=False
    )
    verification_token = models.CharField(max_length=43, unique=True, editable=False)
    pdf = models.FileField(upload_to="acuses/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(generated_at__isnull=True),
                name="acuse_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Acuse {self.escrito.folio}"

    @property
    def is_ready(self) -> bool:
        return self.generated_at is not None


class AcuseAnterior(models.Model):
    """An acuse replaced by the one re-issued after a correction of the capture.

    Its file and verification token are kept: the QR printed on the paper the petitioner
    already holds still opens /verificar/, which says the acuse was superseded and when.
    """

    escrito = models.ForeignKey(Escrito, on_delete=models.PROTECT, related_name="acuses_anteriores")
    verification_token = models.CharField(max_length=43, unique=True, editable=False)
    pdf = models.FileField(upload_to="acuses/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    digest = models.CharField("huella SHA-256 del escrito", max_length=64)
    generated_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField("sustituido el")

    class Meta:
        ordering = ["escrito", "superseded_at"]
        verbose_name = "acuse sustituido"
        verbose_name_plural = "acuses sustituidos"

    def __str__(self) -> str:
        return f"Acuse sustituido {self.escrito.folio}"
