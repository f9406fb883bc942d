"""A citizen's form that fails comes back with what they typed (never a redirect that throws
it away)."""

import pytest
from django.test import Client
from django.urls import reverse

from fila.models import HorarioCitas, Modulo, Servicio

from .test_formularios import TYPED

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
