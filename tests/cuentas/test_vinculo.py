"""Adding an escrito to an account needs proof: folio and access code, plus the account's own
confirmed address being the escrito's, or a confirmation sent to the email on the escrito. A
gestor holding many folios and codes cannot take anyone's escrito; the petitioner can claim an
escrito someone else linked; the Oficialía sees and undoes links, with a reason, on record."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cuentas.models import ConfirmacionVinculo, EscritoVinculado, LinkHow
from oficialia import access_codes
from oficialia.models import Bitacora
from tests.factories import UserFactory, file_escrito

from .conftest import citizen_account, signed_in

pytestmark = pytest.mark.django_db

PETITIONER = "rosa.petra@example.com"


def add(client: Client, folio: str, code: str):
    return client.post(
        reverse("cuenta_escrito_agregar"),
        {"agregar-folio": folio, "agregar-codigo": code},
        REMOTE_ADDR="198.51.100.3",
    )


def confirmation_path(message) -> str:
    url = re.search(r"https?://\S+/mi-cuenta/escritos/confirmar/\S+/", message.body).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.fixture
def escrito_of_rosa(db):
    """Filed at the ventanilla by a gestor on Rosa's behalf, with Rosa's email on it."""
    filed = file_escrito(nombre="Rosa Petra Díaz", email=PETITIONER, queue_acuse=False)
    return filed.escrito, access_codes.display(filed.access_code)


@pytest.fixture
def gestor(db):
    return citizen_account("gestor.rapido@example.com")


def test_folio_and_code_alone_do_not_link_an_escrito(
    escrito_of_rosa, gestor, django_capture_on_commit_callbacks
):
    escrito, code = escrito_of_rosa
    client = signed_in(gestor)
    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, escrito.folio, code)
    assert response.status_code == 302
    assert not EscritoVinculado.objects.exists()
    # The confirmation goes to the email on the escrito, never to the account that asked.
    (message,) = mail.outbox
    assert message.to == [PETITIONER]
    assert escrito.folio in message.subject
    page = client.get(reverse("cuenta_escritos"))
    assert "r*********@e******.com" in page.content.decode()
    assert page.context["rows"] == []
    assert Bitacora.objects.filter(action="cuenta.pedir_vinculo", folio=escrito.folio).exists()


def test_the_takeover_fails_and_the_petitioner_still_gets_the_escrito(
    escrito_of_rosa, gestor, django_capture_on_commit_callbacks
):
    """The gestor holds folio and code. Without the email he cannot link it; Rosa,
    registering with the escrito's email, gets it at once; opening in her own account the
    link the gestor asked for does not hand it to him."""
    escrito, code = escrito_of_rosa
    gestor_client = signed_in(gestor)
    with django_capture_on_commit_callbacks(execute=True):
        add(gestor_client, escrito.folio, code)
    path = confirmation_path(mail.outbox[0])
    # A guessed or made-up token does nothing.
    fake = gestor_client.post(reverse("cuenta_escrito_confirmar", args=["x" * 43]))
    assert "no es válido" in fake.content.decode()
    assert not EscritoVinculado.objects.exists()
    # Rosa registers with the escrito's email and adds it: in at once, with no email round.
    rosa = citizen_account(PETITIONER)
    rosa_client = signed_in(rosa)
    response = add(rosa_client, escrito.folio, code)
    assert response.url == reverse("cuenta_escrito", args=[escrito.folio])
    assert EscritoVinculado.objects.get(escrito=escrito).cuenta == rosa
    # Rosa opening the link the gestor asked for (in her own account) does not hand it over.
    refused = rosa_client.post(path)
    assert "otra cuenta" in refused.content.decode()
    assert EscritoVinculado.objects.get(escrito=escrito).cuenta == rosa
    assert rosa_client.get(reverse("cuenta_escrito", args=[escrito.folio])).status_code == 200
    assert gestor_client.get(reverse("cuenta_escrito", args=[escrito.folio])).status_code == 404


def test_the_confirmation_links_the_escrito_to_the_account_that_asked(
    escrito_of_rosa, django_capture_on_commit_callbacks
):
    """Rosa's account uses another address: she proves the escrito by its email."""
    escrito, code = escrito_of_rosa
    rosa = citizen_account("rosa.trabajo@example.com")
    client = signed_in(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, escrito.folio, code)
    path = confirmation_path(mail.outbox[0])
    # The page asks for a click first (mail scanners open links).
    assert client.get(path).status_code == 200
    assert not EscritoVinculado.objects.exists()
    response = client.post(path)
    assert response.url == reverse("cuenta_escrito", args=[escrito.folio])
    link = EscritoVinculado.objects.get(escrito=escrito)
    assert (link.cuenta, link.how) == (rosa, LinkHow.CONFIRMADO)
    # Spent: a second use is refused.
    assert "no es válido" in client.post(path).content.decode()


def test_a_confirmation_link_expires(escrito_of_rosa, django_capture_on_commit_callbacks, settings):
    escrito, code = escrito_of_rosa
    rosa = citizen_account("rosa.trabajo@example.com")
    client = signed_in(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, escrito.folio, code)
    path = confirmation_path(mail.outbox[0])
    later = timezone.now() + timedelta(hours=settings.LINK_CONFIRMATION_HOURS, minutes=1)
    with time_machine.travel(later):
        # Signed in again: the session of two days ago has expired (SESSION_COOKIE_AGE).
        assert "no es válido" in signed_in(rosa).post(path).content.decode()
    assert not EscritoVinculado.objects.exists()


