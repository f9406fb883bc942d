import pytest
from cryptography.hazmat.primitives import serialization

from tests.firmas.pki import Autoridad, Servicios


@pytest.fixture(scope="session")
def sat() -> Autoridad:
    """A certification authority that issues certificates the way the SAT does."""
    return Autoridad("AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA (PRUEBAS)")


@pytest.fixture
def servicios(sat, settings, tmp_path):
    """The authority's TSA and OCSP responder, on a free loopback port for this test; the
    TSA's CA is the one the ayuntamiento's settings name."""
    running = Servicios(sat)
    ca = tmp_path / "tsa-ca.pem"
    ca.write_bytes(sat.certificate.public_bytes(serialization.Encoding.PEM))
    settings.TSA_CA = str(ca)
    yield running
    running.stop()


@pytest.fixture
def maria(sat):
    return sat.persona("MARIA LOPEZ PEREZ", "LOPM800101AB1", "LOPM800101MGRPRR09")
