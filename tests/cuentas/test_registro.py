"""Citizen accounts: register, confirm the address, sign in (throttled), reset the password.

A citizen account is a User with no staff role and a Cuenta; its username is an opaque
handle, so that the bitácora (append-only) never holds the citizen's email.
"""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset as axes_reset
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from cuentas.models import Cuenta
from oficialia.models import Bitacora
from oficialia.roles import roles_of
from tests.factories import UserFactory

from .conftest import PASSWORD, citizen_account

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/\S+)")


def register(client: Client, email: str, password: str = PASSWORD, **extra):
    data = {
        "email": email,
        "password1": password,
        "password2": password,
        "acepto_aviso": "on",
        **extra,
    }
    return client.post(reverse("cuenta_registro"), data)


def sign_in(client: Client, email: str, password: str = PASSWORD, address: str = "198.51.100.7"):
    return client.post(
        reverse("cuenta_entrar"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def bitacora_text() -> str:
    return " ".join(
        f"{b.actor_label} {b.object_ref} {b.changes}" for b in Bitacora.objects.all()
    ).lower()


def test_registering_sends_a_link_that_confirms_the_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, " Lupita@Example.com ")
    assert response.status_code == 302
    assert response.url == reverse("cuenta_registro_enviado")
    assert "lupita@example.com" in client.get(response.url).content.decode()

    cuenta = Cuenta.objects.get()
    assert cuenta.email == "lupita@example.com" and not cuenta.is_verified
    user = cuenta.user
    assert user.email == "lupita@example.com"
    assert user.username.startswith("ciudadano-") and "lupita" not in user.username
    assert roles_of(user) == set() and not user.is_staff and not user.is_superuser

    (message,) = mail.outbox
    assert message.to == ["lupita@example.com"]
    assert "Confirme su correo" in message.subject
    # Not confirmed yet: the right password does not sign in.
    response = sign_in(client, "lupita@example.com")
    assert "_auth_user_id" not in client.session
    assert "aún no está confirmada" in response.content.decode()
    assert reverse("cuenta_confirmar_reenviar") in response.content.decode()

    confirm = link_in(message)
    response = client.get(confirm)
    assert response.status_code == 200
    assert "Su correo quedó confirmado" in response.content.decode()
    assert Cuenta.objects.get().is_verified
    # The link is spent; opening it again says so kindly.
    assert "ya estaba confirmado" in client.get(confirm).content.decode()

    response = sign_in(client, "LUPITA@example.com ")
    assert response.status_code == 302 and response.url == reverse("cuenta_escritos")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_forged_or_foreign_confirmation_link_is_refused(client, lupita):
    unconfirmed = Cuenta.objects.create(
        user=UserFactory(username="ciudadano-x"),
        email="x@example.com",
        created_at=lupita.created_at,
    )
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(unconfirmed.user_id))
    response = client.get(reverse("cuenta_confirmar", args=[uid, "abc-123"]))
    assert response.status_code == 404
    assert "El enlace no es válido" in response.content.decode()
    assert not Cuenta.objects.get(pk=unconfirmed.pk).is_verified
    # A staff user's id is not an account.
    staff = UserFactory(username="olga.titular")
    staff_uid = urlsafe_base64_encode(force_bytes(staff.pk))
    assert client.get(reverse("cuenta_confirmar", args=[staff_uid, "x-y"])).status_code == 404


