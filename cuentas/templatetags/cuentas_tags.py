from datetime import datetime

from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.filter
def fecha(value: str | None, fmt: str = "d/m/Y H:i") -> str:
    """An ISO 8601 date of the exported data, as a person reads it (Mexico City time)."""
    if not value:
        return ""
    return dateformat.format(timezone.localtime(datetime.fromisoformat(value)), fmt)
