"""The open data: what each file holds, column by column, and how its rows are written.

The data dictionary below is the single source of the column names: the CSV header, the
JSON keys and the page /transparencia/datos/ all read it, so they cannot disagree.
"""

import csv
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from correspondencia.models import Channel, EscritoState, PetitionerType
from oficialia.hojas import BOM, safe_cell
from oficialia.replica import read_alias
from turnos.models import Sense

from .figures import GENDER_LABELS, SUPPRESSED
from .models import ALL_SCOPE
from .selectors import (
    Catalogues,
    catalogues,
    monthly_cells,
    public_escritos,
    public_escritos_copy,
    withheld,
)
from .services import LATE, ON_TIME

ROWS_PER_CHUNK = 500  # rows joined into one piece of the streamed response


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


def _codes(choices) -> str:
    """`code (label)`, the label only where it says more than the code."""

    def one(c) -> str:
        label = c.label.lower()
        return c.value if label == c.value.replace("_", " ") else f"{c.value} ({label})"

    return ", ".join(one(c) for c in choices)


ESCRITOS_COLUMNS = [
    Column(
        "id_publico",
        "texto (UUID)",
        "Identificador público del escrito: al azar, el mismo en cada descarga. No es el "
        "folio ni se deduce de él; el folio solo lo conoce el peticionario.",
    ),
    Column("anio", "entero", "Año de recepción (hora de la Ciudad de México)."),
    Column("fecha_recepcion", "fecha (AAAA-MM-DD)", "Día en que se recibió."),
    Column("medio", "código", f"Medio de recepción: {_codes(Channel)}."),
    Column(
        "secretarias",
        "texto",
        "Secretarías a las que se turnó para atención, separadas "
        "por « | »; vacío si aún no se turna.",
    ),
    Column("tramite", "texto", "Trámite o tema, si se identificó."),
    Column("estado", "código", f"Estado actual: {_codes(EscritoState)}."),
    Column(
        "fecha_limite",
        "fecha (AAAA-MM-DD)",
        "Fecha límite para responder, en días "
        "hábiles (la más tardía si se turnó a varias secretarías).",
    ),
    Column(
        "fecha_respuesta",
        "fecha (AAAA-MM-DD)",
        "Día de la respuesta (la última, si "
        "respondieron varias secretarías); vacío si no se ha respondido.",
    ),
    Column(
        "sentido",
        "código",
        f"Sentido de la respuesta: {_codes(Sense)}; varios separados por « | ».",
    ),
    Column(
        "dias_habiles",
        "entero",
        "Días hábiles de la recepción a la respuesta (sin fines "
        "de semana, descansos obligatorios ni días inhábiles del Ayuntamiento).",
    ),
    Column(
        "en_plazo",
        "si / no",
        "Si todas las respuestas llegaron dentro de su plazo; vacío si no se ha respondido.",
    ),
]

MONTHLY_COLUMNS = [
    Column("anio", "entero", "Año de recepción de los escritos."),
    Column("mes", "entero", "Mes de recepción, 1 a 12."),
    Column("siglas", "texto", "Siglas de la secretaría; TODAS para el total del Ayuntamiento."),
    Column("secretaria", "texto", "Nombre de la secretaría, o «Todas las secretarías»."),
    Column(
        "indicador",
        "código",
        "recibidos (escritos), medio, tipo_peticionario, genero "
        "(solo personas físicas) o respuestas (turnos para atención respondidos).",
    ),
    Column(
        "categoria",
        "código",
        f"Según el indicador: el medio ({', '.join(Channel.values)}), "
        f"el tipo ({', '.join(PetitionerType.values)}), el género "
        f"({', '.join(GENDER_LABELS)}) o en_plazo / fuera_de_plazo; vacío en recibidos.",
    ),
    Column(
        "valor",
        f"entero o «{SUPPRESSED}»",
        f"Cuántos. Por tipo de peticionario y por género, «{SUPPRESSED}» es una cifra que no "
        "se publica para que nadie pueda ser identificado: las menores que el mínimo "
        "(OFICIALIA_CIFRA_MINIMA, 5 si no se cambia) y las que permitirían calcularlas "
        "restando otras cifras publicadas (el total del mes o del año, las demás secretarías). "
        "Son las mismas que en la página de estadísticas.",
    ),
]

INDICATORS = {
    "mes": "recibidos",
    "canal": "medio",
    "tipo": "tipo_peticionario",
    "genero": "genero",
    "plazo": "respuestas",
}
# Every category of these indicators is published, zero included, so a missing row never
# tells a small count apart from a suppressed one.
ALL_CATEGORIES = {
    "tipo": list(PetitionerType.values),
    "genero": list(GENDER_LABELS),
    "plazo": [ON_TIME, LATE],
}


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def escrito_record(row: tuple, cat: Catalogues) -> dict:
    """One EscritoPublico row (selectors.public_escritos) as the open data publishes it."""
    (
        public_id,
        year,
        received_at,
        channel,
        turnos,
        tramite_id,
        state,
        due,
        answered_at,
        sense,
        days,
        within,
    ) = row
    return {
        "id_publico": str(public_id),
        "anio": year,
        "fecha_recepcion": _day(received_at),
        "medio": channel,
        "secretarias": " | ".join(sorted({cat.secretarias.get(t[0], str(t[0])) for t in turnos}))
        or None,
        "tramite": cat.tramites.get(tramite_id) if tramite_id else None,
        "estado": state,
        "fecha_limite": _day(due),
        "fecha_respuesta": _day(answered_at),
        "sentido": sense or None,
        "dias_habiles": days,
        "en_plazo": within,
    }


