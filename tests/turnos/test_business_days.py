"""BusinessCalendar: which days count toward an Article 8 term, and why the others do not.

Calendars used below (lunes first):

    Septiembre 2026          Octubre 2026             Noviembre 2026
    lu ma mi ju vi sá do     lu ma mi ju vi sá do     lu ma mi ju vi sá do
        1  2  3  4  5  6               1  2  3  4                        1
     7  8  9 10 11 12 13      5  6  7  8  9 10 11      2  3  4  5  6  7  8
    14 15 16 17 18 19 20     12 13 14 15 16 17 18      9 10 11 12 13 14 15
    21 22 23 24 25 26 27     19 20 21 22 23 24 25     16 17 18 19 20 21 22
    28 29 30                 26 27 28 29 30 31        23 24 25 26 27 28 29

    Diciembre 2026           Enero 2027
    lu ma mi ju vi sá do     lu ma mi ju vi sá do
        1  2  3  4  5  6                  1  2  3
     7  8  9 10 11 12 13      4  5  6  7  8  9 10
    14 15 16 17 18 19 20     11 12 13 14 15 16 17
    21 22 23 24 25 26 27     18 19 20 21 22 23 24
    28 29 30 31              25 26 27 28 29 30 31

Federal rest days in that stretch: 16 Sep (Independencia), 16 Nov (third Monday: Revolución),
25 Dec (Navidad), 1 Jan (Año Nuevo).
"""

from datetime import date

import pytest

from oficialia.calendario import BusinessCalendar, Pause
from oficialia.models import DiaInhabil

WINTER = "Vacaciones de invierno"


@pytest.fixture
def calendar() -> BusinessCalendar:
    """Weekends and federal rest days only: no published días inhábiles, no database."""
    return BusinessCalendar(inhabiles=[])


def skipped(result) -> dict[date, str]:
    return {s.day: s.reason for s in result.skipped}


# Weekends and the start of the count ---------------------------------------------------------


def test_a_term_skips_the_weekend(calendar):
    # Received Thu 8 Oct, 3 days: Fri 9 (1), [Sat 10, Sun 11], Mon 12 (2), Tue 13 (3).
    result = calendar.due_date(date(2026, 10, 8), 3)
    assert result.due == date(2026, 10, 13)
    assert result.start == date(2026, 10, 9)
    assert skipped(result) == {date(2026, 10, 10): "Sábado", date(2026, 10, 11): "Domingo"}
    assert not result.suspended


def test_the_term_counts_from_the_business_day_after_reception(calendar):
    # Received Mon 5 Oct: the reception day itself never counts. 1 day: Tue 6.
    assert calendar.due_date(date(2026, 10, 5), 1).due == date(2026, 10, 6)


def test_received_on_a_friday_day_one_is_the_next_monday(calendar):
    # Received Fri 2 Oct. [Sat 3, Sun 4], Mon 5 (1), Tue 6 (2).
    one = calendar.due_date(date(2026, 10, 2), 1)
    assert one.start == one.due == date(2026, 10, 5)
    assert calendar.due_date(date(2026, 10, 2), 2).due == date(2026, 10, 6)


def test_received_on_a_saturday_day_one_is_the_monday_too(calendar):
    # Received Sat 3 Oct (on line). [Sun 4], Mon 5 (1), Tue 6 (2).
    one = calendar.due_date(date(2026, 10, 3), 1)
    assert one.start == one.due == date(2026, 10, 5)
    assert skipped(one) == {date(2026, 10, 4): "Domingo"}
    assert calendar.due_date(date(2026, 10, 3), 2).due == date(2026, 10, 6)


def test_a_term_of_ten_days_spans_two_weekends(calendar):
    # Received Mon 5 Oct. Tue 6 (1), Wed 7 (2), Thu 8 (3), Fri 9 (4), [Sat 10, Sun 11],
    # Mon 12 (5), Tue 13 (6), Wed 14 (7), Thu 15 (8), Fri 16 (9), [Sat 17, Sun 18], Mon 19 (10).
    result = calendar.due_date(date(2026, 10, 5), 10)
    assert result.due == date(2026, 10, 19)
    assert list(skipped(result)) == [
        date(2026, 10, 10),
        date(2026, 10, 11),
        date(2026, 10, 17),
        date(2026, 10, 18),
    ]


