"""Días inhábiles: the procedure law's list as a setting, the acuerdos that declare or re-open
days, the public calendar, the warning to administración and the demo's calendar.

    Abril 2027 (Domingo de Pascua: 28 de marzo)      Mayo 2026
    lu ma mi ju vi sá do                            lu ma mi ju vi sá do
                1  2  3  4                                       1  2  3
     5  6  7  8  9 10 11                             4  5  6  7  8  9 10
"""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from oficialia.calendario import BusinessCalendar, base_day
from oficialia.dias_inhabiles import calendar_missing_warn, year_has_calendar
from oficialia.models import AcuerdoInhabil, DiaInhabil, Notificacion
from tests.factories import UserFactory, pdf_bytes


def acuerdo(numero="AC/CAB/2026/045", **kwargs) -> AcuerdoInhabil:
    defaults = {
        "fecha": date(2025, 12, 5),
        "publicacion": "Gaceta Municipal núm. 12",
        "publicado_el": date(2025, 12, 15),
    }
    defaults.update(kwargs)
    return AcuerdoInhabil.objects.create(numero=numero, **defaults)


# The base list: LFPA art. 28, not the labour law -----------------------------------------------


def test_the_base_list_is_the_procedure_laws_and_includes_cinco_de_mayo():
    calendar = BusinessCalendar(inhabiles=[])
    # 5 May is in LFPA art. 28 (not in LFT art. 74): Tue 5 May 2026 is not a business day.
    assert calendar.non_working_reason(date(2026, 5, 5)) == "Inhábil por ley: Batalla de Puebla"
    # Received Mon 4 May, 1 day: [Tue 5], Wed 6.
    assert calendar.due_date(date(2026, 5, 4), 1).due == date(2026, 5, 6)


def test_the_transmission_of_the_executive_follows_the_constitution():
    # LFPA art. 28 names 1 December; since 2024 the transmission is on 1 October.
    assert base_day("transmision", 2018) == date(2018, 12, 1)
    assert base_day("transmision", 2030) == date(2030, 10, 1)
    assert base_day("transmision", 2027) is None


def test_a_state_sets_its_own_list(settings):
    settings.NON_WORKING_DAYS_BASE = ["1-ene", "2-nov", "12-dic", "jueves-santo", "viernes-santo"]
    calendar = BusinessCalendar(inhabiles=[])
    assert calendar.non_working_reason(date(2026, 12, 11)) is None
    assert calendar.non_working_reason(date(2027, 3, 25)) == "Inhábil por ley: Jueves Santo"
    assert calendar.non_working_reason(date(2026, 11, 2)) == "Inhábil por ley: Día de Muertos"
    # 5 May is not in this state's list.
    assert calendar.is_business_day(date(2026, 5, 5))


def test_a_typo_in_the_base_list_stops_instead_of_skipping_a_day():
    with pytest.raises(ValueError, match="«31-feb» no es un día válido"):
        BusinessCalendar(inhabiles=[], base=["1-ene", "31-feb"])


# Acuerdos -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_acuerdo_declares_days_and_the_explainer_names_it():
    ac = acuerdo()
    DiaInhabil.objects.create(
        acuerdo=ac, start=date(2026, 12, 21), end=date(2027, 1, 5), descripcion="Vacaciones"
    )
    calendar = BusinessCalendar()
    assert (
        calendar.non_working_reason(date(2026, 12, 22))
        == "Día inhábil: Vacaciones (acuerdo AC/CAB/2026/045)"
    )


@pytest.mark.django_db
def test_an_acuerdo_may_reopen_a_day_of_the_base_list():
    ac = acuerdo()
    DiaInhabil.objects.create(
        acuerdo=ac,
        start=date(2026, 5, 5),
        end=date(2026, 5, 5),
        descripcion="Se habilita para la jornada de atención",
        habil=True,
    )
    calendar = BusinessCalendar()
    assert calendar.is_business_day(date(2026, 5, 5))
    # Received Mon 4 May, 1 day: Tue 5 counts now.
    assert calendar.due_date(date(2026, 5, 4), 1).due == date(2026, 5, 5)
    # A weekend stays a weekend.
    DiaInhabil.objects.create(
        acuerdo=ac, start=date(2026, 5, 9), end=date(2026, 5, 9), descripcion="x", habil=True
    )
    assert not BusinessCalendar().is_business_day(date(2026, 5, 9))


