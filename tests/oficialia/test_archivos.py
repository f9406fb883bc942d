"""The orphan sweeper: files that no row names, left by a process that died between writing
them and committing, go; every folder a model stores uploads in is swept (the escritos'
attachments and acuses, the quejas' evidence, and any app's new FileField); files still
named, or too young to judge, stay."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contraloria import quejas_services
from contraloria.models import QuejaKind
from oficialia.adjuntos import inspect_all
from oficialia.archivos import stored_file_fields, sweep_orphans
from tests.factories import file_escrito, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _age(name: str, hours: int) -> None:
    path = Path(default_storage.path(name))
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


def test_every_upload_folder_is_known_to_the_sweeper():
    assert {"adjuntos", "acuses", "quejas"} <= set(stored_file_fields())


def test_orphans_go_and_named_files_stay_in_every_folder(media_files):
    escrito = file_escrito(attachments=[upload("plano.pdf", pdf_bytes())]).escrito
    queja = quejas_services.queja_file(
        data=quejas_services.QuejaData(
            kind=QuejaKind.COYOTAJE,
            hechos="Me cobraron por adelantar el trámite.",
            adjuntos=inspect_all([upload("recibo.pdf", pdf_bytes())]),
        )
    ).queja
    kept = [escrito.adjuntos.get().file.name, queja.adjuntos.get().file.name]
    orphans = [
        default_storage.save(f"{folder}/2026/01/huerfano.pdf", ContentFile(pdf_bytes()))
        for folder in ("adjuntos", "acuses", "quejas")
    ]
    young = default_storage.save("quejas/2026/01/reciente.pdf", ContentFile(pdf_bytes()))
    for name in [*kept, *orphans]:
        _age(name, hours=2)

    assert sweep_orphans(older_than=timedelta(hours=1)) == 3

    left = set(media_files())
    assert set(kept) <= left
    assert young in left
    assert not set(orphans) & left