# Federal rest days (Ley Federal del Trabajo, art. 74) -----------------------------------------


def test_a_term_skips_independence_day(calendar):
    # Received Mon 14 Sep, 5 days: Tue 15 (1), [Wed 16 Independencia], Thu 17 (2), Fri 18 (3),
    # [Sat 19, Sun 20], Mon 21 (4), Tue 22 (5).
    result = calendar.due_date(date(2026, 9, 14), 5)
    assert result.due == date(2026, 9, 22)
    assert skipped(result) == {
        date(2026, 9, 16): "Inhábil por ley: Día de la Independencia",
        date(2026, 9, 19): "Sábado",
        date(2026, 9, 20): "Domingo",
    }


def test_the_revolution_holiday_is_the_third_monday_of_november(calendar):
    # Received Fri 13 Nov, 1 day: [Sat 14, Sun 15, Mon 16 Revolución], Tue 17 (1).
    # 20 Nov 2026 (a Friday) is a working day: the rest day moved to the Monday.
    result = calendar.due_date(date(2026, 11, 13), 1)
    assert result.due == date(2026, 11, 17)
    assert (
        skipped(result)[date(2026, 11, 16)]
        == "Inhábil por ley: Revolución Mexicana (20 de noviembre)"
    )
    assert calendar.is_business_day(date(2026, 11, 20))


def test_a_term_skips_christmas(calendar):
    # Received Mon 21 Dec, 4 days: Tue 22 (1), Wed 23 (2), Thu 24 (3), [Fri 25 Navidad,
    # Sat 26, Sun 27], Mon 28 (4). Christmas Eve is a working day.
    result = calendar.due_date(date(2026, 12, 21), 4)
    assert result.due == date(2026, 12, 28)
    assert skipped(result)[date(2026, 12, 25)] == "Inhábil por ley: Navidad"
    assert calendar.is_business_day(date(2026, 12, 24))


def test_a_term_crosses_the_year_boundary(calendar):
    # Received Wed 23 Dec 2026, 10 days: Thu 24 (1), [Fri 25 Navidad, Sat 26, Sun 27],
    # Mon 28 (2), Tue 29 (3), Wed 30 (4), Thu 31 (5), [Fri 1 Jan Año Nuevo, Sat 2, Sun 3],
    # Mon 4 (6), Tue 5 (7), Wed 6 (8), Thu 7 (9), Fri 8 (10).
    result = calendar.due_date(date(2026, 12, 23), 10)
    assert result.due == date(2027, 1, 8)
    assert result.start == date(2026, 12, 24)
    assert skipped(result) == {
        date(2026, 12, 25): "Inhábil por ley: Navidad",
        date(2026, 12, 26): "Sábado",
        date(2026, 12, 27): "Domingo",
        date(2027, 1, 1): "Inhábil por ley: Año Nuevo",
        date(2027, 1, 2): "Sábado",
        date(2027, 1, 3): "Domingo",
    }


# Días inhábiles the ayuntamiento publishes ----------------------------------------------------


def test_published_dias_inhabiles_given_to_the_calendar_are_skipped():
    # A local feast on Tue 13 Oct. Received Mon 12 Oct, 2 days: [Tue 13], Wed 14 (1), Thu 15 (2).
    calendar = BusinessCalendar(inhabiles=[(date(2026, 10, 13), date(2026, 10, 13), "Feria")])
    result = calendar.due_date(date(2026, 10, 12), 2)
    assert result.due == date(2026, 10, 15)
    assert skipped(result) == {date(2026, 10, 13): "Día inhábil: Feria"}


