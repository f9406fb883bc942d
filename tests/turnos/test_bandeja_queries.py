"""A page of an inbox costs the same SQL queries whether it holds 5 rows or 60.

The data is built in bulk (one escrito filed through the real service, the rest cloned
from it with folios of their own), in a mix that every inbox shows from the first rows:
turnos with and without an area, para atención and para conocimiento, in every open state
and each traffic light; escritos por turnar from every channel, with and without a trámite
or a secretaría they are addressed to; returned turnos; tareas pending, in progress and done.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import (
    Area,
    Channel,
    Escrito,
    EscritoState,
    Peticionario,
    PetitionerType,
)
from tests.factories import TramiteFactory, file_escrito
from turnos.models import Prevencion, Tarea, TareaState, Turno, TurnoKind, TurnoState

pytestmark = pytest.mark.django_db

PAGE_SIZE = 25
FEW, MANY = 5, 60


@dataclass(frozen=True)
class Pattern:
    """One kind of turno of the bandeja. `light` is what the page must show (None: the
    default 'abiertos' view does not list it)."""

    kind: str
    state: str
    due_in_days: int | None
    area: int | None  # index into the secretaría's areas
    light: str | None


# Every light appears within the first FEW turnos.
TURNOS = [
    Pattern(TurnoKind.ATENCION, TurnoState.PENDIENTE, -5, 0, "vencido"),
    Pattern(TurnoKind.ATENCION, TurnoState.ACEPTADO, 0, None, "por_vencer"),
    Pattern(TurnoKind.ATENCION, TurnoState.EN_ATENCION, 30, 1, "a_tiempo"),
    Pattern(TurnoKind.ATENCION, TurnoState.PREVENCION, 10, 0, "suspendido"),
    Pattern(TurnoKind.CONOCIMIENTO, TurnoState.PENDIENTE, None, None, "cerrado"),
    Pattern(TurnoKind.ATENCION, TurnoState.EN_ATENCION, -40, 1, "vencido"),
    Pattern(TurnoKind.ATENCION, TurnoState.RESPONDIDO, -20, 0, None),
    Pattern(TurnoKind.CONOCIMIENTO, TurnoState.ENTERADO, None, None, None),
]
TAREA_STATES = [TareaState.PENDIENTE, TareaState.EN_PROCESO, TareaState.TERMINADA]
CHANNELS = list(Channel.values)
PETITIONER_TYPES = list(PetitionerType.values)


def expected_lights(n: int) -> dict[str, int]:
    counts = dict.fromkeys(("vencido", "por_vencer", "a_tiempo", "suspendido"), 0)
    for i in range(n):
        light = TURNOS[i % len(TURNOS)].light
        if light in counts:
            counts[light] += 1
    return counts


class Inboxes:
    """Grows the three inboxes together: `grow_to(n)` leaves n turnos of Obras Públicas
    (each with a tarea for the operativo when para atención), n escritos por turnar and
    the returned turnos among them."""

    def __init__(self, *, obras, agua, titular, turnador, operativo):
        self.obras, self.agua = obras, agua
        self.titular, self.turnador, self.operativo = titular, turnador, operativo
        self.areas = [
            Area.objects.create(secretaria=obras, nombre="Bacheo"),
            Area.objects.create(secretaria=obras, nombre="Alumbrado público"),
        ]
        self.tramite = TramiteFactory(nombre="Reparación de luminaria", secretaria=obras)
        # One escrito filed for real: the clones take its sealed access code and digest.
        self.model = file_escrito(asunto="Bache en la calle Juárez", queue_acuse=False).escrito
        self.next_number = self.model.number + 1
        self.turnos = 0
        self.por_turnar = 1  # the model itself waits for the oficialía
        self.now = timezone.now()
        self.today = timezone.localdate()

    def _escritos(self, count: int, state: str, *, start: int) -> list[Escrito]:
        peticionarios = Peticionario.objects.bulk_create(
            Peticionario(
                tipo=PETITIONER_TYPES[(start + k) % len(PETITIONER_TYPES)],
                nombre=f"Peticionario {start + k}",
            )
            for k in range(count)
        )
        escritos = []
        for k, peticionario in enumerate(peticionarios):
            i = start + k
            number = self.next_number
            self.next_number += 1
            received = self.now - timedelta(days=i % 45, hours=i % 7)
            escritos.append(
                Escrito(
                    folio=f"OP-{self.model.year}-{number:06d}",
                    year=self.model.year,
                    number=number,
                    channel=CHANNELS[i % len(CHANNELS)],
                    state=state,
                    received_at=received,
                    peticionario=peticionario,
                    asunto=f"Solicitud {i}: reparación en la calle {i}",
                    texto="Texto de la solicitud.",
                    tramite=self.tramite if i % 3 == 0 else None,
                    secretaria_destino=self.agua if i % 3 == 1 else None,
                    privacy_accepted_at=received,
                    access_code_hash=self.model.access_code_hash,
                    access_code_sealed=self.model.access_code_sealed,
                    digest=self.model.digest,
                )
            )
        return Escrito.objects.bulk_create(escritos)

    def _add_turnos(self, count: int) -> None:
        start = self.turnos
        patterns = [TURNOS[(start + k) % len(TURNOS)] for k in range(count)]
        escritos = self._escritos(count, EscritoState.TURNADO, start=start)
        turnos, copies = [], []
        for k, (escrito, p) in enumerate(zip(escritos, patterns, strict=True)):
            i = start + k
            turnos.append(
                Turno(
                    escrito=escrito,
                    secretaria=self.obras,
                    area=self.areas[p.area] if p.area is not None else None,
                    kind=p.kind,
                    instruccion=f"Atender la solicitud {i}",
                    state=p.state,
                    term_days=10 if p.kind == TurnoKind.ATENCION else None,
                    due_date=(
                        self.today + timedelta(days=p.due_in_days)
                        if p.due_in_days is not None
                        else None
                    ),
                    turned_by=self.turnador,
                    turned_at=escrito.received_at + timedelta(hours=2),
                )
            )
            if i % 3 == 0:  # a copy for another secretaría, never in this bandeja
                copies.append(
                    Turno(
                        escrito=escrito,
                        secretaria=self.agua,
                        kind=TurnoKind.CONOCIMIENTO,
                        state=TurnoState.PENDIENTE,
                        turned_by=self.turnador,
                        turned_at=escrito.received_at + timedelta(hours=2),
                    )
                )
        turnos = Turno.objects.bulk_create(turnos)
        Turno.objects.bulk_create(copies)
        # A turno in prevención shows "suspendido" once its prevención was notified.
        Prevencion.objects.bulk_create(
            Prevencion(
                turno=turno,
                requested_by=self.titular,
                requested_at=self.now,
                texto="Anexe el croquis de ubicación.",
                notified_at=self.now,
                deadline=self.today,
            )
            for turno in turnos
            if turno.state == TurnoState.PREVENCION
        )
        Tarea.objects.bulk_create(
            Tarea(
                turno=turno,
                assigned_to=self.operativo,
                assigned_by=self.titular,
                descripcion=f"Inspeccionar el sitio de la solicitud {start + k}",
                due_date=turno.due_date or self.today,
                state=TAREA_STATES[(start + k) % len(TAREA_STATES)],
            )
            for k, turno in enumerate(turnos)
            if turno.kind == TurnoKind.ATENCION
        )
        self.turnos += count

    def _add_por_turnar(self, count: int) -> None:
        start = self.por_turnar
        returned = [i for i in range(start, start + count) if i % 4 == 0]
        self._escritos(count - len(returned), EscritoState.RECIBIDO, start=start)
        # Every fourth came back from a secretaría that is not competent.
        escritos = self._escritos(len(returned), EscritoState.NO_COMPETENTE, start=start + count)
        Turno.objects.bulk_create(
            Turno(
                escrito=escrito,
                secretaria=self.agua,
                kind=TurnoKind.ATENCION,
                instruccion="Atender",
                state=TurnoState.DEVUELTO,
                term_days=10,
                due_date=self.today + timedelta(days=7),
                turned_by=self.turnador,
                turned_at=escrito.received_at + timedelta(hours=1),
            )
            for escrito in escritos
        )
        self.por_turnar += count

    def grow_to(self, n: int) -> None:
        if n > self.turnos:
            self._add_turnos(n - self.turnos)
        if n > self.por_turnar:
            self._add_por_turnar(n - self.por_turnar)


@pytest.fixture
def inboxes(obras, agua, titular_obras, turnador, operativo_obras) -> Inboxes:
    return Inboxes(
        obras=obras,
        agua=agua,
        titular=titular_obras,
        turnador=turnador,
        operativo=operativo_obras,
    )


def page_queries(client: Client, url: str) -> tuple[list[str], str]:
    """The SQL a GET of `url` ran, and the page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries], response.content.decode()


