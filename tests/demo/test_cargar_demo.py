"""The demo loader dates everything at the moments the demo escritos lived: the escritos'
and turnos' history (django-simple-history), the Transicion timeline and the bitácora, whose
hash chain still verifies and runs in time order."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from correspondencia.models import Escrito, Transicion
from oficialia.models import Bitacora
from turnos.models import Turno

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests (and removed after them)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        loaded_from = timezone.now()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("cargar_demo", escritos=40, stdout=io.StringIO())
            yield loaded_from
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_the_escritos_history_carries_the_days_they_lived(demo):
    loaded_from = demo
    escritos = list(Escrito.objects.all())
    assert len(escritos) == 40
    old = [e for e in escritos if e.received_at < loaded_from - timedelta(days=30)]
    assert len(old) > 20
    for escrito in escritos:
        created = escrito.history.earliest("history_date")
        assert created.history_type == "+"
        assert created.history_date == escrito.received_at
        for row in escrito.history.all():
            assert escrito.received_at <= row.history_date < loaded_from
    for turno in Turno.objects.select_related("escrito"):
        for row in turno.history.all():
            assert turno.escrito.received_at <= row.history_date < loaded_from


def test_the_timeline_of_each_escrito_is_dated_when_it_happened(demo):
    loaded_from = demo
    for escrito in Escrito.objects.all():
        steps = list(Transicion.objects.filter(escrito=escrito).order_by("pk"))
        assert steps[0].at == escrito.received_at
        dates = [t.at for t in steps]
        assert dates == sorted(dates)
        assert dates[-1] < loaded_from
    # Many escritos went further than their arrival, days or weeks later.
    assert Transicion.objects.exclude(action="recibir").count() > 40
    assert Transicion.objects.filter(at__lt=loaded_from - timedelta(days=60)).count() > 40


def test_the_bitacora_is_dated_in_the_past_in_chain_order_and_verifies(demo):
    loaded_from = demo
    entries = list(Bitacora.objects.order_by("id"))
    moments = [e.at for e in entries]
    assert moments == sorted(moments), "chain order must be time order"
    first_escrito = Escrito.objects.order_by("received_at").first().received_at
    # The staff and the catalogues were there before the first escrito came in.
    staff_entries = [e for e in entries if e.action.startswith(("catalogo.", "usuario."))]
    assert staff_entries and all(e.at < first_escrito for e in staff_entries)
    escrito_entries = [e for e in entries if e.folio]
    assert len(escrito_entries) > 80
    assert all(e.at < loaded_from for e in escrito_entries)
    assert escrito_entries[0].at == first_escrito
    assert User.objects.get(username="turnador").date_joined < first_escrito

    out = io.StringIO()
    call_command("verificar_bitacora", stdout=out)
    assert f"Bitácora íntegra: {len(entries)} entradas" in out.getvalue()


def test_the_demo_answers_are_notified_and_measured_on_that_date(demo):
    from notificaciones.models import EstadoNotificacion, NotificacionPeticionario
    from turnos.models import Respuesta

    done = NotificacionPeticionario.objects.filter(estado=EstadoNotificacion.NOTIFICADA)
    assert done.exists()
    for respuesta in Respuesta.objects.all():
        if respuesta.notified_at is None:
            assert respuesta.within_term is None  # pendiente de notificar
        else:
            assert respuesta.within_term is not None
            assert respuesta.notified_at >= respuesta.answered_at
    # A personal notification has its evidence: who received it and the signed scan.
    for notificacion in done.exclude(canal="electronica"):
        assert notificacion.recibio_nombre and notificacion.escaneo


def test_every_secretaria_has_answer_templates_that_fill(demo):
    from correspondencia.models import Secretaria
    from oficios.models import PlantillaRespuesta
    from oficios.plantillas import EXAMPLE, fill, unknown_variables

    for secretaria in Secretaria.objects.all():
        plantillas = list(PlantillaRespuesta.objects.filter(secretaria=secretaria, activa=True))
        assert len(plantillas) >= 3, secretaria
        for plantilla in plantillas:
            assert unknown_variables(plantilla.texto) == []
            assert "{" not in fill(plantilla.texto, EXAMPLE), plantilla.nombre
            assert plantilla.sense
    obras = PlantillaRespuesta.objects.filter(secretaria__siglas="SOP")
    assert obras.filter(nombre="Bacheo programado", texto__contains="{folio}").exists()


def test_one_stand_in_ended_by_itself_and_one_is_in_force(demo):
    from oficialia.models import Suplencia
    from oficialia.suplencias import ausencia_label, in_force

    today = timezone.localdate()
    ended = Suplencia.objects.get(ausente__username="titular")
    assert ended.suplente.username == "enlace" and ended.hasta < today
    current = Suplencia.objects.filter(in_force(today)).get()
    assert (current.ausente.username, current.suplente.username) == ("titular.cat", "enlace.cat")
    assert ausencia_label(current.suplente) == "por ausencia de Titular Catastro"
    # Named before it started, in the bitácora's time order (checked above).
    assert Bitacora.objects.filter(action="suplencia.nombrar").count() == 2
