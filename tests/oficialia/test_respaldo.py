"""Backup and restore: a backup of this database restored by `manage.py restaurar` on a
fresh database (another process), which then verifies the bitácora and every file."""

import os
import subprocess
import sys
import tarfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from correspondencia.services.acuses import acuse_generate
from oficialia import bitacora
from oficialia.respaldo import backup
from tests.factories import file_escrito, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the same engine, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restaurada.sqlite3'}"
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restaurada"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, database_url: str, media: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DATABASE_URL": database_url, "OFICIALIA_MEDIA_ROOT": str(media)})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def archive(tmp_path):
    for n in range(2):
        filed = file_escrito(
            attachments=[
                upload(f"solicitud{n}.pdf", pdf_bytes(2), "application/pdf"),
                upload(f"foto{n}.png", image_bytes("PNG"), "image/png"),
            ],
            queue_acuse=False,
        )
        acuse_generate(acuse_id=filed.escrito.acuse.pk)
    bitacora.publish_head(day=date(2026, 3, 5))
    path = tmp_path / "respaldo.tar.gz"
    manifest = backup(path)
    assert len(manifest["archivos"]) == 6  # 4 attachments, 2 acuses
    return path, manifest


def test_a_backup_restores_on_a_fresh_database_and_verifies(archive, fresh_database, tmp_path):
    path, manifest = archive
    media = tmp_path / "media-restaurada"
    migrated = _manage("migrate", "--noinput", database_url=fresh_database, media=media)
    assert migrated.returncode == 0, migrated.stderr
    restored = _manage("restaurar", str(path), database_url=fresh_database, media=media)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    entries = manifest["bitacora"]["entradas"]
    assert f"bitácora íntegra ({entries} entradas)" in restored.stdout
    assert "6 archivos con su SHA-256" in restored.stdout
    again = _manage("verificar_bitacora", database_url=fresh_database, media=media)
    assert again.returncode == 0 and manifest["bitacora"]["ultima_huella"] in again.stdout
    # A second restore on top is refused: it would mix two histories.
    refused = _manage("restaurar", str(path), database_url=fresh_database, media=media)
    assert refused.returncode != 0 and "recién migrada" in refused.stderr


def test_a_damaged_file_in_the_backup_is_reported(archive, fresh_database, tmp_path):
    path, manifest = archive
    damaged = tmp_path / "danado.tar.gz"
    victim = next(name for name in manifest["archivos"] if name.endswith(".png"))
    with tarfile.open(path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "archivos/" + victim:
                content = content[:-1] + bytes([content[-1] ^ 1])
            import io

            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    media = tmp_path / "media-danada"
    assert _manage("migrate", "--noinput", database_url=fresh_database, media=media).returncode == 0
    restored = _manage("restaurar", str(damaged), database_url=fresh_database, media=media)
    assert restored.returncode == 1
    assert f"el archivo {victim} no coincide con su SHA-256" in restored.stderr
    assert "no coincide con su SHA-256" in restored.stderr.split(victim, 1)[1]  # its row too
