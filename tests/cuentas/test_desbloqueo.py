"""A refused unlock of a sign-in lock comes back on its page, its error by the locked
account's row (the unlock itself: tests/turnos/test_permissions.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from oficialia import intentos
from oficialia.models import Bitacora
from tests.factories import UserFactory, sign_in_lock

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked():
    sign_in_lock()
    assert [c[0] for c in intentos.current_locks()["cuentas"]] == ["remedios.salgado"]


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="adan.admin", roles=["administracion"]))
    return client


def test_an_unlock_without_a_reason_says_so_by_the_row(locked, admin_client):
    response = admin_client.post(
        reverse("accesos_bloqueados"), {"cuenta": "remedios.salgado", "motivo": "  "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    row = html[html.index('id="motivo-c1"') :]
    assert "Escriba por qué se desbloquea" in row[: row.index("</form>")]
    assert [c[0] for c in intentos.current_locks()["cuentas"]] == ["remedios.salgado"]


def test_an_unlock_naming_neither_account_nor_address_is_refused(locked, admin_client):
    response = admin_client.post(reverse("accesos_bloqueados"), {"motivo": "Por si acaso"})
    assert response.status_code == 400
    assert "Elija una cuenta o una dirección" in response.content.decode()
    assert not Bitacora.objects.filter(action="sesion.desbloquear").exists()
