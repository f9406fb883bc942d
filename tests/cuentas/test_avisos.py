"""Notices: every change of state is listed in the account and emailed, unless the citizen
switched that kind of email off."""

import pytest
from django.core import mail
from django.urls import reverse

from correspondencia.models import EscritoState, Transicion
from cuentas.avisos import petitioner_notify
from cuentas.models import Cuenta
from cuentas.selectors import email_notice_wanted, notices_of, unseen_notices
from oficialia.models import Bitacora
from tests.factories import file_escrito
from turnos.services import Route, escrito_turn, turno_accept, turno_answer, turno_prevent

from .conftest import link

pytestmark = pytest.mark.django_db


@pytest.fixture
def escrito(lupita):
    escrito = file_escrito(email="lupita@example.com", queue_acuse=False).escrito
    link(lupita, escrito)
    return escrito


def live(escrito, turnador, obras, titular_obras, captured):
    """Route, accept, prevent and answer the escrito, sending the notices as they commit."""
    with captured(execute=True):
        (turno,) = escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    with captured(execute=True):
        turno_accept(turno_id=turno.pk, user=titular_obras)
    with captured(execute=True):
        turno_prevent(turno_id=turno.pk, user=titular_obras, texto="Falta la INE")
    return turno


def subjects() -> list[str]:
    """The notices emailed to Lupita (the staff get their own)."""
    return [m.subject.split(": ", 1)[1] for m in mail.outbox if m.to == ["lupita@example.com"]]


def test_every_change_of_state_is_listed_and_emailed_by_default(
    lupita,
    lupita_client,
    escrito,
    turnador,
    obras,
    titular_obras,
    django_capture_on_commit_callbacks,
):
    live(escrito, turnador, obras, titular_obras, django_capture_on_commit_callbacks)
    assert subjects() == ["Turnado", "En atención", "Prevenido (falta información)"]
    listed = [t.target for t in notices_of(lupita)]
    assert listed == [
        EscritoState.PREVENIDO,
        EscritoState.EN_ATENCION,
        EscritoState.TURNADO,
        EscritoState.RECIBIDO,
    ]
    assert unseen_notices(lupita) == 4
    page = lupita_client.get(reverse("cuenta_escritos")).content.decode()
    assert 'aria-label="4 nuevos"' in page
    response = lupita_client.get(reverse("cuenta_avisos"))
    assert "Prevenido (falta información)" in response.content.decode()
    assert unseen_notices(Cuenta.objects.get(pk=lupita.pk)) == 0


def test_a_kind_switched_off_is_listed_but_not_emailed(
    lupita,
    lupita_client,
    escrito,
    turnador,
    obras,
    titular_obras,
    django_capture_on_commit_callbacks,
):
    # Every optional kind unticked; the required ones are not even offered.
    response = lupita_client.post(reverse("cuenta_avisos"), {})
    assert response.status_code == 302
    cuenta = Cuenta.objects.get(pk=lupita.pk)
    assert (cuenta.notify_avance, cuenta.notify_prevencion, cuenta.notify_cierre) == (
        False,
        True,
        False,
    )
    entry = Bitacora.objects.get(action="cuenta.avisos")
    assert entry.changes == {"por_correo": ["prevencion", "respuesta"]}

    turno = live(escrito, turnador, obras, titular_obras, django_capture_on_commit_callbacks)
    assert subjects() == ["Prevenido (falta información)"]
    # The muted notices are handled (so the relay does not queue them forever) ...
    muted = Transicion.objects.filter(
        escrito=escrito, target__in=[EscritoState.TURNADO, EscritoState.EN_ATENCION]
    )
    assert muted.count() == 2 and not muted.filter(notified_at__isnull=True).exists()
    waiting = Transicion.objects.filter(
        escrito=escrito, notified_at__isnull=True, public=True, turno_id__isnull=True
    ).exclude(action="recibir")
    assert not waiting.exclude(target="").exists()  # what the relay would queue again
    # ... and still listed in the account.
    assert len(notices_of(cuenta)) == 4

    from turnos.services import prevencion_answer

    with django_capture_on_commit_callbacks(execute=True):
        prevencion_answer(escrito_id=escrito.pk, texto="Adjunto mi INE", files=[])
    with django_capture_on_commit_callbacks(execute=True):
        turno_answer(turno_id=turno.pk, user=titular_obras, texto="Listo", sense="positiva")
    assert subjects() == ["Prevenido (falta información)", "Respondido"]


def test_escritos_without_an_account_are_always_emailed(escrito, lupita):
    other = file_escrito(email="otra@example.com", queue_acuse=False).escrito
    Cuenta.objects.filter(pk=lupita.pk).update(notify_avance=False)
    assert email_notice_wanted(escrito_id=other.pk, state=EscritoState.TURNADO)
    assert not email_notice_wanted(escrito_id=escrito.pk, state=EscritoState.TURNADO)
    assert email_notice_wanted(escrito_id=escrito.pk, state=EscritoState.RESPONDIDO)


def test_a_muted_notice_is_not_sent_even_when_the_task_runs_twice(lupita, escrito, turnador, obras):
    Cuenta.objects.filter(pk=lupita.pk).update(notify_avance=False)
    escrito_turn(escrito_id=escrito.pk, user=turnador, routes=[Route(obras)])
    step = Transicion.objects.get(escrito=escrito, target=EscritoState.TURNADO, turno_id=None)
    assert petitioner_notify(transicion_id=step.pk) is False
    assert petitioner_notify(transicion_id=step.pk) is False
    assert subjects() == []
