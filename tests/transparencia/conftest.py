"""Escritos that live their whole life through the real services, at the moments chosen by
the test (the clock is moved with time-machine), and a way to read the figures back.

Personas: the turnador (tests/conftest.py); Olga, titular of Obras Públicas (SOP); Alma,
titular of Agua Potable (SAP).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from correspondencia.models import Channel, Escrito, PetitionerType, Tramite
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from tests.factories import SecretariaFactory, UserFactory, notify_electronically
from transparencia import selectors, services
from transparencia.figures import Estadisticas, Figure, build_figures
from transparencia.models import ALL_SCOPE
from turnos import services as turnos
from turnos.models import Perfil, Turno
from turnos.services import Route

MX = ZoneInfo("America/Mexico_City")


def local(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on the ayuntamiento's clock (Mexico City)."""
    return datetime(y, m, d, hour, minute, tzinfo=MX)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db):
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def agua(db):
    return SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")


def _titular(username: str, secretaria):
    user = UserFactory(username=username, first_name=username.split(".")[0], roles=["titular"])
    Perfil.objects.create(user=user, secretaria=secretaria)
    return user


class Life:
    """Each step of an escrito through the real services, at a moment of the test's choosing."""

    def __init__(self, turnador, titulares: dict):
        self.turnador = turnador
        self.titulares = titulares  # secretaría id → its titular

    def receive(
        self,
        when: datetime,
        *,
        tipo: str = PetitionerType.FISICA,
        genero: str = "",
        channel: str = Channel.EN_LINEA,
        tramite: Tramite | None = None,
        **personal,
    ) -> Escrito:
        data = EscritoData(
            peticionario=PetitionerData(
                tipo=tipo,
                nombre=personal.pop("nombre", "José Luis Martínez"),
                email=personal.pop("email", ""),
                telefono=personal.pop("telefono", ""),
                curp=personal.pop("curp", ""),
                rfc=personal.pop("rfc", ""),
                genero=genero,
            ),
            asunto=personal.pop("asunto", "Solicitud de bacheo"),
            texto=personal.pop("texto", "Texto de la solicitud."),
            tramite=tramite,
            **personal,
        )
        return escrito_file(data=data, channel=channel, received_at=when, queue_acuse=False).escrito

    def turn(self, escrito: Escrito, when: datetime, *secretarias) -> list[Turno]:
        with time_machine.travel(when, tick=False):
            return turnos.escrito_turn(
                escrito_id=escrito.pk,
                user=self.turnador,
                routes=[Route(secretaria=s) for s in secretarias],
            )

    def accept(self, turno: Turno, when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            turnos.turno_accept(turno_id=turno.pk, user=self.titulares[turno.secretaria_id])

    def answer(
        self,
        turno: Turno,
        when: datetime,
        sense: str,
        texto: str = "Respuesta.",
        *,
        notified: datetime | bool = True,
    ) -> None:
        """Answer at `when`; the petitioner opens it then (`notified` True), at another
        moment, or not yet (False)."""
        with time_machine.travel(when, tick=False):
            turnos.turno_answer(
                turno_id=turno.pk,
                user=self.titulares[turno.secretaria_id],
                texto=texto,
                sense=sense,
            )
        if notified is not False:
            self.notify(turno.escrito, when if notified is True else notified)

    def notify(self, escrito: Escrito, when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            notify_electronically(escrito)

    def prevent(
        self, turno: Turno, when: datetime, texto: str = "Falta su identificación."
    ) -> None:
        with time_machine.travel(when, tick=False):
            turnos.turno_prevent(
                turno_id=turno.pk, user=self.titulares[turno.secretaria_id], texto=texto
            )
            notify_electronically(turno.escrito)

    def rate(self, escrito: Escrito, when: datetime, score: int, comentario: str = "") -> None:
        with time_machine.travel(when, tick=False):
            turnos.escrito_rate(escrito_id=escrito.pk, score=score, comentario=comentario)

    def reject(self, escrito: Escrito, when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            turnos.escrito_reject(escrito_id=escrito.pk, user=self.turnador, reason="Vacío")

    def live(
        self,
        received: datetime,
        secretaria,
        *,
        answered: datetime | None = None,
        sense: str = "positiva",
        score: int | None = None,
        **receive,
    ) -> Escrito:
        """Received, turned to `secretaria` an hour later, accepted, answered at `answered`
        (if given) and rated the next day (if `score`)."""
        escrito = self.receive(received, **receive)
        (turno,) = self.turn(escrito, received.replace(minute=30), secretaria)
        if answered is not None:
            self.accept(turno, answered.replace(hour=9))
            self.answer(turno, answered, sense)
            if score is not None:
                self.rate(escrito, answered.replace(hour=18), score)
        return escrito


@pytest.fixture
def life(turnador, obras, agua) -> Life:
    return Life(
        turnador,
        {obras.pk: _titular("olga.titular", obras), agua.pk: _titular("alma.titular", agua)},
    )


def figures(year: int, secretaria=None, *, today: date) -> Estadisticas:
    """Consume the log, then read the page's figures as of `today`."""
    services.statistics_refresh()
    scope = secretaria.pk if secretaria else ALL_SCOPE
    return build_figures(selectors.datos_read(year=year, scope=scope, today=today))


def figure(stats: Estadisticas, slug: str) -> Figure:
    return next(f for f in stats.figures if f.slug == slug)


def rows(stats: Estadisticas, slug: str, table: int = 0) -> dict[str, list[str]]:
    """A figure's table (0) or one of its extra tables (1...): row header → the other cells."""
    f = figure(stats, slug)
    chosen = f.table if table == 0 else f.extra_tables[table - 1]
    return {row[0]: row[1:] for row in chosen.rows}
