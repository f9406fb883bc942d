"""Files on disk that no row names: left by a filing whose process died between writing the
uploads and committing (a rollback the service saw cleans up after itself)."""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Acuse, Adjunto

logger = logging.getLogger(__name__)

GRACE = timedelta(hours=1)


def _walk(folder: str):
    if not default_storage.exists(folder):
        return
    directories, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(f"{folder}/{directory}")


def sweep_orphan_files(*, older_than: timedelta = GRACE) -> int:
    """Delete unreferenced files older than `older_than`; returns how many."""
    limit = timezone.now() - older_than
    removed = 0
    for folder, model in (("adjuntos", Adjunto), ("acuses", Acuse)):
        field = "file" if model is Adjunto else "pdf"
        for name in _walk(folder):
            if default_storage.get_modified_time(name) > limit:
                continue
            if model.objects.filter(**{field: name}).exists():
                continue
            default_storage.delete(name)
            removed += 1
            logger.info("deleted orphan file %s", name)
    return removed
