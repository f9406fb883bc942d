"""The short privacy notices (LGPDPPSO arts. 21, 22): every form that collects personal data
names the responsable and its address; filing a petition asks for an acknowledgement of the
notice, not consent (art. 16)."""

import pytest
from django.test import Client
from django.urls import reverse

from correspondencia.forms import EscritoForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(settings):
    settings.INSTITUTION_NAME = "H. Ayuntamiento de Chilpancingo de los Bravo"
    settings.INSTITUTION_ADDRESS = "Plaza Cívica Primer Congreso de Anáhuac s/n, Centro, 39000"
    return settings.INSTITUTION_NAME, settings.INSTITUTION_ADDRESS


def notice_of(url: str) -> str:
    page = Client().get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    start = html.index("Aviso de privacidad")
    return html[start : start + 2500]


def test_every_short_notice_names_the_responsable_and_its_address(place):
    institution, address = place
    # The appointment form's notice is checked in tests/fila/test_pages.py.
    for url in (reverse("escrito_nuevo"), reverse("cuenta_registro"), reverse("queja_nueva")):
        notice = notice_of(url)
        assert institution in notice, url
        assert address in notice, url


def test_filing_asks_to_acknowledge_the_notice_not_to_consent():
    field = EscritoForm.base_fields["acepto_aviso"]
    assert field.label == "He leído el aviso de privacidad"
    assert "acepto" not in field.label.lower()
    html = Client().get(reverse("escrito_nuevo")).content.decode()
    assert "He leído el aviso de privacidad" in html
    assert "no requiere su consentimiento" in html
