"""The staff search: accent- and case-insensitive, by folio (whole or short) and name,
ranked with highlighted snippets, filtered, saved per user, and never beyond what the user
may see or into a blocked petitioner's data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from busqueda.consulta import Filtros, search
from busqueda.models import BusquedaGuardada, DocumentoBusqueda
from correspondencia.models import Area, EscritoState
from cuentas.services import escrito_data_block
from tests.factories import UserFactory, file_escrito
from tests.turnos.conftest import staff_member
from turnos.models import Perfil, Sense
from turnos.permissions import escritos_visible_to
from turnos.services import (
    Route,
    escrito_turn,
    turno_accept,
    turno_answer,
    turno_give_back,
    turno_reroute,
)

pytestmark = pytest.mark.django_db

_capture = None


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """The search document is written after each commit: every helper below commits."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def committed(fn, *args, **kwargs):
    with _capture(execute=True):
        return fn(*args, **kwargs)


def filed(**kwargs):
    return committed(file_escrito, queue_acuse=False, **kwargs).escrito


def folios(user, text, filtros=None) -> list[str]:
    return [r.escrito.folio for r in search(user, text, filtros).items]


def committed_route(turnador, route, asunto):
    escrito = filed(asunto=asunto)
    committed(escrito_turn, escrito_id=escrito.pk, user=turnador, routes=[route])
    return escrito


def routed(turnador, secretaria, **kwargs):
    escrito = filed(**kwargs)
    (turno,) = committed(
        escrito_turn, escrito_id=escrito.pk, user=turnador, routes=[Route(secretaria=secretaria)]
    )
    return escrito, turno


def test_a_word_is_found_without_its_accents_or_capitals(turnador):
    escrito = filed(asunto="Poda de un árbol", texto="El ÁRBOL caído bloquea la banqueta.")
    other = filed(asunto="Bacheo", texto="Un bache en la calle Morelos.")
    assert folios(turnador, "arbol") == [escrito.folio]
    assert folios(turnador, "ARBOL caido") == [escrito.folio]
    assert folios(turnador, "Árbol") == [escrito.folio]
    assert folios(turnador, "morelos") == [other.folio]


def test_an_enye_is_folded_too(turnador):
    escrito = filed(asunto="Limpieza", texto="La señora Peña pide limpiar el terreno baldío.")
    assert folios(turnador, "pena baldio") == [escrito.folio]
    assert folios(turnador, "Peña") == [escrito.folio]


def test_a_short_folio_finds_the_escrito(turnador):
    escritos = [filed(asunto=f"Asunto {i}") for i in range(3)]
    third = escritos[2]
    assert third.folio.endswith("-000003")
    year = third.folio.split("-")[1]
    assert folios(turnador, f"{year}-3") == [third.folio]
    assert folios(turnador, "3") == [third.folio]
    assert folios(turnador, third.folio) == [third.folio]
    assert folios(turnador, f"{int(year) - 1}-3") == []


def test_the_petitioner_is_found_by_name(turnador):
    escrito = filed(nombre="Rigoberto Quintanilla Ávalos", asunto="Fuga de agua")
    filed(nombre="Ana Pérez", asunto="Fuga de agua")
    assert folios(turnador, "quintanilla avalos") == [escrito.folio]


def test_the_answer_is_searched_too(turnador, titular_obras, obras):
    escrito, turno = routed(turnador, obras, asunto="Alumbrado")
    committed(turno_accept, turno_id=turno.pk, user=titular_obras)
    committed(
        turno_answer,
        turno_id=turno.pk,
        user=titular_obras,
        texto="Se instaló una luminaria nueva en el poste señalado.",
        sense=Sense.POSITIVA,
    )
    assert folios(turnador, "luminaria") == [escrito.folio]
    assert folios(titular_obras, "luminaria") == [escrito.folio]


def test_results_come_ranked_and_with_the_words_marked(client, turnador):
    weak = filed(asunto="Bacheo", texto="Al final menciona la palabra drenaje una vez.")
    strong = filed(asunto="Drenaje colapsado", texto="El drenaje de la calle Juárez se hundió.")
    assert folios(turnador, "drenaje") == [strong.folio, weak.folio]
    client.force_login(turnador)
    page = client.get(reverse("busqueda"), {"q": "drenaje"}).content.decode()
    assert "<mark>drenaje</mark>" in page.lower() or "<mark>Drenaje</mark>" in page


