"""The signed answer in a real browser: the enlace drafts, the titular returns it with a
comment, the enlace corrects it, the titular signs it with the e.firma's .cer, .key and
password, and the petitioner's answer is sent with an oficio carrying both signatures."""

import pytest
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import expect

from firmas import confianza
from oficialia import firma
from oficios.models import Borrador, EstadoBorrador
from tests.browser.test_turnado_journey import shoot, sign_in, staff_member  # noqa: F401
from tests.factories import SecretariaFactory, UserFactory, file_escrito
from tests.firmas.pki import Autoridad
from turnos.models import TurnoState
from turnos.services import Route, escrito_turn, turno_accept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RESPUESTA_SIN_FIRMA = False


def test_enlace_drafts_titular_returns_then_signs_with_efirma_and_the_answer_is_sent(
    live_server, new_page, shoot, tmp_path  # noqa: F811
):
    obras = SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")
    titular = staff_member("olga.titular", "Olga", "titular", obras)
    enlace = staff_member("ernesto.enlace", "Ernesto", "enlace", obras)
    turnador = UserFactory(username="tomas.turnador", roles=["oficialia"])
    escrito = file_escrito(queue_acuse=False).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=obras)])
    turno_accept(turno_id=turno.pk, user=titular)
    sat = Autoridad("AC DEL SAT (PRUEBAS)")
    confianza.authority_install(sat.certificate.public_bytes(serialization.Encoding.DER))
    efirma = sat.persona("OLGA RAMIREZ SOTO", "RASO700101AB1", "RASO700101MGRMTL05",
                         password="clave-de-olga")
    cer, key = tmp_path / "olga.cer", tmp_path / "olga.key"
    cer.write_bytes(efirma.cer)
    key.write_bytes(efirma.key)

    # The enlace drafts the answer and sends it to the titular.
    page = new_page()
    sign_in(page, live_server.url, enlace)
    page.goto(f"{live_server.url}/turnos/{turno.pk}/")
    page.get_by_role("link", name="Redactar la respuesta para firma").click()
    page.get_by_label("Respuesta").fill("Se programó el bacheo.")
    page.get_by_label("Positiva").check()
    page.get_by_role("button", name="Enviar al titular para firma").click()
    expect(page.get_by_role("status")).to_contain_text("Aún no se ha notificado")
    expect(page.get_by_test_id("estado-borrador")).to_contain_text("en revisión del titular")

    # The titular returns it with a comment.
    titular_page = new_page()
    sign_in(titular_page, live_server.url, titular)
    titular_page.get_by_role("link", name="Por firmar").click()
    card = titular_page.get_by_test_id(f"borrador-{escrito.folio}")
    expect(card).to_contain_text("Se programó el bacheo.")
    card.get_by_text("Devolver con observaciones").click()
    card.get_by_label("Observaciones para quien la redactó").fill("Indique la fecha.")
    card.get_by_role("button", name="Devolver").click()
    expect(titular_page.get_by_test_id("sin-pendientes")).to_be_visible()

    # The enlace sees the comment and corrects the draft.
    page.goto(f"{live_server.url}/turnos/{turno.pk}/")
    page.get_by_role("link", name="Ver o corregir la respuesta").click()
    expect(page.get_by_test_id("observaciones")).to_contain_text("Indique la fecha.")
    page.get_by_label("Respuesta").fill("El bacheo se hará el lunes 7 de diciembre.")
    page.get_by_role("button", name="Enviar al titular para firma").click()

    # The titular reviews the oficio and signs it with the e.firma.
    titular_page.goto(f"{live_server.url}/bandeja/firmas/")
    card = titular_page.get_by_test_id(f"borrador-{escrito.folio}")
    expect(card).to_contain_text("lunes 7 de diciembre")
    titular_page.get_by_label(escrito.folio).check()
    titular_page.get_by_label("Certificado (.cer)").set_input_files(str(cer))
    titular_page.get_by_label("Llave privada (.key)").set_input_files(str(key))
    titular_page.get_by_label("Contraseña de la llave privada").fill("otra-clave")
    shoot(titular_page, "firma-respuesta-por-firmar")
    titular_page.get_by_role("button", name="Aprobar, firmar y enviar").click()
    expect(titular_page.get_by_role("alert").or_(titular_page.locator(".messages"))).to_contain_text(
        "contraseña")
    # The password field comes back empty; the files must be chosen again.
    expect(titular_page.get_by_label("Contraseña de la llave privada")).to_have_value("")
    titular_page.get_by_label(escrito.folio).check()
    titular_page.get_by_label("Certificado (.cer)").set_input_files(str(cer))
    titular_page.get_by_label("Llave privada (.key)").set_input_files(str(key))
    titular_page.get_by_label("Contraseña de la llave privada").fill("clave-de-olga")
    titular_page.get_by_role("button", name="Aprobar, firmar y enviar").click()
    expect(titular_page.get_by_role("status")).to_contain_text(
        f"{escrito.folio}: respuesta firmada y registrada; pendiente de notificar")

    turno.refresh_from_db()
    assert turno.state == TurnoState.RESPONDIDO
    borrador = Borrador.objects.get(turno=turno)
    assert borrador.estado == EstadoBorrador.FIRMADO
    assert (borrador.redactado_por, borrador.firmado_por) == (enlace, titular)
    content = borrador.respuesta.oficio.file.read()
    verdicts = firma.verify_pdf(content, roots=[sat.certificate,
                                                firma.institution_identity().root])
    assert [v.valida for v in verdicts] == [True, True]

    titular_page.goto(f"{live_server.url}/turnos/{turno.pk}/")
    expect(titular_page.get_by_test_id("firmas-respuesta")).to_contain_text(
        "aprobó y firmó con e.firma")
    expect(titular_page.get_by_test_id("firmas-respuesta")).to_contain_text("RASO700101AB1")
    shoot(titular_page, "firma-respuesta-enviada")
