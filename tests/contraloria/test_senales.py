"""Anti-coyotaje signals: each pattern, built through the real services, is flagged with the
escritos or bitácora entries behind it; ordinary traffic flags nothing."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from contraloria.signals_selectors import ContactKind, Pace, Period, signals
from correspondencia.models import Channel, PetitionerType
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from oficialia import bitacora
from oficialia.adjuntos import inspect_all
from oficialia.calendario import BusinessCalendar
from oficialia.models import Bitacora
from oficialia.roles import Role
from tests.factories import SecretariaFactory, UserFactory, pdf_bytes, upload
from tests.turnos.conftest import local, staff_member
from turnos.models import Perfil
from turnos.services import (
    Route,
    escrito_turn,
    prevencion_answer,
    tarea_assign,
    turno_accept,
    turno_answer,
    turno_prevent,
)

pytestmark = pytest.mark.django_db

# June 2026 has no federal rest day: business days are Monday to Friday.
JUNE = Period(date(2026, 6, 1), date(2026, 6, 30))
MONDAY_1_JUNE = date(2026, 6, 1)
WEDNESDAY_10_JUNE = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    """Thresholds small enough to build each pattern with a handful of escritos."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SENAL_CONTACTO_PETICIONARIOS = 4
    settings.SENAL_CONTACTO_DIAS = 30
    settings.SENAL_CAPTURAS_PCT = 300
    settings.SENAL_CAPTURAS_MINIMO = 6
    settings.SENAL_RESPUESTA_RAPIDA_PCT = 20
    settings.SENAL_RESPUESTA_LENTA_PCT = 300
    settings.SENAL_RESPUESTA_MUESTRA = 5


@pytest.fixture
def obras(db):
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def agua(db):
    return SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")


@pytest.fixture
def titular_obras(obras):
    return staff_member("olga.titular", "Olga", Role.TITULAR, obras)


@pytest.fixture
def operativo_obras(obras):
    return staff_member("oscar.operativo", "Óscar", Role.OPERATIVO, obras)


@pytest.fixture
def titular_agua(agua):
    return staff_member("alma.titular", "Alma", Role.TITULAR, agua)


@pytest.fixture
def clerks(ventanilla_clerk):
    return [
        ventanilla_clerk,
        UserFactory(username="victor.ventanilla", first_name="Víctor", roles=[Role.VENTANILLA]),
        UserFactory(username="vania.ventanilla", first_name="Vania", roles=[Role.VENTANILLA]),
    ]


_counter = iter(range(1, 100_000))


def receive(
    *,
    at,
    nombre: str | None = None,
    email: str = "",
    telefono: str = "",
    curp: str = "",
    captured_by=None,
):
    """An escrito received at `at` through the real service (a new person unless named)."""
    nombre = nombre or f"Persona Distinta {next(_counter)}"
    data = EscritoData(
        peticionario=PetitionerData(
            tipo=PetitionerType.FISICA, nombre=nombre, email=email, telefono=telefono, curp=curp
        ),
        asunto="Solicitud de constancia",
        texto="Texto de la solicitud.",
    )
    channel = Channel.VENTANILLA if captured_by else Channel.EN_LINEA
    return escrito_file(
        data=data, channel=channel, captured_by=captured_by, received_at=at, queue_acuse=False
    ).escrito


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The same contact for many petitioners -----------------------------------------------------

CLIENTS = ["Ana López", "Beto Ruiz", "Carmen Díaz", "Daniel Soto", "Elena Cruz"]


def test_one_email_on_escritos_of_many_petitioners_is_flagged(clerks):
    escritos = [
        receive(at=local(date(2026, 6, 2 + i)), nombre=name, email="Gestoria.Rapida@example.com")
        for i, name in enumerate(CLIENTS[:3])
    ]
    # The fourth comes through the ventanilla, with the address in another case.
    escritos.append(
        receive(
            at=local(date(2026, 6, 9)),
            nombre=CLIENTS[3],
            email="gestoria.rapida@EXAMPLE.com",
            captured_by=clerks[0],
        )
    )
    (signal,) = signals(JUNE).contacts
    assert signal.kind == ContactKind.EMAIL
    assert signal.value == "Gestoria.Rapida@example.com"
    assert signal.petitioners == 4
    assert [e.folio for e in signal.escritos] == [e.folio for e in escritos]