def table_rows(html: str, testid: str) -> list[str]:
    """The rows of the table marked `testid`, as HTML."""
    match = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr[\s>].*?</tr>", match.group(1), re.S) if match else []


def bandeja_rows(html: str) -> list[tuple[str, str]]:
    """(light, turno id) of each row of the bandeja."""
    rows = []
    for row in table_rows(html, "bandeja"):
        light = re.search(r'class="light light--(\w+)"', row)
        link = re.search(r'href="/turnos/(\d+)/"', row)
        assert light and link, row
        rows.append((light.group(1), link.group(1)))
    return rows


def same_queries(few: list[str], many: list[str], what: str) -> None:
    assert len(many) == len(few), (
        f"{what}: {len(few)} queries with {FEW} rows, {len(many)} with {MANY}:\n" + "\n".join(many)
    )


INBOXES = [
    pytest.param("titular_obras", "bandeja", "bandeja", id="bandeja"),
    pytest.param("turnador", "oficialia_inbox", "inbox", id="oficialia"),
    pytest.param("operativo_obras", "tareas", "tareas", id="tareas"),
]


@pytest.mark.parametrize(("persona", "url_name", "testid"), INBOXES)
def test_a_page_costs_the_same_queries_with_5_or_60_rows(
    request, inboxes, persona, url_name, testid
):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name)

    inboxes.grow_to(FEW)
    few, html = page_queries(client, url)
    shown_few = len(table_rows(html, testid))
    assert 0 < shown_few <= FEW

    inboxes.grow_to(MANY)
    many, html = page_queries(client, url)
    assert len(table_rows(html, testid)) == PAGE_SIZE  # a full page, and more behind it
    assert "Página 1 de" in html
    same_queries(few, many, url)
    second_url = next_link(url, html)
    second, html = page_queries(client, second_url)
    assert table_rows(html, testid)
    if url_name == "bandeja":
        # The next page keeps the first page's traffic light and page count: neither the
        # lights nor the COUNT(*) of the secretaría's open turnos runs again. (A page that
        # crosses from the dated turnos to the undated ones reads each part: one more.)
        assert len(few) - 2 <= len(second) <= len(few) - 1, "\n".join(second)
        assert not [q for q in second if 'FROM "turnos_turno"' in q and "COUNT(" in q]
    else:
        same_queries(few, second, second_url)


