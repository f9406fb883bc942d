"""The estimated wait a ficha shows: people ahead times the last hour's mean attention time,
shared among the módulos attending."""

import pytest

from fila import selectors
from fila.models import Ficha
from fila.services import ficha_call_next, ficha_issue, ficha_mark_attended, modulo_pause

from .conftest import TUESDAY, at, local


def attend(modulo, user, called: tuple[int, int], done: tuple[int, int]) -> Ficha:
    with at(local(TUESDAY, *called)):
        ficha = ficha_call_next(modulo_id=modulo.pk, user=user)
    with at(local(TUESDAY, *done)):
        ficha_mark_attended(modulo_id=modulo.pk, user=user)
    return ficha


def issue(servicio, hour: int, minute: int = 0, count: int = 1) -> list[Ficha]:
    with at(local(TUESDAY, hour, minute)):
        return [ficha_issue(servicio_id=servicio.pk) for _ in range(count)]


@pytest.mark.django_db
def test_without_attentions_in_the_last_hour_each_person_counts_ten_minutes(
    obras, licencias, ventanilla_1
):
    fichas = issue(licencias, 9, 0, count=4)
    status = selectors.ficha_status(fichas[3], now=local(TUESDAY, 9, 1))
    assert status.ahead == 3
    assert status.wait_minutes == 3 * selectors.DEFAULT_ATTENTION_MINUTES
    assert selectors.ficha_status(fichas[0], now=local(TUESDAY, 9, 1)).wait_minutes == 0


@pytest.mark.django_db
def test_the_estimate_uses_the_last_hours_attention_times_and_working_modulos(
    obras, licencias, ventanilla_1, ventanilla_2, ventanilla_3, enlace_obras, titular_obras
):
    ventanilla_3.en_pausa = True  # paused: it attends nobody
    ventanilla_3.save()
    issue(licencias, 8, 0, count=3)
    # 8:00 to 8:40: one slow attention (40 min), more than an hour before 10:00: not counted.
    attend(ventanilla_1, enlace_obras, (8, 0), (8, 40))
    # Within the last hour: 4, 6 and 8 minutes, at two módulos.
    attend(ventanilla_1, enlace_obras, (9, 10), (9, 14))
    attend(ventanilla_2, titular_obras, (9, 20), (9, 26))
    issue(licencias, 9, 30)
    attend(ventanilla_1, enlace_obras, (9, 30), (9, 38))
    waiting = issue(licencias, 9, 50, count=5)
    now = local(TUESDAY, 10, 0)
    assert selectors.attention_minutes_last_hour(secretaria_id=obras.pk, now=now) == 6
    assert selectors.working_modulos(secretaria_id=obras.pk, now=now) == 2
    status = selectors.ficha_status(waiting[4], now=now)
    assert status.ahead == 4
    assert status.wait_minutes == 12  # 4 people, 6 min each, 2 módulos
    # The kiosk tells the next walk-in before they take their ficha.
    preview = selectors.queue_preview(obras, now=now)
    assert (preview.ahead, preview.wait_minutes) == (5, 15)


@pytest.mark.django_db
def test_a_paused_modulo_does_not_count_as_attending(
    obras, licencias, ventanilla_1, ventanilla_2, enlace_obras, titular_obras
):
    issue(licencias, 9, 0, count=2)
    attend(ventanilla_1, enlace_obras, (9, 1), (9, 11))
    attend(ventanilla_2, titular_obras, (9, 2), (9, 12))
    now = local(TUESDAY, 9, 30)
    assert selectors.working_modulos(secretaria_id=obras.pk, now=now) == 2
    modulo_pause(modulo_id=ventanilla_2.pk, user=titular_obras)
    assert selectors.working_modulos(secretaria_id=obras.pk, now=now) == 1
