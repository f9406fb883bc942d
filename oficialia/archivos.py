"""Stored files: uploads written under names the server makes up, removed again when the
work that needed them fails, and a sweeper for the ones a dead process left behind.

Every file goes through Django's storage API (`default_storage`), so the same code serves the
local folder and an object store.
"""

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from celery import shared_task
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .adjuntos import InspectedFile
from .almacen import StorageUnavailable, is_outage, walk

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A file younger than this may belong to a transaction still open: the sweeper leaves it.
SWEEP_GRACE = timedelta(hours=1)


def store_files(
    files: list[InspectedFile], moment: datetime, *, folder: str = "adjuntos"
) -> list[str]:
    """Write the uploads under `folder/YYYY/MM/<random>.<ext>`; return the stored names.
    If one fails, the ones already written are removed; a store that does not answer raises
    StorageUnavailable (the view answers 503 "intente de nuevo")."""
    local = timezone.localtime(moment)
    stored: list[str] = []
    try:
        for item in files:
            name = f"{folder}/{local:%Y/%m}/{uuid.uuid4().hex}.{item.extension}"
            item.upload.seek(0)
            stored.append(default_storage.save(name, item.upload))
    except Exception as exc:
        delete_files(stored)
        if is_outage(exc):
            raise StorageUnavailable(str(exc)) from exc
        raise
    return stored


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            # The store may be down (the very reason the work failed): the sweeper will.
            logger.warning("could not delete %s; the orphan sweeper will", name)


def with_stored_files(
    files: list[InspectedFile],
    work: Callable[[list[str]], T],
    *,
    folder: str = "adjuntos",
    moment: datetime | None = None,
) -> T:
    """Store the uploads, then run `work(stored_names)` (the transaction that references
    them); if it fails, the files go too: a rolled-back row leaves nothing on disk."""
    stored = store_files(files, moment or timezone.now(), folder=folder)
    try:
        return work(stored)
    except BaseException:
        delete_files(stored)
        raise


def stored_file_fields() -> dict[str, list[tuple[type[models.Model], str]]]:
    """Every folder a model's FileField stores into, with the (model, field) pairs that
    name files there. Read from the models, so a new app's uploads are swept too."""
    folders: dict[str, list[tuple[type[models.Model], str]]] = defaultdict(list)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(field.upload_to, str):
                folder = field.upload_to.strip("/").split("/")[0]
                if folder:
                    folders[folder].append((model, field.name))
    return dict(folders)


def _walk(folder: str):
    # No exists() first: an object store has no folders, only names that start alike.
    yield from walk(folder)


def sweep_orphans(*, older_than: timedelta = SWEEP_GRACE) -> int:
    """Delete stored files that no row names and that are older than `older_than` (left by
    a process that died between writing them and committing). Returns how many."""
    limit = timezone.now() - older_than
    removed = 0
    for folder, owners in stored_file_fields().items():
        for name in _walk(folder):
            if default_storage.get_modified_time(name) > limit:
                continue
            if any(m._default_manager.filter(**{f: name}).exists() for m, f in owners):
                continue
            default_storage.delete(name)
            removed += 1
            logger.info("deleted orphan file %s", name)
    return removed


# The name it had when the sweeper lived in correspondencia: queued messages still find it.
@shared_task(name="correspondencia.tasks.sweep_orphan_files", acks_late=True)
def sweep_orphan_files() -> int:
    return sweep_orphans()
