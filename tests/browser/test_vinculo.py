"""Claiming an escrito in a real browser: a gestor had it in his account; the petitioner,
signed in with her own account, adds it with folio and code, opens the confirmation sent to
the email on the escrito, confirms, and it moves to her account (the gestor's no longer
shows it). Screenshots at desktop and phone widths; axe-core at both."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cuentas.models import EscritoVinculado, LinkHow
from oficialia import access_codes
from tests.browser.test_cuentas import look
from tests.conftest import wait_for
from tests.cuentas.conftest import citizen_account
from tests.factories import file_escrito

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "luminaria-morelos-12"
ROSA = "rosa.petra@example.com"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/mi-cuenta/entrar/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis escritos")


def test_the_petitioner_claims_her_escrito_from_a_gestors_account(
    live_server, page, new_page, screenshot
):
    base = live_server.url
    filed = file_escrito(nombre="Rosa Petra Díaz", email=ROSA, asunto="Bacheo en calle Juárez")
    escrito, code = filed.escrito, access_codes.display(filed.access_code)
    gestor = citizen_account("gestor.rapido@example.com", password=PASSWORD)
    EscritoVinculado.objects.create(
        cuenta=gestor, escrito=escrito, how=LinkHow.AGREGADO, linked_at=timezone.now()
    )
    rosa = citizen_account("rosa.trabajo@example.com", password=PASSWORD)

    sign_in(page, base, "rosa.trabajo@example.com")
    page.get_by_label("Folio").fill(escrito.folio)
    page.get_by_label("Código de acceso").fill(code)
    page.get_by_role("button", name="Agregar a mis escritos").click()
    expect(page.get_by_text("le enviamos un enlace de confirmación")).to_be_visible()
    expect(page.get_by_text("r*********@e******.com", exact=False)).to_be_visible()
    look(page, screenshot, "80-vinculo-confirmacion-enviada")
    assert EscritoVinculado.objects.get(escrito=escrito).cuenta == gestor

    message = wait_for(
        lambda: next((m for m in mail.outbox if m.to == [ROSA] and "Confirme" in m.subject), None),
        message="no confirmation email to the escrito's address",
    )
    path = re.search(r"http://[^/\s]+(/mi-cuenta/escritos/confirmar/\S+/)", message.body).group(1)
    page.goto(base + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Agregar el escrito a su cuenta")
    look(page, screenshot, "81-vinculo-confirmar")
    page.get_by_role("button", name="Confirmar y agregar").click()
    expect(page.get_by_text(f"El escrito {escrito.folio} quedó en «Mis escritos».")).to_be_visible()
    expect(page.get_by_text("Bacheo en calle Juárez").first).to_be_visible()
    look(page, screenshot, "82-vinculo-reclamado")
    link = EscritoVinculado.objects.get(escrito=escrito)
    assert (link.cuenta, link.how) == (rosa, LinkHow.RECLAMADO)

    # The gestor's account no longer has it, and he was told.
    gestor_page = new_page()
    sign_in(gestor_page, base, "gestor.rapido@example.com")
    expect(gestor_page.get_by_text("Aún no hay escritos en su cuenta")).to_be_visible()
    wait_for(
        lambda: next((m for m in mail.outbox if m.to == ["gestor.rapido@example.com"]), None),
        message="the gestor was not told",
    )
