"""The staff forms of the other desks (search, notifications, Contraloría, accounts, the
queue, the archive, the ventanilla) come back with what was typed and each error next to its
field when they fail, like those of tests/turnos/test_formularios.py.

The forms are discovered from the modules below: a new form there without a case (here, or
for the citizen's account and the kiosk in tests/turnos/test_formularios_publicos.py), or an
explicit reason it is not posted by staff, fails `test_every_form_of_these_modules_has_a_case`.
"""

import inspect
from datetime import timedelta

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import archivo.forms
import busqueda.forms
import contraloria.forms
import correspondencia.forms
import cuentas.forms
import fila.forms
import notificaciones.forms
from archivo.expedientes import escrito_classify
from archivo.instrumentos import SerieData, serie_create
from archivo.models import Destino, Fondo, Seccion, SeccionTipo
from correspondencia.forms import VentanillaCorreccionForm
from cuentas.models import ArcoKind, EscritoVinculado, LinkHow
from cuentas.services import arco_request_register
from fila.models import Modulo, Servicio
from fila.services import ficha_call_next, ficha_issue
from notificaciones import practica
from notificaciones.models import NotificacionPeticionario, Resultado
from tests.cuentas.conftest import citizen_account
from tests.factories import UserFactory, escrito_form_data, file_escrito, sign_in_lock
from turnos.services import Route, escrito_turn, turno_accept, turno_answer

from .test_formularios import REQUIRED, TYPED
from .test_formularios_publicos import FORMS as ACCOUNT_AND_KIOSK
from .test_formularios_publicos import field_block

pytestmark = pytest.mark.django_db

MODULES = (
    archivo.forms,
    busqueda.forms,
    contraloria.forms,
    correspondencia.forms,
    cuentas.forms,
    fila.forms,
    notificaciones.forms,
)

PUBLIC = "the public's page, in tests/turnos/test_formularios_publicos.py"

# Forms that are not posted by staff on a page of their own.
NOT_POSTED = {
    # Sent by GET: a filter shows its error beside the field on the same page, and what was
    # typed stays in the query string, so there is nothing a POST could throw away.
    busqueda.forms.BusquedaForm: "GET filter of the search page",
    contraloria.forms.PeriodForm: "GET filter of the Contraloría's reports",
    contraloria.forms.BitacoraSearchForm: "GET filter of the bitácora",
    contraloria.forms.VencidosForm: "GET filter of the overdue report",
    correspondencia.forms.TramiteBusquedaForm: "GET filter of the trámites catalogue",
    # The public's forms (those of the citizen's account and the kiosk have their cases in
    # the same module, `ACCOUNT_AND_KIOSK`).
    correspondencia.forms.EscritoForm: PUBLIC,
    correspondencia.forms.ConsultaForm: PUBLIC,
    correspondencia.forms.VerificarPdfForm: "public; only a file, which no browser keeps",
    fila.forms.CitaForm: PUBLIC,
    cuentas.forms.RegistroForm: PUBLIC,
    cuentas.forms.ReenviarForm: "public: resend the confirmation (one email field)",
    cuentas.forms.CuentaPasswordResetForm: "Django's password reset",
}


def _forms() -> set[type]:
    found = set()
    for module in MODULES:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if name.startswith("_"):
                continue  # a base shared by forms of the module, never shown itself
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.add(cls)
    return found


@pytest.fixture
def por_notificar(turnador, ventanilla_clerk, obras, titular_obras, enlace_obras):
    """A paper escrito without email, answered: its notification waits at the ventanilla."""
    from correspondencia.models import Channel

    escrito = file_escrito(
        channel=Channel.VENTANILLA, captured_by=ventanilla_clerk, queue_acuse=False
    ).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    turno_answer(turno_id=turno.pk, user=titular_obras, texto="Se atenderá.", sense="positiva")
    notificacion = NotificacionPeticionario.objects.get(escrito=escrito)
    notificacion._clerk = ventanilla_clerk
    notificacion._obras = obras
    notificacion._enlace = enlace_obras
    notificacion._solicitud = arco_request_register(
        user=ventanilla_clerk,
        kind=ArcoKind.ACCESO,
        titular_nombre="Remedios Salgado",
        titular_contacto="remedios@example.com",
        detalle="Quiero ver mis datos",
        folios=[escrito.folio],
    )
    return notificacion


