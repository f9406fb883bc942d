"""A citizen's form that fails comes back with what they typed (never a redirect that throws
it away): the public pages, the pages of a citizen account and the kiosk.

The account's and the kiosk's forms are named in `FORMS` below; the discovery test of
tests/turnos/test_formularios_apps.py fails for a form of cuentas/ or fila/ without a case here
or there.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

import cuentas.forms
import fila.forms
from cuentas.models import OPTIONAL_NOTICE_KINDS
from fila.models import HorarioCitas, Modulo, Servicio
from fila.services import CITA_CODE_LENGTH
from tests.cuentas.conftest import citizen_account

from .test_formularios import REQUIRED, TYPED

pytestmark = pytest.mark.django_db

# name of the page: (url, data posted with an error, what must come back)
PUBLIC = {
    "escrito en línea": (
        lambda o: reverse("escrito_nuevo"),
        {"asunto": "Bache frente a mi casa", "texto": TYPED},
        "Bache frente a mi casa",
    ),
    "consulta": (
        lambda o: reverse("consulta"),
        {"folio": "OP-2026-999999", "codigo": ""},
        "OP-2026-999999",
    ),
    "queja": (
        lambda o: reverse("queja_nueva"),
        {"hechos": TYPED, "fecha_hechos": "no es una fecha"},
        TYPED,
    ),
    "cita": (
        lambda o: reverse("fila_cita_nueva", args=[o.siglas]),
        {"nombre": "Remedios Salgado Typed", "telefono": "747 555 0101"},
        "Remedios Salgado Typed",
    ),
    "registro de cuenta": (
        lambda o: reverse("cuenta_registro"),
        {"email": "remedios.salgado@example.com", "password1": "a", "password2": "b"},
        "remedios.salgado@example.com",
    ),
}


@pytest.fixture
def citas(obras):
    """Obras gives appointments every working day."""
    Servicio.objects.create(secretaria=obras, nombre="Licencias", letra="A")
    modulo = Modulo.objects.create(secretaria=obras, nombre="Ventanilla 1", orden=1)
    for weekday in range(5):
        HorarioCitas.objects.create(
            modulo=modulo, dia_semana=weekday, hora_inicio="09:00", hora_fin="11:00"
        )


@pytest.mark.parametrize("page", list(PUBLIC))
def test_a_failing_public_form_keeps_what_was_typed(page, obras, citas):
    url, data, typed = PUBLIC[page]
    response = Client().post(url(obras), data)
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode().replace("&#x27;", "'")
    assert 'class="error"' in html or "alert--error" in html
    assert typed in html


def test_an_appointment_whose_last_slot_went_keeps_what_was_typed(obras):
    """The page had free slots when it was opened; none is left when it is sent."""
    Servicio.objects.create(secretaria=obras, nombre="Licencias", letra="A")
    response = Client().post(
        reverse("fila_cita_nueva", args=[obras.siglas]),
        {"nombre": "Remedios Salgado Typed", "fecha": "2099-01-05", "hora": "09:00"},
    )
    html = response.content.decode()
    assert "Remedios Salgado Typed" in html
    day = html[html.index('name="fecha"') :]
    assert "Ya no quedan horarios libres" in day[: day.index("</div>")]


def field_block(html: str, name: str) -> str:
    """The block that holds the input named `name` (or, for `#id`, with that id): a `.field`
    div, or a table cell for the forms laid out as rows."""
    attr = f'id="{name[1:]}"' if name.startswith("#") else f'name="{name}"'
    for block in re.split(r'(?=<div class="field|<td[ >])', html):
        if attr in block:
            return block
    raise AssertionError(f"no field {name} on the page")


NOTICE = OPTIONAL_NOTICE_KINDS[0].value

# form class: (signed in to a citizen account?, url, data posted with one error, the field
# (html name) that shows it, the error, what must come back)
FORMS = {
    # The citizens' sign-in: the address stays, the password (never shown again) is missing.
    cuentas.forms.EntrarForm: (
        False,
        lambda o: reverse("cuenta_entrar"),
        {"username": "remedios.salgado.typed@example.com", "password": ""},
        "password",
        REQUIRED,
        'value="remedios.salgado.typed@example.com"',
    ),
    cuentas.forms.DatosForm: (
        True,
        lambda o: reverse("cuenta_datos"),
        {"nombre": "Remedios Salgado", "domicilio": TYPED, "curp": "SAGR850101"},
        "curp",
        "La CURP no es válida",
        TYPED,
    ),
    # One checkbox field: what comes back is the box that was ticked.
    cuentas.forms.AvisosForm: (
        True,
        lambda o: reverse("cuenta_avisos"),
        {"por_correo": [NOTICE, "por-fax"]},
        "por_correo",
        "Seleccione una opción válida.",
        re.compile(rf'<input type="checkbox" name="por_correo" value="{NOTICE}"[^>]* checked>'),
    ),
    # The four ARCO rights, each a form of its own on the same page.
    cuentas.forms.AccesoForm: (
        True,
        lambda o: reverse("cuenta_privacidad"),
        {"derecho": "acceso", "acc-detalle": TYPED + " " + "x" * 2000},
        "acc-detalle",
        "Asegúrese de que este valor tenga como máximo 2000 caracteres",
        TYPED,
    ),
    cuentas.forms.RectificacionForm: (
        True,
        lambda o: reverse("cuenta_privacidad"),
        {"derecho": "rectificacion", "rect-detalle": TYPED, "rect-curp": "SAGR850101"},
        "rect-curp",
        "La CURP no es válida",
        TYPED,
    ),
    cuentas.forms.CancelacionForm: (
        True,
        lambda o: reverse("cuenta_privacidad"),
        {"derecho": "cancelacion", "canc-detalle": TYPED},
        "canc-confirmo",
        "Marque la casilla para confirmar la solicitud.",
        TYPED,
    ),
    cuentas.forms.OposicionForm: (
        True,
        lambda o: reverse("cuenta_privacidad"),
        {"derecho": "oposicion", "opos-detalle": TYPED},
        "opos-tratamiento",
        "Elija el uso de sus datos al que se opone.",
        TYPED,
    ),
    # The kiosk: one button per service, nothing typed; the error sits above the buttons.
    fila.forms.KioscoForm: (
        False,
        lambda o: reverse("fila_kiosco_servicios", args=[o.siglas]),
        {"servicio": "999999"},
        "servicio",
        "Ese servicio ya no se ofrece. Elija otro.",
        None,
    ),
    fila.forms.LlegadaForm: (
        False,
        lambda o: reverse("fila_llegada"),
        {"codigo": "K7M-2Q"},
        "codigo",
        f"El código tiene {CITA_CODE_LENGTH} letras y números",
        'value="K7M-2Q"',
    ),
}


def _html(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.parametrize("form_class", list(FORMS), ids=lambda c: c.__name__)
def test_a_failing_account_or_kiosk_form_keeps_what_was_typed_by_its_field(
    form_class, obras, citas
):
    account, url, data, field, error, typed = FORMS[form_class]
    client = Client()
    if account:
        client.force_login(citizen_account("remedios.salgado@example.com").user)
    response = client.post(url(obras), data)
    assert response.status_code == 400, response.status_code
    html = _html(response)
    if isinstance(typed, re.Pattern):
        assert typed.search(html), typed.pattern
    elif typed is not None:
        assert typed in html
    block = field_block(html, field)
    assert "field--error" in block
    assert error in block


def test_an_arco_request_refused_keeps_what_was_typed_with_the_reason_in_its_form(obras):
    """A second request of the same right while the first is pending: the service says no."""
    client = Client()
    client.force_login(citizen_account("remedios.salgado@example.com").user)
    url = reverse("cuenta_privacidad")
    first = client.post(url, {"derecho": "acceso", "acc-detalle": "Todos mis datos."})
    assert first.status_code == 302
    response = client.post(url, {"derecho": "acceso", "acc-detalle": TYPED})
    assert response.status_code == 409
    html = _html(response)
    form = html[html.index('value="acceso"') :]
    form = form[: form.index("</form>")]
    assert TYPED in form
    assert "Ya tiene una solicitud de este tipo en trámite" in form


def test_a_check_in_with_an_unknown_code_keeps_the_code_with_the_reason_by_it(obras):
    response = Client().post(reverse("fila_llegada"), {"codigo": "K7M-2QX"})
    assert response.status_code == 409
    block = field_block(_html(response), "codigo")
    assert 'value="K7M-2QX"' in block
    assert "No encontramos una cita con ese código" in block