def test_a_snippet_never_lets_the_petitioners_html_through(client, turnador):
    filed(asunto="Queja", texto="<script>alert('x')</script> el alumbrado no funciona")
    client.force_login(turnador)
    page = client.get(reverse("busqueda"), {"q": "alumbrado"}).content.decode()
    assert "<mark>alumbrado</mark>" in page
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    "persona", ["titular_agua", "enlace_agua", "operativo_obras", "ventanilla_clerk"]
)
def test_no_persona_finds_an_escrito_it_may_not_see(request, turnador, obras, persona):
    escrito, _ = routed(
        turnador, obras, asunto="Socavón en la avenida Insurgentes", nombre="Hermenegildo Zaragoza"
    )
    user = request.getfixturevalue(persona)
    for text in ("socavon", "insurgentes", "zaragoza", escrito.folio, escrito.folio[3:]):
        assert folios(user, text) == [], text
    assert folios(user, "", Filtros(estado=EscritoState.TURNADO)) == []


def test_the_secretaria_finds_its_own_and_not_the_others(
    client, turnador, obras, agua, titular_obras, enlace_obras, titular_agua
):
    ours, _ = routed(turnador, obras, asunto="Socavón en Insurgentes")
    theirs, _ = routed(turnador, agua, asunto="Socavón en Reforma")
    for user in (titular_obras, enlace_obras):
        assert folios(user, "socavon") == [ours.folio]
    assert folios(titular_agua, "socavon") == [theirs.folio]
    client.force_login(titular_agua)
    page = client.get(reverse("busqueda"), {"q": "socavon"}).content.decode()
    assert theirs.folio in page and ours.folio not in page


def test_an_area_finds_its_turnos_and_the_whole_secretarias_not_another_areas(
    turnador, obras
):
    bacheo = Area.objects.create(secretaria=obras, nombre="Bacheo")
    alumbrado = Area.objects.create(secretaria=obras, nombre="Alumbrado")
    enlace = staff_member("beatriz.enlace", "Beatriz", "enlace", obras)
    Perfil.objects.filter(user=enlace).update(area=bacheo)
    enlace.refresh_from_db()
    ours = committed_route(turnador, Route(secretaria=obras, area=bacheo), "Socavón uno")
    whole = committed_route(turnador, Route(secretaria=obras), "Socavón dos")
    committed_route(turnador, Route(secretaria=obras, area=alumbrado), "Socavón tres")
    assert sorted(folios(enlace, "socavon")) == sorted([ours.folio, whole.folio])
    assert sorted(folios(enlace, "socavon")) == sorted(
        escritos_visible_to(enlace).values_list("folio", flat=True)
    )


def test_a_rerouted_escrito_is_found_by_its_new_secretaria(
    turnador, obras, agua, titular_obras, titular_agua
):
    escrito, turno = routed(turnador, obras, asunto="Fuga de agua en la calle Juárez")
    assert folios(titular_agua, "fuga") == []
    committed(turno_give_back, turno_id=turno.pk, user=titular_obras, reason="Es de agua")
    committed(turno_reroute, turno_id=turno.pk, user=turnador, route=Route(secretaria=agua))
    assert folios(titular_agua, "fuga") == [escrito.folio]
    for user in (titular_obras, titular_agua):  # the same rule as the escrito's page
        assert folios(user, "fuga") == list(
            escritos_visible_to(user).values_list("folio", flat=True)
        )


def test_a_titulars_search_reads_no_turno_to_scope_it(turnador, obras, titular_obras):
    """The scope is on the search document (its turnos' keys), not a subquery per match."""
    ours, _ = routed(turnador, obras, asunto="Socavón en Insurgentes")
    with CaptureQueriesContext(connection) as ctx:
        assert folios(titular_obras, "socavon") == [ours.folio]
    assert not [q["sql"] for q in ctx.captured_queries if "turnos_turno" in q["sql"]]


def test_the_oficialia_and_the_contraloria_find_every_escrito(
    turnador, contraloria_user, obras, agua
):
    a, _ = routed(turnador, obras, asunto="Socavón uno")
    b, _ = routed(turnador, agua, asunto="Socavón dos")
    for user in (turnador, contraloria_user):
        assert sorted(folios(user, "socavon")) == sorted([a.folio, b.folio])


def test_the_administracion_searches_what_the_admin_shows_it(turnador):
    administracion = UserFactory(
        username="adriana", roles=["administracion"], is_staff=True, is_superuser=True
    )
    escrito = filed(asunto="Socavón")
    assert folios(administracion, "socavon") == [escrito.folio]
    plain = UserFactory(username="alguien", roles=["administracion"])
    assert folios(plain, "socavon") == []