def _csv_value(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "si"
    if value is False:
        return "no"
    return safe_cell(value)


class _Echo:
    """csv.writer writes into this and gets the line back."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    yield csv_header(header)
    yield from csv_rows(rows)


def csv_header(header: list[str]) -> str:
    """The BOM (oficialia.hojas.BOM) and the header line."""
    return BOM + csv.writer(_Echo(), lineterminator="\r\n").writerow(header)


def csv_rows(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for chunk in _batched(rows):
        yield "".join(writer.writerow([_csv_value(v) for v in row]) for row in chunk)


def in_one_transaction(pieces: Iterable[str]) -> Iterator[str]:
    """Stream `pieces` from inside one transaction. Outside one, Django reads a server-side
    cursor WITH HOLD, which PostgreSQL fills with every row before it sends the first (about
    a second for a million escritos); inside, rows flow as they are read. A client that hangs
    up closes the generator, which rolls the read-only transaction back."""
    with transaction.atomic(using=read_alias()):
        yield from pieces


def _batched(rows: Iterable) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, ROWS_PER_CHUNK)):
        yield chunk


def json_stream(records: Iterable[dict], *, opened: bool = False) -> Iterator[str]:
    """A JSON array written piece by piece: `[`, the records, `]` (`opened`: the caller
    has already sent the `[`)."""
    if not opened:
        yield "["
    first = True
    for chunk in _batched(records):
        text = ",\n".join(json.dumps(r, ensure_ascii=False) for r in chunk)
        yield ("\n" if first else ",\n") + text
        first = False
    yield "\n]\n"


def escritos_csv_file(*, year: int | None = None) -> Iterator[str | bytes]:
    """escritos.csv as it is downloaded: the BOM and the header, then the rows, read in one
    transaction. The caller brings the statistics up to date first (as the page does), so
    the rows' read never starts in the middle of a catch-up, whichever database serves it."""
    yield csv_header([c.name for c in ESCRITOS_COLUMNS])
    yield from in_one_transaction(escritos_csv_rows(catalogues(), year=year))


def escritos_json_file(*, year: int | None = None) -> Iterator[str]:
    """escritos.json as it is downloaded: the array opens at once, as escritos_csv_file."""
    yield "["
    records = escritos_records(catalogues(), year=year)
    yield from in_one_transaction(json_stream(records, opened=True))


def escritos_csv_rows(cat: Catalogues, *, year: int | None = None) -> Iterator[str | bytes]:
    """escritos.csv's rows, without the header, piece by piece. On PostgreSQL, when no
    catalogue name needs more than being written (no formula to neutralise, no line break),
    COPY writes them: about ten times faster than building each row in Python. Otherwise,
    and on other databases, the rows are built as for the JSON. Both give the same bytes
    (tests/transparencia)."""
    names = [*cat.secretarias.values(), *cat.tramites.values()]
    plain = all(_csv_value(n) == n and "\n" not in n and "\r" not in n for n in names)
    if connection.vendor == "postgresql" and plain:
        return (piece.replace(b"\n", b"\r\n") for piece in public_escritos_copy(year=year))
    return csv_rows(escritos_rows(cat, year=year))


def escritos_rows(cat: Catalogues, *, year: int | None = None) -> Iterator[list]:
    names = [c.name for c in ESCRITOS_COLUMNS]
    for row in public_escritos(year=year):
        record = escrito_record(row, cat)
        yield [record[n] for n in names]


def escritos_records(cat: Catalogues, *, year: int | None = None) -> Iterator[dict]:
    for row in public_escritos(year=year):
        yield escrito_record(row, cat)


def monthly_records(
    siglas: dict[int, tuple[str, str]], *, generation: int | None = None
) -> Iterator[dict]:
    """The monthly aggregates, the withheld cells of the cuts by person withheld
    (selectors.withheld: the same as on the page)."""
    hidden: dict[int, frozenset] = {}

    def group(cell):
        return cell[:3]

    for (year, month, scope), cells in itertools.groupby(monthly_cells(), key=group):
        if year not in hidden:
            hidden = {year: withheld(year, generation=generation)}
        found: dict[str, dict[str, int]] = {}
        for *_, metric, key, n in cells:
            found.setdefault(metric, {})[key] = n
        if not found.get("mes", {}).get(""):
            continue
        if scope == ALL_SCOPE:
            short, name = "TODAS", "Todas las secretarías"
        else:
            name, short = siglas.get(scope, (str(scope), str(scope)))
        for metric, indicator in INDICATORS.items():
            counts = found.get(metric, {})
            keys = ALL_CATEGORIES.get(metric) or sorted(k for k, n in counts.items() if n)
            for key in keys:
                n = counts.get(key, 0)
                yield {
                    "anio": year,
                    "mes": month,
                    "siglas": short,
                    "secretaria": name,
                    "indicador": indicator,
                    "categoria": key,
                    "valor": SUPPRESSED if (scope, month, metric, key) in hidden[year] else n,
                }