# The public page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_page_shows_this_year_and_next_with_each_acuerdo(
    client, time_machine, media_files
):
    time_machine.move_to("2026-12-04 12:00 -06:00")
    ac = acuerdo()
    ac.documento.save("acuerdo.pdf", ContentFile(pdf_bytes(text="Acuerdo")))
    DiaInhabil.objects.create(
        acuerdo=ac,
        start=date(2026, 3, 30),
        end=date(2026, 4, 3),
        descripcion="Primer periodo vacacional (Semana Santa)",
    )
    page = client.get(reverse("dias_inhabiles"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026" in html and "2027" in html
    assert "Acuerdo AC/CAB/2026/045 del 05/12/2025" in html
    assert "Gaceta Municipal núm. 12" in html
    assert "Primer periodo vacacional (Semana Santa)" in html
    assert "Batalla de Puebla" in html
    # Next year has no acuerdo yet: the page says so.
    assert 'data-testid="sin-calendario"' in html
    assert html.count('data-testid="sin-calendario"') == 1
    pdf = client.get(reverse("acuerdo_inhabil_pdf", args=[ac.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_an_acuerdo_without_a_document_has_no_pdf(client):
    assert client.get(reverse("acuerdo_inhabil_pdf", args=[acuerdo().pk])).status_code == 404


# The warning to administración ----------------------------------------------------------------


@pytest.mark.django_db
def test_administracion_is_warned_once_when_next_year_has_no_calendar(settings):
    settings.CALENDAR_WARNING_MONTH = 10
    admin = UserFactory(username="ana.admin", roles=["administracion"])
    UserFactory(username="tomas.turnador", roles=["oficialia"])
    assert calendar_missing_warn(today=date(2026, 9, 30)) == 0
    assert calendar_missing_warn(today=date(2026, 10, 1)) == 1
    notice = Notificacion.objects.get()
    assert notice.user == admin
    assert "2027" in notice.texto and "/dias-inhabiles/?anio=2027" in notice.url
    assert calendar_missing_warn(today=date(2026, 10, 2)) == 0
    # A winter vacation that runs into January belongs to the year before.
    DiaInhabil.objects.create(
        acuerdo=acuerdo(), start=date(2026, 12, 21), end=date(2027, 1, 5), descripcion="Invierno"
    )
    assert not year_has_calendar(2027)
    DiaInhabil.objects.create(
        acuerdo=acuerdo("AC/CAB/2026/101"),
        start=date(2027, 3, 22),
        end=date(2027, 3, 26),
        descripcion="Semana Santa",
    )
    assert year_has_calendar(2027)
    assert calendar_missing_warn(today=date(2027, 11, 1)) == 1  # and 2028 has none
    assert calendar_missing_warn(today=date(2026, 11, 1)) == 0


# The demo's calendar --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_loads_a_realistic_calendar(time_machine):
    time_machine.move_to("2026-12-04 12:00 -06:00")
    from demo.management.commands.cargar_demo import Command

    Command().load_calendario(today=date(2026, 12, 4))
    Command().load_calendario(today=date(2026, 12, 4))  # twice: nothing doubles
    assert AcuerdoInhabil.objects.count() == 4  # 2024 .. 2027
    calendar = BusinessCalendar()
    for day in [
        date(2026, 4, 2),  # Jueves Santo
        date(2026, 4, 3),  # Viernes Santo
        date(2026, 11, 2),
        date(2026, 12, 24),
        date(2027, 1, 4),
        date(2027, 3, 25),  # Jueves Santo 2027
    ]:
        assert not calendar.is_business_day(day), day
    assert calendar.non_working_reason(date(2026, 12, 14)) is None
    # The 12 December acuerdo day falls on a Saturday in 2026 and on a Friday in 2025.
    assert "Guadalupe" in calendar.non_working_reason(date(2025, 12, 12))
    assert year_has_calendar(2027)
