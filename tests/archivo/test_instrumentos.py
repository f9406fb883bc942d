"""The cuadro de clasificación and the catálogo de disposición: versioned, never rewriting
what was already classified."""

import pytest

from archivo.expedientes import escrito_classify
from archivo.instrumentos import serie_data_of, serie_proposed_for, serie_revise
from archivo.models import Serie
from oficialia.acciones import ActionError
from oficialia.models import Bitacora

from .conftest import file_with

pytestmark = pytest.mark.django_db


def test_a_revised_serie_never_rewrites_what_was_classified(cuadro, archivista, bacheo):
    classified = escrito_classify(escrito_id=file_with(bacheo).pk)
    v1 = cuadro["servicios"]
    data = serie_data_of(v1)
    data.vigencia_concentracion = 6
    data.nombre = "Mantenimiento urbano"
    v2 = serie_revise(serie_id=v1.pk, data=data, user=archivista, motivo="Nuevo catálogo 2026")

    assert (v2.linaje, v2.version, v2.vigente) == (v1.linaje, 2, True)
    v1.refresh_from_db()
    assert not v1.vigente and v1.vigencia_concentracion == 4 and v1.nombre.startswith("Servicios")
    classified.refresh_from_db()
    assert classified.serie == v1
    assert "Servicios de mantenimiento urbano" in classified.clasificacion
    # The trámite follows the current version: the next escrito is classified under it.
    assert serie_proposed_for(file_with(bacheo)) == v2
    assert list(v2.tramites.all()) == [bacheo]
    entry = Bitacora.objects.filter(action="archivo.serie").order_by("pk").last()
    assert entry.changes["version"] == 2 and entry.changes["motivo"] == "Nuevo catálogo 2026"


def test_a_revision_needs_a_reason_and_the_current_version(cuadro, archivista):
    v1 = cuadro["servicios"]
    with pytest.raises(ActionError, match="motivo"):
        serie_revise(serie_id=v1.pk, data=serie_data_of(v1), user=archivista, motivo=" ")
    serie_revise(serie_id=v1.pk, data=serie_data_of(v1), user=archivista, motivo="ajuste")
    with pytest.raises(ActionError, match="reemplazada"):
        serie_revise(serie_id=v1.pk, data=serie_data_of(v1), user=archivista, motivo="otra vez")
    assert Serie.objects.filter(linaje=v1.linaje).count() == 2


def test_the_proposal_comes_from_the_tramite_or_the_default(cuadro, bacheo, licencia):
    assert serie_proposed_for(file_with(bacheo)) == cuadro["servicios"]
    assert serie_proposed_for(file_with(licencia)) == cuadro["licencias"]
    assert serie_proposed_for(file_with(None)) == cuadro["peticiones"]