@pytest.mark.django_db
def test_the_winter_vacation_published_in_the_database_stops_the_term():
    DiaInhabil.objects.create(start=date(2026, 12, 21), end=date(2027, 1, 1), descripcion=WINTER)
    calendar = BusinessCalendar()
    # Received Fri 18 Dec, 10 days: [Sat 19, Sun 20, Mon 21 .. Fri 1 Jan (vacation, with
    # Navidad, Año Nuevo and a weekend inside), Sat 2, Sun 3], Mon 4 (1), Tue 5 (2),
    # Wed 6 (3), Thu 7 (4), Fri 8 (5), [Sat 9, Sun 10], Mon 11 (6), Tue 12 (7), Wed 13 (8),
    # Thu 14 (9), Fri 15 (10).
    result = calendar.due_date(date(2026, 12, 18), 10)
    assert result.start == date(2027, 1, 4)
    assert result.due == date(2027, 1, 15)
    reasons = skipped(result)
    # Every day from 19 Dec to 3 Jan is explained, and then the two Saturdays and Sundays.
    assert list(reasons) == [date(2026, 12, d) for d in range(19, 32)] + [
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
        date(2027, 1, 9),
        date(2027, 1, 10),
    ]
    assert reasons[date(2026, 12, 21)] == f"Día inhábil: {WINTER}"
    assert reasons[date(2026, 12, 24)] == f"Día inhábil: {WINTER}"
    assert reasons[date(2026, 12, 31)] == f"Día inhábil: {WINTER}"
    # A day that is not working for several reasons gives the most general one.
    assert reasons[date(2026, 12, 25)] == "Inhábil por ley: Navidad"
    assert reasons[date(2026, 12, 26)] == "Sábado"
    assert reasons[date(2027, 1, 1)] == "Inhábil por ley: Año Nuevo"


@pytest.mark.django_db
def test_received_during_the_winter_vacation_the_term_starts_when_it_ends():
    DiaInhabil.objects.create(start=date(2026, 12, 21), end=date(2027, 1, 1), descripcion=WINTER)
    # Received Wed 23 Dec (on line, during the vacation), 10 days: [24 Dec .. 3 Jan],
    # Mon 4 (1) .. Fri 8 (5), [Sat 9, Sun 10], Mon 11 (6) .. Fri 15 (10).
    # Compare with 8 Jan without the vacation (test_a_term_crosses_the_year_boundary).
    result = BusinessCalendar().due_date(date(2026, 12, 23), 10)
    assert result.start == date(2027, 1, 4)
    assert result.due == date(2027, 1, 15)


@pytest.mark.django_db
def test_the_calendar_reads_the_database_once():
    DiaInhabil.objects.create(start=date(2026, 10, 13), end=date(2026, 10, 13), descripcion="Feria")
    calendar = BusinessCalendar()
    assert calendar.non_working_reason(date(2026, 10, 13)) == "Día inhábil: Feria"
    DiaInhabil.objects.all().delete()
    # One computation, one consistent calendar: a new BusinessCalendar sees the change.
    assert not calendar.is_business_day(date(2026, 10, 13))
    assert BusinessCalendar().is_business_day(date(2026, 10, 13))


# Prevención: the clock stops ------------------------------------------------------------------


def test_a_prevencion_pauses_the_term_until_the_day_it_is_answered(calendar):
    # Received Mon 5 Oct, 10 days, due Mon 19 Oct without a prevención
    # (test_a_term_of_ten_days_spans_two_weekends).
    # Prevención issued Thu 8 Oct, answered Tue 13 Oct: days after the 8th up to the 13th
    # do not count: Fri 9, [Sat 10, Sun 11], Mon 12, Tue 13 -> 3 business days paused.
    # Tue 6 (1), Wed 7 (2), Thu 8 (3), [Fri 9 .. Tue 13], Wed 14 (4), Thu 15 (5), Fri 16 (6),
    # [Sat 17, Sun 18], Mon 19 (7), Tue 20 (8), Wed 21 (9), Thu 22 (10).
    result = calendar.due_date(
        date(2026, 10, 5), 10, [Pause(date(2026, 10, 8), date(2026, 10, 13))]
    )
    assert result.due == date(2026, 10, 22)
    prevencion = "Prevención del 08/10/2026 (plazo suspendido)"
    assert skipped(result) == {
        date(2026, 10, 9): prevencion,
        date(2026, 10, 10): "Sábado",
        date(2026, 10, 11): "Domingo",
        date(2026, 10, 12): prevencion,
        date(2026, 10, 13): prevencion,
        date(2026, 10, 17): "Sábado",
        date(2026, 10, 18): "Domingo",
    }


def test_the_day_of_the_prevencion_itself_still_counts(calendar):
    # Received Mon 5 Oct, 3 days; prevención issued Thu 8 Oct (day 3) and answered Fri 9:
    # Thu 8 is the due date, reached before the pause, so nothing moves.
    result = calendar.due_date(date(2026, 10, 5), 3, [Pause(date(2026, 10, 8), date(2026, 10, 9))])
    assert result.due == date(2026, 10, 8)
    assert result.skipped == []


