"""The pages: the kiosk and its ticket, the board, appointments, the console, the schedule."""

import re
import uuid
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from fila.models import Cita, CitaState, Ficha, FichaState, HorarioCitas, Llamado
from fila.services import ficha_call_next, ficha_issue

from .conftest import TUESDAY, at, local

pytestmark = pytest.mark.django_db

MONDAY_BEFORE = date(2026, 3, 9)
HX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# The kiosk and the ticket ----------------------------------------------------------------


def test_the_kiosk_lists_the_secretarias_that_give_fichas(licencias, pagos, agua):
    page = text(Client().get(reverse("fila_kiosco")))
    assert "Secretaría de Obras Públicas" in page
    assert "Secretaría de Agua Potable" not in page  # no services: no fichas
    page = text(Client().get(reverse("fila_kiosco_servicios", args=["SOP"])))
    assert "Licencias y permisos" in page and "Pagos y constancias" in page
    assert "No hay nadie en espera" in page
    assert Client().get(reverse("fila_kiosco_servicios", args=["SAP"])).status_code == 404


def test_a_walk_in_takes_a_ficha_and_sees_who_is_ahead(licencias, pagos):
    with at(local(TUESDAY, 9)):
        ficha_issue(servicio_id=licencias.pk)
        ficha_issue(servicio_id=licencias.pk)
        client = Client()
        response = client.post(
            reverse("fila_kiosco_servicios", args=["SOP"]), {"servicio": pagos.pk}
        )
        ficha = Ficha.objects.get(servicio=pagos)
        assert response.status_code == 302
        assert response.url == reverse("fila_ficha", args=[ficha.token]) + "?kiosco=1"
        page = text(client.get(response.url))
    assert "SOP-B003" in page
    assert re.search(r"Personas antes que usted</span><strong[^>]*>2</strong>", page)
    assert "20 min" in page  # two people, ten minutes each, one módulo
    assert "30 segundos sin que nadie la toque" in page  # the kiosk goes back to the start
    assert "data:image/svg+xml" in page  # the QR code to follow it on a phone


def test_the_kiosk_says_in_spanish_what_is_missing(licencias):
    response = Client().post(reverse("fila_kiosco_servicios", args=["SOP"]), {})
    assert response.status_code == 400
    assert "Elija el servicio que necesita." in text(response)
    response = Client().post(reverse("fila_kiosco_servicios", args=["SOP"]), {"servicio": 999})
    assert "Ese servicio ya no se ofrece. Elija otro." in text(response)
    assert not Ficha.objects.exists()