def next_link(url: str, html: str) -> str:
    """The URL of the page's "Siguiente" link."""
    match = re.search(r'href="(\?[^"]*)"[^>]*>Siguiente', html)
    assert match, "no Siguiente link"
    return url + match.group(1).replace("&amp;", "&")


def previous_link(url: str, html: str) -> str | None:
    match = re.search(r'href="(\?[^"]*)"[^>]*>← Anterior', html)
    return url + match.group(1).replace("&amp;", "&") if match else None


@pytest.mark.parametrize("filters", ["", "?tipo=atencion", "?estado=todos"])
def test_the_bandeja_links_walk_the_same_turnos_as_page_numbers(inboxes, titular_obras, filters):
    """Siguiente and Anterior carry a cursor (keyset pagination, flat at any depth); a typed
    ?pagina=N (older links) still opens page N; both list the same turnos in the same order,
    the undated ones (para conocimiento) last."""
    inboxes.grow_to(MANY)
    client = Client()
    client.force_login(titular_obras)
    url = reverse("bandeja") + filters
    by_number, by_cursor, pages = [], [], []
    number = 1
    while True:
        sep = "&" if "?" in url else "?"
        _, html = page_queries(client, f"{url}{sep}pagina={number}")
        by_number.append(bandeja_rows(html))
        if ">Siguiente" not in html:
            break
        number += 1
    assert number > 1
    _, html = page_queries(client, url)
    while True:
        by_cursor.append(bandeja_rows(html))
        assert f"Página {len(by_cursor)} de {number}" in html
        pages.append(html)
        if ">Siguiente" not in html:
            break
        _, html = page_queries(client, next_link(reverse("bandeja"), html))
    assert by_cursor == by_number
    # And back, from the last page to the first.
    back = [bandeja_rows(html)]
    while (link := previous_link(reverse("bandeja"), html)) is not None:
        _, html = page_queries(client, link)
        back.append(bandeja_rows(html))
    assert back[::-1] == by_number
    shown = [pk for rows in by_number for _, pk in rows]
    assert len(shown) == len(set(shown))