def test_a_prevencion_answered_the_same_day_pauses_nothing(calendar):
    result = calendar.due_date(date(2026, 10, 5), 10, [Pause(date(2026, 10, 8), date(2026, 10, 8))])
    assert result.due == date(2026, 10, 19)


def test_two_prevenciones_add_up(calendar):
    # Received Mon 5 Oct, 10 days. Pauses: Tue 6 -> Wed 7 (Wed 7 paused: 1 day) and
    # Mon 12 -> Wed 14 (Tue 13, Wed 14 paused: 2 days). Due Mon 19 + 3 business days:
    # Tue 20, Wed 21, Thu 22.
    pauses = [
        Pause(date(2026, 10, 6), date(2026, 10, 7)),
        Pause(date(2026, 10, 12), date(2026, 10, 14)),
    ]
    assert calendar.due_date(date(2026, 10, 5), 10, pauses).due == date(2026, 10, 22)


def test_an_open_prevencion_leaves_the_term_suspended(calendar):
    result = calendar.due_date(date(2026, 10, 5), 10, [Pause(date(2026, 10, 8), None)])
    assert result.due is None
    assert result.suspended


# count_business_days and add_business_days ----------------------------------------------------


def test_count_business_days_excludes_the_first_day_and_includes_the_last(calendar):
    # After Fri 11 Sep up to Fri 18 Sep: Mon 14, Tue 15, [Wed 16 Independencia], Thu 17,
    # Fri 18 -> 4.
    assert calendar.count_business_days(date(2026, 9, 11), date(2026, 9, 18)) == 4
    # After Mon 14 up to Tue 15: Tue 15 -> 1.
    assert calendar.count_business_days(date(2026, 9, 14), date(2026, 9, 15)) == 1
    # After Fri 11 up to Sun 13: only the weekend -> 0.
    assert calendar.count_business_days(date(2026, 9, 11), date(2026, 9, 13)) == 0
    assert calendar.count_business_days(date(2026, 9, 14), date(2026, 9, 14)) == 0


def test_add_business_days_skips_the_days_that_do_not_count(calendar):
    assert calendar.add_business_days(date(2026, 9, 15), 0) == date(2026, 9, 15)
    # Tue 15 Sep + 1: [Wed 16 Independencia] -> Thu 17.
    assert calendar.add_business_days(date(2026, 9, 15), 1) == date(2026, 9, 17)
    # Fri 18 Sep + 1: [Sat 19, Sun 20] -> Mon 21.
    assert calendar.add_business_days(date(2026, 9, 18), 1) == date(2026, 9, 21)
    # Same as the term across the year boundary: 23 Dec + 10 -> Fri 8 Jan 2027.
    assert calendar.add_business_days(date(2026, 12, 23), 10) == date(2027, 1, 8)


def test_count_and_add_are_inverse(calendar):
    start = date(2026, 12, 18)
    for n in range(0, 25):
        assert calendar.count_business_days(start, calendar.add_business_days(start, n)) == n


def test_the_due_date_without_pauses_is_add_business_days(calendar):
    for received in [date(2026, 9, 11), date(2026, 11, 14), date(2026, 12, 23)]:
        for days in (1, 3, 10, 15):
            expected = calendar.add_business_days(received, days)
            assert calendar.due_date(received, days).due == expected


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 10, 10), "Sábado"),
        (date(2026, 10, 11), "Domingo"),
        (date(2026, 9, 16), "Inhábil por ley: Día de la Independencia"),
        (date(2027, 2, 1), "Inhábil por ley: Día de la Constitución (5 de febrero)"),
        (date(2027, 3, 15), "Inhábil por ley: Natalicio de Benito Juárez (21 de marzo)"),
        (date(2026, 5, 1), "Inhábil por ley: Día del Trabajo"),
        # Every six years since 2024, the day the new President takes office (a Tuesday).
        (date(2030, 10, 1), "Inhábil por ley: Transmisión del Poder Ejecutivo Federal"),
        (date(2026, 12, 24), None),
        (date(2026, 10, 12), None),
    ],
)
def test_each_non_working_day_says_why_in_spanish(calendar, day, reason):
    assert calendar.non_working_reason(day) == reason
    assert calendar.is_business_day(day) is (reason is None)
