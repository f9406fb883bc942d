"""The consumer's constant-time business days agree with the calendar the due dates use."""

import random
from datetime import date, timedelta

import pytest

from oficialia.calendario import BusinessCalendar, BusinessDayCounter
from oficialia.models import DiaInhabil

pytestmark = pytest.mark.django_db


def test_counts_and_additions_agree_with_the_calendar():
    DiaInhabil.objects.create(
        start=date(2025, 7, 14), end=date(2025, 7, 25), descripcion="Vacaciones"
    )
    calendar, counter = BusinessCalendar(), BusinessDayCounter()
    rng = random.Random(8)
    for _ in range(300):
        after = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
        until = after + timedelta(days=rng.randint(-5, 120))
        assert counter.count(after, until) == calendar.count_business_days(after, until)
        days = rng.randint(0, 40)
        assert counter.add(after, days) == calendar.add_business_days(after, days)


def test_a_vacation_period_does_not_count():
    DiaInhabil.objects.create(
        start=date(2025, 7, 14), end=date(2025, 7, 25), descripcion="Vacaciones"
    )
    assert BusinessDayCounter().count(date(2025, 7, 11), date(2025, 7, 28)) == 1
