"""The expediente's electronic index: one row per document (document, date, fojas, SHA-256),
each row's hash covering the previous one, and the last hash kept on the expediente. A row
removed, swapped, reordered or edited breaks the chain; a stored file whose bytes changed no
longer matches its row."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion

from .models import Documento, DocumentoTipo, Expediente


def _genesis(expediente: Expediente) -> str:
    return hashlib.sha256(f"expediente:{expediente.numero}".encode()).hexdigest()


def _row_hash(previous: str, doc: Documento) -> str:
    payload = {
        "anterior": previous,
        "orden": doc.orden,
        "tipo": doc.tipo,
        "documento": doc.descripcion,
        "fecha": doc.fecha.isoformat(),
        "fojas": doc.fojas,
        "archivo": doc.archivo,
        "sha256": doc.sha256,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def file_sha256(name: str) -> str | None:
    if not name or not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def documento_add(
    *,
    expediente_id: int,
    tipo: DocumentoTipo,
    descripcion: str,
    archivo: str,
    fecha: date,
    origen: str,
    fojas: int | None = None,
    sha256: str | None = None,
) -> Documento | None:
    """Append a document to the expediente's index, once per `origen` (a second call with
    the same origen returns None). Other apps call this for the documents they make
    (notifications, cédulas). The file must already be stored."""
    with transaction.atomic():
        expediente = Expediente.objects.select_for_update().get(pk=expediente_id)
        if expediente.documentos.filter(origen=origen).exists():
            return None
        digest = sha256 or file_sha256(archivo)
        if digest is None:
            raise FileNotFoundError(archivo)
        previous = expediente.indice_cabeza or _genesis(expediente)
        doc = Documento(
            expediente=expediente,
            orden=expediente.indice_total + 1,
            tipo=tipo,
            descripcion=descripcion[:255],
            fecha=fecha,
            fojas=fojas,
            archivo=archivo,
            sha256=digest,
            origen=origen,
            hash_anterior=previous,
        )
        doc.hash = _row_hash(previous, doc)
        doc.save()
        expediente.indice_cabeza = doc.hash
        expediente.indice_total = doc.orden
        expediente.save(update_fields=["indice_cabeza", "indice_total"])
        bitacora.record(
            action=Accion.EXPEDIENTE_DOCUMENTO,
            object_type="expediente",
            object_ref=expediente.numero,
            changes={"orden": doc.orden, "tipo": doc.tipo, "sha256": doc.sha256, "hash": doc.hash},
        )
    return doc


@dataclass(frozen=True)
class Falla:
    orden: int
    problema: str

    def __str__(self) -> str:
        return f"Documento {self.orden}: {self.problema}"


def verify(expediente: Expediente, *, files: bool = True) -> list[Falla]:
    """Every break in the index, in order; an empty list means it is whole. After a baja the
    files are gone by law: only the rows are checked."""
    from .models import Custodia

    files = files and expediente.custodia != Custodia.BAJA
    problems: list[Falla] = []
    previous = _genesis(expediente)
    expected = 1
    for doc in expediente.documentos.order_by("orden"):
        if doc.orden != expected:
            problems.append(Falla(expected, "falta en el índice"))
            expected = doc.orden
        if doc.hash_anterior != previous:
            problems.append(Falla(doc.orden, "no sigue al documento anterior (cadena rota)"))
        if _row_hash(doc.hash_anterior, doc) != doc.hash:
            problems.append(Falla(doc.orden, "sus datos en el índice fueron alterados"))
        if files:
            actual = file_sha256(doc.archivo)
            if actual is None:
                problems.append(Falla(doc.orden, "el archivo no existe"))
            elif actual != doc.sha256:
                problems.append(
                    Falla(doc.orden, "el archivo fue sustituido (su SHA-256 no coincide)")
                )
        previous = doc.hash
        expected += 1
    if expected - 1 != expediente.indice_total or previous != (
        expediente.indice_cabeza or _genesis(expediente)
    ):
        problems.append(
            Falla(
                expediente.indice_total,
                "el índice no termina donde debe (faltan documentos al final)",
            )
        )
    return problems
