"""The catálogo de trámites y servicios: search, filter, detail, "Iniciar este trámite" and
the admin where the administración keeps it."""

import re

import pytest
from django.urls import reverse

from correspondencia.models import Escrito, Tramite, TramiteRequisito
from correspondencia.selectors import tramites_catalogo
from oficialia.text import fold, search_words
from tests.factories import SecretariaFactory, TramiteFactory, UserFactory, escrito_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def desarrollo_urbano():
    return SecretariaFactory(nombre="Desarrollo Urbano", siglas="SDU")


@pytest.fixture
def licencias():
    return SecretariaFactory(nombre="Licencias Comerciales", siglas="LC")


@pytest.fixture
def construccion(desarrollo_urbano):
    tramite = TramiteFactory(
        nombre="Licencia de construcción",
        secretaria=desarrollo_urbano,
        plazo_dias_habiles=15,
        gratuito=False,
        costo="Derechos por m² de construcción según la Ley de Ingresos.",
        descripcion="Obra nueva, ampliación o remodelación.",
        fundamento="Reglamento de Construcciones del Municipio.",
        palabras_clave="permiso de obra, barda",
    )
    for orden, (documento, detalle, obligatorio) in enumerate(
        [
            ("Identificación oficial vigente", "INE o pasaporte", True),
            ("Escritura o título de propiedad", "", True),
            ("Memoria de cálculo estructural", "Solo obras de más de dos niveles", False),
        ],
        start=1,
    ):
        TramiteRequisito.objects.create(
            tramite=tramite,
            documento=documento,
            detalle=detalle,
            obligatorio=obligatorio,
            orden=orden,
        )
    return tramite


@pytest.fixture
def catalogo(construccion, desarrollo_urbano, licencias):
    return {
        "construccion": construccion,
        "funcionamiento": TramiteFactory(
            nombre="Licencia de funcionamiento",
            secretaria=licencias,
            descripcion="Apertura de un negocio.",
        ),
        "poda": TramiteFactory(
            nombre="Poda o derribo de árbol",
            secretaria=desarrollo_urbano,
            descripcion="Árboles que dañan el cableado.",
        ),
        "baja": TramiteFactory(
            nombre="Licencia de construcción antigua", secretaria=desarrollo_urbano, activo=False
        ),
    }


def names(response) -> list[str]:
    return [t.nombre for t in response.context["tramites"]]


# Folding and search -----------------------------------------------------------------------


def test_folding_drops_accents_case_and_punctuation():
    assert fold("Licencia de CONSTRUCCIÓN, ¿ampliación?") == "licencia de construccion ampliacion"
    assert fold("Año  Ñandú") == "ano nandu"
    assert search_words("Licencia de la construcción de construccion") == [
        "licencia",
        "construccion",
    ]


def test_the_search_ignores_accents_and_case(client, catalogo):
    for query in ["licencia de construccion", "LICENCIA DE CONSTRUCCIÓN", "Construcción licencia"]:
        response = client.get(reverse("tramites"), {"q": query})
        assert names(response) == ["Licencia de construcción"], query
    response = client.get(reverse("tramites"), {"q": "arbol"})
    assert names(response) == ["Poda o derribo de árbol"]


def test_every_word_must_match_somewhere(catalogo):
    assert [t.nombre for t in tramites_catalogo(query="licencia")] == [
        "Licencia de construcción",
        "Licencia de funcionamiento",
    ]
    assert list(tramites_catalogo(query="licencia bacheo")) == []
    # Keywords and description count too: people search with their own words.
    assert [t.nombre for t in tramites_catalogo(query="permiso obra")] == [
        "Licencia de construcción"
    ]
    assert [t.nombre for t in tramites_catalogo(query="cableado")] == ["Poda o derribo de árbol"]


