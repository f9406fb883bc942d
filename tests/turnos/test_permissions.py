"""Who may open what: every URL of the project, walked through a role-by-URL matrix.

The table `URLS` classifies each URL name: how to build its arguments from the world below,
whether it is public, which roles may open it, and which personas hold the role but must not
see this particular object (404: its existence is not revealed). A URL the table does not
know fails `test_every_url_of_the_project_is_classified`, so a new view cannot be added
without saying who may open it.

Staff sign-in is throttled by django-axes per account and per address; that is walked through
the real sign-in form at the end.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from contraloria.models import Queja, QuejaKind
from contraloria.quejas_services import QuejaData, queja_file
from correspondencia.models import Adjunto, AdjuntoOrigin, Channel, Escrito, Transicion
from oficialia import access_codes
from oficialia.adjuntos import inspect_all
from oficialia.models import Bitacora, Notificacion
from oficialia.roles import Role
from tests.cuentas.conftest import citizen_account, signed_in
from tests.factories import UserFactory, file_escrito, pdf_bytes, upload
from turnos.models import Perfil, Tarea, Turno
from turnos.services import Route, escrito_turn, tarea_assign, turno_accept, turno_give_back

from .conftest import staff_member

pytestmark = pytest.mark.django_db

LOGIN_PATH = "/cuenta/entrar/"
PASSWORD = "contraseña-de-prueba"  # tests.factories.UserFactory


# The world -------------------------------------------------------------------------------


@dataclass
class World:
    escrito: Escrito  # captured at the ventanilla by Verónica, routed to Obras, task for Óscar
    access_code: str  # of `escrito`, as the petitioner types it on /consulta/
    adjunto: Adjunto  # a file of `escrito`
    oficio: Adjunto  # the answer's oficio, the only file the petitioner downloads back
    turno: Turno  # of `escrito`, to Obras para atención, accepted
    tarea: Tarea  # on `turno`, for Óscar (operativo of Obras)
    online: Escrito  # filed online by a citizen moments ago, waiting to be routed
    devuelto: Turno  # Obras gave it back as not competent; waiting for the oficialía
    queja: Queja  # an anonymous queja filed online moments ago, with one piece of evidence


@pytest.fixture
def personas(
    obras,
    agua,
    ventanilla_clerk,
    turnador,
    titular_obras,
    enlace_obras,
    operativo_obras,
    titular_agua,
    enlace_agua,
    contraloria_user,
) -> dict[str, object]:
    """Every role, plus the neighbours who hold the same role but not the same objects."""
    return {
        "ventanilla": ventanilla_clerk,
        "ventanilla_otra": UserFactory(username="victor.ventanilla", roles=[Role.VENTANILLA]),
        "turnador": turnador,
        "titular_obras": titular_obras,
        "enlace_obras": enlace_obras,
        "operativo_obras": operativo_obras,
        "operativo_obras_2": staff_member("otilia.operativa", "Otilia", Role.OPERATIVO, obras),
        "titular_agua": titular_agua,
        "enlace_agua": enlace_agua,
        "contraloria": contraloria_user,
        "administracion": UserFactory(username="adan.admin", roles=[Role.ADMINISTRACION]),
        "archivos": UserFactory(username="amalia.archivo", roles=[Role.ARCHIVOS]),
        "transparencia": UserFactory(username="tania.transparencia", roles=[Role.TRANSPARENCIA]),
        "sin_rol": UserFactory(username="saul.sinrol"),
        # A citizen account (confirmed): no staff role, so no staff page either.
        "ciudadano": citizen_account(CIUDADANO).user,
    }


@pytest.fixture
def world(personas, obras) -> World:
    turnador, titular = personas["turnador"], personas["titular_obras"]
    filed = file_escrito(
        channel=Channel.VENTANILLA,
        captured_by=personas["ventanilla"],
        attachments=[upload("solicitud.pdf", pdf_bytes(), "application/pdf")],
        asunto="Bache en la calle Juárez",
        queue_acuse=False,
    )
    escrito = filed.escrito
    adjunto = escrito.adjuntos.get()
    oficio = Adjunto.objects.create(
        escrito=escrito,
        file=adjunto.file.name,
        original_name="oficio.pdf",
        content_type="application/pdf",
        size=adjunto.size,
        sha256=adjunto.sha256,
        position=1,
        origin=AdjuntoOrigin.RESPUESTA,
    )
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular)
    tarea = tarea_assign(
        turno_id=turno.pk,
        user=titular,
        assignee=personas["operativo_obras"],
        descripcion="Inspeccionar el bache",
        due_date=timezone.localdate(),
    )
    online = file_escrito(
        asunto="Fuga de agua en la colonia Centro", submission_token=uuid.uuid4(), queue_acuse=False
    ).escrito
    other = file_escrito(asunto="Poda de árbol", queue_acuse=False).escrito
    (devuelto,) = escrito_turn(escrito_id=other.pk, user=turnador, routes=[Route(obras)])
    turno_give_back(turno_id=devuelto.pk, user=titular, reason="Le corresponde a Ecología")
    queja = queja_file(
        data=QuejaData(
            kind=QuejaKind.COYOTAJE,
            hechos="Me cobraron por agilizar el trámite.",
            escrito_folio=escrito.folio,
            adjuntos=inspect_all([upload("recibo.pdf", pdf_bytes(), "application/pdf")]),
        ),
        submission_token=uuid.uuid4(),
    ).queja
    return World(
        escrito=escrito,
        access_code=access_codes.display(filed.access_code),
        adjunto=adjunto,
        oficio=oficio,
        turno=turno,
        tarea=tarea,
        online=online,
        devuelto=devuelto,
        queja=queja,
    )


# The table -------------------------------------------------------------------------------

STAFF = frozenset(Role.values)
NO_ARGS: Callable[[World], dict] = lambda w: {}  # noqa: E731


@dataclass(frozen=True)
class Rule:
    kwargs: Callable[[World], dict] = NO_ARGS
    # The methods the view acts on; each is walked. GET on a POST-only view is 405.
    methods: tuple[str, ...] = ("GET",)
    # Public pages: what anyone gets (anonymous or staff: staff have no back door into the
    # petitioner's pages), and, for pages behind folio + access code, what the browser that
    # gave them on /consulta/ gets.
    public: bool = False
    anyone: int | None = None
    anyone_post: int | None = None  # when an empty POST differs: a form's errors are a 400
    petitioner: int | None = None
    # Staff pages: the roles that may open them (anyone else signed in: 403) ...
    roles: frozenset[str] = frozenset()
    signed_in: bool = False  # ... or any signed-in user, whatever their role
    # ... and the personas that hold such a role but must not see this object: 404.
    hidden_from: frozenset[str] = frozenset()
    ok: tuple[int, ...] = (200,)  # what an allowed persona gets on GET (POST: 200 or 302)
    # Pages of a citizen account (/mi-cuenta/): anyone without one, anonymous or staff, is
    # sent to the citizens' sign-in; the account that holds the world's escrito gets
    # `owner`, another citizen account `other_account` (404: another's escrito is not found).
    account: bool = False
    owner: int | None = None
    other_account: int | None = None


NOTIFICADORES = frozenset({Role.VENTANILLA, Role.OFICIALIA})


def _folio(w: World) -> dict:
    return {"folio": w.escrito.folio}


# An escrito's page: every staff role, but only the escritos each one may see. Agua never
# had a turno of it, Otilia has no task on it, Víctor did not capture it, and the
# administración and the Unidad de Transparencia see no escritos here at all.
ESCRITO_HIDDEN = frozenset(
    {
        "titular_agua",
        "enlace_agua",
        "operativo_obras_2",
        "ventanilla_otra",
        "administracion",
        "transparencia",
    }
)
SECRETARIA = frozenset({Role.TITULAR, Role.ENLACE})
CONTRALORIA = frozenset({Role.CONTRALORIA})
ARCHIVO_READERS = frozenset({Role.ARCHIVOS, Role.OFICIALIA, Role.CONTRALORIA})
DESK_PAPER = frozenset({Role.VENTANILLA, Role.OFICIALIA, Role.ARCHIVOS})
AGUA = frozenset({"titular_agua", "enlace_agua"})


def _plantilla(w: World) -> dict:
    """An answer template of Obras (the turno's secretaría), made the first time."""
    from django.utils import timezone

    from oficios.models import PlantillaRespuesta

    plantilla, _ = PlantillaRespuesta.objects.get_or_create(
        secretaria=w.turno.secretaria,
        nombre="Bacheo atendido",
        defaults={
            "texto": "Su escrito {folio} fue atendido.",
            "actualizada_por": w.turno.turned_by,
            "actualizada_en": timezone.now(),
        },
    )
    return {"plantilla_id": plantilla.pk}


def _fila(w: World) -> dict:
    """The queue of Obras (the turno's secretaría): a service, a módulo, a ficha waiting and
    an appointment booked for tomorrow. Made the first time a fila URL asks for it."""
    from datetime import timedelta

    from fila.models import Cita, Modulo, Servicio
    from fila.services import ficha_issue

    obras = w.turno.secretaria
    servicio, _ = Servicio.objects.get_or_create(
        secretaria=obras, letra="A", defaults={"nombre": "Licencias"}
    )
    modulo, _ = Modulo.objects.get_or_create(secretaria=obras, nombre="Ventanilla 1")
    ficha = servicio.fichas.first() or ficha_issue(servicio_id=servicio.pk)
    cita = servicio.citas.first() or Cita.objects.create(
        secretaria=obras,
        servicio=servicio,
        inicio=timezone.now() + timedelta(days=1),
        nombre="Rosa Salgado",
        codigo="K7M2QX",
        reservada_at=timezone.now(),
    )
    return {"siglas": obras.siglas, "modulo": modulo, "ficha": ficha, "cita": cita}


def _archivo(w: World) -> dict:
    """A default serie and the expediente of the world's escrito. Made when first asked."""
    from archivo.expedientes import escrito_classify, expediente_of
    from archivo.instrumentos import SerieData, serie_create
    from archivo.models import Destino, Fondo, Seccion, SeccionTipo, Serie

    serie = Serie.objects.filter(vigente=True, por_defecto=True).first()
    if serie is None:
        fondo = Fondo.objects.create(codigo="AM", nombre="Ayuntamiento")
        seccion = Seccion.objects.create(
            fondo=fondo, codigo="AM.3C", nombre="Control de gestión", tipo=SeccionTipo.COMUN
        )
        serie = serie_create(
            data=SerieData(
                seccion=seccion,
                codigo="AM.3C.1",
                nombre="Peticiones",
                vigencia_tramite=2,
                vigencia_concentracion=3,
                destino=Destino.BAJA,
                por_defecto=True,
            ),
            user=None,
        )
    expediente = expediente_of(w.escrito.pk) or escrito_classify(escrito_id=w.escrito.pk)
    return {"serie": serie, "expediente": expediente}


def _caja(w: World) -> dict:
    from archivo.models import Caja, Deposito, Estante

    deposito, _ = Deposito.objects.get_or_create(codigo="AT", defaults={"nombre": "Trámite"})
    estante, _ = Estante.objects.get_or_create(deposito=deposito, codigo="E01")
    caja, _ = Caja.objects.get_or_create(estante=estante, codigo="C001")
    return {"caja_id": caja.pk}


def _prestamo(w: World) -> dict:
    from datetime import timedelta

    from archivo.models import Prestamo

    expediente = _archivo(w)["expediente"]
    prestamo = Prestamo.objects.filter(expediente=expediente).first()
    if prestamo is None:
        prestamo = Prestamo.objects.create(
            expediente=expediente,
            solicitante=w.turno.escrito.captured_by,
            motivo="Consulta",
            prestado_en=timezone.now(),
            vence=timezone.localdate() + timedelta(days=3),
            prestado_por=w.turno.escrito.captured_by,
        )
    return {"prestamo_id": prestamo.pk}


def _transferencia(w: World) -> dict:
    from archivo.models import Transferencia, TransferenciaTipo

    user = w.turno.escrito.captured_by
    transferencia, _ = Transferencia.objects.get_or_create(
        numero="TP-2026-0001",
        defaults={
            "tipo": TransferenciaTipo.PRIMARIA,
            "fecha": timezone.localdate(),
            "hecha_por": user,
        },
    )
    transferencia.expedientes.add(_archivo(w)["expediente"])
    return {"numero": transferencia.numero, "formato": "csv"}


def _baja(w: World) -> dict:
    """A published baja documental (its dictamen and acta are public)."""
    from archivo.models import BajaDocumental, BajaEstado

    user = w.turno.escrito.captured_by
    baja, _ = BajaDocumental.objects.get_or_create(
        numero="BD-2026-0001",
        defaults={
            "estado": BajaEstado.PUBLICADA,
            "dictaminada_en": timezone.now(),
            "dictaminada_por": user,
            "publicada_en": timezone.now(),
        },
    )
    return {"numero": baja.numero}


def _expediente_numero(w: World) -> dict:
    return {"numero": _archivo(w)["expediente"].numero}


def _fila_siglas(w: World) -> dict:
    return {"siglas": _fila(w)["siglas"]}


def _tramite(w: World):
    """A trámite of the catálogo, of Obras (the turno's secretaría). Made when first asked."""
    from correspondencia.models import Tramite

    return Tramite.objects.get_or_create(
        nombre="Bacheo y reparación de calles", defaults={"secretaria": w.turno.secretaria}
    )[0]


def _correo(w: World) -> dict:
    """A message of the email intake waiting in the ventanilla's queue, with its PDF."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from interoperabilidad.models import Buzon, CorreoEntrante

    correo = CorreoEntrante.objects.first()
    if correo is None:
        buzon = Buzon.objects.create(clave="oficialia@imap/INBOX", uidvalidity=1, last_uid=1)
        correo = CorreoEntrante.objects.create(
            buzon=buzon,
            uidvalidity=1,
            uid=1,
            raw_sha256="0" * 64,
            remitente="vecino@example.com",
            asunto="Luminaria fundida",
            recibido_en=timezone.now(),
            leido_en=timezone.now(),
        )
        name = default_storage.save("correo/prueba.pdf", ContentFile(pdf_bytes()))
        correo.adjuntos.create(
            file=name,
            original_name="foto.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    return {"pk": correo.pk, "adjunto_id": correo.adjuntos.get().pk}


def _correo_pk(w: World) -> dict:
    return {"pk": _correo(w)["pk"]}


CIUDADANO = "ciudadana@example.com"  # the "ciudadano" persona's account


def _cuentas(w: World) -> tuple:
    """(the citizen account that holds the world's escrito, another citizen account). The
    escrito is put in the first account the first time an account URL asks for it."""
    from cuentas.models import Cuenta, LinkHow
    from cuentas.services import escrito_link

    owner = Cuenta.objects.get(email=CIUDADANO)
    escrito_link(cuenta_id=owner.pk, escrito_id=w.escrito.pk, how=LinkHow.AGREGADO)
    other = Cuenta.objects.filter(email="otra.cuenta@example.com").first()
    return owner, other or citizen_account("otra.cuenta@example.com")


def _mi_escrito(w: World) -> dict:
    _cuentas(w)
    return {"folio": w.escrito.folio}


def _mi_oficio(w: World) -> dict:
    return {**_mi_escrito(w), "adjunto_id": w.oficio.pk}


def _solicitud_arco(w: World) -> dict:
    """A cancellation request of the citizen account, waiting for the Unidad de Transparencia."""
    from cuentas.models import ArcoKind, SolicitudArco
    from cuentas.services import arco_request_create

    owner, _ = _cuentas(w)
    solicitud = SolicitudArco.objects.filter(cuenta=owner).first() or arco_request_create(
        cuenta_id=owner.pk, kind=ArcoKind.CANCELACION, detalle="Borren mis datos"
    )
    return {"solicitud_id": solicitud.pk}


def _titular_obras(w: World):
    from oficialia.avisos import staff_of_secretaria

    return staff_of_secretaria(w.turno.secretaria_id, roles=[Role.TITULAR]).first()


def _borrador(w: World) -> dict:
    """A draft answer of the world's turno, waiting for the titular of Obras."""
    from oficios.models import Borrador
    from oficios.services import borrador_submit

    borrador = Borrador.objects.filter(turno=w.turno).first() or borrador_submit(
        turno_id=w.turno.pk, user=_titular_obras(w), texto="Procede.", sense="positiva"
    )
    return {"borrador_id": borrador.pk}


def _notificacion(w: World) -> dict:
    """An acuse de notificación electrónica of a prevención of the world's escrito."""
    from notificaciones.models import AcuseNotificacion, Documento, Medio
    from turnos.models import Prevencion

    acuse = AcuseNotificacion.objects.filter(escrito=w.escrito).first()
    if acuse is None:
        now = timezone.now()
        prevencion = Prevencion.objects.create(
            turno=w.turno,
            requested_by=_titular_obras(w),
            requested_at=now,
            texto="Falta la identificación.",
            answered_at=now,
        )
        acuse = AcuseNotificacion.objects.create(
            escrito=w.escrito,
            documento=Documento.PREVENCION,
            prevencion=prevencion,
            medio=Medio.CONSULTA,
            abierto_en=now,
            contenido_sha256="0" * 64,
        )
    return {"folio": w.escrito.folio, "acuse_id": acuse.pk}


def _no_presentado(w: World) -> int:
    """An acuerdo de tener por no presentado on the world's turno: its prevención's id."""
    from turnos.models import Prevencion

    prevencion = Prevencion.objects.filter(turno=w.turno, acuerdo_at__isnull=False).first()
    if prevencion is None:
        now = timezone.now()
        prevencion = Prevencion.objects.create(
            turno=w.turno,
            requested_by=_titular_obras(w),
            requested_at=now,
            texto="Falta el plano.",
            acuerdo_at=now,
            acuerdo_texto="Se tiene por no presentado.",
        )
    return prevencion.pk


def _por_notificar(w: World) -> dict:
    """A prevención of the world's escrito waiting to be notified at the ventanilla."""
    from notificaciones.models import Acto, Canal, NotificacionPeticionario
    from turnos.models import Prevencion

    found = NotificacionPeticionario.objects.filter(escrito=w.escrito).first()
    if found is None:
        now = timezone.now()
        prevencion = Prevencion.objects.create(
            turno=w.turno,
            requested_by=_titular_obras(w),
            requested_at=now,
            texto="Falta el comprobante de domicilio.",
            answered_at=now,
        )
        found = NotificacionPeticionario.objects.create(
            escrito=w.escrito,
            acto=Acto.PREVENCION,
            prevencion=prevencion,
            canal=Canal.VENTANILLA,
            creada_en=now,
        )
    return {"pk": found.pk}


def _acuerdo(w):
    from oficialia.models import AcuerdoInhabil

    return AcuerdoInhabil.objects.get_or_create(
        numero="AC/1",
        defaults={
            "fecha": date(2026, 1, 5),
            "publicacion": "Gaceta",
            "publicado_el": date(2026, 1, 6),
        },
    )[0]


def _account_page(kwargs=NO_ARGS, methods=("GET",), other: int = 200, **extra) -> Rule:
    return Rule(
        kwargs, methods=methods, account=True, anyone=302, owner=200, other_account=other, **extra
    )


URLS: dict[str, Rule] = {
    # Public ---------------------------------------------------------------------------------
    "inicio": Rule(public=True, anyone=200),
    "healthz": Rule(public=True, anyone=200),
    "salud_listo": Rule(public=True, anyone=200),
    "salud_vivo": Rule(public=True, anyone=200),
    "metrics": Rule(public=True, anyone=200),
    "privacidad": Rule(public=True, anyone=200),
    "login": Rule(public=True, anyone=200),
    "logout": Rule(public=True, methods=("POST",), anyone=302),
    # The second factor's own pages: for anyone signed in (they owe it or not).
    "segundo_factor": Rule(signed_in=True),
    "segundo_factor_configurar": Rule(signed_in=True),
    "segundo_factor_codigos": Rule(signed_in=True, ok=(302,)),
    "escrito_nuevo": Rule(public=True, methods=("GET", "POST"), anyone=200),
    # The receipt page opens with the submission token only the filing browser has.
    "escrito_recibido": Rule(
        lambda w: {"token": w.online.submission_token}, public=True, anyone=200
    ),
    "escrito_recibido_estado": Rule(
        lambda w: {"token": w.online.submission_token}, public=True, anyone=200
    ),
    "escrito_recibido_acuse": Rule(
        lambda w: {"token": w.online.submission_token}, public=True, anyone=200
    ),
    "consulta": Rule(public=True, methods=("GET", "POST"), anyone=200),
    "verificar": Rule(
        lambda w: {"token": w.escrito.acuse.verification_token}, public=True, anyone=200
    ),
    # The catálogo de trámites y servicios, and the checklist the filing form redraws.
    "tramites": Rule(public=True, anyone=200),
    "dias_inhabiles": Rule(public=True, anyone=200),
    # An acuerdo without its PDF: public, and 404 for everyone.
    "acuerdo_inhabil_pdf": Rule(lambda w: {"pk": _acuerdo(w).pk}, public=True, anyone=404),
    "tramite_detalle": Rule(lambda w: {"slug": _tramite(w).slug}, public=True, anyone=200),
    "tramite_requisitos": Rule(public=True, anyone=200),
    "tramites_csv": Rule(public=True, anyone=200),
    # The API for other government offices: a bearer token or nothing. A signed-in person
    # is nobody to it (401); the schema and its docs page are public; the root is a 404.
    "api-v1:api-root": Rule(public=True, anyone=404),
    "api-v1:openapi-json": Rule(public=True, anyone=200),
    "api-v1:openapi-view": Rule(public=True, anyone=200),
    "api-v1:escritos": Rule(public=True, methods=("POST",), anyone=401),
    "api-v1:escritos_lista": Rule(public=True, anyone=401),
    "api-v1:escrito_acuse": Rule(_folio, public=True, anyone=401),
    "api-v1:escrito_documento": Rule(
        lambda w: {"folio": w.escrito.folio, "documento_id": w.oficio.pk}, public=True, anyone=401
    ),
    "api-v1:escrito_prevencion": Rule(_folio, public=True, methods=("POST",), anyone=401),
    "api-v1:escrito_detalle": Rule(_folio, public=True, anyone=401),
    "api-v1:tramites": Rule(public=True, anyone=401),
    "api-v1:webhooks": Rule(public=True, anyone=401),
    "api-v1:webhooks_alta": Rule(public=True, methods=("POST",), anyone=401),
    # DELETE only: the walk's GET is refused for its method before any token is asked for.
    "api-v1:webhook_baja": Rule(lambda w: {"webhook_id": 1}, public=True, anyone=405),
    # Quejas y denuncias: anyone files one (anonymously or not) and reads its resolution
    # with folio and code; the receipt page opens with the token only the filing browser has.
    "queja_nueva": Rule(public=True, methods=("GET", "POST"), anyone=200),
    "queja_recibida": Rule(lambda w: {"token": w.queja.submission_token}, public=True, anyone=200),
    "queja_consulta": Rule(public=True, methods=("GET", "POST"), anyone=200),
    # Transparencia: the statistics and the open data, anonymous by construction.
    "transparencia": Rule(public=True, anyone=200),
    "transparencia_datos": Rule(public=True, anyone=200),
    "transparencia_escritos_csv": Rule(public=True, anyone=200),
    "transparencia_escritos_json": Rule(public=True, anyone=200),
    "transparencia_mensual_csv": Rule(public=True, anyone=200),
    "transparencia_mensual_json": Rule(public=True, anyone=200),
    "transparencia_bitacora_csv": Rule(public=True, anyone=200),
    "transparencia_bitacora_json": Rule(public=True, anyone=200),
    # Behind folio + access code given on /consulta/ in the same browser session.
    "consulta_acuse": Rule(_folio, public=True, anyone=404, petitioner=200),
    "consulta_prevencion": Rule(_folio, methods=("POST",), public=True, anyone=404, petitioner=200),
    "consulta_evaluar": Rule(_folio, methods=("POST",), public=True, anyone=404, petitioner=200),
    "consulta_respuesta": Rule(
        lambda w: {"folio": w.escrito.folio, "adjunto_id": w.oficio.pk},
        public=True,
        anyone=404,
        petitioner=200,
    ),
    "consulta_desistir": Rule(
        _folio, methods=("GET", "POST"), public=True, anyone=404, petitioner=200
    ),
    "consulta_notificacion": Rule(_notificacion, public=True, anyone=404, petitioner=200),
    "consulta_acuerdo": Rule(
        lambda w: {**_folio(w), "prevencion_id": _no_presentado(w)},
        public=True,
        anyone=404,
        petitioner=200,
    ),
    # Anyone checks a PDF the ayuntamiento issued (the upload is not kept).
    "verificar_pdf": Rule(public=True, methods=("GET", "POST"), anyone=200),
    # The citizen's account: its own doors are public ...
    "cuenta_entrar": Rule(public=True, methods=("GET", "POST"), anyone=200, anyone_post=400),
    "cuenta_registro": Rule(public=True, methods=("GET", "POST"), anyone=200),
    "cuenta_registro_enviado": Rule(public=True, anyone=200),
    "cuenta_confirmar_reenviar": Rule(public=True, methods=("GET", "POST"), anyone=200),
    "cuenta_confirmar": Rule(
        lambda w: {"uidb64": "MQ", "token": "no-vale"}, public=True, anyone=404
    ),
    "cuenta_password_reset": Rule(public=True, methods=("GET", "POST"), anyone=200),
    "cuenta_password_reset_done": Rule(public=True, anyone=200),
    "cuenta_password_reset_confirm": Rule(
        lambda w: {"uidb64": "MQ", "token": "no-vale"}, public=True, anyone=200
    ),
    "cuenta_password_reset_complete": Rule(public=True, anyone=200),
    # ... and the rest is the account's, each escrito its holder's -------------------------
    "cuenta_escritos": _account_page(),
    "cuenta_escrito_agregar": _account_page(methods=("POST",)),
    "cuenta_escrito_confirmar": _account_page(
        lambda w: {"token": "no-vale"}, methods=("GET", "POST")
    ),
    "cuenta_escrito": _account_page(_mi_escrito, other=404),
    "cuenta_escrito_acuse": _account_page(_mi_escrito, other=404),
    "cuenta_escrito_respuesta": _account_page(_mi_oficio, other=404),
    "cuenta_escrito_prevencion": _account_page(_mi_escrito, methods=("POST",), other=404),
    "cuenta_escrito_evaluar": _account_page(_mi_escrito, methods=("POST",), other=404),
    "cuenta_escrito_desistir": _account_page(_mi_escrito, methods=("GET", "POST"), other=404),
    "cuenta_escrito_notificacion": _account_page(
        lambda w: {**_mi_escrito(w), "acuse_id": _notificacion(w)["acuse_id"]}, other=404
    ),
    "cuenta_escrito_acuerdo": _account_page(
        lambda w: {**_mi_escrito(w), "prevencion_id": _no_presentado(w)}, other=404
    ),
    "cuenta_avisos": _account_page(methods=("GET", "POST")),
    "cuenta_datos": _account_page(methods=("GET", "POST")),
    "cuenta_privacidad": _account_page(methods=("GET", "POST")),
    "cuenta_mis_datos_json": _account_page(),
    "cuenta_mis_datos_pdf": _account_page(),
    # The Unidad de Transparencia receives and answers the ARCO requests -------------------------
    "arco_solicitudes": Rule(roles=frozenset({Role.TRANSPARENCIA})),
    "arco_solicitud": Rule(
        _solicitud_arco, methods=("GET", "POST"), roles=frozenset({Role.TRANSPARENCIA})
    ),
    "arco_nueva": Rule(
        methods=("GET", "POST"), roles=frozenset({Role.TRANSPARENCIA, Role.VENTANILLA})
    ),
    # The Oficialía sees and undoes the links of escritos to accounts ----------------------
    "oficialia_vinculos": Rule(methods=("GET", "POST"), roles=frozenset({Role.OFICIALIA})),
    "accesos_bloqueados": Rule(methods=("GET", "POST"), roles=frozenset({Role.ADMINISTRACION})),
    # Any signed-in user: sent on to the inbox of their role (or the home page). -------------
    "staff_home": Rule(signed_in=True, ok=(302,)),
    # Oficialía ------------------------------------------------------------------------------
    "oficialia_inbox": Rule(roles=frozenset({Role.OFICIALIA})),
    "oficialia_escrito": Rule(
        lambda w: {"folio": w.online.folio},
        methods=("GET", "POST"),
        roles=frozenset({Role.OFICIALIA}),
    ),
    "oficialia_decidir": Rule(
        lambda w: {"folio": w.online.folio, "decision": "rechazar"},
        methods=("POST",),
        roles=frozenset({Role.OFICIALIA}),
    ),
    "turno_returnar": Rule(
        lambda w: {"turno_id": w.devuelto.pk},
        methods=("GET", "POST"),
        roles=frozenset({Role.OFICIALIA}),
    ),
    "oficialia_turnar_lote": Rule(methods=("POST",), roles=frozenset({Role.OFICIALIA})),
    "oficialia_turnados": Rule(roles=frozenset({Role.OFICIALIA})),
    # Every staff role, within what each may see ------------------------------------------
    "escrito_detalle": Rule(_folio, roles=STAFF, hidden_from=ESCRITO_HIDDEN),
    "adjunto_descargar": Rule(
        lambda w: {"folio": w.escrito.folio, "adjunto_id": w.adjunto.pk},
        roles=STAFF,
        hidden_from=ESCRITO_HIDDEN,
    ),
    # Its POST marks one's own notices read (tests/turnos/test_escritorios.py).
    "notificaciones": Rule(roles=STAFF),
    # A notice opens only for its own person: anyone else's (here, none's) is not found.
    "notificacion_abrir": Rule(lambda w: {"notificacion_id": 999_999}, roles=STAFF, ok=(404,)),
    # The staff search: every staff role; what each finds is its own (tests/busqueda).
    "busqueda": Rule(roles=STAFF),
    "busqueda_guardar": Rule(methods=("POST",), roles=STAFF),
    "busqueda_borrar": Rule(lambda w: {"pk": 999999}, methods=("POST",), roles=STAFF),
    # Secretaría -----------------------------------------------------------------------------
    "bandeja": Rule(roles=SECRETARIA),
    "bandeja_lote": Rule(
        lambda w: {"accion": "aceptar"}, methods=("POST",), roles=SECRETARIA
    ),
    # Each titular or enlace names their own suplente; a suplencia ends only by its own
    # absent person (here, nobody's: not found).
    "suplencias": Rule(methods=("GET", "POST"), roles=SECRETARIA),
    "suplencia_terminar": Rule(
        lambda w: {"suplencia_id": 999_999},
        methods=("POST",),
        roles=SECRETARIA,
        hidden_from=frozenset({"titular_obras", "enlace_obras", *AGUA}),
    ),
    # The answer templates: each secretaría's own.
    "plantillas": Rule(methods=("GET", "POST"), roles=SECRETARIA),
    "plantilla_editar": Rule(
        _plantilla, methods=("GET", "POST"), roles=SECRETARIA, hidden_from=AGUA
    ),
    "prevenciones_vencidas": Rule(roles=SECRETARIA),
    "turno_detalle": Rule(lambda w: {"turno_id": w.turno.pk}, roles=SECRETARIA, hidden_from=AGUA),
    "turno_acuerdo_pdf": Rule(
        lambda w: {"turno_id": w.turno.pk, "prevencion_id": _no_presentado(w)},
        roles=SECRETARIA,
        hidden_from=AGUA,
    ),
    "turno_accion": Rule(
        lambda w: {"turno_id": w.turno.pk, "action": "aceptar"},
        methods=("POST",),
        roles=SECRETARIA,
        hidden_from=AGUA,
    ),
    # The answer for the titular's e.firma: the enlace and the titular draft it; only the
    # titular reviews, returns and signs.
    "borrador_respuesta": Rule(
        lambda w: {"turno_id": w.turno.pk},
        methods=("GET", "POST"),
        roles=SECRETARIA,
        hidden_from=AGUA,
    ),
    "borrador_oficio": Rule(_borrador, roles=SECRETARIA, hidden_from=AGUA),
    "firmas_pendientes": Rule(methods=("GET", "POST"), roles=frozenset({Role.TITULAR})),
    "borrador_devolver": Rule(
        _borrador,
        methods=("POST",),
        roles=frozenset({Role.TITULAR}),
        hidden_from=frozenset({"titular_agua"}),
    ),
    # Operativo ------------------------------------------------------------------------------
    "tareas": Rule(roles=frozenset({Role.OPERATIVO})),
    "tarea_detalle": Rule(
        lambda w: {"tarea_id": w.tarea.pk},
        methods=("GET", "POST"),
        roles=frozenset({Role.OPERATIVO}),
        hidden_from=frozenset({"operativo_obras_2"}),
    ),
    # Contraloría's desk: read-only (GET only), for the contraloría alone --------------------
    "contraloria_inicio": Rule(roles=CONTRALORIA),
    "contraloria_bitacora": Rule(roles=CONTRALORIA),
    "contraloria_bitacora_csv": Rule(roles=CONTRALORIA),
    "contraloria_vencidos": Rule(roles=CONTRALORIA),
    "contraloria_evaluaciones": Rule(roles=CONTRALORIA),
    # Contraloría: the quejas go to it and to no one else; the anti-coyotaje signals ---------
    "contraloria_quejas": Rule(roles=CONTRALORIA),
    "contraloria_queja": Rule(lambda w: {"folio": w.queja.folio}, roles=CONTRALORIA),
    "contraloria_queja_adjunto": Rule(
        lambda w: {"folio": w.queja.folio, "adjunto_id": w.queja.adjuntos.get().pk},
        roles=CONTRALORIA,
    ),
    "contraloria_queja_accion": Rule(
        lambda w: {"folio": w.queja.folio, "action": "investigar"},
        methods=("POST",),
        roles=CONTRALORIA,
    ),
    "contraloria_senales": Rule(roles=CONTRALORIA),
    # Archivo: the Coordinación de Archivos keeps it; the oficialía files into it and may
    # change an expediente's serie; the contraloría reads it. -------------------------------
    "archivo_cuadro": Rule(roles=ARCHIVO_READERS),
    "archivo_serie_nueva": Rule(methods=("GET", "POST"), roles=frozenset({Role.ARCHIVOS})),
    "archivo_serie_editar": Rule(
        lambda w: {"serie_id": _archivo(w)["serie"].pk},
        methods=("GET", "POST"),
        roles=frozenset({Role.ARCHIVOS}),
    ),
    # A secretaría reads the expedientes of its own escritos (the world's is Obras's).
    "archivo_expedientes": Rule(roles=ARCHIVO_READERS | SECRETARIA),
    "archivo_expediente": Rule(
        _expediente_numero, roles=ARCHIVO_READERS | SECRETARIA, hidden_from=AGUA
    ),
    "archivo_caratula": Rule(
        _expediente_numero, roles=ARCHIVO_READERS | SECRETARIA, hidden_from=AGUA
    ),
    "archivo_fondo_nuevo": Rule(methods=("GET", "POST"), roles=frozenset({Role.ARCHIVOS})),
    "archivo_fondo_editar": Rule(
        lambda w: {"fondo_id": _archivo(w)["serie"].seccion.fondo_id},
        methods=("GET", "POST"),
        roles=frozenset({Role.ARCHIVOS}),
    ),
    "archivo_seccion_nueva": Rule(methods=("GET", "POST"), roles=frozenset({Role.ARCHIVOS})),
    "archivo_seccion_editar": Rule(
        lambda w: {"seccion_id": _archivo(w)["serie"].seccion_id},
        methods=("GET", "POST"),
        roles=frozenset({Role.ARCHIVOS}),
    ),
    # The escrito's archive: classified by the oficialía and the archive, its paper placed by
    # them and by the clerk who captured it.
    "archivo_escrito": Rule(
        _folio,
        methods=("GET", "POST"),
        roles=frozenset({Role.ARCHIVOS, Role.OFICIALIA, Role.VENTANILLA}),
        hidden_from=frozenset({"ventanilla_otra"}),
    ),
    "archivo_expediente_reclasificar": Rule(
        _expediente_numero, methods=("POST",), roles=frozenset({Role.ARCHIVOS, Role.OFICIALIA})
    ),
    "archivo_expediente_cerrar": Rule(
        _expediente_numero, methods=("POST",), roles=frozenset({Role.ARCHIVOS})
    ),
    "archivo_cajas": Rule(methods=("GET", "POST"), roles=frozenset({Role.ARCHIVOS})),
    "archivo_caja_etiqueta": Rule(_caja, roles=frozenset({Role.ARCHIVOS})),
    "archivo_prestamos": Rule(methods=("GET", "POST"), roles=frozenset({Role.ARCHIVOS})),
    "archivo_prestamo_devolver": Rule(
        _prestamo, methods=("POST",), roles=frozenset({Role.ARCHIVOS})
    ),
    "archivo_transferencias": Rule(methods=("GET", "POST"), roles=frozenset({Role.ARCHIVOS})),
    "archivo_inventario": Rule(_transferencia, roles=frozenset({Role.ARCHIVOS})),
    "archivo_baja": Rule(_baja, roles=frozenset({Role.ARCHIVOS})),
    "archivo_baja_accion": Rule(
        lambda w: {**_baja(w), "accion": "publicar"},
        methods=("POST",),
        roles=frozenset({Role.ARCHIVOS}),
    ),
    # Public: the published list of bajas documentales (LGA art. 31) and their documents.
    "archivo_bajas_publicas": Rule(public=True, anyone=200),
    "archivo_baja_documento": Rule(
        lambda w: {**_baja(w), "documento": "dictamen"}, public=True, anyone=200
    ),
    "archivo_papel": Rule(roles=DESK_PAPER),
    "archivo_relacion": Rule(roles=DESK_PAPER),
    "archivo_etiquetas": Rule(roles=DESK_PAPER),
    "archivo_turnado": Rule(
        lambda w: {"siglas": w.turno.secretaria.siglas},
        roles=frozenset({Role.OFICIALIA, Role.ARCHIVOS}),
    ),
    # Ventanilla: each clerk sees the escritos they captured ---------------------------------
    "ventanilla": Rule(roles=frozenset({Role.VENTANILLA})),
    # Personal notifications: the ventanilla and the Oficialía work the queue.
    "notificaciones_pendientes": Rule(roles=NOTIFICADORES),
    "notificacion_detalle": Rule(_por_notificar, roles=NOTIFICADORES),
    "notificacion_cedula": Rule(_por_notificar, roles=NOTIFICADORES),
    "notificacion_escaneo": Rule(_por_notificar, methods=("POST",), roles=NOTIFICADORES),
    # Nothing scanned yet: not found, for those who may see it.
    "notificacion_escaneo_descargar": Rule(_por_notificar, roles=NOTIFICADORES, ok=(404,)),
    "notificacion_accion": Rule(
        lambda w: {**_por_notificar(w), "action": "diligencia"},
        methods=("POST",),
        roles=NOTIFICADORES,
    ),
    "ventanilla_nuevo": Rule(methods=("GET", "POST"), roles=frozenset({Role.VENTANILLA})),
    "ventanilla_escrito": Rule(
        _folio, roles=frozenset({Role.VENTANILLA}), hidden_from=frozenset({"ventanilla_otra"})
    ),
    "ventanilla_acuse_estado": Rule(
        _folio, roles=frozenset({Role.VENTANILLA}), hidden_from=frozenset({"ventanilla_otra"})
    ),
    "ventanilla_acuse": Rule(
        _folio, roles=frozenset({Role.VENTANILLA}), hidden_from=frozenset({"ventanilla_otra"})
    ),
    # The email intake's review queue: every ventanilla clerk works the same mailbox.
    "correo_bandeja": Rule(roles=frozenset({Role.VENTANILLA})),
    "correo_detalle": Rule(_correo_pk, methods=("GET", "POST"), roles=frozenset({Role.VENTANILLA})),
    "correo_rechazar": Rule(_correo_pk, methods=("POST",), roles=frozenset({Role.VENTANILLA})),
    "correo_adjunto": Rule(_correo, roles=frozenset({Role.VENTANILLA})),
    "ventanilla_corregir": Rule(
        _folio,
        methods=("GET", "POST"),
        roles=frozenset({Role.VENTANILLA}),
        hidden_from=frozenset({"ventanilla_otra"}),
    ),
    # Fila y citas: the kiosk, the ticket, the board and appointments are public (a ticket or
    # an appointment opens with its token only); a módulo's console is for the titular and the
    # enlaces of its secretaría (Agua's: 404); the schedule of appointments, for each
    # secretaría's titular (their own secretaría's). ----------------------------------------
    "fila_kiosco": Rule(public=True, anyone=200),
    "fila_kiosco_servicios": Rule(
        _fila_siglas, public=True, methods=("GET", "POST"), anyone=200, anyone_post=400
    ),
    "fila_ficha": Rule(lambda w: {"token": _fila(w)["ficha"].token}, public=True, anyone=200),
    "fila_llegada": Rule(public=True, methods=("GET", "POST"), anyone=200, anyone_post=400),
    "fila_pantalla": Rule(_fila_siglas, public=True, anyone=200),
    "fila_citas": Rule(public=True, anyone=200),
    "fila_cita_nueva": Rule(_fila_siglas, public=True, methods=("GET", "POST"), anyone=200),
    "fila_cita": Rule(lambda w: {"token": _fila(w)["cita"].token}, public=True, anyone=200),
    "fila_cita_cancelar": Rule(
        lambda w: {"token": _fila(w)["cita"].token}, public=True, methods=("POST",), anyone=302
    ),
    "fila_modulos": Rule(roles=SECRETARIA),
    "fila_consola": Rule(
        lambda w: {"modulo_id": _fila(w)["modulo"].pk}, roles=SECRETARIA, hidden_from=AGUA
    ),
    "fila_consola_accion": Rule(
        lambda w: {"modulo_id": _fila(w)["modulo"].pk, "action": "llamar"},
        methods=("POST",),
        roles=SECRETARIA,
        hidden_from=AGUA,
    ),
    "fila_horarios": Rule(methods=("GET", "POST"), roles=frozenset({Role.TITULAR})),
}


def project_urls() -> dict[str, str]:
    """Every URL pattern of the project (name → route), except Django's admin."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route == "admin/":
                    continue  # the admin guards itself; see test_the_admin_is_for_staff_only
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                # An unnamed pattern is listed by its route, so it cannot slip through either.
                found[f"{namespace}{pattern.name}" if pattern.name else route] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_url_of_the_project_is_classified():
    urls = project_urls()
    unclassified = sorted(set(urls) - set(URLS))
    assert not unclassified, (
        "URLs missing from tests/turnos/test_permissions.py::URLS (say who may open them): "
        + ", ".join(f"{name} ({urls[name]})" for name in unclassified)
    )
    stale = sorted(set(URLS) - set(urls))
    assert not stale, f"URLS names URLs the project no longer has: {stale}"


# The walk --------------------------------------------------------------------------------


def _request(client: Client, method: str, url: str):
    response = client.post(url) if method == "POST" else client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # read it all (and close the file)
    return response


def _goes_to_login(response, url: str) -> bool:
    if response.status_code != 302:
        return False
    parts = urlsplit(response.url)
    return parts.path == LOGIN_PATH and parse_qs(parts.query).get("next") == [url]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _describe(response) -> str:
    location = f" → {response.url}" if response.status_code in (301, 302) else ""
    return f"{response.status_code}{location}"


@pytest.mark.parametrize("name", sorted(URLS))
def test_role_by_url_matrix(name, world, personas):
    """Anonymous → sign in; a wrong role → 403; another's object → 404; the rest → the page."""
    rule = URLS[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    failures: list[str] = []

    if rule.account:
        owner, other = _cuentas(world)  # the account that holds the escrito, and another
        to_sign_in = f"{reverse('cuenta_entrar')}?next={url}"
        for method in rule.methods:
            for who, client in (
                ("anónimo", Client()),
                ("contraloria", _client(personas["contraloria"])),
            ):
                response = _request(client, method, url)
                if (response.status_code, getattr(response, "url", "")) != (302, to_sign_in):
                    failures.append(f"{method} {who}: {_describe(response)}, expected sign-in")
            for who, cuenta, expected in (
                ("titular de la cuenta", owner, rule.owner),
                ("otra cuenta", other, rule.other_account),
            ):
                response = _request(signed_in(cuenta), method, url)
                allowed = (expected,) if method == "GET" or expected == 404 else (200, 302)
                if response.status_code not in allowed:
                    failures.append(f"{method} {who}: {_describe(response)}, expected {allowed}")
                if expected == 404 and world.escrito.folio.encode() in response.content:
                    failures.append(f"{method} {who}: the folio shows on the 404 page")
        if "GET" not in rule.methods:
            response = _request(signed_in(owner), "GET", url)
            if response.status_code != 405:
                failures.append(f"GET on a POST-only view: {_describe(response)}")
        assert not failures, f"{name} {url}:\n" + "\n".join(failures)
        return

    if rule.public:
        if rule.petitioner is not None:
            petitioner = Client()
            petitioner.post(
                reverse("consulta"), {"folio": world.escrito.folio, "codigo": world.access_code}
            )
        for method in rule.methods:
            for who, client in (
                ("anónimo", Client()),
                ("contraloria", _client(personas["contraloria"])),
            ):
                response = _request(client, method, url)
                expected = (
                    rule.anyone_post if method == "POST" and rule.anyone_post else rule.anyone
                )
                if response.status_code != expected or _goes_to_login(response, url):
                    failures.append(f"{method} {who}: {_describe(response)}, expected {expected}")
            if rule.petitioner is not None:
                response = _request(petitioner, method, url)
                if response.status_code != rule.petitioner:
                    failures.append(
                        f"{method} peticionario: {_describe(response)}, expected {rule.petitioner}"
                    )
        assert not failures, f"{name} {url}:\n" + "\n".join(failures)
        return

    for method in rule.methods:
        response = _request(Client(), method, url)
        if not _goes_to_login(response, url):
            failures.append(f"{method} anónimo: {_describe(response)}, expected sign-in")
        for who, user in personas.items():
            response = _request(_client(user), method, url)
            status = response.status_code
            if rule.signed_in or _roles(user) & rule.roles:
                if who in rule.hidden_from:
                    expected = "404"
                    good = status == 404 and world.escrito.folio.encode() not in response.content
                else:
                    # A POST refused by its form (400) or by the use case (409) comes back
                    # with what was typed: an allowed answer, not a permission one.
                    allowed = rule.ok if method == "GET" else (200, 302, 400, 409)
                    expected = " or ".join(map(str, allowed))
                    good = status in allowed and not _goes_to_login(response, url)
            else:
                expected, good = "403", status == 403
            if not good:
                failures.append(f"{method} {who}: {_describe(response)}, expected {expected}")
    if "GET" not in rule.methods:
        response = _request(_client(personas["contraloria"]), "GET", url)
        if response.status_code not in (403, 405):
            failures.append(f"GET on a POST-only view: {_describe(response)}")
    assert not failures, f"{name} {url}:\n" + "\n".join(failures)


def test_the_admin_is_for_staff_only(personas):
    admin = reverse("admin:index")
    for client in (Client(), _client(personas["titular_obras"]), _client(personas["contraloria"])):
        response = client.get(admin)
        assert response.status_code == 302
        assert response.url == f"{reverse('admin:login')}?next={admin}"


# What the matrix says, spelled out --------------------------------------------------------


def test_objects_of_another_secretaria_or_person_are_not_found(world, personas):
    """Their existence is not revealed: the same 404 as an object that does not exist."""
    w = world
    cases = [
        ("titular_agua", "GET", "turno_detalle", {"turno_id": w.turno.pk}),
        ("enlace_agua", "GET", "turno_detalle", {"turno_id": w.turno.pk}),
        ("titular_agua", "POST", "turno_accion", {"turno_id": w.turno.pk, "action": "aceptar"}),
        ("enlace_agua", "GET", "escrito_detalle", {"folio": w.escrito.folio}),
        ("titular_agua", "GET", "escrito_detalle", {"folio": w.escrito.folio}),
        (
            "titular_agua",
            "GET",
            "adjunto_descargar",
            {"folio": w.escrito.folio, "adjunto_id": w.adjunto.pk},
        ),
        ("operativo_obras_2", "GET", "tarea_detalle", {"tarea_id": w.tarea.pk}),
        ("operativo_obras_2", "POST", "tarea_detalle", {"tarea_id": w.tarea.pk}),
        ("operativo_obras_2", "GET", "escrito_detalle", {"folio": w.escrito.folio}),
        # Verónica captured `escrito`, not the one filed online.
        ("ventanilla", "GET", "ventanilla_escrito", {"folio": w.online.folio}),
        ("ventanilla", "GET", "ventanilla_acuse_estado", {"folio": w.online.folio}),
        ("ventanilla", "GET", "ventanilla_acuse", {"folio": w.online.folio}),
        ("ventanilla", "GET", "ventanilla_corregir", {"folio": w.online.folio}),
        ("ventanilla", "GET", "escrito_detalle", {"folio": w.online.folio}),
        ("ventanilla_otra", "GET", "ventanilla_escrito", {"folio": w.escrito.folio}),
    ]
    missing = {
        "turno_detalle": {"turno_id": 999_999},
        "turno_accion": {"turno_id": 999_999, "action": "aceptar"},
        "escrito_detalle": {"folio": "NO-EXISTE"},
        "adjunto_descargar": {"folio": "NO-EXISTE", "adjunto_id": 999_999},
        "tarea_detalle": {"tarea_id": 999_999},
        "ventanilla_escrito": {"folio": "NO-EXISTE"},
        "ventanilla_acuse_estado": {"folio": "NO-EXISTE"},
        "ventanilla_acuse": {"folio": "NO-EXISTE"},
        "ventanilla_corregir": {"folio": "NO-EXISTE"},
    }
    for who, method, name, kwargs in cases:
        client = _client(personas[who])
        hidden = _request(client, method, reverse(name, kwargs=kwargs))
        absent = _request(client, method, reverse(name, kwargs=missing[name]))
        assert hidden.status_code == 404, (who, name, hidden.status_code)
        assert _without_csrf(hidden) == _without_csrf(absent), (who, name)
        for folio in (w.escrito.folio, w.online.folio):
            assert folio.encode() not in hidden.content, (who, name)


def _without_csrf(response) -> str:
    """The page, without the CSRF token (masked anew on every response)."""
    return re.sub(
        r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*',
        r"\1",
        response.content.decode(),
    )


TURNO_ACTIONS = {
    "aceptar": {},
    "asignar": {"tarea-descripcion": "Algo", "tarea-due_date": "2099-01-01"},
    "prevenir": {"prevencion-texto": "Falta la dirección"},
    "responder": {"respuesta-texto": "Atendido", "respuesta-sense": "positiva"},
    "devolver": {"devolucion-reason": "No es nuestro"},
}


def _snapshot() -> tuple:
    return (
        list(Transicion.objects.order_by("pk").values_list("pk", "action")),
        list(Turno.objects.order_by("pk").values_list("pk", "state", "due_date")),
        list(Tarea.objects.order_by("pk").values_list("pk", "state")),
        list(Escrito.objects.order_by("pk").values_list("pk", "state")),
        Adjunto.objects.count(),
        Notificacion.objects.exclude(user__username="carla.contraloria").count(),
    )


def test_contraloria_reads_everything_and_changes_nothing(world, personas):
    w = world
    client = _client(personas["contraloria"])
    arco = _solicitud_arco(w)  # made before the snapshot: it notifies the administración
    archivo = _archivo(w)
    prestamo = _prestamo(w)
    baja = _baja(w)
    borrador = _borrador(w)  # likewise: it notifies the titular
    por_notificar = _por_notificar(w)
    before = _snapshot()
    for name, kwargs in (
        ("escrito_detalle", {"folio": w.escrito.folio}),
        ("escrito_detalle", {"folio": w.online.folio}),
        ("escrito_detalle", {"folio": w.devuelto.escrito.folio}),
        ("adjunto_descargar", {"folio": w.escrito.folio, "adjunto_id": w.adjunto.pk}),
        ("notificaciones", {}),
    ):
        assert _request(client, "GET", reverse(name, kwargs=kwargs)).status_code == 200, name
    posts = [
        ("oficialia_escrito", {"folio": w.online.folio}),
        ("oficialia_decidir", {"folio": w.online.folio, "decision": "rechazar"}),
        ("oficialia_decidir", {"folio": w.online.folio, "decision": "reorientar"}),
        ("turno_returnar", {"turno_id": w.devuelto.pk}),
        ("tarea_detalle", {"tarea_id": w.tarea.pk}),
        ("ventanilla_nuevo", {}),
        ("ventanilla_corregir", {"folio": w.escrito.folio}),
        ("archivo_serie_nueva", {}),
        ("archivo_serie_editar", {"serie_id": archivo["serie"].pk}),
        ("archivo_fondo_nuevo", {}),
        ("archivo_fondo_editar", {"fondo_id": archivo["serie"].seccion.fondo_id}),
        ("archivo_seccion_nueva", {}),
        ("archivo_seccion_editar", {"seccion_id": archivo["serie"].seccion_id}),
        ("archivo_escrito", {"folio": w.escrito.folio}),
        ("archivo_expediente_reclasificar", {"numero": archivo["expediente"].numero}),
        ("archivo_expediente_cerrar", {"numero": archivo["expediente"].numero}),
        ("archivo_cajas", {}),
        ("archivo_prestamos", {}),
        ("archivo_prestamo_devolver", prestamo),
        ("archivo_transferencias", {}),
        ("archivo_baja_accion", {**baja, "accion": "ejecutar"}),
        *(("turno_accion", {"turno_id": w.turno.pk, "action": a}) for a in TURNO_ACTIONS),
        ("fila_consola_accion", {"modulo_id": _fila(w)["modulo"].pk, "action": "llamar"}),
        ("fila_horarios", {}),
        ("arco_solicitud", arco),
        ("correo_detalle", _correo_pk(w)),
        ("correo_rechazar", _correo_pk(w)),
        ("oficialia_vinculos", {}),
        ("accesos_bloqueados", {}),
        ("arco_nueva", {}),
        ("borrador_respuesta", {"turno_id": w.turno.pk}),
        ("firmas_pendientes", {}),
        ("borrador_devolver", borrador),
        ("notificacion_accion", {**por_notificar, "action": "diligencia"}),
        ("notificacion_escaneo", por_notificar),
        ("oficialia_turnar_lote", {}),
        ("bandeja_lote", {"accion": "aceptar"}),
        ("suplencias", {}),
        ("suplencia_terminar", {"suplencia_id": 999_999}),
        ("plantillas", {}),
        ("plantilla_editar", _plantilla(w)),
    ]
    for name, kwargs in posts:
        response = client.post(reverse(name, kwargs=kwargs), {"reason": "x", "texto": "x"})
        assert response.status_code == 403, (name, kwargs, response.status_code)
    # Every POST-accepting staff view of the table is in the list above, except the
    # contraloría's own: the quejas go only to it, and it moves them through their states;
    # and the searches each staff member saves for themselves, which are not the record.
    acting = {
        n
        for n, r in URLS.items()
        if "POST" in r.methods
        and not (r.public or r.account)
        and r.roles != CONTRALORIA
        and not n.startswith("busqueda_")
    }
    assert acting == {n for n, _ in posts}
    assert _snapshot() == before


@pytest.mark.parametrize("action", sorted(TURNO_ACTIONS))
def test_no_action_on_a_turno_of_another_secretaria(action, world, personas):
    before = _snapshot()
    url = reverse("turno_accion", kwargs={"turno_id": world.turno.pk, "action": action})
    for who in ("titular_agua", "enlace_agua"):
        assert _client(personas[who]).post(url, TURNO_ACTIONS[action]).status_code == 404
    for who in ("contraloria", "operativo_obras", "turnador", "ventanilla", "administracion"):
        assert _client(personas[who]).post(url, TURNO_ACTIONS[action]).status_code == 403
    assert _snapshot() == before


# A role taken away -----------------------------------------------------------------------


def test_a_role_taken_away_applies_on_the_very_next_request(world, personas, agua):
    user = personas["titular_obras"]
    client = _client(user)
    bandeja = reverse("bandeja")
    turno = reverse("turno_detalle", kwargs={"turno_id": world.turno.pk})
    accion = reverse("turno_accion", kwargs={"turno_id": world.turno.pk, "action": "aceptar"})
    escrito = reverse("escrito_detalle", kwargs={"folio": world.escrito.folio})
    assert client.get(bandeja).status_code == 200
    assert client.get(turno).status_code == 200

    # Moved to another secretaría: Obras's turno is gone at once.
    Perfil.objects.filter(user=user).update(secretaria=agua)
    assert client.get(turno).status_code == 404
    assert client.get(escrito).status_code == 404
    Perfil.objects.filter(user=user).update(secretaria=world.turno.secretaria)
    assert client.get(turno).status_code == 200

    # The role taken away: same session, next request.
    user.groups.remove(Group.objects.get(name=Role.TITULAR))
    assert client.get(bandeja).status_code == 403
    assert client.get(turno).status_code == 403
    assert client.post(accion).status_code == 403
    assert client.get(escrito).status_code == 403

    # Given back: works again, still without signing in anew.
    user.groups.add(Group.objects.get(name=Role.TITULAR))
    assert client.get(bandeja).status_code == 200

    # The account switched off: the session no longer counts, back to the sign-in page.
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _goes_to_login(client.get(bandeja), bandeja)


def test_contraloria_losing_its_role_loses_its_reading(world, personas):
    user = personas["contraloria"]
    client = _client(user)
    url = reverse("escrito_detalle", kwargs={"folio": world.escrito.folio})
    assert client.get(url).status_code == 200
    user.groups.clear()
    assert client.get(url).status_code == 403
    assert client.get(reverse("notificaciones")).status_code == 403


# Sign-in throttling (django-axes) --------------------------------------------------------


@pytest.fixture
def sign_in(settings):
    """Post the real sign-in form from an address; a fresh browser each time."""
    settings.CLIENT_IP_HEADER = ""  # the address is REMOTE_ADDR
    axes_reset()
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()

    def sign_in(username: str, password: str, address: str):
        client = Client()
        response = client.post(
            LOGIN_PATH,
            {"username": username, "password": password},
            REMOTE_ADDR=address,
            HTTP_USER_AGENT="Mozilla/5.0 (prueba)",
        )
        response.signed_in = "_auth_user_id" in client.session
        return response

    yield sign_in
    axes_reset()


LIMIT = 5
LOCKED = 429  # AXES_HTTP_RESPONSE_CODE (axes' default), with AXES_LOCKOUT_TEMPLATE


def assert_locked(response):
    assert response.status_code == LOCKED
    assert "registration/bloqueado.html" in [t.name for t in response.templates]
    assert "Acceso bloqueado temporalmente" in response.content.decode()
    assert not response.signed_in


def assert_wrong_password(response):
    assert response.status_code == 200
    assert "Usuario o contraseña incorrectos" in response.content.decode()
    assert not response.signed_in


def test_the_right_password_signs_in(sign_in, titular_obras):
    response = sign_in(titular_obras.username, PASSWORD, "198.51.100.1")
    assert response.status_code == 302 and response.signed_in


OFFICE = "192.0.2.10"  # the city hall's shared proxy: every clerk signs in from it


def test_a_clerks_five_typos_do_not_block_a_colleague_behind_the_same_address(
    settings, sign_in, titular_obras, enlace_obras, turnador
):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    responses = [sign_in(titular_obras.username, "equivocada", OFFICE) for _ in range(LIMIT)]
    for response in responses[:-1]:
        assert_wrong_password(response)
    assert_locked(responses[-1])  # the failure that reaches the limit is answered locked
    # Olga, from the office, is locked even with the right password, and told until when.
    locked = sign_in(titular_obras.username, PASSWORD, OFFICE)
    assert_locked(locked)
    retry = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    assert f"a partir de las {retry:%H:%M}" in locked.content.decode()
    # Her colleagues behind the same address sign in.
    assert sign_in(enlace_obras.username, PASSWORD, OFFICE).signed_in
    assert sign_in(turnador.username, PASSWORD, OFFICE).signed_in
    failures = AccessFailureLog.objects.filter(username=titular_obras.username)
    assert failures.filter(locked_out=True).exists()
    assert all(f.path_info == LOGIN_PATH for f in failures)


def test_an_account_tried_from_many_addresses_is_locked_from_everywhere(
    settings, sign_in, titular_obras, enlace_obras
):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8
    addresses = [f"203.0.113.{i}" for i in range(1, 9)]
    responses = [sign_in(titular_obras.username, "equivocada", a) for a in addresses]
    for response in responses[:-1]:
        assert_wrong_password(response)
    assert_locked(responses[-1])
    # The right password, from an address never seen: still locked.
    assert_locked(sign_in(titular_obras.username, PASSWORD, "198.51.100.77"))
    # It is the account that is locked, not those addresses.
    assert sign_in(enlace_obras.username, PASSWORD, addresses[0]).signed_in


def test_a_password_spray_from_one_address_is_still_stopped(
    settings, sign_in, titular_agua, enlace_obras
):
    """One or two passwords against many accounts from one place: no pair and no account
    reaches its limit, the address does."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    attacker = "198.51.100.66"
    usernames = [f"usuario.{i}" for i in range(11)] + [enlace_obras.username]
    responses = [sign_in(u, "Verano2026!", attacker) for u in usernames]
    for response in responses[:-1]:
        assert_wrong_password(response)
    assert_locked(responses[-1])
    # From that address even the right password of an untried account is refused ...
    assert_locked(sign_in(titular_agua.username, PASSWORD, attacker))
    # ... while the accounts work from elsewhere.
    assert sign_in(titular_agua.username, PASSWORD, "192.0.2.11").signed_in
    assert sign_in(enlace_obras.username, PASSWORD, "192.0.2.12").signed_in
    logged = AccessFailureLog.objects.filter(ip_address=attacker)
    assert set(logged.values_list("username", flat=True)) >= set(usernames)


def test_the_administracion_unlocks_an_account_with_a_reason(sign_in, titular_obras):
    for _ in range(LIMIT):
        sign_in(titular_obras.username, "equivocada", OFFICE)
    assert_locked(sign_in(titular_obras.username, PASSWORD, OFFICE))
    admin = UserFactory(username="adan.admin", roles=["administracion"])
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("accesos_bloqueados"))
    assert [c[0] for c in page.context["locks"]["cuentas"]] == [titular_obras.username]
    refused = client.post(reverse("accesos_bloqueados"), {"cuenta": titular_obras.username})
    assert refused.status_code == 400 and "Escriba por qué" in refused.content.decode()
    assert_locked(sign_in(titular_obras.username, PASSWORD, OFFICE))
    done = client.post(
        reverse("accesos_bloqueados"),
        {"cuenta": titular_obras.username, "motivo": "Se identificó en persona"},
    )
    assert done.status_code == 302
    assert sign_in(titular_obras.username, PASSWORD, OFFICE).signed_in
    entry = Bitacora.objects.get(action="sesion.desbloquear")
    assert entry.object_ref == titular_obras.username and entry.actor == admin
    assert entry.changes["motivo"] == "Se identificó en persona"


def test_every_failed_attempt_is_recorded(sign_in, titular_obras):
    sign_in(titular_obras.username, "equivocada", "198.51.100.5")
    sign_in(titular_obras.username, "otra-equivocada", "198.51.100.6")
    sign_in("no.existe", "x", "198.51.100.6")
    failures = AccessFailureLog.objects.order_by("attempt_time", "pk")
    assert [(f.username, f.ip_address, f.locked_out) for f in failures] == [
        (titular_obras.username, "198.51.100.5", False),
        (titular_obras.username, "198.51.100.6", False),
        ("no.existe", "198.51.100.6", False),
    ]
    assert all(f.user_agent == "Mozilla/5.0 (prueba)" for f in failures)
    attempts = AccessAttempt.objects.all()
    assert sum(a.failures_since_start for a in attempts) == 3
    # The password typed is never stored.
    assert not any("equivocada" in a.post_data for a in attempts)
    # A success clears the account's count (AXES_RESET_ON_SUCCESS) but not the log.
    assert sign_in(titular_obras.username, PASSWORD, "198.51.100.5").signed_in
    assert AccessFailureLog.objects.count() == 3
