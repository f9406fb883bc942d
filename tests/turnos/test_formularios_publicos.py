"""A citizen's form that fails comes back with what they typed (never a redirect that throws
it away)."""

import pytest
from django.test import Client
from django.urls import reverse

from fila.models import Servicio

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
    "registro de cuenta": (
        lambda o: reverse("cuenta_registro"),
        {"email": "remedios.salgado@example.com", "password1": "a", "password2": "b"},
        "remedios.salgado@example.com",
    ),
}


@pytest.mark.parametrize("page", list(PUBLIC))
def test_a_failing_public_form_keeps_what_was_typed(page, obras):
    Servicio.objects.create(secretaria=obras, nombre="Licencias", letra="A")
    url, data, typed = PUBLIC[page]
    response = Client().post(url(obras), data)
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode().replace("&#x27;", "'")
    assert 'class="error"' in html or "alert--error" in html
    assert typed in html