def test_the_petitioner_claims_an_escrito_linked_to_someone_else_and_both_are_told(
    escrito_of_rosa, gestor, django_capture_on_commit_callbacks
):
    escrito, code = escrito_of_rosa
    # Linked to the gestor before this rule existed (or by a mistake at the desk).
    EscritoVinculado.objects.create(
        cuenta=gestor, escrito=escrito, how=LinkHow.AGREGADO, linked_at=timezone.now()
    )
    rosa = citizen_account("rosa.trabajo@example.com")
    client = signed_in(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, escrito.folio, code)
    path = confirmation_path(mail.outbox[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.url == reverse("cuenta_escrito", args=[escrito.folio])
    link = EscritoVinculado.objects.get(escrito=escrito)
    assert (link.cuenta, link.how) == (rosa, LinkHow.RECLAMADO)
    told = {m.to[0]: m.subject for m in mail.outbox}
    assert "ya no está en su cuenta" in told["gestor.rapido@example.com"]
    assert "quedó en su cuenta" in told["rosa.trabajo@example.com"]
    entry = Bitacora.objects.get(action="cuenta.reclamar_escrito")
    assert entry.changes == {"de_cuenta": gestor.pk, "a_cuenta": rosa.pk}
    assert signed_in(gestor).get(reverse("cuenta_escrito", args=[escrito.folio])).status_code == 404


def test_an_escrito_without_email_is_linked_only_at_the_oficialia(gestor):
    filed = file_escrito(nombre="Sin Correo", email="", queue_acuse=False)
    response = add(signed_in(gestor), filed.escrito.folio, filed.access_code)
    assert "acuda a la Oficialía" in response.content.decode()
    assert not EscritoVinculado.objects.exists()
    assert not ConfirmacionVinculo.objects.exists()


def test_the_oficialia_sees_and_undoes_a_link_with_a_reason(
    escrito_of_rosa, gestor, django_capture_on_commit_callbacks
):
    escrito, _ = escrito_of_rosa
    link = EscritoVinculado.objects.create(
        cuenta=gestor, escrito=escrito, how=LinkHow.AGREGADO, linked_at=timezone.now()
    )
    turnador = UserFactory(username="tere.turnadora", roles=["oficialia"])
    client = Client()
    client.force_login(turnador)
    page = client.get(reverse("oficialia_vinculos"), {"folio": escrito.folio})
    assert [r.vinculo for r in page.context["rows"]] == [link]
    assert page.context["rows"][0].email_matches is False
    # A reason is required.
    empty = client.post(reverse("oficialia_vinculos"), {"vinculo": link.pk, "motivo": " "})
    assert empty.status_code == 400
    assert EscritoVinculado.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("oficialia_vinculos"),
            {"vinculo": link.pk, "motivo": "Lo agregó un gestor; la peticionaria se identificó."},
        )
    assert done.status_code == 302
    assert not EscritoVinculado.objects.exists()
    entry = Bitacora.objects.get(action="cuenta.desvincular")
    assert entry.folio == escrito.folio and entry.actor_id == turnador.pk
    assert entry.changes["motivo"].startswith("Lo agregó un gestor")
    (message,) = mail.outbox
    assert message.to == ["gestor.rapido@example.com"]
    assert "Lo agregó un gestor" in message.body
    # Other staff roles may not.
    other = Client()
    other.force_login(UserFactory(username="vero.ventanilla", roles=["ventanilla"]))
    assert other.get(reverse("oficialia_vinculos")).status_code == 403


def test_the_oficialia_links_an_escrito_without_email_after_seeing_an_identification(
    gestor, django_capture_on_commit_callbacks
):
    filed = file_escrito(nombre="Sin Correo", email="", queue_acuse=False)
    ramon = citizen_account("ramon@example.com")
    turnador = UserFactory(username="tere.turnadora", roles=["oficialia"])
    client = Client()
    client.force_login(turnador)
    url = reverse("oficialia_vinculos")
    data = {"accion": "vincular", "folio": filed.escrito.folio, "correo": "RAMON@example.com"}
    refused = client.post(url, {**data, "motivo": ""}, follow=True)
    assert "Escriba cómo se identificó" in refused.content.decode()
    assert not EscritoVinculado.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "motivo": "INE vista en ventanilla"})
    assert done.status_code == 302
    link = EscritoVinculado.objects.get(escrito=filed.escrito)
    assert (link.cuenta, link.how) == (ramon, LinkHow.OFICIALIA)
    entry = Bitacora.objects.get(action="cuenta.vincular_oficialia")
    assert entry.changes == {"motivo": "INE vista en ventanilla"} and entry.actor == turnador


def test_a_refused_link_at_the_desk_keeps_what_was_typed_by_its_field(gestor):
    filed = file_escrito(nombre="Sin Correo", email="", queue_acuse=False)
    client = Client()
    client.force_login(UserFactory(username="tere.turnadora", roles=["oficialia"]))
    typed = "Mostró su INE 0123456789 y el acuse original"
    response = client.post(
        reverse("oficialia_vinculos"),
        {"accion": "vincular", "folio": filed.escrito.folio, "correo": "nadie@example.com",
         "motivo": typed},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert typed in html and "nadie@example.com" in html
    assert "Revise el folio y el correo de la cuenta" in html
    assert not EscritoVinculado.objects.exists()
