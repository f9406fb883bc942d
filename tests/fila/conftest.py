"""The queue's world: two secretarías with their services, módulos and staff.

- Obras Públicas (SOP): services A «Licencias y permisos» and B «Pagos y constancias»;
  módulos Ventanilla 1, 2 and 3; Olga the titular and Ernesto the enlace.
- Agua Potable (SAP): service A «Contratos de agua»; módulo Ventanilla 1; Alma the titular.

Dates: Tuesday 10 March 2026 is an ordinary working day; Saturday the 14th is not, nor is
Monday the 16th (natalicio de Benito Juárez, a federal rest day).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from correspondencia.models import Secretaria
from fila.models import Modulo, Servicio
from tests.factories import SecretariaFactory, UserFactory
from turnos.models import Perfil

MEXICO_CITY = ZoneInfo("America/Mexico_City")
TUESDAY = date(2026, 3, 10)
SATURDAY = date(2026, 3, 14)
JUAREZ = date(2026, 3, 16)


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """`day` at hh:mm, Mexico City time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MEXICO_CITY)


def at(moment: datetime):
    """Stop the clock at `moment` (for the length of a `with` block)."""
    return time_machine.travel(moment, tick=False)


def staff_member(username: str, role: str, secretaria: Secretaria | None):
    user = UserFactory(username=username, first_name=username.split(".")[0].title(), roles=[role])
    Perfil.objects.create(user=user, secretaria=secretaria)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def agua(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")


@pytest.fixture
def licencias(obras) -> Servicio:
    return Servicio.objects.create(secretaria=obras, nombre="Licencias y permisos", letra="A")


@pytest.fixture
def pagos(obras) -> Servicio:
    return Servicio.objects.create(
        secretaria=obras, nombre="Pagos y constancias", letra="B", orden=1
    )


@pytest.fixture
def contratos(agua) -> Servicio:
    return Servicio.objects.create(secretaria=agua, nombre="Contratos de agua", letra="A")


@pytest.fixture
def ventanilla_1(obras) -> Modulo:
    return Modulo.objects.create(secretaria=obras, nombre="Ventanilla 1", orden=1)


@pytest.fixture
def ventanilla_2(obras) -> Modulo:
    return Modulo.objects.create(secretaria=obras, nombre="Ventanilla 2", orden=2)


@pytest.fixture
def ventanilla_3(obras) -> Modulo:
    return Modulo.objects.create(secretaria=obras, nombre="Ventanilla 3", orden=3)


@pytest.fixture
def ventanilla_agua(agua) -> Modulo:
    return Modulo.objects.create(secretaria=agua, nombre="Ventanilla 1")


@pytest.fixture
def titular_obras(obras):
    return staff_member("olga.titular", "titular", obras)


@pytest.fixture
def enlace_obras(obras):
    return staff_member("ernesto.enlace", "enlace", obras)


@pytest.fixture
def titular_agua(agua):
    return staff_member("alma.titular", "titular", agua)