def test_one_phone_however_written_is_flagged():
    phones = ["747 123 4567", "(747) 123-4567", "+52 747 123 4567", "7471234567"]
    escritos = [
        receive(at=local(date(2026, 6, 3), 9 + i), nombre=name, telefono=phone)
        for i, (name, phone) in enumerate(zip(CLIENTS, phones, strict=False))
    ]
    (signal,) = signals(JUNE).contacts
    assert (signal.kind, signal.petitioners) == (ContactKind.PHONE, 4)
    assert {e.folio for e in signal.escritos} == {e.folio for e in escritos}


def test_one_name_filing_for_many_people_is_flagged():
    """A gestor who files in their own name with each client's CURP or contact."""
    identities = [
        {"curp": "LOAA800101MGRPNN09"},
        {"curp": "RUBB810202HGRZRT01"},
        {"email": "carmen@example.com"},
        {"telefono": "744 555 0101"},
    ]
    escritos = [
        receive(at=local(date(2026, 6, 4 + i)), nombre=name, **identity)
        for i, (name, identity) in enumerate(
            zip(
                [
                    "José Pérez Gestor",
                    "JOSE PEREZ GESTOR",
                    "José  Pérez Gestor",
                    "josé pérez gestor",
                ],
                identities,
                strict=True,
            )
        )
    ]
    (signal,) = signals(JUNE).contacts
    assert (signal.kind, signal.petitioners) == (ContactKind.NAME, 4)
    assert signal.value == "José Pérez Gestor"
    assert [e.folio for e in signal.escritos] == [e.folio for e in escritos]


def test_the_same_contact_spread_beyond_the_window_is_not_flagged():
    # Four petitioners, but never more than three inside any 30 days.
    for day, name in zip(
        [date(2026, 5, 1), date(2026, 5, 20), date(2026, 6, 10), date(2026, 6, 25)],
        CLIENTS,
        strict=False,
    ):
        receive(at=local(day), nombre=name, email="gestoria@example.com")
    assert signals(Period(date(2026, 5, 1), date(2026, 6, 30))).contacts == []


# A ventanilla clerk far above the others ---------------------------------------------------


def capture(clerk, count: int, day: date = WEDNESDAY_10_JUNE) -> list:
    return [receive(at=local(day, 9 + i % 8, i % 60), captured_by=clerk) for i in range(count)]


def test_a_clerk_capturing_far_more_than_the_others_that_day_is_flagged(clerks):
    heavy = capture(clerks[0], 8)
    capture(clerks[1], 2)
    capture(clerks[2], 3)
    (signal,) = signals(JUNE).captures
    assert signal.clerk == clerks[0]
    assert (signal.day, signal.count, signal.peers, signal.peers_median) == (
        WEDNESDAY_10_JUNE,
        8,
        2,
        2.5,
    )
    assert [e.folio for e in signal.escritos] == [e.folio for e in heavy]


def test_a_busy_day_for_every_clerk_or_a_clerk_alone_is_not_flagged(clerks):
    for clerk, count in zip(clerks, (8, 7, 6), strict=True):
        capture(clerk, count)
    # Alone at the ventanilla on another day: there is no one to compare with.
    capture(clerks[0], 12, day=date(2026, 6, 11))
    # Far above, but below the minimum count that makes a day worth a look.
    capture(clerks[1], 5, day=date(2026, 6, 12))
    capture(clerks[2], 1, day=date(2026, 6, 12))
    assert signals(JUNE).captures == []


# Staff who open escritos outside their secretaría's turnos ---------------------------------


def test_opening_an_escrito_of_another_secretaria_is_flagged(
    time_machine, turnador, obras, titular_obras, titular_agua
):
    time_machine.move_to(local(MONDAY_1_JUNE, 9), tick=False)
    adjunto = upload("plano.pdf", pdf_bytes(), "application/pdf")
    escrito = escrito_file(
        data=EscritoData(
            peticionario=PetitionerData(tipo=PetitionerType.FISICA, nombre="Rosa Martínez"),
            asunto="Permiso de construcción",
            adjuntos=inspect_all([adjunto]),
        ),
        channel=Channel.EN_LINEA,
        queue_acuse=False,
    ).escrito
    # Olga (Obras) looks before the escrito is turned to Obras ...
    time_machine.move_to(local(MONDAY_1_JUNE, 10), tick=False)
    early = bitacora.record(
        action="datos.ver",
        object_type="escrito",
        object_ref=escrito.folio,
        folio=escrito.folio,
        actor=titular_obras,
    )
    time_machine.move_to(local(MONDAY_1_JUNE, 11), tick=False)
    escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    # ... and Alma (Agua Potable) opens it and downloads its file: no turno of Agua.
    time_machine.move_to(local(date(2026, 6, 2), 12), tick=False)
    seen = bitacora.record(
        action="datos.ver",
        object_type="escrito",
        object_ref=escrito.folio,
        folio=escrito.folio,
        actor=titular_agua,
    )
    downloaded = bitacora.record(
        action="archivo.descargar",
        object_type="adjunto",
        object_ref=str(escrito.adjuntos.get().pk),
        folio=escrito.folio,
        changes={"archivo": "plano.pdf"},
        actor=titular_agua,
    )
    found = {s.actor.username: s for s in signals(JUNE).outside}
    assert set(found) == {"olga.titular", "alma.titular"}
    assert found["alma.titular"].entries == [seen, downloaded]
    assert found["alma.titular"].secretaria == "Secretaría de Agua Potable"
    assert found["alma.titular"].folios == [escrito.folio]
    assert found["olga.titular"].entries == [early]


