import pytest

from tests.firmas.pki import Autoridad, Servicios


@pytest.fixture(scope="session")
def sat() -> Autoridad:
    """A certification authority that issues certificates the way the SAT does."""
    return Autoridad("AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA (PRUEBAS)")


@pytest.fixture
def servicios(sat):
    """The authority's TSA and OCSP responder, on a free loopback port for this test."""
    running = Servicios(sat)
    yield running
    running.stop()


@pytest.fixture
def maria(sat):
    return sat.persona("MARIA LOPEZ PEREZ", "LOPM800101AB1", "LOPM800101MGRPRR09")
