"""The contraloría searches the bitácora: each filter returns exactly the matching entries,
newest first, in pages that neither skip nor repeat an entry."""

import re
from datetime import UTC, date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contraloria import selectors
from oficialia.bitacora import ip_keyed_hash
from oficialia.models import Bitacora
from tests.factories import file_escrito
from turnos.services import Route, escrito_turn, turno_accept

from .desk import AGUA, F1, OBRAS, at, make_people, newest_first, record_at, write_log

pytestmark = pytest.mark.django_db

URL = reverse("contraloria_bitacora")
ENTRY_ROW = re.compile(r'data-entry="(\d+)"')


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_people()


@pytest.fixture
def log(people):
    return write_log(people)


@pytest.fixture
def desk(people) -> Client:
    client = Client()
    client.force_login(people.carla)
    return client


def shown(response) -> list[int]:
    """The entries of the page, as the table lists them (and as the view passed them)."""
    assert response.status_code == 200
    rows = [int(pk) for pk in ENTRY_ROW.findall(response.content.decode())]
    assert rows == [e.pk for e in response.context["page"].entries]
    return rows


def local_day(entry) -> date:
    return timezone.localtime(entry.at).date()


# Each filter: the GET parameters (persona names stand for their user id) and what an entry
# must satisfy to match.
FILTERS = {
    "user": ({"usuario": "olga"}, lambda e, p: e.actor_id == p.olga.pk),
    "no user": ({"usuario": "ninguno"}, lambda e, p: e.actor_id is None),
    "secretaría": ({"secretaria": OBRAS}, lambda e, p: e.secretaria == OBRAS),
    "other secretaría": ({"secretaria": AGUA}, lambda e, p: e.secretaria == AGUA),
    "action": ({"accion": "datos.ver"}, lambda e, p: e.action == "datos.ver"),
    # Typed as people type it: lower case, with spaces around.
    "folio": ({"folio": f"  {F1.lower()} "}, lambda e, p: e.folio == F1),
    "date range": (
        {"desde": "2026-06-09", "hasta": "2026-06-10"},
        lambda e, p: date(2026, 6, 9) <= local_day(e) <= date(2026, 6, 10),
    ),
    "since": ({"desde": "2026-06-11"}, lambda e, p: local_day(e) >= date(2026, 6, 11)),
    "until": ({"hasta": "2026-06-08"}, lambda e, p: local_day(e) <= date(2026, 6, 8)),
    "combined": (
        {"usuario": "ernesto", "accion": "datos.ver", "desde": "2026-06-10"},
        lambda e, p: (
            e.actor_id == p.ernesto.pk
            and e.action == "datos.ver"
            and local_day(e) >= date(2026, 6, 10)
        ),
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_returns_exactly_the_matching_entries(name, desk, people, log):
    params, matches = FILTERS[name]
    params = {
        k: getattr(people, v).pk if k == "usuario" and hasattr(people, v) else v
        for k, v in params.items()
    }
    everything = list(Bitacora.objects.all())
    expected = newest_first(e for e in everything if matches(e, people))
    assert 0 < len(expected) < len(everything), "the filter must tell entries apart"

    response = desk.get(URL, params)

    assert shown(response) == expected
    assert response.context["page"].count == len(expected)


def test_a_day_ends_at_midnight_in_mexico_city_not_in_utc(desk, log):
    late_night = log[5]  # 23:30 of the 10th, Mexico City (05:30 of the 11th, UTC)
    assert late_night.at.astimezone(UTC).day == 11
    assert late_night.pk in shown(desk.get(URL, {"hasta": "2026-06-10"}))
    assert late_night.pk not in shown(desk.get(URL, {"desde": "2026-06-11"}))


def test_without_filters_it_lists_the_whole_bitacora_newest_first(desk, log):
    assert shown(desk.get(URL)) == newest_first(Bitacora.objects.all())


def test_an_entry_shows_time_actor_role_secretaria_address_action_object_and_changes(desk, log):
    page = desk.get(URL, {"accion": "turno.accept"}).content.decode()
    row = page[page.index('data-entry="') :]
    for text in (
        "09/06/2026 10:30:00",  # Mexico City time
        "Olga",
        "titular",
        OBRAS,
        # The address as its keyed hash's tag: the same tag for the same address.
        f"#{ip_keyed_hash('198.51.100.7')[:10]}",
        "Turno aceptado",
        "turno.accept",
        f'href="/expedientes/{F1}/"',
        "turno 11",
        "descripcion:",
        "aceptado",
    ):
        assert text in row, text


def test_a_catalogue_change_reads_before_and_after(desk, log):
    page = desk.get(URL, {"accion": "catalogo.cambiar", "usuario": log[-1].actor_id})
    assert "plazo_dias_habiles:</span> 10 → 15" in page.content.decode()


def test_the_filters_offer_what_the_bitacora_holds(desk, people, log):
    form = desk.get(URL).context["form"]
    users = dict(form.fields["usuario"].choices)
    assert users[str(people.olga.pk)] == "Olga (olga.titular)"
    assert str(people.carla.pk) in users  # her sign-in is on record
    assert {OBRAS, AGUA} <= set(dict(form.fields["secretaria"].choices))
    actions = dict(form.fields["accion"].choices)
    assert actions["datos.ver"] == "Vio los datos personales de un escrito"
    assert set(actions) - {""} == set(Bitacora.objects.values_list("action", flat=True))


def test_the_form_shows_the_search_it_made(desk, people, log):
    params = {"usuario": people.olga.pk, "secretaria": OBRAS, "accion": "datos.ver"}
    page = desk.get(URL, {**params, "folio": F1.lower()}).content.decode()
    for value in params.values():
        assert f'<option value="{value}" selected>' in page
    assert page.count(" selected>") == 3
    assert f'value="{F1.lower()}"' in page  # as typed; shown in capitals by the style sheet


def test_a_value_the_bitacora_never_held_is_refused(desk, log):
    response = desk.get(URL, {"usuario": "999999"})
    assert response.context["page"] is None
    assert "Seleccione una opción válida" in response.content.decode()


def test_a_range_that_ends_before_it_starts_is_refused(desk, log):
    response = desk.get(URL, {"desde": "2026-06-12", "hasta": "2026-06-09"})
    assert response.context["page"] is None
    assert "posterior a la fecha «hasta»" in response.content.decode()


# Pages -----------------------------------------------------------------------------------


@pytest.fixture
def same_instant(people, log):
    """Seven more entries at one instant: a page boundary falls among them."""
    return [
        record_at(at(16, 9), people.olga, action="datos.ver", object_type="escrito",
                  object_ref=F1, folio=F1)
        for _ in range(7)
    ]  # fmt: skip


def walk(desk, params: dict, link: str, first: dict) -> list[list[int]]:
    """Follow the page links `link` ("antes" or "despues") from the page `first`."""
    pages = []
    query = {**params, **first}
    while True:
        response = desk.get(URL, query)
        pages.append(shown(response))
        page = response.context["page"]
        target = page.older_than if link == "antes" else page.newer_than
        if target is None:
            return pages
        assert f"{link}={target}" in response.content.decode()
        query = {**params, link: target}


PAGED = {
    "everything": ({}, lambda e: True),
    "one action": ({"accion": "datos.ver"}, lambda e: e.action == "datos.ver"),
    "no user": ({"usuario": "ninguno"}, lambda e: e.actor_id is None),
}


@pytest.mark.parametrize("name", PAGED)
def test_pages_go_back_and_forth_without_skipping_or_repeating(
    monkeypatch, desk, log, same_instant, name
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 4)
    params, matches = PAGED[name]
    expected = newest_first(e for e in Bitacora.objects.all() if matches(e))
    assert len(expected) > 8

    older = walk(desk, params, "antes", {})
    assert [pk for page in older for pk in page] == expected
    assert [len(page) for page in older[:-1]] == [4] * (len(older) - 1)

    # From the last page back to the first: the same pages, in reverse.
    newer = walk(desk, params, "despues", {"antes": older[-2][-1]})
    assert newer == older[::-1]


def test_the_count_says_more_than_when_it_stops_counting(monkeypatch, desk, log):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    page = desk.get(URL).content.decode()
    assert "Más de 3 entradas" in page


# From an entry to the escrito's whole timeline ---------------------------------------------


def test_an_entry_leads_to_the_escrito_s_full_timeline(desk, people, turnador):
    escrito = file_escrito(asunto="Bache en la calle Juárez", queue_acuse=False).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(people.obras)])
    turno_accept(turno_id=turno.pk, user=people.olga)

    search = desk.get(URL, {"folio": escrito.folio})
    actions = [e.action for e in search.context["page"].entries]
    assert actions == ["escrito.atender", "turno.accept", "escrito.turnar", "turno.turnar",
                       "escrito.recibir"]  # fmt: skip
    link = f'href="/expedientes/{escrito.folio}/"'
    assert search.content.decode().count(link) == len(actions)

    expediente = desk.get(f"/expedientes/{escrito.folio}/")
    assert expediente.status_code == 200
    timeline = expediente.content.decode()
    for step in ("Escrito recibido", f"Turnado a {OBRAS}", "aceptó el turno"):
        assert step in timeline
    # Reading the escrito's personal data is itself on record.
    assert Bitacora.objects.filter(
        action="datos.ver", folio=escrito.folio, actor=people.carla
    ).exists()