# Answers far from the secretaría's usual -----------------------------------------------------


def answered_after(
    time_machine, *, business_days: int, secretaria, titular, turnador, prevented_days: int = 0
):
    """An escrito turned on Monday 1 June and answered `business_days` later (of which
    `prevented_days` inside a prevención)."""
    calendar = BusinessCalendar()
    time_machine.move_to(local(MONDAY_1_JUNE, 9), tick=False)
    escrito = receive(at=local(MONDAY_1_JUNE, 9))
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria)])
    turno_accept(turno_id=turno.pk, user=titular)
    if prevented_days:
        time_machine.move_to(local(MONDAY_1_JUNE, 13), tick=False)
        turno_prevent(turno_id=turno.pk, user=titular, texto="Anexe su identificación.")
        answered = calendar.add_business_days(MONDAY_1_JUNE, prevented_days)
        time_machine.move_to(local(answered, 10), tick=False)
        prevencion_answer(escrito_id=escrito.pk, texto="Anexo mi INE.", files=[])
    day = calendar.add_business_days(MONDAY_1_JUNE, business_days)
    time_machine.move_to(local(day, 12), tick=False)
    return turno_answer(turno_id=turno.pk, user=titular, texto="Atendido.", sense="positiva")


def test_answers_far_faster_or_slower_than_their_secretaria_are_flagged(
    time_machine, turnador, obras, titular_obras
):
    people = {"secretaria": obras, "titular": titular_obras, "turnador": turnador}
    for _ in range(6):
        answered_after(time_machine, business_days=5, **people)
    fast = answered_after(time_machine, business_days=0, **people)
    slow = answered_after(time_machine, business_days=20, **people)
    found = signals(JUNE).answers
    assert [(s.respuesta, s.pace, s.days, s.median, s.sample) for s in found] == [
        (fast, Pace.FAST, 0, 5, 8),
        (slow, Pace.SLOW, 20, 5, 8),
    ]


def test_answers_of_a_secretaria_with_too_few_answers_are_not_judged(
    time_machine, turnador, agua, titular_agua
):
    people = {"secretaria": agua, "titular": titular_agua, "turnador": turnador}
    for days in (5, 5, 0, 20):
        answered_after(time_machine, business_days=days, **people)
    assert signals(JUNE).answers == []


# Ordinary traffic --------------------------------------------------------------------------


def test_ordinary_traffic_raises_no_signal(
    time_machine,
    clerks,
    turnador,
    obras,
    agua,
    titular_obras,
    operativo_obras,
    titular_agua,
    contraloria_user,
):
    # A family shares one address (three names), a citizen files five times with her own.
    for name in ("Luis Gómez", "María Gómez", "Pedro Gómez"):
        receive(at=local(date(2026, 6, 3)), nombre=name, email="familia.gomez@example.com")
    for day in range(2, 7):
        receive(
            at=local(date(2026, 6, day)),
            nombre="Teresa Vázquez",
            email="teresa@example.com",
            telefono="747 000 1111",
            curp="VAZT700101MGRZRR05",
        )
    # Every clerk has a busy day, none far above the others.
    for clerk, count in zip(clerks, (9, 8, 7), strict=True):
        capture(clerk, count)
    # Obras answers in 4 to 6 business days; one answer took 9, but 4 of them in prevención.
    people = {"secretaria": obras, "titular": titular_obras, "turnador": turnador}
    for days in (4, 5, 5, 6, 5):
        answered_after(time_machine, business_days=days, **people)
    answered_after(time_machine, business_days=9, prevented_days=4, **people)

    # Everyone opens what their work led them to.
    time_machine.move_to(local(date(2026, 6, 22), 9), tick=False)
    escrito = receive(at=local(date(2026, 6, 22), 9), captured_by=clerks[0])
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=titular_obras)
    tarea_assign(
        turno_id=turno.pk,
        user=titular_obras,
        assignee=operativo_obras,
        descripcion="Inspeccionar",
        due_date=date(2026, 6, 26),
    )
    for user in (titular_obras, operativo_obras, turnador, contraloria_user):
        response = staff_client(user).get(reverse("escrito_detalle", args=[escrito.folio]))
        assert response.status_code == 200
    response = staff_client(clerks[0]).get(reverse("ventanilla_escrito", args=[escrito.folio]))
    assert response.status_code == 200
    # Alma moved from Agua Potable to Obras: what she opened in Agua was Agua's.
    agua_escrito = receive(at=local(date(2026, 6, 22), 10))
    escrito_turn(escrito_id=agua_escrito.pk, user=turnador, routes=[Route(agua)])
    staff_client(titular_agua).get(reverse("escrito_detalle", args=[agua_escrito.folio]))
    Perfil.objects.filter(user=titular_agua).update(secretaria=obras)

    assert Bitacora.objects.filter(action="datos.ver").count() >= 6
    found = signals(JUNE)
    assert (found.contacts, found.captures, found.outside, found.answers) == ([], [], [], [])
    assert found.total == 0


