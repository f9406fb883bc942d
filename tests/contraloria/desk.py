"""What the tests of the contraloría's desk share: the people, and a bitácora written by them
through oficialia.bitacora.record at known moments.

Personas (as in tests/turnos/conftest.py): Olga the titular and Ernesto the enlace of Obras
Públicas, Andrés the enlace of Agua Potable, Verónica at the ventanilla, Carla the contraloría.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from correspondencia.models import Secretaria
from oficialia import bitacora
from oficialia.bitacora import RequestContextMiddleware
from oficialia.models import Bitacora
from tests.factories import SecretariaFactory, UserFactory
from tests.turnos.conftest import staff_member

MEXICO_CITY = ZoneInfo("America/Mexico_City")
OBRAS = "Secretaría de Obras Públicas"
AGUA = "Secretaría de Agua Potable"
F1 = "OP-2026-000001"
F2 = "OP-2026-000002"
# A name typed at the sign-in page that a spreadsheet would run as a formula.
FORMULA = '=HYPERLINK("http://x")'


def at(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    """A moment of June 2026, Mexico City time."""
    return datetime(2026, month, day, hour, minute, tzinfo=MEXICO_CITY)


@dataclass
class People:
    obras: Secretaria
    agua: Secretaria
    olga: object
    ernesto: object
    andres: object
    vero: object
    carla: object


def make_people() -> People:
    with time_machine.travel(at(1, 8), tick=False):
        obras = SecretariaFactory(nombre=OBRAS, siglas="SOP")
        agua = SecretariaFactory(nombre=AGUA, siglas="SAP")
        return People(
            obras=obras,
            agua=agua,
            olga=staff_member("olga.titular", "Olga", "titular", obras),
            ernesto=staff_member("ernesto.enlace", "Ernesto", "enlace", obras),
            andres=staff_member("andres.enlace", "Andrés", "enlace", agua),
            vero=UserFactory(
                username="vero.ventanilla", first_name="Verónica", roles=["ventanilla"]
            ),
            carla=UserFactory(
                username="carla.contraloria", first_name="Carla", roles=["contraloria"]
            ),
        )


def record_at(moment: datetime, user, *, ip: str = "198.51.100.7", **entry) -> Bitacora:
    """Record `entry` at `moment`, as `user` (None: no one signed in) did it from `ip`."""
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    request.user = user or AnonymousUser()
    with time_machine.travel(moment, tick=False):
        return RequestContextMiddleware(lambda r: bitacora.record(**entry))(request)


def write_log(p: People) -> list[Bitacora]:
    """A fortnight of the Oficialía, as the bitácora saw it."""
    return [
        record_at(at(8, 9), p.vero, action="escrito.recibir", object_type="escrito",
                  object_ref=F1, folio=F1,
                  changes={"descripcion": "Escrito recibido (ventanilla)"}),
        record_at(at(8, 9, 5), None, ip="189.203.4.5", action="escrito.recibir",
                  object_type="escrito", object_ref=F2, folio=F2,
                  changes={"descripcion": "Escrito recibido (en línea)"}),
        record_at(at(9, 10), p.olga, action="datos.ver", object_type="escrito", object_ref=F1,
                  folio=F1),
        record_at(at(9, 10, 30), p.olga, action="turno.accept", object_type="turno",
                  object_ref="11", folio=F1,
                  changes={"descripcion": f"{OBRAS}: aceptó el turno", "de": "pendiente",
                           "a": "aceptado", "secretaria": OBRAS}),
        record_at(at(9, 11), p.andres, action="datos.ver", object_type="escrito",
                  object_ref=F2, folio=F2),
        # Late at night on the 10th in Mexico City: already the 11th in UTC.
        record_at(at(10, 23, 30), p.ernesto, action="datos.ver", object_type="escrito",
                  object_ref=F1, folio=F1),
        record_at(at(11, 0, 10), p.ernesto, action="archivo.descargar", object_type="adjunto",
                  object_ref="7", folio=F1,
                  changes={"archivo": "solicitud.pdf", "sha256": "ab" * 32}),
        record_at(at(11, 12), None, ip="189.203.4.5", action="escrito.calificar",
                  object_type="escrito", object_ref=F2, folio=F2,
                  changes={"descripcion": "El peticionario calificó la atención: 4 de 5"}),
        # Two entries at the very same instant.
        record_at(at(12, 9), p.andres, action="sesion.entrar", object_type="usuario",
                  object_ref=str(p.andres.pk)),
        record_at(at(12, 9), p.andres, action="datos.ver", object_type="escrito",
                  object_ref=F2, folio=F2),
        record_at(at(12, 13), None, ip="203.0.113.66", action="sesion.fallida",
                  object_type="usuario", object_ref=FORMULA[:60], changes={"usuario": FORMULA},
                  actor=None, actor_label=f"Intento como «{FORMULA}»"),
        record_at(at(15, 10), p.vero, action="acuse.descargar", object_type="acuse",
                  object_ref=F1, folio=F1),
        record_at(at(15, 12), p.olga, action="catalogo.cambiar", object_type="tramite",
                  object_ref="3", changes={"objeto": "Bacheo", "plazo_dias_habiles": [10, 15]}),
    ]  # fmt: skip


def newest_first(entries) -> list[int]:
    return [e.pk for e in sorted(entries, key=lambda e: (e.at, e.pk), reverse=True)]
