"""Backup and restore: the database and every stored file in one .tar.gz, and a restore
that proves what it restored.

The database goes as Django's serialised data (`dumpdata` as XML, natural keys), so a backup of
PostgreSQL restores on PostgreSQL or SQLite alike, ids and hashes kept: the bitácora is
loaded row by row as it was, never re-recorded. Every stored file (read through the storage
API: MEDIA_ROOT or the object store) goes with its SHA-256 in a manifest. Restoring loads into
an empty, migrated database, puts the files back, then verifies: the bitácora's chain against
its end and its published heads, each file against the manifest, and each stored file against
the SHA-256 its own row keeps (any model with a file field and a `sha256` or `<field>_sha256`
column)."""

import io
import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from . import bitacora
from .almacen import sha256_of, walk

# XML, not JSON: Django's JSON encoder cuts datetimes to milliseconds, and the bitácora's
# hashes cover the microseconds.
DATA = "datos.xml"
MANIFEST = "manifiesto.json"
FILES = "archivos/"
# Rebuilt by the migrations of the fresh database, or of no value in a copy.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def _stored_files() -> list[str]:
    return sorted(walk(""))


def backup(destination: Path) -> dict:
    """Write the backup to `destination` (a .tar.gz) and return its manifest."""
    data = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for every table, while filings go on.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            *[f"--exclude={label}" for label in EXCLUDED],
            "--natural-foreign",
            "--natural-primary",
            "--format=xml",
            stdout=data,
        )
    files = {name: sha256_of(name) for name in _stored_files()}
    last_id, last_hash, count = bitacora.head()
    manifest = {
        "creado": timezone.now().isoformat(),
        "archivos": files,
        "bitacora": {"entradas": count, "ultima_entrada": last_id, "ultima_huella": last_hash},
    }
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(destination, "w:gz") as tar:
        _add_bytes(tar, DATA, data.getvalue().encode())
        _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        for name in files:
            with default_storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(FILES + name)
                info.size = default_storage.size(name)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, handle)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(content))


class RestoreRefused(Exception):
    pass


@dataclass
class RestoreReport:
    entries: int
    files: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def restore(source: Path) -> RestoreReport:
    """Load a backup into this (migrated, empty) database and file store, then verify it."""
    from .models import Bitacora

    if Bitacora.objects.exists():
        raise RestoreRefused(
            "La base de datos ya tiene bitácora: se restaura solo en una base recién migrada."
        )
    with tarfile.open(source, "r:gz") as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        data = tar.extractfile(DATA).read()
        for member in tar.getmembers():
            if member.name.startswith(FILES) and member.isfile():
                name = member.name[len(FILES) :]
                parts = PurePosixPath(name).parts
                if not parts or name.startswith("/") or ".." in parts:
                    raise RestoreRefused(f"Ruta fuera de la carpeta de archivos: {member.name}")
                if default_storage.exists(name):
                    default_storage.delete(name)
                saved = default_storage.save(name, File(tar.extractfile(member)))
                if saved != name:
                    raise RestoreRefused(f"El almacén guardó {member.name} con otro nombre")
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "restaurar.xml"
        fixture.write_bytes(data)
        with transaction.atomic(), bitacora.restoring():
            call_command("loaddata", str(fixture), verbosity=0)
    return verify_restored(manifest)


def verify_restored(manifest: dict) -> RestoreReport:
    result = bitacora.verify()
    report = RestoreReport(entries=result.count, files=0)
    if not result.ok:
        report.problems.append(f"bitácora: entrada #{result.first_bad_id}: {result.reason}")
    expected = manifest["bitacora"]
    if result.count != expected["entradas"]:
        report.problems.append(
            f"bitácora: {result.count} entradas y el respaldo tenía {expected['entradas']}"
        )
    for relative, digest in manifest["archivos"].items():
        if not default_storage.exists(relative):
            report.problems.append(f"falta el archivo {relative}")
        elif sha256_of(relative) != digest:
            report.problems.append(f"el archivo {relative} no coincide con su SHA-256")
        else:
            report.files += 1
    report.problems += _rows_against_files()
    return report


def _rows_against_files() -> list[str]:
    """Each stored file against the SHA-256 that its own row keeps."""
    problems = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        for file_field in model._meta.get_fields():
            if not isinstance(file_field, models.FileField):
                continue
            column = next((c for c in (f"{file_field.name}_sha256", "sha256") if c in names), None)
            if column is None:
                continue
            rows = model._default_manager.exclude(**{file_field.name: ""}).values_list(
                "pk", file_field.name, column
            )
            for pk, name, digest in rows.iterator():
                if not digest:
                    continue
                if not default_storage.exists(name):
                    problems.append(f"{model._meta.label} #{pk}: falta {name}")
                elif sha256_of(name) != digest:
                    problems.append(f"{model._meta.label} #{pk}: {name} no coincide con su SHA-256")
    return problems
