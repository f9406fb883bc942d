"""Retention of addresses and sign-in records: the bitácora keeps a keyed hash of each new
entry's client address (the contraloría still sees that two entries share one), optionally the
address itself for a set time; an anonymous complaint leaves no address at all; failed
sign-in records and sessions expire by setting."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oficialia import bitacora
from oficialia.models import Bitacora, BitacoraIP
from oficialia.retencion import expired_records_purge
from tests.contraloria.test_quejas import queja_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "contraseña-de-prueba"


def sign_in(user, address: str) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=address
    )
    assert response.status_code == 302
    return client


@pytest.fixture(autouse=True)
def _remote_addr(settings):
    settings.CLIENT_IP_HEADER = ""


def test_new_entries_keep_a_keyed_hash_of_the_address_not_the_address(settings):
    settings.BITACORA_IP_KEY = "clave-de-prueba"
    olga = UserFactory(username="olga.titular", roles=["titular"])
    ernesto = UserFactory(username="ernesto.enlace", roles=["enlace"])
    sign_in(olga, "203.0.113.7")
    sign_in(ernesto, "203.0.113.7")
    sign_in(ernesto, "198.51.100.20")
    entries = list(Bitacora.objects.filter(action="sesion.entrar").order_by("id"))
    assert [e.ip for e in entries] == [None, None, None]
    expected = hmac.new(b"clave-de-prueba", b"203.0.113.7", hashlib.sha256).hexdigest()
    assert entries[0].ip_hmac == entries[1].ip_hmac == expected
    assert entries[2].ip_hmac != expected
    # Nothing else stores it, by default.
    assert not BitacoraIP.objects.exists()
    assert bitacora.verify().ok
    # The contraloría reads the same tag for the same address.
    contraloria = Client()
    contraloria.force_login(UserFactory(username="carla.contraloria", roles=["contraloria"]))
    page = contraloria.get(reverse("contraloria_bitacora")).content.decode()
    assert page.count(f"#{expected[:10]}") == 2
    assert "203.0.113.7" not in page
    csv = b"".join(contraloria.get(reverse("contraloria_bitacora_csv"))).decode()
    assert f"#{expected[:10]}" in csv and "203.0.113.7" not in csv


def test_a_setting_keeps_the_address_for_a_set_time(settings):
    settings.BITACORA_IP_RETENTION_DAYS = 30
    sign_in(UserFactory(username="olga.titular", roles=["titular"]), "203.0.113.7")
    entry = Bitacora.objects.get(action="sesion.entrar")
    kept = BitacoraIP.objects.get(entry=entry)
    assert kept.ip == "203.0.113.7"
    assert (
        expired_records_purge(now=timezone.now() + timedelta(days=29))["direcciones_bitacora"] == 0
    )
    assert (
        expired_records_purge(now=timezone.now() + timedelta(days=31))["direcciones_bitacora"] == 1
    )
    assert not BitacoraIP.objects.exists()
    # The entry is untouched and the chain still verifies.
    assert Bitacora.objects.get(pk=entry.pk).ip_hmac == entry.ip_hmac
    assert bitacora.verify().ok


def test_an_anonymous_complaint_stores_no_address_at_all(settings):
    settings.BITACORA_IP_RETENTION_DAYS = 30
    anonymous = Client().post(reverse("queja_nueva"), queja_form_data(), REMOTE_ADDR="192.0.2.44")
    assert anonymous.status_code == 302
    entry = Bitacora.objects.get(action="queja.recibir")
    assert (entry.ip, entry.ip_hmac) == (None, "")
    assert not BitacoraIP.objects.filter(entry=entry).exists()
    # A complainant who gives a name is not anonymous: the usual keyed hash.
    signed = Client().post(
        reverse("queja_nueva"),
        queja_form_data(nombre="Ramón Pérez", email="ramon@example.com"),
        REMOTE_ADDR="192.0.2.45",
    )
    assert signed.status_code == 302
    named = Bitacora.objects.filter(action="queja.recibir").exclude(pk=entry.pk).get()
    assert named.ip_hmac


def test_failed_sign_in_records_and_sessions_expire_by_setting(settings):
    settings.LOGIN_RECORDS_RETENTION_DAYS = 30
    client = Client()
    client.post(reverse("login"), {"username": "nadie", "password": "x"}, REMOTE_ADDR="192.0.2.9")
    assert AccessAttempt.objects.count() == AccessFailureLog.objects.count() == 1
    old = SessionStore()
    old["x"] = 1
    old.set_expiry(-60)
    old.create()
    live = SessionStore()
    live["y"] = 1
    live.create()
    purged = expired_records_purge()
    assert purged["sesiones"] == 1 and purged["intentos"] == 0
    assert Session.objects.filter(session_key=live.session_key).exists()
    later = expired_records_purge(now=timezone.now() + timedelta(days=31))
    assert later["intentos"] == 1 and later["intentos_registro"] == 1
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
