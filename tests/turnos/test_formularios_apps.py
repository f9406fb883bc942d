"""The staff forms of the other desks (search, notifications, Contraloría) come back with what
was typed and each error next to its field when they fail, like those of
tests/turnos/test_formularios.py.

The forms are discovered from the modules below: a new form there without a case, or an
explicit reason it is not posted, fails `test_every_form_of_these_modules_has_a_case`.
"""

import inspect

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import archivo.forms
import busqueda.forms
import contraloria.forms
import cuentas.forms
import fila.forms
import notificaciones.forms
from cuentas.models import ArcoKind
from cuentas.services import arco_request_register
from fila.models import Modulo, Servicio
from fila.services import ficha_call_next, ficha_issue
from notificaciones import practica
from notificaciones.models import NotificacionPeticionario, Resultado
from tests.factories import UserFactory, file_escrito
from turnos.services import Route, escrito_turn, turno_accept, turno_answer

from .test_formularios import REQUIRED, TYPED, _field_block

pytestmark = pytest.mark.django_db

MODULES = (busqueda.forms, contraloria.forms, notificaciones.forms)

# Forms sent by GET: a filter shows its error beside the field on the same page, and what
# was typed stays in the query string, so there is nothing a POST could throw away.
NOT_POSTED = {
    busqueda.forms.BusquedaForm: "GET filter of the search page",
    contraloria.forms.PeriodForm: "GET filter of the Contraloría's reports",
    contraloria.forms.BitacoraSearchForm: "GET filter of the bitácora",
    contraloria.forms.VencidosForm: "GET filter of the overdue report",
}


def _forms() -> set[type]:
    found = set()
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
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
}


def test_every_form_of_these_modules_has_a_case():
    missing = {c.__name__ for c in _forms() - set(NOT_POSTED) - set(CASES)}
    assert not missing, f"forms without a kept-text test: {sorted(missing)}"


@pytest.mark.parametrize("form_class", list(CASES), ids=lambda c: c.__name__)
def test_a_failing_form_keeps_what_was_typed_and_shows_the_error_by_its_field(
    form_class, por_notificar, turnador, ventanilla_clerk
):
    who, url, data, error, field, typed = CASES[form_class]
    client = Client()
    people = {
        "turnador": turnador,
        "ventanilla": ventanilla_clerk,
        "enlace": por_notificar._enlace,
        "archivista": UserFactory(username="arturo.archivo", roles=["archivos"]),
        "unidad": UserFactory(username="tania.transparencia", roles=["transparencia"]),
    }
    client.force_login(people[who])
    response = client.post(url(por_notificar), data(por_notificar))
    assert response.status_code == 400, response.status_code
    html = response.content.decode().replace("&#x27;", "'")
    if typed is not None:
        assert typed in html
    block = _field_block(html, field)
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
