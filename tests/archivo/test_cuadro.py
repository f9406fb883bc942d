"""The Coordinación de Archivos keeps the whole cuadro from its pages: fondos and secciones as
well as series. A change is a new version; nothing already classified is rewritten."""

import pytest
from django.urls import reverse

from archivo.expedientes import escrito_classify
from archivo.models import Fondo, Seccion
from oficialia.models import Bitacora

from .conftest import file_with

pytestmark = pytest.mark.django_db


def test_the_archivist_adds_a_fondo_and_a_seccion(client, archivista):
    client.force_login(archivista)
    response = client.post(
        reverse("archivo_fondo_nuevo"), {"codigo": "am", "nombre": "Ayuntamiento  Municipal"}
    )
    assert response.status_code == 302
    fondo = Fondo.objects.get()
    assert (fondo.codigo, fondo.nombre) == ("AM", "Ayuntamiento Municipal")
    response = client.post(
        reverse("archivo_seccion_nueva"),
        {"fondo": fondo.pk, "codigo": "AM.4S", "nombre": "Obras públicas", "tipo": "sustantiva"},
    )
    assert response.status_code == 302
    html = client.get(reverse("archivo_cuadro")).content.decode()
    assert "AM.4S Obras públicas" in html and "Ayuntamiento Municipal" in html
    assert Bitacora.objects.filter(object_type__icontains="seccion").exists()


def test_a_repeated_code_is_said_next_to_it_and_what_was_typed_stays(client, cuadro, archivista):
    client.force_login(archivista)
    fondo = Fondo.objects.get()
    response = client.post(
        reverse("archivo_seccion_nueva"),
        {"fondo": fondo.pk, "codigo": "am.4s", "nombre": "Obras y servicios", "tipo": "comun"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ya existe el código AM.4S." in html
    assert 'value="Obras y servicios"' in html and 'value="am.4s"' in html
    field = html[html.index('id="id_codigo"') - 400 : html.index("Ya existe el código")]
    assert "field--error" in field
    assert Seccion.objects.count() == 2


def test_a_changed_seccion_keeps_its_versions_and_never_rewrites_what_was_classified(
    client, cuadro, bacheo, archivista
):
    before = escrito_classify(escrito_id=file_with(bacheo).pk)
    assert "Obras públicas" in before.clasificacion
    seccion = Seccion.objects.get(codigo="AM.4S")
    client.force_login(archivista)
    edit = reverse("archivo_seccion_editar", args=[seccion.pk])
    form = {
        "fondo": seccion.fondo_id,
        "codigo": "AM.4S",
        "nombre": "Obras públicas y servicios urbanos",
        "tipo": "sustantiva",
        "orden": 4,
    }
    response = client.post(edit, form)
    assert response.status_code == 400
    assert "Este campo es obligatorio" in response.content.decode()
    assert 'value="Obras públicas y servicios urbanos"' in response.content.decode()
    response = client.post(edit, {**form, "motivo": "Acuerdo de cabildo 12/2026"})
    assert response.status_code == 302

    before.refresh_from_db()
    assert "Obras públicas /" in before.clasificacion  # as it was classified
    after = escrito_classify(escrito_id=file_with(bacheo).pk)
    assert "Obras públicas y servicios urbanos" in after.clasificacion
    versions = client.get(edit).content.decode()
    listed = versions[versions.index('data-testid="versiones"') :]
    assert "Acuerdo de cabildo 12/2026" in listed, listed[:600]
    assert "Obras públicas (sustantiva) — alta" in listed
    names = list(seccion.history.order_by("history_date").values_list("nombre", flat=True))
    assert names == ["Obras públicas", "Obras públicas y servicios urbanos"]


def test_a_seccion_loaded_before_its_history_keeps_its_first_version(cuadro, archivista):
    from archivo.instrumentos import seccion_save

    seccion = Seccion.objects.get(codigo="AM.4S")
    seccion.history.all().delete()  # as rows loaded before versions were kept
    seccion_save(
        fondo=seccion.fondo,
        codigo="AM.4S",
        nombre="Obra pública",
        tipo="sustantiva",
        orden=0,
        user=archivista,
        seccion_id=seccion.pk,
        motivo="Nombre corto",
    )
    reasons = list(
        seccion.history.order_by("history_date", "pk").values_list(
            "nombre", "history_change_reason"
        )
    )
    assert reasons == [("Obras públicas", "Versión inicial"), ("Obra pública", "Nombre corto")]


def test_a_renamed_fondo_keeps_its_first_version(client, cuadro, archivista):
    fondo = Fondo.objects.get()
    client.force_login(archivista)
    client.post(
        reverse("archivo_fondo_editar", args=[fondo.pk]),
        {"codigo": "AM", "nombre": "Municipio de Chilpancingo", "motivo": "Nombre oficial"},
    )
    names = list(fondo.history.order_by("history_date").values_list("nombre", flat=True))
    assert names == ["Ayuntamiento Municipal", "Municipio de Chilpancingo"]


def test_only_the_coordinacion_de_archivos_edits_the_cuadro(client, cuadro, turnador):
    client.force_login(turnador)
    html = client.get(reverse("archivo_cuadro")).content.decode()
    assert "Agregar sección" not in html and "modificar la sección" not in html
    assert client.get(reverse("archivo_seccion_nueva")).status_code == 403
    fondo = Fondo.objects.get()
    response = client.post(
        reverse("archivo_fondo_editar", args=[fondo.pk]),
        {"codigo": "X", "nombre": "X", "motivo": "x"},
    )
    assert response.status_code == 403
    fondo.refresh_from_db()
    assert fondo.codigo == "AM"