def test_a_blocked_petitioner_is_never_matched(turnador):
    escrito = filed(
        nombre="Rigoberta Quintanilla",
        asunto="Poda de árbol",
        texto="Yo, Rigoberta Quintanilla, solicito la poda del árbol.",
    )
    assert folios(turnador, "quintanilla") == [escrito.folio]
    committed(escrito_data_block, escrito=escrito, user=turnador)
    assert folios(turnador, "quintanilla") == []
    assert folios(turnador, "rigoberta") == []
    assert folios(turnador, "poda arbol") == [escrito.folio]
    doc = DocumentoBusqueda.objects.get(escrito=escrito)
    assert "quintanilla" not in doc.plano and doc.nombre == ""
    assert "Quintanilla" not in (doc.cuerpo + doc.titulo)


def test_the_filters_narrow_the_search(turnador, obras, agua):
    a, _ = routed(turnador, obras, asunto="Socavón")
    b, _ = routed(turnador, agua, asunto="Socavón")
    c = filed(asunto="Socavón")
    assert folios(turnador, "socavon", Filtros(secretaria_id=agua.pk)) == [b.folio]
    assert folios(turnador, "socavon", Filtros(estado=EscritoState.RECIBIDO)) == [c.folio]
    today = timezone.localdate()
    assert len(folios(turnador, "socavon", Filtros(desde=today, hasta=today))) == 3
    yesterday = today - timedelta(days=1)
    assert folios(turnador, "socavon", Filtros(hasta=yesterday)) == []
    assert sorted(folios(turnador, "socavon", Filtros(semaforo="a_tiempo"))) == sorted(
        [a.folio, b.folio]
    )


def test_a_search_is_saved_for_its_user_only(client, turnador, contraloria_user):
    filed(asunto="Socavón")
    client.force_login(turnador)
    response = client.post(
        reverse("busqueda_guardar"), {"q": "socavon", "estado": "recibido", "nombre": "Socavones"}
    )
    assert response.status_code == 302
    saved = BusquedaGuardada.objects.get(user=turnador)
    assert saved.parametros == "q=socavon&estado=recibido"
    page = client.get(reverse("busqueda")).content.decode()
    assert "Socavones" in page
    client.force_login(contraloria_user)
    assert "Socavones" not in client.get(reverse("busqueda")).content.decode()
    client.post(reverse("busqueda_borrar", args=[saved.pk]))
    assert BusquedaGuardada.objects.filter(pk=saved.pk).exists()


def test_every_desk_has_the_search_box(client, turnador, titular_obras, contraloria_user):
    for user, desk in (
        (turnador, "oficialia_inbox"),
        (titular_obras, "bandeja"),
        (contraloria_user, "contraloria_inicio"),
    ):
        client.force_login(user)
        page = client.get(reverse(desk)).content.decode()
        assert f'action="{reverse("busqueda")}"' in page, desk


def test_the_public_may_not_search(client):
    response = client.get(reverse("busqueda"), {"q": "x"})
    assert response.status_code == 302
    citizen = UserFactory(username="ciudadano")
    client.force_login(citizen)
    assert client.get(reverse("busqueda"), {"q": "x"}).status_code == 403


def test_the_command_rebuilds_every_document(turnador):
    from io import StringIO

    from django.core.management import call_command

    escrito = filed(asunto="Socavón")
    DocumentoBusqueda.objects.all().delete()
    assert folios(turnador, "socavon") == []
    out = StringIO()
    call_command("reindexar_busqueda", stdout=out)
    assert folios(turnador, "socavon") == [escrito.folio]
    assert "1 escritos indexados" in out.getvalue()


def test_the_migration_fills_the_scope_of_documents_already_written(
    turnador, obras, titular_obras
):
    import importlib

    from django.apps import apps

    from busqueda.models import AlcanceDocumento

    ours, _ = routed(turnador, obras, asunto="Socavón en Insurgentes")
    AlcanceDocumento.objects.all().delete()  # as before the migration
    assert folios(titular_obras, "socavon") == []
    migration = importlib.import_module("busqueda.migrations.0003_alcance_documento")
    migration._fill(apps, None)
    assert folios(titular_obras, "socavon") == [ours.folio]
    assert sorted(AlcanceDocumento.objects.values_list("clave", flat=True)) == [
        str(obras.pk),
        f"{obras.pk}:",
    ]
