"""Every staff form that fails comes back with what was typed and each error next to its field
(never a redirect that throws the text away).

The forms are discovered from the staff apps' form modules: a new form there without a case
below fails `test_every_staff_form_has_a_case`.
"""

import inspect
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import oficios.forms
import turnos.forms
from oficialia.models import Notificacion
from oficios.services import borrador_submit
from tests.factories import file_escrito
from turnos.models import Sense, Turno
from turnos.services import Route, escrito_turn, tarea_assign, turno_accept, turno_give_back

pytestmark = pytest.mark.django_db

TYPED = "Texto que la persona escribió con cuidado: calle Morelos 214, colonia Centro"

# Forms of those modules that are not staff forms, or not forms posted on their own.
NOT_STAFF = {
    # The petitioner's forms, on the pages of portal/ (their own tests).
    turnos.forms.PrevencionAnswerForm: "petitioner",
    turnos.forms.RateForm: "petitioner",
    turnos.forms.DesistirForm: "petitioner",
    # Posted with the routes, in RouteForm's case.
    turnos.forms.DueDateForm: "in route",
}


def _staff_forms() -> set[type]:
    found = set()
    for module in (turnos.forms, oficios.forms):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.add(cls)
    return found - set(NOT_STAFF)


@dataclass
class Desk:
    """An escrito por turnar, a turno pending, a turno accepted with its borrador in review,
    a returned turno, a tarea and a notice: every staff form has something to act on."""

    por_turnar: object
    pendiente: Turno
    aceptado: Turno
    devuelto: Turno
    tarea: object
    borrador: object
    aviso: Notificacion