def test_tramites_named_by_the_query_come_first(catalogo, desarrollo_urbano):
    TramiteFactory(
        nombre="Constancia de alineamiento y número oficial",
        secretaria=desarrollo_urbano,
        descripcion="Se necesita para la licencia de construcción.",
    )
    assert [t.nombre for t in tramites_catalogo(query="licencia de construccion")] == [
        "Licencia de construcción",
        "Constancia de alineamiento y número oficial",
    ]


def test_the_search_follows_what_the_administracion_edits(catalogo):
    poda = catalogo["poda"]
    poda.nombre = "Poda de árboles en vía pública"
    poda.palabras_clave = "ramas"
    poda.save(update_fields=["nombre", "palabras_clave"])
    assert [t.nombre for t in tramites_catalogo(query="via publica ramas")] == [poda.nombre]
    assert list(tramites_catalogo(query="derribo")) == []


def test_the_catalogue_filters_by_secretaria(client, catalogo):
    response = client.get(reverse("tramites"), {"secretaria": "SDU"})
    assert names(response) == ["Licencia de construcción", "Poda o derribo de árbol"]
    response = client.get(reverse("tramites"), {"secretaria": "SDU", "q": "licencia"})
    assert names(response) == ["Licencia de construcción"]
    response = client.get(reverse("tramites"), {"secretaria": "LC"})
    assert names(response) == ["Licencia de funcionamiento"]
    assert "de Licencias Comerciales" in response.content.decode()


def test_the_filter_offers_only_secretarias_with_active_tramites(client, catalogo):
    SecretariaFactory(nombre="Recursos Humanos", siglas="RH")
    response = client.get(reverse("tramites"))
    options = re.findall(r'<option value="(\w*)"', response.content.decode())
    assert options == ["", "SDU", "LC"]


def test_an_unknown_secretaria_shows_the_whole_catalogue(client, catalogo):
    response = client.get(reverse("tramites"), {"secretaria": "NOEXISTE"})
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_inactive_tramites_are_not_public(client, catalogo):
    response = client.get(reverse("tramites"), {"q": "antigua"})
    assert names(response) == []
    assert "No encontramos trámites con «antigua»" in response.content.decode()
    assert client.get(catalogo["baja"].get_absolute_url()).status_code == 404


def test_the_catalogue_page_needs_a_fixed_number_of_queries(
    client, catalogo, django_assert_max_num_queries
):
    for n in range(20):
        TramiteFactory(nombre=f"Trámite adicional {n}", secretaria=catalogo["poda"].secretaria)
    with django_assert_max_num_queries(6):
        client.get(reverse("tramites"), {"q": "tramite"})


# The detail page --------------------------------------------------------------------------


def test_each_tramite_has_a_stable_address_by_slug(catalogo):
    tramite = catalogo["construccion"]
    assert tramite.slug == "licencia-de-construccion"
    assert tramite.get_absolute_url() == "/tramites/licencia-de-construccion/"
    tramite.nombre = "Licencia de construcción y remodelación"
    tramite.save()
    tramite.refresh_from_db()
    assert tramite.slug == "licencia-de-construccion"
    twin = TramiteFactory(nombre="Licencia de Construcción!")
    assert twin.slug == "licencia-de-construccion-2"


