"""Ficha numbers: one series per secretaría per day, shared by its services, never repeated."""

import pytest

from fila.models import ContadorFichas, Ficha
from fila.services import ActionError, ficha_issue
from tests.correspondencia.test_concurrency import run_in_threads

from .conftest import TUESDAY, at, local


@pytest.mark.django_db
def test_fichas_are_numbered_per_secretaria_and_day(licencias, pagos, contratos):
    with at(local(TUESDAY, 9)):
        codes = [
            ficha_issue(servicio_id=licencias.pk).codigo,
            ficha_issue(servicio_id=pagos.pk).codigo,
            ficha_issue(servicio_id=contratos.pk).codigo,
            ficha_issue(servicio_id=licencias.pk).codigo,
            ficha_issue(servicio_id=contratos.pk).codigo,
        ]
    # The letter names the service; the number runs per secretaría, across its services.
    assert codes == ["SOP-A001", "SOP-B002", "SAP-A001", "SOP-A003", "SAP-A002"]
    assert set(Ficha.objects.values_list("fecha", flat=True)) == {TUESDAY}


@pytest.mark.django_db
def test_numbering_starts_again_each_day_in_mexico_city_time(licencias):
    # 23:59 on Tuesday in Mexico City is already Wednesday in UTC: still Tuesday's series.
    with at(local(TUESDAY, 23, 59)):
        late = [ficha_issue(servicio_id=licencias.pk) for _ in range(2)]
    with at(local(TUESDAY.replace(day=11), 0, 1)):
        next_day = ficha_issue(servicio_id=licencias.pk)
    assert [f.codigo for f in late] == ["SOP-A001", "SOP-A002"]
    assert {f.fecha for f in late} == {TUESDAY}
    assert next_day.codigo == "SOP-A001"
    assert next_day.fecha == TUESDAY.replace(day=11)
    assert ContadorFichas.objects.count() == 2


@pytest.mark.django_db
def test_a_service_no_longer_offered_gives_no_ficha(licencias):
    licencias.activo = False
    licencias.save()
    with pytest.raises(ActionError, match="ya no se ofrece"):
        ficha_issue(servicio_id=licencias.pk)
    assert not Ficha.objects.exists()
    assert not ContadorFichas.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_forty_kiosks_at_once_get_forty_consecutive_numbers(postgres, licencias, pagos, contratos):
    def take(i):
        servicio = (licencias, pagos, contratos)[i % 3]
        return ficha_issue(servicio_id=servicio.pk).codigo

    results = run_in_threads(40, take)
    assert not [r for r in results if isinstance(r, Exception)], results
    obras = sorted(int(code[5:]) for code in results if code.startswith("SOP-"))
    agua = sorted(int(code[5:]) for code in results if code.startswith("SAP-"))
    assert obras == list(range(1, len(obras) + 1))
    assert agua == list(range(1, len(agua) + 1))
    assert len(obras) + len(agua) == 40
    assert Ficha.objects.count() == 40
