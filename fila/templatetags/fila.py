"""Dates as Spanish writes them: «martes 10 de marzo» (Django's es-mx capitalises the month)."""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


def long_day(value: date | datetime, *, year: bool = False) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    text = formats.date_format(value, "l j \\d\\e F \\d\\e Y" if year else "l j \\d\\e F")
    return text.lower()


@register.filter
def dia(value) -> str:
    """«martes 10 de marzo»."""
    return long_day(value) if value else ""


@register.filter
def dia_y_ano(value) -> str:
    """«martes 10 de marzo de 2026»."""
    return long_day(value, year=True) if value else ""
