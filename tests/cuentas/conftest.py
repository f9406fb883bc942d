"""The citizens of the account tests, and the staff of the turnado they deal with.

- Lupita (María Guadalupe Hernández Ruiz) has a confirmed account with her data saved;
- Beto (Alberto Sánchez) has another confirmed account: his escritos are not hers.
Staff personas come from tests/conftest.py and tests/turnos/conftest.py.
"""

import pytest
from django.test import Client

from cuentas.models import Cuenta, LinkHow
from cuentas.services import cuenta_register, cuenta_verify, escrito_link
from tests.factories import UserFactory
from tests.turnos.conftest import (  # noqa: F401  (fixtures)
    _fast_password_hashing,
    agua,
    contraloria_user,
    obras,
    operativo_obras,
    receive,
    titular_agua,
    titular_obras,
    turn,
)

PASSWORD = "luminaria-morelos-12"
LUPITA = {
    "nombre": "María Guadalupe Hernández Ruiz",
    "telefono": "747 123 4567",
    "curp": "HERM850101MGRRZR07",
    "domicilio": "Calle Morelos 12, Col. Centro, 39000",
}


def citizen_account(email: str, *, password: str = PASSWORD, **saved) -> Cuenta:
    """A confirmed citizen account, made by the real services."""
    cuenta = cuenta_register(email=email, password=password)
    cuenta_verify(user_id=cuenta.user_id)
    if saved:
        Cuenta.objects.filter(pk=cuenta.pk).update(**saved)
    cuenta.refresh_from_db()
    return cuenta


def signed_in(cuenta: Cuenta) -> Client:
    client = Client()
    client.force_login(cuenta.user)
    return client


def link(cuenta: Cuenta, escrito, how=LinkHow.PRESENTADO):
    return escrito_link(cuenta_id=cuenta.pk, escrito_id=escrito.pk, how=how)


@pytest.fixture
def lupita(db) -> Cuenta:
    return citizen_account("lupita@example.com", **LUPITA)


@pytest.fixture
def beto(db) -> Cuenta:
    return citizen_account("beto@example.com", nombre="Alberto Sánchez")


@pytest.fixture
def lupita_client(lupita) -> Client:
    return signed_in(lupita)


@pytest.fixture
def administracion(db):
    return UserFactory(username="adan.admin", first_name="Adán", roles=["administracion"])


@pytest.fixture
def unidad(db):
    """Tania, of the Unidad de Transparencia: she answers the ARCO requests."""
    return UserFactory(username="tania.transparencia", first_name="Tania", roles=["transparencia"])
