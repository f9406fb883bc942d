"""The queue's use cases write the bitácora like every other desk: who called, attended,
transferred or paused, and the appointments booked, cancelled and checked in, without the
person's data or the check-in code."""

import pytest

from fila.services import (
    cita_book,
    cita_cancel,
    cita_check_in,
    ficha_call_again,
    ficha_call_next,
    ficha_issue,
    ficha_mark_absent,
    ficha_mark_attended,
    ficha_transfer,
    modulo_pause,
    modulo_resume,
)
from oficialia import bitacora
from oficialia.models import Bitacora

from .conftest import TUESDAY, at, local
from .test_citas import MONDAY_BEFORE, schedule

pytestmark = pytest.mark.django_db


def entries() -> list[tuple[str, str, str]]:
    """The queue's entries (the fixtures' catalogue entries left out)."""
    return list(
        Bitacora.objects.filter(object_type__in=["ficha", "cita", "modulo"])
        .order_by("id")
        .values_list("action", "object_ref", "actor_label")
    )


def test_a_day_at_the_windows_is_on_record(licencias, pagos, ventanilla_1, titular_obras):
    first = ficha_issue(servicio_id=licencias.pk)
    second = ficha_issue(servicio_id=licencias.pk)
    ficha_call_next(modulo_id=ventanilla_1.pk, user=titular_obras)
    ficha_call_again(modulo_id=ventanilla_1.pk, user=titular_obras)
    ficha_mark_attended(modulo_id=ventanilla_1.pk, user=titular_obras)
    ficha_call_next(modulo_id=ventanilla_1.pk, user=titular_obras)
    nueva = ficha_transfer(modulo_id=ventanilla_1.pk, user=titular_obras, servicio_id=pagos.pk)
    modulo_pause(modulo_id=ventanilla_1.pk, user=titular_obras)
    modulo_resume(modulo_id=ventanilla_1.pk, user=titular_obras)
    ficha_call_next(modulo_id=ventanilla_1.pk, user=titular_obras)
    ficha_mark_absent(modulo_id=ventanilla_1.pk, user=titular_obras)

    titular = titular_obras.get_full_name() or titular_obras.get_username()
    assert entries() == [
        ("ficha.emitir", first.codigo, "Sistema"),
        ("ficha.emitir", second.codigo, "Sistema"),
        ("ficha.llamar", first.codigo, titular),
        ("ficha.rellamar", first.codigo, titular),
        ("ficha.atender", first.codigo, titular),
        ("ficha.llamar", second.codigo, titular),
        ("ficha.transferir", second.codigo, titular),
        ("modulo.pausar", str(ventanilla_1.pk), titular),
        ("modulo.reanudar", str(ventanilla_1.pk), titular),
        ("ficha.llamar", nueva.codigo, titular),
        ("ficha.ausente", nueva.codigo, titular),
    ]
    transferred = Bitacora.objects.get(action="ficha.transferir")
    assert transferred.changes["a"] == nueva.codigo
    assert bitacora.verify().ok


def test_appointments_are_on_record_without_the_persons_data(licencias, ventanilla_1):
    schedule(ventanilla_1, TUESDAY.weekday())
    with at(local(MONDAY_BEFORE, 12)):
        cita = cita_book(
            servicio_id=licencias.pk,
            inicio=local(TUESDAY, 9),
            nombre="Lucía Nava",
            email="lucia@example.com",
        )
        other = cita_book(servicio_id=licencias.pk, inicio=local(TUESDAY, 9, 30), nombre="Ana")
        cita_cancel(cita_id=other.pk)
    with at(local(TUESDAY, 8, 30)):
        ficha = cita_check_in(codigo=cita.codigo)
    assert entries() == [
        ("cita.agendar", str(cita.pk), "Sistema"),
        ("cita.agendar", str(other.pk), "Sistema"),
        ("cita.cancelar", str(other.pk), "Sistema"),
        ("cita.llegada", str(cita.pk), "Sistema"),
    ]
    recorded = str(list(Bitacora.objects.values_list("object_ref", "changes")))
    assert "Lucía" not in recorded and "lucia@example.com" not in recorded
    assert cita.codigo not in recorded
    assert Bitacora.objects.get(action="cita.llegada").changes == {"ficha": ficha.codigo}
