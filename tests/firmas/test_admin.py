"""The administración installs the trusted authorities and loads CRLs in the admin."""

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile

from firmas.models import AutoridadCertificadora, ListaRevocacion
from oficialia.acciones_bitacora import Accion
from oficialia.models import Bitacora
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administracion_client(client):
    user = UserFactory(username="adan.admin", roles=["administracion"], is_staff=True)
    client.force_login(user)
    return client


def upload(client, url, name, content):
    return client.post(url, {"archivo": SimpleUploadedFile(name, content)}, follow=True)


def test_the_administracion_installs_an_authority_and_loads_its_crl(
    administracion_client, sat, maria
):
    der = sat.certificate.public_bytes(serialization.Encoding.DER)
    response = upload(administracion_client, "/admin/firmas/autoridadcertificadora/add/",
                      "ac-sat.cer", der)
    assert response.status_code == 200
    authority = AutoridadCertificadora.objects.get()
    assert authority.nombre == "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA (PRUEBAS)"
    sat.revoke(maria)
    upload(administracion_client, "/admin/firmas/listarevocacion/add/", "sat.crl", sat.crl())
    lista = ListaRevocacion.objects.get()
    assert lista.autoridad == authority and lista.revocados >= 1
    assert Bitacora.objects.filter(action=Accion.FIRMA_AUTORIDAD).exists()
    assert Bitacora.objects.filter(action=Accion.FIRMA_CRL).exists()


def test_a_person_certificate_is_refused_with_the_reason(administracion_client, maria):
    response = upload(administracion_client, "/admin/firmas/autoridadcertificadora/add/",
                      "persona.cer", maria.cer)
    assert "no es de una autoridad certificadora" in response.content.decode()
    assert not AutoridadCertificadora.objects.exists()