def test_the_detail_page_shows_everything(client, construccion):
    response = client.get(construccion.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Licencia de construcción</h1>" in html
    assert "Desarrollo Urbano" in html
    assert "Obra nueva, ampliación o remodelación." in html
    assert "15 días hábiles" in html
    assert "Derechos por m² de construcción según la Ley de Ingresos." in html
    assert "Reglamento de Construcciones del Municipio." in html
    requisitos = re.search(r'data-testid="requisitos">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<strong>(.*?)</strong>", requisitos) == [
        "Identificación oficial vigente",
        "Escritura o título de propiedad",
        "Memoria de cálculo estructural",
    ]
    assert "(opcional)" in requisitos.split("Memoria de cálculo")[1]
    assert "(opcional)" not in requisitos.split("Memoria de cálculo")[0]
    assert 'href="/escritos/nuevo/?tramite=licencia-de-construccion"' in html
    assert "Iniciar este trámite" in html


def test_a_free_tramite_says_gratuito(client, catalogo):
    html = client.get(catalogo["poda"].get_absolute_url()).content.decode()
    assert re.search(r'data-testid="costo">Gratuito<', html)
    assert "No pide documentos: basta con su escrito." in html


# "Iniciar este trámite": the filing form ---------------------------------------------------


def test_iniciar_preselects_the_tramite_and_shows_its_checklist(client, construccion):
    for ref in [construccion.slug, str(construccion.pk)]:
        response = client.get(reverse("escrito_nuevo"), {"tramite": ref})
        html = response.content.decode()
        assert response.context["form"]["tramite"].value() == construccion.pk
        assert f'<option value="{construccion.pk}" selected>' in html
        assert 'data-testid="tramite-elegido"' in html
        checklist = re.search(r'data-testid="checklist">(.*?)</section>', html, re.S).group(1)
        assert checklist.count('type="checkbox"') == 3
        assert "Identificación oficial vigente" in checklist
        assert "Memoria de cálculo estructural" in checklist
        # Only a help for the person: the boxes are not sent with the escrito.
        assert "name=" not in checklist


def test_without_a_known_tramite_the_form_is_the_usual_one(client, catalogo):
    for params in [{}, {"tramite": "no-existe"}, {"tramite": catalogo["baja"].slug}]:
        response = client.get(reverse("escrito_nuevo"), params)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="checklist"' not in html
        assert response.context["form"]["tramite"].value() is None


def test_the_checklist_stays_after_a_validation_error(client, construccion):
    data = escrito_form_data(tramite=construccion.pk, asunto="")
    response = client.post(reverse("escrito_nuevo"), data)
    assert response.status_code == 200
    assert 'data-testid="checklist"' in response.content.decode()
    assert not Escrito.objects.exists()


def test_a_tramite_taken_off_the_form_takes_its_checklist_along(client, construccion):
    # The form posts back to its own address, ?tramite= included: what counts is the choice.
    data = escrito_form_data(tramite="", asunto="")
    response = client.post(reverse("escrito_nuevo") + f"?tramite={construccion.slug}", data)
    assert response.status_code == 200
    assert 'data-testid="checklist"' not in response.content.decode()


def test_the_checklist_is_redrawn_for_another_tramite(client, catalogo):
    url = reverse("tramite_requisitos")
    html = client.get(url, {"tramite": catalogo["construccion"].pk}).content.decode()
    assert "Documentos para «Licencia de construcción»" in html
    html = client.get(url, {"tramite": catalogo["poda"].pk}).content.decode()
    assert "Este trámite no pide documentos adjuntos" in html
    assert client.get(url, {"tramite": ""}).content.decode().strip() == ""


def test_the_escrito_is_filed_with_the_chosen_tramite(client, construccion):
    response = client.post(
        reverse("escrito_nuevo") + f"?tramite={construccion.slug}",
        escrito_form_data(tramite=construccion.pk),
    )
    assert response.status_code == 302
    assert Escrito.objects.get().tramite == construccion


# The admin --------------------------------------------------------------------------------


@pytest.fixture
def administracion(db):
    user = UserFactory(username="adriana.admin", roles=["administracion"])
    user.is_staff = True
    user.save()
    return user


def test_the_administracion_adds_a_tramite_with_its_requisitos(
    client, administracion, desarrollo_urbano
):
    client.force_login(administracion)
    url = reverse("admin:correspondencia_tramite_add")
    assert client.get(url).status_code == 200
    data = {
        "nombre": "Constancia de alineamiento y número oficial",
        "secretaria": desarrollo_urbano.pk,
        "descripcion": "Fija el límite del predio con la vía pública.",
        "palabras_clave": "numeración",
        "activo": "on",
        "plazo_dias_habiles": "10",
        "costo": "Derechos por metro lineal de frente.",
        "fundamento": "Reglamento de Construcciones del Municipio.",
        "slug": "",
        "requisitos-TOTAL_FORMS": "2",
        "requisitos-INITIAL_FORMS": "0",
        "requisitos-MIN_NUM_FORMS": "0",
        "requisitos-MAX_NUM_FORMS": "1000",
        "requisitos-0-orden": "1",
        "requisitos-0-documento": "Identificación oficial vigente",
        "requisitos-0-detalle": "",
        "requisitos-0-obligatorio": "on",
        "requisitos-1-orden": "2",
        "requisitos-1-documento": "Croquis de localización",
        "requisitos-1-detalle": "Con calles colindantes",
        "_save": "Guardar",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tramite = Tramite.objects.get(nombre="Constancia de alineamiento y número oficial")
    assert tramite.slug == "constancia-de-alineamiento-y-numero-oficial"
    assert not tramite.gratuito
    assert [(r.documento, r.obligatorio) for r in tramite.requisitos.all()] == [
        ("Identificación oficial vigente", True),
        ("Croquis de localización", False),
    ]
    assert [t.nombre for t in tramites_catalogo(query="numeracion")] == [tramite.nombre]

    changelist = client.get(reverse("admin:correspondencia_tramite_changelist"))
    assert changelist.status_code == 200
    assert "Derechos por metro lineal de frente." in changelist.content.decode()


def test_the_admin_asks_for_the_cost_of_a_tramite_that_is_not_free(
    client, administracion, construccion
):
    client.force_login(administracion)
    url = reverse("admin:correspondencia_tramite_change", args=[construccion.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "secretaria": construccion.secretaria_id,
            "gratuito": "",
            "costo": "",
            "activo": "on",
            "requisitos-TOTAL_FORMS": "0",
            "requisitos-INITIAL_FORMS": "0",
            "requisitos-MIN_NUM_FORMS": "0",
            "requisitos-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Indique el costo o marque el trámite como gratuito." in response.content.decode()


# The demo catálogo ------------------------------------------------------------------------


def test_the_demo_catalogue_is_complete_and_loads_once():
    from demo.management.commands.cargar_demo import Command

    Command().load_catalogues()
    tramites = Tramite.objects.prefetch_related("requisitos").select_related("secretaria")
    assert tramites.count() >= 20
    assert len({t.secretaria.nombre for t in tramites}) >= 12
    for tramite in tramites:
        assert tramite.descripcion and tramite.fundamento, tramite
        assert tramite.gratuito != bool(tramite.costo), tramite
        tramite.full_clean()
    assert sum(1 for t in tramites if t.requisitos.all()) >= 20
    for query, expected in [
        ("licencia de construccion", "Licencia de construcción"),
        ("uso de suelo", "Constancia de uso de suelo"),
        ("acta de nacimiento", "Copia certificada de acta de nacimiento"),
        ("no adeudo predial", "Constancia de no adeudo predial"),
        ("poda arbol", "Poda o derribo de árbol"),
        ("bache", "Bacheo y reparación de calles"),
        ("alumbrado", "Reparación de alumbrado público"),
    ]:
        assert tramites_catalogo(query=query)[0].nombre == expected, query

    # Run again: nothing doubles, and what the administración edited stays as it is.
    licencia = Tramite.objects.get(nombre="Licencia de funcionamiento")
    licencia.fundamento = "Reglamento de Comercio, texto revisado por la administración."
    licencia.save()
    licencia.requisitos.first().delete()
    before = TramiteRequisito.objects.count()
    Command().load_catalogues()
    assert TramiteRequisito.objects.count() == before
    licencia.refresh_from_db()
    assert licencia.fundamento == "Reglamento de Comercio, texto revisado por la administración."
