"""The citizen account's emails go through an outbox and a relay, like the acuses and the staff
notices: with the mail server or the broker down nothing is lost, and each email is sent
once when they are back. The mail server is a real one (aiosmtpd) on a local port."""

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cuentas.correos import account_email_send, account_emails_relay
from cuentas.models import CorreoCuenta, CorreoKind, Cuenta
from tests.conftest import celery_broker

pytestmark = pytest.mark.django_db(transaction=True)

PORTS = range(23100, 23200)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the SMTP server")


class Mailbox:
    """What the SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SmtpServer(_free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 3
    yield server
    server.stop()


def _later(settings):
    return timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS + 1)


def _body(message) -> str:
    return message.get_content()


def test_with_the_mail_server_down_the_email_waits_and_is_sent_once_when_it_is_back(smtp, settings):
    smtp.start()
    smtp.stop()  # the city hall's mail server falls
    response = Client().post(
        reverse("cuenta_registro"),
        {
            "email": "lupita@example.com",
            "password1": "luminaria-morelos-12",
            "password2": "luminaria-morelos-12",
            "acepto_aviso": "on",
        },
    )
    assert response.status_code == 302  # the citizen sees nothing wrong
    correo = CorreoCuenta.objects.get()
    assert (correo.kind, correo.sent_at) == (CorreoKind.CONFIRMAR, None)
    assert correo.attempts >= 1 and "Connection refused" in correo.last_error
    # Nothing to relay yet: the task's own retries come first.
    assert account_emails_relay() == 0

    smtp.start()  # back
    assert account_emails_relay(now=_later(settings)) == 1
    ((recipients, message),) = smtp.mailbox.messages
    assert recipients == ["lupita@example.com"]
    assert message["Subject"] == "Confirme su correo · Oficialía de Partes"
    assert "/mi-cuenta/confirmar/" in _body(message)
    correo.refresh_from_db()
    assert correo.sent_at is not None and correo.params == {}  # the link is not kept

    # A task delivered twice, and the next relay runs: still one email.
    assert account_email_send(correo_id=correo.pk) is False
    assert account_emails_relay(now=_later(settings)) == 0
    assert len(smtp.mailbox.messages) == 1


def test_with_the_broker_down_the_email_waits_in_the_outbox(smtp, settings):
    smtp.start()
    closed = _free_port()  # nothing listens there: the broker is down
    with celery_broker(f"redis://127.0.0.1:{closed}/0"):
        Client().post(
            reverse("cuenta_registro"),
            {
                "email": "beto@example.com",
                "password1": "luminaria-morelos-12",
                "password2": "luminaria-morelos-12",
                "acepto_aviso": "on",
            },
        )
        # The same address again: "that account exists" is an account email too.
        Client().post(
            reverse("cuenta_registro"),
            {
                "email": "beto@example.com",
                "password1": "otra-contraseña-12",
                "password2": "otra-contraseña-12",
                "acepto_aviso": "on",
            },
        )
    assert CorreoCuenta.objects.filter(sent_at__isnull=True).count() == 2
    assert smtp.mailbox.messages == []
    # The broker is back (tasks run in-process here): beat's relay sends both, once.
    assert account_emails_relay(now=_later(settings)) == 2
    assert account_emails_relay(now=_later(settings)) == 0
    subjects = sorted(message["Subject"] for _, message in smtp.mailbox.messages)
    assert subjects == [
        "Confirme su correo · Oficialía de Partes",
        "Su cuenta de la Oficialía de Partes",
    ]


def test_an_email_no_longer_wanted_when_its_turn_comes_is_not_sent(smtp, settings):
    smtp.start()
    with celery_broker(f"redis://127.0.0.1:{_free_port()}/0"):
        Client().post(
            reverse("cuenta_registro"),
            {
                "email": "rosa@example.com",
                "password1": "luminaria-morelos-12",
                "password2": "luminaria-morelos-12",
                "acepto_aviso": "on",
            },
        )
    # Confirmed meanwhile (a password reset link confirms the address too).
    Cuenta.objects.update(verified_at=timezone.now())
    assert account_emails_relay(now=_later(settings)) == 1
    assert smtp.mailbox.messages == []
    assert CorreoCuenta.objects.get().sent_at is not None  # handled: not relayed forever


def test_the_ventanillas_reply_to_a_rejected_email_waits_for_the_mail_server(
    smtp, settings, ventanilla_clerk
):
    """The clerk rejects a message received by email while the mail server is down: the page
    answers (it was an error page: the reply was sent in the request, after commit), and the
    reply to the sender goes out once the server is back."""
    from interoperabilidad.models import Buzon, CorreoEntrante, CorreoState

    buzon = Buzon.objects.create(clave="oficialia@example.com/INBOX")
    now = timezone.now()
    correo = CorreoEntrante.objects.create(
        buzon=buzon, uidvalidity=1, uid=1, raw_sha256="0" * 64, remitente="rosa@example.com",
        asunto="Oferta de seguros", recibido_en=now, leido_en=now,
    )  # fmt: skip
    clerk = Client()
    clerk.force_login(ventanilla_clerk)
    response = clerk.post(
        reverse("correo_rechazar", args=[correo.pk]), {"motivo": "Es publicidad."}
    )
    assert response.status_code == 302
    correo.refresh_from_db()
    assert correo.state == CorreoState.RECHAZADO
    queued = CorreoCuenta.objects.get(kind=CorreoKind.RESPUESTA_CORREO)
    assert queued.sent_at is None and queued.attempts >= 1

    smtp.start()
    assert account_emails_relay(now=_later(settings)) == 1
    assert account_emails_relay(now=_later(settings)) == 0
    ((recipients, message),) = smtp.mailbox.messages
    assert recipients == ["rosa@example.com"]
    assert message["Subject"] == "Re: Oferta de seguros"
    assert "Es publicidad." in _body(message)
