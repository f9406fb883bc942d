"""The state's ceiling for response terms (OFICIALIA_PLAZO_MAXIMO_DIAS_HABILES): a trámite's
term and a due date fixed by hand above it are refused, saying what to do.

    Octubre 2026 / Noviembre 2026: received Mon 5 Oct 2026 at 10:00. With a ceiling of 20
    business days: Tue 6 (1) .. Fri 30 Oct (19), Mon 2 Nov (20); 16 Nov is the third Monday.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TramiteFactory
from turnos.plazos import term_days
from turnos.services import ActionError

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ceiling(settings):
    settings.MAX_TERM_BUSINESS_DAYS = 20


def test_a_tramite_term_above_the_ceiling_is_refused_with_the_ceiling_named():
    tramite = TramiteFactory.build(plazo_dias_habiles=21)
    with pytest.raises(ValidationError) as error:
        tramite.clean()
    message = error.value.message_dict["plazo_dias_habiles"][0]
    assert "de 1 a 20 días hábiles" in message
    assert "Escriba un plazo menor" in message


def test_a_tramite_term_at_the_ceiling_is_accepted_and_zero_is_not():
    TramiteFactory.build(plazo_dias_habiles=20).clean()
    with pytest.raises(ValidationError):
        TramiteFactory.build(plazo_dias_habiles=0).clean()


def test_the_admin_refuses_the_term_too(client, settings):
    from django.contrib.auth.models import User

    from correspondencia.models import Secretaria

    admin = User.objects.create_superuser("ana.admin", "ana@municipio.gob.mx", "x")
    client.force_login(admin)
    secretaria = Secretaria.objects.create(nombre="Catastro", siglas="CAT")
    page = client.post(
        "/admin/correspondencia/tramite/add/",
        {
            "nombre": "Avalúo",
            "secretaria": secretaria.pk,
            "plazo_dias_habiles": 90,
            "gratuito": "on",
            "activo": "on",
            "requisitos-TOTAL_FORMS": 0,
            "requisitos-INITIAL_FORMS": 0,
        },
    )
    assert page.status_code == 200
    assert "máximo legal" in page.content.decode()


def test_a_tramite_saved_before_the_ceiling_was_lowered_gets_the_ceiling(receive):
    tramite = TramiteFactory(plazo_dias_habiles=45)  # saved without clean(), as old rows were
    escrito = receive(local(date(2026, 10, 5)), tramite=tramite)
    assert term_days(escrito) == 20


def test_a_due_date_fixed_by_hand_above_the_ceiling_is_refused(turn):
    with pytest.raises(ActionError) as error:
        turn(local(date(2026, 10, 5)), due_date=date(2026, 11, 3), reason="Obra compleja")
    assert str(error.value) == (
        "La fecha límite del 03/11/2026 daría 21 días hábiles, más que el máximo legal de 20. "
        "Elija una fecha hasta el 02/11/2026."
    )


def test_a_due_date_fixed_by_hand_at_the_ceiling_is_accepted(turn):
    turno = turn(local(date(2026, 10, 5)), due_date=date(2026, 11, 2), reason="Obra compleja")
    assert turno.due_date == date(2026, 11, 2)