def test_the_kiosk_is_rate_limited_per_address(settings, licencias):
    settings.FILA_FICHA_RATE = "3/m"
    client = Client()
    url = reverse("fila_kiosco_servicios", args=["SOP"])
    statuses = [client.post(url, {"servicio": licencias.pk}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Ficha.objects.count() == 3


def test_the_ticket_refreshes_its_status_until_the_person_is_attended(
    licencias, ventanilla_1, enlace_obras
):
    with at(local(TUESDAY, 9)):
        ficha = ficha_issue(servicio_id=licencias.pk)
    url = reverse("fila_ficha", args=[ficha.token])
    with at(local(TUESDAY, 9, 1)):
        fragment = text(Client().get(url, **HX))
        assert "<html" not in fragment and 'hx-trigger="every 5s"' in fragment
        ficha_call_next(modulo_id=ventanilla_1.pk, user=enlace_obras)
        fragment = text(Client().get(url, **HX))
    assert "Es su turno: pase a <strong>Ventanilla 1</strong>" in fragment
    unknown = reverse("fila_ficha", args=[uuid.uuid4()])
    assert Client().get(unknown).status_code == 404


# The board -------------------------------------------------------------------------------


def test_the_board_shows_the_latest_call_and_asks_again_every_two_seconds(
    licencias, ventanilla_1, ventanilla_2, enlace_obras, titular_obras
):
    url = reverse("fila_pantalla", args=["SOP"])
    with at(local(TUESDAY, 9)):
        page = text(Client().get(url))
        assert 'hx-trigger="every 2s"' in page
        assert "Aún no se ha llamado a nadie hoy." in page
        for _ in range(3):
            ficha_issue(servicio_id=licencias.pk)
        ficha_call_next(modulo_id=ventanilla_1.pk, user=enlace_obras)
        ficha_call_next(modulo_id=ventanilla_2.pk, user=titular_obras)
        fragment = text(Client().get(url, **HX))
    assert "<html" not in fragment
    current = re.search(r'data-testid="pantalla-actual">([^<]+)<', fragment).group(1)
    assert current == "SOP-A002"
    assert "a <strong>Ventanilla 2</strong>" in fragment
    assert "SOP-A001</td><td>Ventanilla 1</td>" in fragment
    assert re.search(r'data-testid="pantalla-espera">1<', fragment)
    # Yesterday's calls are not on today's board.
    with at(local(TUESDAY.replace(day=11), 8)):
        assert "Aún no se ha llamado a nadie hoy." in text(Client().get(url, **HX))


# The console -----------------------------------------------------------------------------


def test_the_console_calls_finishes_and_pauses(licencias, ventanilla_1, enlace_obras):
    client = signed_in(enlace_obras)
    console = reverse("fila_consola", args=[ventanilla_1.pk])
    action = lambda name: reverse("fila_consola_accion", args=[ventanilla_1.pk, name])  # noqa: E731
    assert "Ventanilla 1" in text(client.get(reverse("fila_modulos")))
    with at(local(TUESDAY, 9)):
        response = client.post(action("llamar"), follow=True)
        assert "No hay fichas en espera." in text(response)
        ficha_issue(servicio_id=licencias.pk)
        response = client.post(action("llamar"), follow=True)
        assert "Ficha SOP-A001 llamada." in text(response)
        assert re.search(r'data-testid="consola-actual">SOP-A001<', text(response))
        response = client.post(action("rellamar"), follow=True)
        assert "llamada de nuevo (2.ª vez)" in text(response)
        response = client.post(action("atendida"), follow=True)
        assert "Ficha SOP-A001 atendida." in text(response)
        assert "Nadie en el módulo." in text(response)
        client.post(action("pausar"))
        ficha_issue(servicio_id=licencias.pk)
        response = client.post(action("llamar"), follow=True)
        assert "El módulo está en pausa" in text(response)
        client.post(action("reanudar"))
        fragment = text(client.get(console, **HX))
    assert "<html" not in fragment and "SOP-A002" in fragment
    assert client.post(action("bailar")).status_code == 404
    assert Llamado.objects.count() == 2


def test_the_console_transfers_to_another_secretarias_queue(
    licencias, contratos, ventanilla_1, enlace_obras
):
    client = signed_in(enlace_obras)
    with at(local(TUESDAY, 9)):
        ficha_issue(servicio_id=licencias.pk)
        client.post(reverse("fila_consola_accion", args=[ventanilla_1.pk, "llamar"]))
        page = text(client.get(reverse("fila_consola", args=[ventanilla_1.pk])))
        assert '<optgroup label="Secretaría de Agua Potable">' in page
        url = reverse("fila_consola_accion", args=[ventanilla_1.pk, "transferir"])
        response = client.post(url, {})
        assert response.status_code == 400
        assert "Elija la secretaría y el servicio" in text(response)
        response = client.post(url, {"servicio": contratos.pk}, follow=True)
    assert "su nueva ficha es SAP-A001 (Secretaría de Agua Potable)" in text(response)
    assert Ficha.objects.get(codigo="SOP-A001").estado == FichaState.TRANSFERIDA


def test_another_secretarias_console_is_not_found(ventanilla_1, titular_agua):
    client = signed_in(titular_agua)
    assert client.get(reverse("fila_consola", args=[ventanilla_1.pk])).status_code == 404
    url = reverse("fila_consola_accion", args=[ventanilla_1.pk, "pausar"])
    assert client.post(url).status_code == 404
    ventanilla_1.refresh_from_db()
    assert not ventanilla_1.en_pausa


# Appointments ----------------------------------------------------------------------------


@pytest.fixture
def horario(ventanilla_1):
    return HorarioCitas.objects.create(
        modulo=ventanilla_1,
        dia_semana=TUESDAY.weekday(),
        hora_inicio="09:00",
        hora_fin="10:00",
        duracion_minutos=30,
        capacidad=1,
    )


def cita_data(servicio, **overrides) -> dict:
    return {
        "servicio": servicio.pk,
        "fecha": TUESDAY.isoformat(),
        "hora": "09:30",
        "nombre": "  María   Guadalupe Hernández ",
        "telefono": "747 123 4567",
        "email": "",
        "acepto_aviso": "on",
        **overrides,
    }


def test_the_appointment_form_has_a_short_notice_naming_the_responsable(
    licencias, horario, settings
):
    settings.INSTITUTION_NAME = "H. Ayuntamiento de Pachuca de Soto"
    settings.INSTITUTION_ADDRESS = "Plaza General Pedro María Anaya 1, Centro, 42000"
    with at(local(MONDAY_BEFORE, 12)):
        page = text(Client().get(reverse("fila_cita_nueva", args=["SOP"])))
    notice = page[page.index("Aviso de privacidad") :][:2000]
    assert "H. Ayuntamiento de Pachuca de Soto" in notice
    assert "Plaza General Pedro María Anaya 1, Centro, 42000" in notice
    assert "derechos de acceso, rectificación, cancelación y oposición" in notice


def test_a_citizen_books_an_appointment_and_gets_its_code(licencias, horario):
    url = reverse("fila_cita_nueva", args=["SOP"])
    with at(local(MONDAY_BEFORE, 12)):
        page = text(Client().get(url))
        assert ">Martes 10 de marzo<" in page
        assert 'value="09:00"' in page and 'value="09:30"' in page
        response = Client().post(url, cita_data(licencias))
        cita = Cita.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("fila_cita", args=[cita.token])
        page = text(Client().get(response.url))
    assert cita.nombre == "María Guadalupe Hernández"
    assert cita.inicio == local(TUESDAY, 9, 30)
    assert f"{cita.codigo[:3]}-{cita.codigo[3:]}" in page
    assert "entre las 07:30 y las 09:45" in page


def test_the_booking_form_keeps_what_was_typed_and_says_what_is_missing(licencias, horario):
    url = reverse("fila_cita_nueva", args=["SOP"])
    with at(local(MONDAY_BEFORE, 12)):
        response = Client().post(url, cita_data(licencias, nombre="", acepto_aviso=""))
    page = text(response)
    assert response.status_code == 200
    assert "Escriba su nombre: así lo atenderán en el módulo." in page
    assert "Para reservar la cita debe aceptar el aviso de privacidad." in page
    assert 'value="747 123 4567"' in page
    assert re.search(r'value="09:30"[^>]*checked', page)
    assert not Cita.objects.exists()


def test_a_slot_taken_meanwhile_is_refused_next_to_the_hour(licencias, horario):
    url = reverse("fila_cita_nueva", args=["SOP"])
    with at(local(MONDAY_BEFORE, 12)):
        Client().post(url, cita_data(licencias, nombre="Primera Persona"))
        response = Client().post(url, cita_data(licencias, nombre="Segunda Persona"))
    assert "Ese horario ya no está disponible. Elija otro." in text(response)
    assert Cita.objects.count() == 1


def test_choosing_another_day_reloads_only_the_hours(licencias, horario):
    url = reverse("fila_cita_nueva", args=["SOP"])
    with at(local(MONDAY_BEFORE, 12)):
        fragment = text(Client().get(url, {"fecha": "2026-03-17"}, **HX))
    assert fragment.startswith('<div id="horas"')
    assert "martes 17 de marzo" in fragment


def test_an_appointment_is_cancelled_from_its_page(licencias, horario):
    with at(local(MONDAY_BEFORE, 12)):
        client = Client()
        client.post(reverse("fila_cita_nueva", args=["SOP"]), cita_data(licencias))
        cita = Cita.objects.get()
        response = client.post(reverse("fila_cita_cancelar", args=[cita.token]), follow=True)
    assert "Su cita quedó cancelada" in text(response)
    cita.refresh_from_db()
    assert cita.estado == CitaState.CANCELADA


def test_check_in_at_the_kiosk_gives_the_ficha(licencias, horario):
    with at(local(MONDAY_BEFORE, 12)):
        Client().post(reverse("fila_cita_nueva", args=["SOP"]), cita_data(licencias))
    cita = Cita.objects.get()
    url = reverse("fila_llegada")
    with at(local(TUESDAY, 9, 20)):
        response = Client().post(url, {"codigo": "ABC"})
        assert "El código tiene 6 letras y números" in text(response)
        response = Client().post(url, {"codigo": "ZZZ-ZZZ"})
        assert "No encontramos una cita con ese código" in text(response)
        response = Client().post(url, {"codigo": f"{cita.codigo[:3]}-{cita.codigo[3:]}"})
    ficha = Ficha.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("fila_ficha", args=[ficha.token]) + "?kiosco=1"


# The schedule of appointments ------------------------------------------------------------


def horario_form(prefix="horario", rows=(), initial=0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_the_titular_sets_the_schedule_of_appointments(ventanilla_1, titular_obras):
    client = signed_in(titular_obras)
    url = reverse("fila_horarios")
    assert "Ventanilla 1" in text(client.get(url))
    row = {
        "modulo": ventanilla_1.pk,
        "dia_semana": "1",
        "hora_inicio": "09:00",
        "hora_fin": "08:00",
        "duracion_minutos": "20",
        "capacidad": "2",
        "activo": "on",
    }
    response = client.post(url, horario_form(rows=[row]))
    assert response.status_code == 400
    assert "La hora final debe ser posterior a la inicial." in text(response)
    response = client.post(url, horario_form(rows=[{**row, "hora_fin": "13:00"}]))
    assert response.status_code == 302
    horario = HorarioCitas.objects.get()
    assert (horario.modulo, horario.capacidad, str(horario.hora_fin)) == (
        ventanilla_1,
        2,
        "13:00:00",
    )


def test_a_titular_cannot_touch_another_secretarias_schedule(
    horario, ventanilla_agua, titular_agua
):
    client = signed_in(titular_agua)
    page = text(client.get(reverse("fila_horarios")))
    assert "Ventanilla 1" in page and "09:00" not in page  # Agua's own módulo, no rows
    row = {
        "id": horario.pk,
        "modulo": ventanilla_agua.pk,
        "dia_semana": "1",
        "hora_inicio": "07:00",
        "hora_fin": "08:00",
        "duracion_minutos": "20",
        "capacidad": "9",
        "DELETE": "on",
    }
    client.post(reverse("fila_horarios"), horario_form(rows=[row], initial=1))
    horario.refresh_from_db()
    assert (horario.modulo.secretaria.siglas, horario.capacidad) == ("SOP", 1)


def test_a_ficha_left_waiting_when_its_day_ended_says_so(licencias):
    with at(local(TUESDAY, 17)):
        ficha = ficha_issue(servicio_id=licencias.pk)
    with at(local(TUESDAY.replace(day=11), 9)):
        page = text(Client().get(reverse("fila_ficha", args=[ficha.token])))
    assert "Esta ficha era del 10/03/2026 y ya no se llamará." in page
    assert "hx-trigger" not in page


def test_the_administracion_keeps_services_modulos_and_hours_in_the_admin(
    licencias, ventanilla_1, horario
):
    from tests.factories import UserFactory

    admin = UserFactory(username="adan.admin", roles=["administracion"], is_staff=True)
    client = signed_in(admin)
    for name in ("servicio", "modulo", "horariocitas", "ficha", "cita"):
        assert client.get(reverse(f"admin:fila_{name}_changelist")).status_code == 200, name
    page = text(client.get(reverse("admin:fila_modulo_change", args=[ventanilla_1.pk])))
    assert "Horarios de citas" in page and "Citas por horario" in page
    assert client.get(reverse("admin:fila_servicio_add")).status_code == 200
    # Fichas and citas change only through their use cases.
    assert client.get(reverse("admin:fila_ficha_add")).status_code == 403