def _scan_url(n) -> str:
    """The scan is asked for once the cédula was delivered."""
    practica.cedula_generate(notificacion_id=n.pk, user=n._clerk)
    practica.diligencia_register(
        notificacion_id=n.pk,
        user=n._clerk,
        resultado=Resultado.ENTREGADA,
        at=timezone.now(),
        recibio_nombre="Remedios Salgado",
        recibio_identificacion="INE",
    )
    return reverse("notificacion_escaneo", args=[n.pk])


def _transfer_url(n) -> str:
    """A módulo of Obras with a person at the window."""
    licencias = Servicio.objects.create(secretaria=n._obras, nombre="Licencias", letra="A")
    Servicio.objects.create(secretaria=n._obras, nombre="Pagos", letra="B", orden=1)
    modulo = Modulo.objects.create(secretaria=n._obras, nombre="Ventanilla 1", orden=1)
    ficha_issue(servicio_id=licencias.pk)
    assert ficha_call_next(modulo_id=modulo.pk, user=n._enlace) is not None
    return reverse("fila_consola_accion", args=[modulo.pk, "transferir"])


def _notificacion(action):
    return lambda n: reverse("notificacion_accion", args=[n.pk, action])


def _archivo(n):
    """A cuadro with one serie; the notification's escrito, on paper, in an expediente."""
    if not hasattr(n, "_expediente"):
        archivista = UserFactory(username="amalia.archivo", roles=["archivos"])
        fondo = Fondo.objects.create(codigo="AM", nombre="Ayuntamiento Municipal")
        n._seccion = Seccion.objects.create(
            fondo=fondo, codigo="AM.3C", nombre="Control de gestión", tipo=SeccionTipo.COMUN
        )
        serie_create(
            data=SerieData(
                seccion=n._seccion,
                codigo="AM.3C.1",
                nombre="Peticiones ciudadanas",
                vigencia_tramite=2,
                vigencia_concentracion=3,
                destino=Destino.BAJA,
                por_defecto=True,
            ),
            user=archivista,
        )
        n._expediente = escrito_classify(escrito_id=n.escrito_id)
    return n


def _vinculo(n):
    """The notification's escrito in a gestor's account."""
    n._vinculo = EscritoVinculado.objects.create(
        cuenta=citizen_account("gestor.rapido@example.com"),
        escrito=n.escrito,
        how=LinkHow.AGREGADO,
        linked_at=timezone.now(),
    )
    return reverse("oficialia_vinculos")


def _bloqueo(n):
    """An account locked after a few failed sign-ins from one address."""
    sign_in_lock()
    return reverse("accesos_bloqueados")


def _horarios(n):
    Modulo.objects.create(secretaria=n._obras, nombre="Ventanilla 1", orden=1)
    return reverse("fila_horarios")


def _horario_data(n) -> dict:
    return {
        "horario-TOTAL_FORMS": "1",
        "horario-INITIAL_FORMS": "0",
        "horario-MIN_NUM_FORMS": "0",
        "horario-MAX_NUM_FORMS": "1000",
        "horario-0-modulo": str(Modulo.objects.get(secretaria=n._obras).pk),
        "horario-0-dia_semana": "1",
        "horario-0-hora_inicio": "07:45",
        "horario-0-hora_fin": "no es una hora",
        "horario-0-duracion_minutos": "20",
        "horario-0-capacidad": "1",
        "horario-0-activo": "on",
    }


def _correccion_data(n) -> dict:
    """The captured data as the correction form shows it, retyped, without the reason."""
    initial = VentanillaCorreccionForm.initial_from(n.escrito)
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    data.update(asunto=TYPED, motivo="")
    return {k: getattr(v, "pk", v) for k, v in data.items()}