@pytest.fixture
def desk(obras, agua, turnador, titular_obras, enlace_obras, operativo_obras) -> Desk:
    def routed() -> Turno:
        escrito = file_escrito(queue_acuse=False).escrito
        (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
        return turno

    pendiente, aceptado, devuelto = routed(), routed(), routed()
    turno_accept(turno_id=aceptado.pk, user=enlace_obras)
    tarea = tarea_assign(
        turno_id=aceptado.pk,
        user=enlace_obras,
        assignee=operativo_obras,
        descripcion="Visitar el lugar",
        due_date=timezone.localdate() + timedelta(days=5),
    )
    borrador = borrador_submit(
        turno_id=aceptado.pk, user=enlace_obras, texto="Se atenderá.", sense=Sense.POSITIVA
    )
    turno_give_back(turno_id=devuelto.pk, user=enlace_obras, reason="No es de Obras")
    return Desk(
        por_turnar=file_escrito(queue_acuse=False).escrito,
        pendiente=pendiente,
        aceptado=aceptado,
        devuelto=devuelto,
        tarea=tarea,
        borrador=borrador,
        aviso=Notificacion.objects.filter(user=titular_obras).first(),
    )


@dataclass
class Case:
    """Post `data` to `url` as `who`: `field` (its html name) shows `error` beside it, or,
    when `field` is None, the form's own error box shows it; `typed` comes back."""

    who: str
    url: object
    data: object
    error: str
    field: str | None
    typed: str | None = TYPED


REQUIRED = "Este campo es obligatorio."
# The marked rows of a list: their error is shown by the «seleccionar todo» box.
SELECTION = "@seleccion"


def _route_data(d: Desk) -> dict:
    return {
        "ruta-TOTAL_FORMS": "1",
        "ruta-INITIAL_FORMS": "0",
        "ruta-MIN_NUM_FORMS": "0",
        "ruta-MAX_NUM_FORMS": "8",
        "ruta-0-secretaria": str(d.pendiente.secretaria_id),
        "ruta-0-kind": "atencion",
        "ruta-0-instruccion": TYPED,
        "plazo-due_date": "no es una fecha",
    }


def _turno(action):
    return lambda d: reverse("turno_accion", args=[d.aceptado.pk, action])


CASES: dict[type, Case] = {
    # The Oficialía's routing page: the routes typed stay, the date shows its error.
    turnos.forms.RouteFormSet.form: Case(
        "turnador",
        lambda d: reverse("oficialia_escrito", args=[d.por_turnar.folio]),
        _route_data,
        "Introduzca una fecha válida.",
        "plazo-due_date",
    ),
    turnos.forms.ReasonForm: Case(
        "turnador",
        lambda d: reverse("oficialia_decidir", args=[d.por_turnar.folio, "reorientar"]),
        lambda d: {"reorientar-reason": TYPED + " " + "x" * 2000},
        "Asegúrese de que este valor tenga como máximo 2000 caracteres",
        "reorientar-reason",
    ),
    turnos.forms.RerouteForm: Case(
        "turnador",
        lambda d: reverse("turno_returnar", args=[d.devuelto.pk]),
        lambda d: {"instruccion": TYPED},
        REQUIRED,
        "secretaria",
    ),
    turnos.forms.LoteTurnarForm: Case(
        "turnador",
        lambda d: reverse("oficialia_turnar_lote"),
        lambda d: {"lote-escritos": [str(d.por_turnar.pk)], "lote-instruccion": TYPED},
        REQUIRED,
        "lote-secretaria",
    ),
    turnos.forms.AssignForm: Case(
        "enlace",
        _turno("asignar"),
        lambda d: {"tarea-descripcion": TYPED, "tarea-due_date": "2099-01-01"},
        REQUIRED,
        "tarea-assignee",
    ),
    turnos.forms.PreventForm: Case(
        "enlace",
        lambda d: reverse("turno_accion", args=[d.pendiente.pk, "prevenir"]),
        lambda d: {"prevencion-texto": TYPED},
        "No se puede hacer esto ahora",
        None,
    ),
    turnos.forms.ProrrogaForm: Case(
        "enlace",
        _turno("prorrogar"),
        lambda d: {"prorroga-days": "0", "prorroga-reason": TYPED},
        "Asegúrese de que este valor sea mayor o igual a 1.",
        "prorroga-days",
    ),
    turnos.forms.AcuerdoNoPresentadoForm: Case(
        "enlace",
        _turno("no-presentado"),
        lambda d: {"acuerdo-texto": TYPED},
        "Este turno no tiene una prevención sin responder.",
        None,
    ),
    turnos.forms.AnswerForm: Case(
        "enlace",
        _turno("responder"),
        lambda d: {"respuesta-texto": TYPED},
        REQUIRED,
        "respuesta-sense",
    ),
    turnos.forms.LoteAceptarForm: Case(
        "enlace",
        lambda d: reverse("bandeja_lote", args=["aceptar"]),
        lambda d: {},
        "Marque al menos uno en la lista.",
        SELECTION,
        typed=None,
    ),
    turnos.forms.LoteAsignarForm: Case(
        "enlace",
        lambda d: reverse("bandeja_lote", args=["asignar"]),
        lambda d: {"turnos": [str(d.aceptado.pk)], "descripcion": TYPED},
        REQUIRED,
        "assignee",
    ),
    turnos.forms.SuplenciaForm: Case(
        "enlace",
        lambda d: reverse("suplencias"),
        lambda d: {"desde": "2099-01-10", "hasta": "2099-01-05", "motivo": TYPED[:200]},
        "La fecha final no puede ser anterior a la inicial.",
        "hasta",
        typed=TYPED[:200],
    ),
    turnos.forms.AvisosForm: Case(
        "titular",
        lambda d: reverse("notificaciones"),
        lambda d: {"avisos-avisos": ["no-es-un-numero"]},
        "La selección no es válida",
        SELECTION,
        typed=None,
    ),
    turnos.forms.TareaProgressForm: Case(
        "operativo",
        lambda d: reverse("tarea_detalle", args=[d.tarea.pk]),
        lambda d: {"state": "otro", "texto": TYPED},
        "Seleccione una opción válida.",
        "state",
    ),
    oficios.forms.BorradorForm: Case(
        "enlace",
        lambda d: reverse("borrador_respuesta", args=[d.aceptado.pk]),
        lambda d: {"texto": TYPED},
        REQUIRED,
        "sense",
    ),
    oficios.forms.DevolverForm: Case(
        "titular",
        lambda d: reverse("borrador_devolver", args=[d.borrador.pk]),
        lambda d: {f"devolver-{d.borrador.pk}-observaciones": "   "},
        REQUIRED,
        "devolver-{pk}-observaciones",
        typed=None,
    ),
    oficios.forms.FirmarForm: Case(
        "titular",
        lambda d: reverse("firmas_pendientes"),
        lambda d: {"borradores": [str(d.borrador.pk)], "password": "secreta"},
        REQUIRED,
        "cer",
        typed=None,
    ),
    oficios.forms.PlantillaForm: Case(
        "titular",
        lambda d: reverse("plantillas"),
        lambda d: {"nombre": "Respuesta de bacheo", "texto": TYPED + " {nombre_del_perro}"},
        "Estas variables no existen: {nombre_del_perro}",
        "texto",
    ),
}


def test_every_staff_form_has_a_case():
    missing = {cls.__name__ for cls in _staff_forms()} - {cls.__name__ for cls in CASES}
    assert not missing, f"staff forms without a kept-text test: {sorted(missing)}"


def _field_block(html: str, name: str) -> str:
    """The `.field` block that holds the input named `name`."""
    for block in re.split(r'(?=<div class="field)', html):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field named {name} on the page")


@pytest.mark.parametrize("form_class", list(CASES), ids=lambda c: c.__name__)
def test_a_failing_staff_form_keeps_what_was_typed_and_shows_each_error_by_its_field(
    form_class, desk, turnador, titular_obras, enlace_obras, operativo_obras
):
    case = CASES[form_class]
    who = {
        "turnador": turnador,
        "titular": titular_obras,
        "enlace": enlace_obras,
        "operativo": operativo_obras,
    }[case.who]
    client = Client()
    client.force_login(who)
    response = client.post(case.url(desk), case.data(desk))
    assert response.status_code in (200, 400, 409), response.status_code
    html = response.content.decode()
    if case.typed is not None:
        assert case.typed in html.replace("&#x27;", "'")
    if case.field == SELECTION:
        after = html[html.index("data-select-all") :]
        assert case.error in after[:800]
    elif case.field is None:
        alert = html[html.index('class="alert alert--error"') :]
        assert case.error in alert[: alert.index("</div>")]
    else:
        field = case.field.replace("{pk}", str(desk.borrador.pk))
        block = _field_block(html, field)
        assert "field--error" in block
        assert case.error in block


def test_a_staff_page_never_repeats_a_field_id(desk, turnador, titular_obras, enlace_obras):
    """Two inputs with one id break their labels (and the HTML): checked on every desk page
    that holds several forms."""
    pages = [
        (turnador, reverse("oficialia_escrito", args=[desk.por_turnar.folio])),
        (turnador, reverse("oficialia_inbox")),
        (enlace_obras, reverse("turno_detalle", args=[desk.aceptado.pk])),
        (enlace_obras, reverse("bandeja")),
        (titular_obras, reverse("firmas_pendientes")),
        (titular_obras, reverse("notificaciones")),
        (titular_obras, reverse("suplencias")),
        (titular_obras, reverse("plantillas")),
    ]
    # A second draft in review: the titular's desk shows two return forms.
    other = file_escrito(queue_acuse=False).escrito
    (turno,) = escrito_turn(
        escrito_id=other.pk, user=turnador, routes=[Route(desk.aceptado.secretaria)]
    )
    turno_accept(turno_id=turno.pk, user=enlace_obras)
    borrador_submit(turno_id=turno.pk, user=enlace_obras, texto="Otra.", sense=Sense.NEGATIVA)
    for user, url in pages:
        client = Client()
        client.force_login(user)
        html = client.get(url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        repeated = {i for i in ids if ids.count(i) > 1}
        assert not repeated, (url, repeated)


def test_the_answer_without_signature_keeps_the_text_when_the_sense_is_missing(
    desk, enlace_obras, settings
):
    settings.RESPUESTA_SIN_FIRMA = True
    client = Client()
    client.force_login(enlace_obras)
    response = client.get(reverse("turno_detalle", args=[desk.aceptado.pk]))
    assert response.status_code == 200
    response = client.post(
        reverse("turno_accion", args=[desk.aceptado.pk, "responder"]),
        {"respuesta-texto": TYPED},
    )
    assert response.status_code == 400
    assert TYPED in response.content.decode()
