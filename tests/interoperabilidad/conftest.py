"""Two other government offices that use the API, and the Obras Públicas staff who answer
their oficios.

- Gobierno del Estado (Secretaría General de Gobierno): files oficios with a full token;
- DIF Municipal: another institution, which must never see the first one's escritos.
"""

import pytest
from django.test import Client

from correspondencia.models import Secretaria
from interoperabilidad.models import Institucion, Scope
from interoperabilidad.tokens import token_issue
from tests.factories import SecretariaFactory, UserFactory
from turnos.models import Perfil


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The receivers the tests start listen on 127.0.0.1.
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def gobierno(db) -> Institucion:
    return Institucion.objects.create(
        nombre="Secretaría General de Gobierno del Estado",
        siglas="SGG",
        correo_contacto="oficialia@sgg.gob.mx",
    )


@pytest.fixture
def dif(db) -> Institucion:
    return Institucion.objects.create(
        nombre="Sistema DIF Municipal", siglas="DIF", correo_contacto="sistemas@dif.gob.mx"
    )


def bearer(institucion: Institucion, scopes=tuple(Scope.values)) -> str:
    return token_issue(
        institucion=institucion, nombre="Sistema de gestión", scopes=list(scopes)
    ).plaintext


def client_for(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def gobierno_api(gobierno) -> Client:
    return client_for(bearer(gobierno))


@pytest.fixture
def dif_api(dif) -> Client:
    return client_for(bearer(dif))


@pytest.fixture
def obras(db) -> Secretaria:
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def titular_obras(obras):
    user = UserFactory(
        username="olga.titular", first_name="Olga", email="olga@municipio.gob.mx", roles=["titular"]
    )
    Perfil.objects.create(user=user, secretaria=obras)
    return user


@pytest.fixture
def dovecot(settings):
    """A dovecot of the test's own, and the settings that point the email intake at it."""
    import os

    from tests.conftest import missing_service

    from .imap import DOVECOT, PASSWORD, USER, Dovecot

    if not os.path.exists(DOVECOT):
        missing_service("needs Debian's dovecot-imapd (scripts/system-deps.sh test installs it)")
    server = Dovecot().start()
    settings.IMAP_HOST = "127.0.0.1"
    settings.IMAP_PORT = server.port
    settings.IMAP_SSL = False
    settings.IMAP_USER = USER
    settings.IMAP_PASSWORD = PASSWORD
    settings.IMAP_FOLDER = "INBOX"
    yield server
    server.stop()


@pytest.fixture
def ventanilla_client(client, ventanilla_clerk):
    client.force_login(ventanilla_clerk)
    return client