def test_registering_a_taken_address_reveals_nothing_and_tells_its_owner(
    client, lupita, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, "LUPITA@example.com", password="otra-contraseña-larga")
    assert response.status_code == 302 and response.url == reverse("cuenta_registro_enviado")
    assert Cuenta.objects.count() == 1
    (message,) = mail.outbox
    assert message.to == ["lupita@example.com"]
    assert "ya tiene una" in message.body
    assert "/mi-cuenta/contrasena/" in message.body
    # The old password still works, the new one does not.
    assert sign_in(Client(), "lupita@example.com").status_code == 302
    assert sign_in(Client(), "lupita@example.com", "otra-contraseña-larga").status_code == 400


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "no-coincide-123"}, "password2", "no coinciden"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "numérica"),
        ({"acepto_aviso": ""}, "acepto_aviso", "aviso de privacidad"),
        ({"email": "no-es-correo"}, "email", "correo electrónico válida"),
    ],
)
def test_registration_refuses_bad_data(client, overrides, field, message):
    data = {
        "email": "nuevo@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "acepto_aviso": "on",
        **overrides,
    }
    response = client.post(reverse("cuenta_registro"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors.lower() or message in errors
    assert not Cuenta.objects.exists()


def test_registering_is_rate_limited_per_address(client):
    for i in range(10):
        register(client, f"persona{i}@example.com")
    response = register(client, "una-mas@example.com")
    assert response.status_code == 429
    assert Cuenta.objects.count() == 10


def test_confirmation_can_be_sent_again_without_revealing_accounts(
    client, lupita, django_capture_on_commit_callbacks
):
    Cuenta.objects.create(
        user=UserFactory(username="ciudadano-nueva"),
        email="nueva@example.com",
        created_at=lupita.created_at,
    )
    url = reverse("cuenta_confirmar_reenviar")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(url, {"email": email})
            for email in ("nueva@example.com", "lupita@example.com", "nadie@example.com")
        ]
    assert {(r.status_code, r.url) for r in answers} == {(302, reverse("cuenta_registro_enviado"))}
    # Only the unconfirmed account gets a link (Lupita is confirmed; nobody has no account).
    assert [m.to for m in mail.outbox] == [["nueva@example.com"]]


def test_staff_accounts_do_not_enter_through_the_citizens_door(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff = UserFactory(username="olga@municipio.gob.mx", roles=["titular"])
    staff.email = "olga@municipio.gob.mx"
    staff.save()
    response = sign_in(client, "olga@municipio.gob.mx", "contraseña-de-prueba")
    assert response.status_code == 400
    assert "Correo o contraseña incorrectos" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_pages_send_anyone_without_an_account_to_the_citizens_sign_in(client):
    url = reverse("cuenta_escritos")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('cuenta_entrar')}?next={url}"
    staff = Client()
    staff.force_login(UserFactory(username="olga.titular", roles=["titular"]))
    assert staff.get(url).url == f"{reverse('cuenta_entrar')}?next={url}"


LIMIT = 5


@pytest.fixture
def axes(settings):
    settings.CLIENT_IP_HEADER = ""
    axes_reset()
    yield
    axes_reset()


def test_wrong_passwords_lock_the_account_at_the_citizens_door(axes, lupita, beto):
    address = "203.0.113.1"  # a cybercafé: Beto signs in from the same place
    responses = [sign_in(Client(), "lupita@example.com", "equivocada", address) for _ in range(5)]
    for response in responses[:-1]:
        assert response.status_code == 400
        assert "Correo o contraseña incorrectos" in response.content.decode()
    assert responses[-1].status_code == 429
    assert "Acceso bloqueado temporalmente" in responses[-1].content.decode()
    assert "Podrá intentar de nuevo a partir de las" in responses[-1].content.decode()
    assert "/mi-cuenta/contrasena/" in responses[-1].content.decode()
    locked = Client()
    assert sign_in(locked, "lupita@example.com", PASSWORD, address).status_code == 429
    assert "_auth_user_id" not in locked.session
    # Beto, from the same address, is not affected.
    assert sign_in(Client(), "beto@example.com", PASSWORD, address).status_code == 302
    # Counted under the account's handle, never its email.
    failures = AccessFailureLog.objects.all()
    assert {f.username for f in failures} == {lupita.user.username}
    assert "lupita@example.com" not in bitacora_text()


def test_wrong_passwords_from_one_address_lock_it_for_both_doors(axes, settings, lupita, beto):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    address = "192.0.2.10"
    for email in ("a@example.com", "b@example.com", "c@example.com", "d@example.com"):
        assert sign_in(Client(), email, "x", address).status_code == 400
    assert sign_in(Client(), "beto@example.com", "x", address).status_code == 429
    # The staff door shares the same counters.
    staff = Client().post(
        reverse("login"), {"username": "alguien", "password": "x"}, REMOTE_ADDR=address
    )
    assert staff.status_code == 429
    assert sign_in(Client(), "lupita@example.com", PASSWORD, "192.0.2.11").status_code == 302
    assert AccessAttempt.objects.filter(ip_address=address).exists()


def test_password_reset_is_for_citizen_accounts_and_confirms_the_address(
    client, lupita, django_capture_on_commit_callbacks
):
    staff = UserFactory(username="olga.titular", roles=["titular"])
    staff.email = "olga@municipio.gob.mx"
    staff.save()
    unconfirmed = citizen_account("nueva@example.com")
    Cuenta.objects.filter(pk=unconfirmed.pk).update(verified_at=None)
    url = reverse("cuenta_password_reset")
    for email in ("olga@municipio.gob.mx", "nadie@example.com", "NUEVA@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email})
        assert response.status_code == 302
        assert response.url == reverse("cuenta_password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["nueva@example.com"]
    reset = client.get(link_in(message), follow=True)
    assert "Elegir una contraseña nueva" in reset.content.decode()
    response = client.post(
        reset.redirect_chain[-1][0],
        {"new_password1": "otra-contraseña-larga", "new_password2": "otra-contraseña-larga"},
    )
    assert response.status_code == 302
    assert response.url == reverse("cuenta_password_reset_complete")
    assert Cuenta.objects.get(pk=unconfirmed.pk).is_verified
    assert sign_in(Client(), "nueva@example.com", "otra-contraseña-larga").status_code == 302
    # The change is on record under the account's handle, never its email.
    assert "nueva@example.com" not in bitacora_text()


def test_password_reset_links_of_staff_users_do_not_work_here(client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    staff = UserFactory(username="olga.titular", roles=["titular"])
    uid = urlsafe_base64_encode(force_bytes(staff.pk))
    token = default_token_generator.make_token(staff)
    url = reverse("cuenta_password_reset_confirm", args=[uid, token])
    response = client.get(url, follow=True)
    assert "El enlace no es válido" in response.content.decode()


def test_the_bitacora_records_the_account_by_number_never_by_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "lupita@example.com")
    client.get(link_in(mail.outbox[0]))
    sign_in(client, "lupita@example.com")
    sign_in(Client(), "lupita@example.com", "equivocada")
    cuenta = Cuenta.objects.get()
    actions = list(
        Bitacora.objects.filter(actor=cuenta.user).order_by("pk").values_list("action", flat=True)
    )
    assert actions[:3] == ["cuenta.registrar", "cuenta.confirmar", "sesion.entrar"]
    assert Bitacora.objects.filter(action="sesion.fallida").exists()
    assert "lupita" not in bitacora_text()
    assert User.objects.get(pk=cuenta.user_id).email == "lupita@example.com"
