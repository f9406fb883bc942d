# ruff: noqa: F811  (the personas are re-exported from the conftests that define them)
import pytest
from cryptography.hazmat.primitives import serialization

from firmas import confianza
from tests.firmas.conftest import maria, sat, servicios  # noqa: F401
from tests.turnos.conftest import (  # noqa: F401
    _fast_password_hashing,
    agua,
    enlace_obras,
    obras,
    receive,
    titular_agua,
    titular_obras,
    turn,
)
from turnos.services import turno_accept


@pytest.fixture
def efirma_olga(sat):
    """Olga's e.firma, issued by the SAT-like authority the administración installed."""
    confianza.authority_install(sat.certificate.public_bytes(serialization.Encoding.DER))
    return sat.persona("OLGA RAMIREZ SOTO", "RASO700101AB1", "RASO700101MGRMTL05",
                       password="clave-de-olga")


@pytest.fixture
def accepted_turno(turn, titular_obras):
    def make():
        from django.utils import timezone

        turno = turn(timezone.now())
        turno_accept(turno_id=turno.pk, user=titular_obras)
        turno.refresh_from_db()
        return turno

    return make