# The page ----------------------------------------------------------------------------------


def test_the_page_lists_each_signal_with_links_to_its_evidence(
    time_machine, clerks, contraloria_user, titular_agua, titular_obras, obras, turnador
):
    time_machine.move_to(local(date(2026, 6, 20), 9), tick=False)
    gestor = [
        receive(at=local(date(2026, 6, 2 + i)), nombre=name, email="gestor@example.com")
        for i, name in enumerate(CLIENTS[:4])
    ]
    heavy = capture(clerks[0], 7)
    capture(clerks[1], 1)
    escrito_turn(escrito_id=heavy[0].pk, user=turnador, routes=[Route(obras)])
    people = {"secretaria": obras, "titular": titular_obras, "turnador": turnador}
    for days in (5, 5, 5, 5, 5, 19):
        slow = answered_after(time_machine, business_days=days, **people)
    time_machine.move_to(local(date(2026, 6, 29), 9), tick=False)
    bitacora.record(
        action="datos.ver",
        object_type="escrito",
        object_ref=heavy[1].folio,
        folio=heavy[1].folio,
        actor=titular_agua,
    )
    client = staff_client(contraloria_user)
    response = client.get(
        reverse("contraloria_senales"), {"desde": "2026-06-01", "hasta": "2026-06-30"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "gestor@example.com" in page and "4 peticionarios distintos" in page
    assert "7 capturas el 10/06/2026" in page
    assert "alma.titular" in page
    assert "Muy lenta" in page
    for escrito in [*gestor, *heavy, slow.turno.escrito]:
        assert reverse("escrito_detalle", args=[escrito.folio]) in page
    found = response.context["signals"]
    assert [len(found.contacts), len(found.captures), len(found.outside), len(found.answers)] == [
        1,
        1,
        1,
        1,
    ]
    # Reading the page is on record; it is not itself an opening of an escrito.
    entry = Bitacora.objects.get(action="senales.ver")
    assert entry.actor == contraloria_user
    assert entry.changes == {"desde": "2026-06-01", "hasta": "2026-06-30"}


def test_the_page_defaults_to_the_last_days_and_refuses_a_bad_period(contraloria_user, settings):
    settings.SENAL_PERIODO_DIAS = 30
    client = staff_client(contraloria_user)
    response = client.get(reverse("contraloria_senales"))
    period = response.context["period"]
    assert (period.end - period.start).days == 29
    assert "Sin señales de este tipo en el periodo." in response.content.decode()
    response = client.get(
        reverse("contraloria_senales"), {"desde": "2026-06-30", "hasta": "2026-06-01"}
    )
    assert response.context["period"] == period
    assert "La fecha «desde» debe ser anterior a «hasta»." in response.content.decode()
    response = client.get(
        reverse("contraloria_senales"), {"desde": "2020-01-01", "hasta": "2026-06-01"}
    )
    assert "Elija un periodo de hasta 366 días." in response.content.decode()


def test_only_the_contraloria_opens_the_page(client, ventanilla_clerk, turnador, titular_obras):
    url = reverse("contraloria_senales")
    assert client.get(url).status_code == 302
    for user in (ventanilla_clerk, turnador, titular_obras):
        assert staff_client(user).get(url).status_code == 403