@pytest.mark.parametrize("light", ["", "vencido", "por_vencer", "suspendido"])
def test_a_filtered_bandeja_costs_the_same_queries_with_5_or_60_rows(inboxes, titular_obras, light):
    client = Client()
    client.force_login(titular_obras)
    url = f"{reverse('bandeja')}?semaforo={light}&tipo=atencion"
    inboxes.grow_to(FEW)
    few, _ = page_queries(client, url)
    inboxes.grow_to(MANY)
    many, _ = page_queries(client, url)
    same_queries(few, many, url)


def test_the_bandeja_shows_the_traffic_lights(inboxes, titular_obras):
    inboxes.grow_to(MANY)
    client = Client()
    client.force_login(titular_obras)
    url = reverse("bandeja")
    _, html = page_queries(client, url)
    assert re.search(r'class="light light--vencido"[^>]*>\s*Vencido\s*<', html)

    # The cards count the whole bandeja, not the page.
    assert 'data-testid="semaforo"' in html
    cards = dict(re.findall(r'class="light-card light--(\w+)"[^>]*>\s*(\d+)', html))
    assert {k: int(v) for k, v in cards.items()} == expected_lights(MANY)

    # Every open turno is listed once, each with its light, most urgent first.
    shown: list[tuple[str, str]] = []
    page = 1
    while True:
        shown += bandeja_rows(html)
        if f"pagina={page + 1}" not in html:
            break
        page += 1
        _, html = page_queries(client, f"{url}?pagina={page}")
    lights_of = {
        str(t.pk): TURNOS[i % len(TURNOS)].light
        for i, t in enumerate(Turno.objects.filter(secretaria=inboxes.obras).order_by("pk"))
    }
    expected = sorted(pk for pk, light in lights_of.items() if light)
    assert sorted(pk for _, pk in shown) == expected
    assert all(light == lights_of[pk] for light, pk in shown)
    assert shown[0][0] == "vencido"
    assert {light for light, _ in shown} == {
        "vencido",
        "por_vencer",
        "a_tiempo",
        "suspendido",
        "cerrado",
    }

    # A card's filter lists exactly what it counts.
    _, html = page_queries(client, f"{url}?semaforo=vencido")
    rows = bandeja_rows(html)
    assert len(rows) == expected_lights(MANY)["vencido"]
    assert {light for light, _ in rows} == {"vencido"}


