"""Celery's autodiscovery: the archive's tasks sit beside their services."""

from .originales import remind_loans  # noqa: F401
