"""Only the contraloría opens its desk, and the desk changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from oficialia.models import Bitacora
from oficialia.roles import Role
from tests.factories import UserFactory
from tests.turnos.conftest import staff_member

from .desk import make_people, write_log

pytestmark = pytest.mark.django_db

DESK = [
    "contraloria_inicio",
    "contraloria_bitacora",
    "contraloria_bitacora_csv",
    "contraloria_vencidos",
    "contraloria_evaluaciones",
]


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = make_people()
    write_log(people)
    return people


@pytest.fixture
def outsiders(people) -> dict:
    """Someone of every other role, and someone with none."""
    return {
        "ventanilla": people.vero,
        "oficialia": UserFactory(username="tomas.turnador", roles=[Role.OFICIALIA]),
        "titular": people.olga,
        "enlace": people.andres,
        "operativo": staff_member("oscar.operativo", "Óscar", Role.OPERATIVO, people.obras),
        "administracion": UserFactory(username="adan.admin", roles=[Role.ADMINISTRACION]),
        "sin rol": UserFactory(username="saul.sinrol"),
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", DESK)
def test_only_the_contraloria_gets_in(name, people, outsiders):
    url = reverse(name)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('login')}?next={url}"
    for who, user in outsiders.items():
        assert signed_in(user).get(url).status_code == 403, who
    response = signed_in(people.carla).get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("name", DESK)
def test_the_desk_answers_no_post(name, people):
    assert signed_in(people.carla).post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", [n for n in DESK if n != "contraloria_bitacora_csv"])
def test_reading_the_desk_writes_nothing(name, people):
    client = signed_in(people.carla)  # signing in is on record, before counting
    before = list(Bitacora.objects.values_list("pk", flat=True))
    assert client.get(reverse(name)).status_code == 200
    assert list(Bitacora.objects.values_list("pk", flat=True)) == before


def test_a_contraloria_that_loses_its_role_loses_the_desk(people):
    client = signed_in(people.carla)
    assert client.get(reverse("contraloria_bitacora")).status_code == 200
    people.carla.groups.clear()
    assert client.get(reverse("contraloria_bitacora")).status_code == 403


def test_the_landing_page_links_to_every_page_of_the_desk(people):
    page = signed_in(people.carla).get(reverse("contraloria_inicio")).content.decode()
    for name in ("contraloria_bitacora", "contraloria_vencidos", "contraloria_evaluaciones"):
        assert f'href="{reverse(name)}"' in page