# The queries of each desk page with a full page of rows, pinned: the session, the user, the
# roles, the profile, the días inhábiles, the rows, the notices, and each page's own counts.
# The bandeja and the inbox carry their bulk actions: the bandeja reads its operativos (whom
# to assign) and whether the user stands in for someone today; the inbox, the secretarías to
# route the marked escritos to.
DESK_QUERIES = {"bandeja": 12, "oficialia_inbox": 9, "tareas": 6}
# The bandeja's next page (a cursor) reuses the first page's light counts and page count (two
# fewer); this one crosses from the dated turnos to the undated ones, which reads both (one
# more).
BANDEJA_NEXT_QUERIES = 11


@pytest.mark.parametrize(("persona", "url_name", "testid"), INBOXES)
def test_each_desk_page_costs_a_pinned_number_of_queries(
    request, inboxes, persona, url_name, testid, django_assert_max_num_queries
):
    inboxes.grow_to(MANY)
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name)
    with django_assert_max_num_queries(DESK_QUERIES[url_name]):
        html = client.get(url).content.decode()
    assert len(table_rows(html, testid)) == PAGE_SIZE
    if url_name == "bandeja":
        with django_assert_max_num_queries(BANDEJA_NEXT_QUERIES):
            html = client.get(next_link(url, html)).content.decode()
        assert "Página 2 de" in html


# The other pages a desk opens every day, pinned with the inboxes full: the notices, the
# oficialía's search, one turno and one expediente from the inbox, and the contraloría's
# reports. Each counts the session, the user, the roles and the notices, then its own reads.
DESK_PAGE_QUERIES = {
    # The notices, how many there are and how many unread (for "marcar todos").
    "notificaciones": 6,
    # The search with its bulk action: the secretarías to route the marked escritos to.
    "oficialia_busqueda": 9,
    # The turno, its escrito and their history, the calendar, the prórrogas, prevenciones,
    # answer, draft oficio, attachments, tareas and their comments, whether the user stands
    # in for someone, and the bitácora's record of the view (on PostgreSQL with its
    # advisory lock).
    "turno_detalle": 28,
    # The escrito with its archive panel: its expediente, the original's place and the
    # series to choose from (one list per form), whether the user stands in for someone, and
    # the bitácora's record of the view (on PostgreSQL with its advisory lock).
    "escrito_detalle": 20,
    # Both count the answers past their due date still awaiting notification.
    "contraloria_inicio": 11,
    "contraloria_vencidos": 13,
    "contraloria_evaluaciones": 5,
    "contraloria_bitacora": 10,
}


def _desk_pages(inboxes: Inboxes) -> list[tuple[str, str, str]]:
    turno = Turno.objects.filter(secretaria=inboxes.obras).order_by("pk").first()
    return [
        ("notificaciones", "titular_obras", reverse("notificaciones")),
        ("oficialia_busqueda", "turnador", reverse("oficialia_inbox") + "?q=OP"),
        ("turno_detalle", "titular_obras", reverse("turno_detalle", args=[turno.pk])),
        ("escrito_detalle", "turnador", reverse("escrito_detalle", args=[turno.escrito.folio])),
        ("contraloria_inicio", "contraloria_user", reverse("contraloria_inicio")),
        ("contraloria_vencidos", "contraloria_user", reverse("contraloria_vencidos")),
        ("contraloria_evaluaciones", "contraloria_user", reverse("contraloria_evaluaciones")),
        ("contraloria_bitacora", "contraloria_user", reverse("contraloria_bitacora")),
    ]


def test_every_other_desk_page_costs_a_pinned_number_of_queries(request, inboxes):
    inboxes.grow_to(MANY)
    counts = {}
    for name, persona, url in _desk_pages(inboxes):
        client = Client()
        client.force_login(request.getfixturevalue(persona))
        client.get(url)  # the first visit may fill caches (días inhábiles, catalogues)
        sql, _ = page_queries(client, url)
        counts[name] = len(sql)
    over = {n: c for n, c in counts.items() if c > DESK_PAGE_QUERIES[n]}
    assert not over, f"more queries than pinned: {over} (pins: {DESK_PAGE_QUERIES})"
