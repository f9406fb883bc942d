"""The people of the turnado and a quick way to receive and route an escrito.

Personas (the turnador and the contraloría come from tests/conftest.py):
- Obras Públicas (SOP): Olga the titular, Ernesto the enlace, Óscar the operativo;
- Agua Potable (SAP): Alma the titular, Andrés the enlace.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from correspondencia.models import Channel, Escrito, PetitionerType, Secretaria
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from tests.factories import SecretariaFactory, UserFactory, file_escrito
from turnos.models import Perfil, Turno
from turnos.services import Route, escrito_turn

MEXICO_CITY = ZoneInfo("America/Mexico_City")


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """`day` at hh:mm, Mexico City time (the ayuntamiento's clock)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MEXICO_CITY)


def staff_member(username: str, first_name: str, role: str, secretaria: Secretaria | None):
    user = UserFactory(
        username=username, first_name=first_name, email=f"{username}@municipio.gob.mx", roles=[role]
    )
    Perfil.objects.create(user=user, secretaria=secretaria)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Half a dozen staff users per test: hash their passwords cheaply (logging in works)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def agua(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")


@pytest.fixture
def titular_obras(obras):
    return staff_member("olga.titular", "Olga", "titular", obras)


@pytest.fixture
def enlace_obras(obras):
    return staff_member("ernesto.enlace", "Ernesto", "enlace", obras)


@pytest.fixture
def operativo_obras(obras):
    return staff_member("oscar.operativo", "Óscar", "operativo", obras)


@pytest.fixture
def titular_agua(agua):
    return staff_member("alma.titular", "Alma", "titular", agua)


@pytest.fixture
def enlace_agua(agua):
    return staff_member("andres.enlace", "Andrés", "enlace", agua)


@pytest.fixture
def contraloria_user(contraloria_user):
    """The shared contraloría persona, with an email address for the escalations."""
    contraloria_user.email = "carla.contraloria@municipio.gob.mx"
    contraloria_user.save(update_fields=["email"])
    return contraloria_user


@pytest.fixture
def receive(db):
    """File an escrito through the real service, received at `received_at`."""

    def receive(received_at: datetime, *, tramite=None) -> Escrito:
        if tramite is None:
            return file_escrito(received_at=received_at, queue_acuse=False).escrito
        # tests.factories.file_escrito takes no trámite: same data, with one.
        data = EscritoData(
            peticionario=PetitionerData(tipo=PetitionerType.FISICA, nombre="José Luis Martínez"),
            asunto="Solicitud de bacheo",
            texto="Texto de la solicitud.",
            tramite=tramite,
        )
        return escrito_file(
            data=data, channel=Channel.EN_LINEA, received_at=received_at, queue_acuse=False
        ).escrito

    return receive


@pytest.fixture
def turn(receive, turnador, obras):
    """Receive an escrito and have the turnador route it to Obras Públicas para atención;
    the turno is returned. `due_date` and `reason` fix the due date by hand."""

    def turn(
        received_at: datetime, *, tramite=None, due_date: date | None = None, reason: str = ""
    ) -> Turno:
        escrito = receive(received_at, tramite=tramite)
        (turno,) = escrito_turn(
            escrito_id=escrito.pk,
            user=turnador,
            routes=[Route(secretaria=obras)],
            due_date=due_date,
            due_date_reason=reason,
        )
        return turno

    return turn
