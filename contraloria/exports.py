"""The bitácora as CSV: UTF-8 with a byte-order mark, so Excel reads the accents right."""

import csv
import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from oficialia.acciones_bitacora import action_label
from oficialia.models import Bitacora

BOM = "\ufeff"
HEADER = [
    "Entrada",
    "Fecha y hora (Ciudad de México)",
    "Actor",
    "Id de usuario",
    "Rol",
    "Secretaría",
    "Dirección IP",
    "Acción",
    "Descripción de la acción",
    "Objeto",
    "Referencia",
    "Folio",
    "Cambios",
    "Hash anterior",
    "Hash",
]
# A cell starting with one of these is a formula to a spreadsheet: text typed by anyone (a
# user name tried at the sign-in page) must not run when the contraloría opens the file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write() hands back the line csv.writer formats."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def row(entry: Bitacora) -> list[str]:
    return [
        _cell(v)
        for v in (
            entry.pk,
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_label,
            entry.actor_id or "",
            entry.role,
            entry.secretaria,
            entry.address_label,
            entry.action,
            action_label(entry.action),
            entry.object_type,
            entry.object_ref,
            entry.folio,
            json.dumps(entry.changes, ensure_ascii=False, sort_keys=True) if entry.changes else "",
            entry.prev_hash,
            entry.hash,
        )
    ]


def bitacora_csv(entries: Iterable[Bitacora], *, chunk_chars: int = 64 * 1024) -> Iterator[str]:
    """The lines of the file, handed out in chunks of about `chunk_chars` (one write to the
    client per chunk, not per line)."""
    writer = csv.writer(_Line())
    lines = [BOM + writer.writerow(HEADER)]
    size = 0
    for entry in entries:
        line = writer.writerow(row(entry))
        lines.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(lines)
            lines, size = [], 0
    if lines:
        yield "".join(lines)