# form class: (who, url, data, error, field html name or None for the form's error box, typed)
CASES = {
    busqueda.forms.GuardarForm: (
        "turnador",
        lambda n: reverse("busqueda_guardar"),
        lambda n: {"q": "Morelos", "nombre": TYPED + " " + "x" * 80},
        "Asegúrese de que este valor tenga como máximo 80 caracteres",
        "nombre",
        TYPED,
    ),
    notificaciones.forms.CanalForm: (
        "ventanilla",
        _notificacion("medio"),
        lambda n: {"canal-canal": "otro", "canal-motivo": TYPED},
        "Seleccione una opción válida.",
        "canal-canal",
        TYPED,
    ),
    notificaciones.forms.DiligenciaForm: (
        "ventanilla",
        _notificacion("diligencia"),
        lambda n: {
            "diligencia-resultado": "entregada",
            "diligencia-fecha": "no es una fecha",
            "diligencia-hora": "10:00",
            "diligencia-recibio_nombre": "Remedios Salgado",
            "diligencia-notas": TYPED,
        },
        "Introduzca una fecha válida.",
        "diligencia-fecha",
        TYPED,
    ),
    notificaciones.forms.EscaneoForm: (
        "ventanilla",
        _scan_url,
        lambda n: {},
        REQUIRED,
        "escaneo-escaneo",
        None,
    ),
    # The Unidad de Transparencia's desk (cuentas/ also holds the citizen's forms).
    cuentas.forms.ArcoPapelForm: (
        "unidad",
        lambda n: reverse("arco_nueva"),
        lambda n: {"titular_nombre": "Remedios Salgado", "detalle": TYPED},
        REQUIRED,
        "derecho",
        TYPED,
    ),
    cuentas.forms.ResolverForm: (
        "unidad",
        lambda n: reverse("arco_solicitud", args=[n._solicitud.pk]),
        lambda n: {"accion": "responder", "resolucion": TYPED},
        REQUIRED,
        "decision",
        TYPED,
    ),
    # The módulo's console: where to send the person at the window.
    fila.forms.TransferForm: (
        "enlace",
        _transfer_url,
        lambda n: {"servicio": "999999"},
        "Seleccione una opción válida.",
        "servicio",
        None,
    ),
    # The archive's own pages.
    archivo.forms.CajaForm: (
        "archivista",
        lambda n: reverse("archivo_cajas"),
        lambda n: {"estante": "E02", "codigo": "C014", "descripcion": TYPED[:200]},
        REQUIRED,
        "deposito",
        TYPED[:200],
    ),
    archivo.forms.FondoForm: (
        "archivista",
        lambda n: reverse("archivo_fondo_nuevo"),
        lambda n: {"codigo": "AM", "nombre": TYPED + " " + "x" * 200},
        "Asegúrese de que este valor tenga como máximo 200 caracteres",
        "nombre",
        TYPED,
    ),
    archivo.forms.SeccionForm: (
        "archivista",
        lambda n: reverse("archivo_seccion_nueva"),
        lambda n: {"codigo": "AM.4S", "nombre": TYPED[:200], "tipo": "comun"},
        REQUIRED,
        "fondo",
        TYPED[:200],
    ),
    archivo.forms.SerieForm: (
        "archivista",
        lambda n: reverse("archivo_serie_nueva"),
        lambda n: {
            "seccion": str(_archivo(n)._seccion.pk),
            "codigo": "AM.3C.9",
            "nombre": TYPED[:200],
            "vigencia_tramite": "dos",
            "vigencia_concentracion": "3",
            "destino": "baja",
        },
        "Introduzca un número entero.",
        "vigencia_tramite",
        TYPED[:200],
    ),
    archivo.forms.ReclasificarForm: (
        "archivista",
        lambda n: reverse("archivo_expediente_reclasificar", args=[_archivo(n)._expediente.numero]),
        lambda n: {"motivo": TYPED[:300]},
        REQUIRED,
        "serie",
        TYPED[:300],
    ),
    archivo.forms.PrestamoForm: (
        "archivista",
        lambda n: reverse("archivo_prestamos"),
        lambda n: {
            "expediente": "EXP-2099-000999",
            "solicitante": str(n._enlace.pk),
            "motivo": TYPED[:300],
            "vence": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        "No hay un expediente con el número EXP-2099-000999.",
        "expediente",
        TYPED[:300],
    ),
    archivo.forms.UnirForm: (
        "archivista",
        lambda n: reverse("archivo_escrito", args=[_archivo(n).escrito.folio]),
        lambda n: {"accion": "unir", "unir-expediente": "EXP-2099-000999", "unir-motivo": TYPED},
        "No hay un expediente con el número EXP-2099-000999.",
        "unir-expediente",
        TYPED,
    ),
    archivo.forms.SerieEscritoForm: (
        "archivista",
        lambda n: reverse("archivo_escrito", args=[_archivo(n).escrito.folio]),
        lambda n: {"accion": "serie", "serie-serie": "999999", "serie-motivo": TYPED},
        "Seleccione una opción válida.",
        "serie-serie",
        TYPED,
    ),
    archivo.forms.UbicarForm: (
        "archivista",
        lambda n: reverse("archivo_escrito", args=[n.escrito.folio]),
        lambda n: {"accion": "ubicar", "ubicar-caja": "AT-E99-C999", "ubicar-legajo": "Legajo 7B"},
        "No hay una caja con la etiqueta AT-E99-C999",
        "ubicar-caja",
        "Legajo 7B",
    ),
    # The Oficialía's desk of escritos in citizens' accounts.
    cuentas.forms.VincularForm: (
        "turnador",
        lambda n: reverse("oficialia_vinculos"),
        lambda n: {
            "accion": "vincular",
            "folio": n.escrito.folio,
            "correo": "remedios-en-example.com",
            "motivo": TYPED,
        },
        "Introduzca una dirección de correo electrónico válida.",
        "correo",
        TYPED,
    ),
    cuentas.forms.DesvincularForm: (
        "turnador",
        _vinculo,
        lambda n: {"vinculo": str(n._vinculo.pk), "motivo": TYPED + " " + "x" * 500},
        "Asegúrese de que este valor tenga como máximo 500 caracteres",
        "#motivo-{vinculo}",
        TYPED,
    ),
    # The administración lifts a sign-in lock.
    cuentas.forms.DesbloquearForm: (
        "administracion",
        _bloqueo,
        lambda n: {"cuenta": "remedios.salgado", "motivo": TYPED + " " + "x" * 500},
        "Asegúrese de que este valor tenga como máximo 500 caracteres",
        "#motivo-c1",
        TYPED,
    ),
    # The titular's appointment hours: a row of the table.
    fila.forms.HorarioForm: (
        "titular",
        _horarios,
        _horario_data,
        "Introduzca una hora válida.",
        "horario-0-hora_fin",
        'value="07:45"',
    ),
    # The ventanilla's capture of a paper escrito, and its correction with a reason.
    correspondencia.forms.VentanillaEscritoForm: (
        "ventanilla",
        lambda n: reverse("ventanilla_nuevo"),
        lambda n: escrito_form_data(
            channel="ventanilla", fojas="muchas", ubicacion_original="Caja 7", texto=TYPED
        ),
        "Introduzca un número entero.",
        "fojas",
        TYPED,
    ),
    correspondencia.forms.VentanillaCorreccionForm: (
        "ventanilla",
        lambda n: reverse("ventanilla_corregir", args=[n.escrito.folio]),
        _correccion_data,
        "Escriba por qué corrige la captura.",
        "motivo",
        TYPED,
    ),
}


def _without_a_case() -> set[type]:
    return _forms() - set(NOT_POSTED) - set(CASES) - set(ACCOUNT_AND_KIOSK)


def test_every_form_of_these_modules_has_a_case():
    missing = {c.__name__ for c in _without_a_case()}
    assert not missing, f"forms without a kept-text test: {sorted(missing)}"


def test_a_new_form_in_a_desk_module_without_a_case_is_caught(monkeypatch):
    """The discovery reaches the archive's, the queue's, the accounts' and the ventanilla's
    forms: one more there without a case fails the test above."""
    for module in (archivo.forms, fila.forms, cuentas.forms, correspondencia.forms):
        extra = type("FormaNueva", (forms.Form,), {"__module__": module.__name__})
        monkeypatch.setattr(module, "FormaNueva", extra, raising=False)
        assert extra in _without_a_case()
        monkeypatch.delattr(module, "FormaNueva")


@pytest.mark.parametrize("form_class", list(CASES), ids=lambda c: c.__name__)
def test_a_failing_form_keeps_what_was_typed_and_shows_the_error_by_its_field(
    form_class, por_notificar, turnador, ventanilla_clerk, titular_obras
):
    who, url, data, error, field, typed = CASES[form_class]
    client = Client()
    people = {
        "turnador": turnador,
        "ventanilla": ventanilla_clerk,
        "enlace": por_notificar._enlace,
        "titular": titular_obras,
        "archivista": UserFactory(username="arturo.archivo", roles=["archivos"]),
        "unidad": UserFactory(username="tania.transparencia", roles=["transparencia"]),
        "administracion": UserFactory(username="adan.admin", roles=["administracion"]),
    }
    client.force_login(people[who])
    response = client.post(url(por_notificar), data(por_notificar))
    assert response.status_code == 400, response.status_code
    html = response.content.decode().replace("&#x27;", "'")
    if typed is not None:
        assert typed in html
    if "{vinculo}" in field:
        field = field.replace("{vinculo}", str(por_notificar._vinculo.pk))
    block = field_block(html, field)
    assert "field--error" in block
    assert error in block


def test_saving_a_search_without_filters_says_so_and_keeps_the_name(turnador):
    client = Client()
    client.force_login(turnador)
    response = client.post(reverse("busqueda_guardar"), {"nombre": TYPED[:80]})
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert TYPED[:80] in html
    alert = html[html.index('class="alert alert--error"') :]
    assert "Escriba algo que buscar" in alert[: alert.index("</div>")]
