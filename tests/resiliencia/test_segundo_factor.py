"""Staff second factor: TOTP for the roles that must use it, recovery codes, the demo users
exempt. Through the real sign-in page and real TOTP codes."""

import re
import time

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oficialia.segundo_factor import EXEMPT_GROUP
from tests.factories import UserFactory

PASSWORD = "contraseña-de-prueba"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SECOND_FACTOR_ROLES = ["titular", "contraloria", "administracion"]


def sign_in(username: str, next_url: str = "/contraloria/") -> tuple[Client, object]:
    client = Client()
    response = client.post(
        "/cuenta/entrar/", {"username": username, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    return client, client.get(response.url)


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client: Client, user) -> list[str]:
    page = client.get("/cuenta/segundo-factor/configurar/?next=/contraloria/")
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    response = client.post(
        "/cuenta/segundo-factor/configurar/",
        {"codigo": current_code(user), "next": "/contraloria/"},
    )
    assert response.status_code == 302
    codes_page = client.get(response.url)
    return re.findall(r"<li><code>([0-9a-z]+)</code></li>", codes_page.content.decode())


def test_the_contraloria_must_enrol_before_any_page_and_gets_recovery_codes(db):
    carla = UserFactory(username="carla.contraloria", roles=["contraloria"])
    client, landing = sign_in("carla.contraloria")
    assert landing.status_code == 302
    assert landing.url.startswith("/cuenta/segundo-factor/configurar/")
    codes = enrol(client, carla)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/contraloria/").status_code == 200


def test_every_sign_in_asks_for_the_code_and_a_wrong_one_is_refused(db):
    olga = UserFactory(username="olga.titular", roles=["titular"])
    client, _ = sign_in("olga.titular", "/bandeja/")
    enrol(client, olga)
    client, landing = sign_in("olga.titular", "/bandeja/")
    assert landing.url.startswith("/cuenta/segundo-factor/?")
    wrong = client.post("/cuenta/segundo-factor/", {"codigo": "000000", "next": "/bandeja/"})
    assert wrong.status_code == 200 and "no es válido" in wrong.content.decode()
    owed = client.get("/bandeja/")
    assert owed.status_code == 302, owed.content.decode()[:300]  # still owed
    # The code used to enrol is spent (no replay): the next 30-second window's code works.
    with time_machine.travel(time.time() + 31):
        right = client.post(
            "/cuenta/segundo-factor/", {"codigo": current_code(olga), "next": "/bandeja/"}
        )
    assert right.status_code == 302 and right.url == "/bandeja/"


def test_a_recovery_code_works_once(db):
    adan = UserFactory(username="adan.admin", roles=["administracion"])
    client, _ = sign_in("adan.admin", "/datos-personales/solicitudes/")
    codes = enrol(client, adan)
    client, _ = sign_in("adan.admin", "/datos-personales/solicitudes/")
    used = client.post("/cuenta/segundo-factor/", {"codigo": codes[0], "next": "/"})
    assert used.status_code == 302
    client, _ = sign_in("adan.admin", "/datos-personales/solicitudes/")
    again = client.post("/cuenta/segundo-factor/", {"codigo": codes[0], "next": "/"})
    assert again.status_code == 200


def test_roles_not_listed_and_the_demo_users_are_not_asked(db):
    UserFactory(username="tomas.turnador", roles=["oficialia"])
    _, landing = sign_in("tomas.turnador", "/oficialia/")
    assert landing.status_code == 200
    demo = UserFactory(username="titular", roles=["titular"])
    demo.groups.add(Group.objects.get_or_create(name=EXEMPT_GROUP)[0])
    _, landing = sign_in("titular", "/bandeja/")
    assert landing.status_code == 200


def test_the_setting_turns_it_off(db, settings):
    settings.SECOND_FACTOR_ROLES = []
    UserFactory(username="carla.contraloria", roles=["contraloria"])
    _, landing = sign_in("carla.contraloria")
    assert landing.status_code == 200


@pytest.mark.parametrize("next_url", ["²", "https://otro.example/", "//otro.example/", "x"])
def test_a_next_that_is_not_a_path_here_goes_to_the_staff_home(client, db, next_url):
    client.force_login(UserFactory(username="carla.contraloria", roles=["contraloria"]))
    response = client.get("/cuenta/segundo-factor/codigos/", {"next": next_url})
    assert response.status_code == 302 and response.url == "/personal/"
