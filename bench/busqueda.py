"""p95 of the staff search over 1,000,000 escritos, next to its floor: the bare index query
for the same words, measured in the same run.

    .venv/bin/python bench/busqueda.py [--escritos N] [--requests N] [--keep-db]

Seeds the escritos, their petitioners, one turno in ten to the measured secretaría, every
search document and the scope rows of the turnos (AlcanceDocumento) with generate_series in
SQL (the trigger of busqueda's migration builds the
tsvectors as it would for real filings), runs VACUUM ANALYZE, then calls the real search
(busqueda.consulta.search: the scope, the capped count, the page of 20 and its ts_headline
snippets) as the turnador (sees everything) and as a titular (only their secretaría's
turnos), alternated request by request with the floor: the one index query that finds the
first 20 matches (`vector @@ tsquery`, `folio LIKE`, `nombre %>`) and nothing else.

Needs PostgreSQL only (default postgres://postgres@127.0.0.1:5432/oficialia_bench_busqueda,
dropped and created again at every run; DATABASE_URL changes it).
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import drop_database, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oficialia_bench_busqueda"
WARMUP = 3


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    "solicitud bacheo calle avenida colonia árbol caído poda banqueta drenaje fuga agua "
    "potable alumbrado luminaria poste basura recolección licencia construcción permiso barda "
    "predio terreno baldío limpieza escuela parque jardín vecinos señora señor peña niños "
    "héroes centro norte sur oriente poniente reparación urgente riesgo accidente tránsito "
    "semáforo tope vialidad pavimentación socavón inundación lluvia coladera alcantarilla "
    "ruido música fiesta comercio ambulante mercado tianguis pago predial catastro avalúo "
    "escrituras notario panteón servicio atención queja denuncia inspección verificación"
)
NAMES = _words(
    "María José Juan Guadalupe Luis Ana Carlos Rosa Pedro Lucía Jorge Elena Miguel Sofía "
    "Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores "
    "Gómez Morales Vázquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz"
)

QUERIES = [
    ("dos palabras", "arbol caido"),
    ("palabra frecuente", "solicitud"),
    ("palabra rara", "socavon inundacion alcantarilla"),
    ("nombre", "martinez reyes"),
    ("folio corto", "2026-123"),
]


def seed(n: int) -> dict:
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from correspondencia.models import Secretaria
    from oficialia.roles import Role
    from turnos.models import Perfil
    from turnos.permissions import alcance_of_turno

    sop = Secretaria.objects.create(nombre="Secretaría de Obras Públicas", siglas="SOP")
    Secretaria.objects.create(nombre="Secretaría de Agua Potable", siglas="SAP")
    turnador = User.objects.create(username="turnador")
    turnador.groups.add(Group.objects.get_or_create(name=Role.OFICIALIA)[0])
    titular = User.objects.create(username="titular")
    titular.groups.add(Group.objects.get_or_create(name=Role.TITULAR)[0])
    Perfil.objects.create(user=titular, secretaria=sop)
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    names = "ARRAY[" + ",".join(f"'{w}'" for w in NAMES) + "]"
    nw, nn = len(WORDS), len(NAMES)
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SET synchronous_commit = off")
        c.execute(
            f"""
            CREATE TEMP TABLE seed AS
            SELECT i,
                   ({names})[1 + (i * 7) %% {nn}] || ' ' || ({names})[1 + (i * 13) %% {nn}] || ' '
                     || ({names})[1 + (i * 31) %% {nn}] AS nombre,
                   (SELECT string_agg(({words})[1 + floor(random() * {nw})::int], ' ')
                      FROM generate_series(1, 4 + i %% 3)) AS asunto,
                   (SELECT string_agg(({words})[1 + floor(random() * {nw})::int], ' ')
                      FROM generate_series(1, 40 + i %% 20)) AS texto,
                   timestamptz '2025-01-01' + (i %% 700) * interval '1 day' AS received
              FROM generate_series(1, %s) AS i
            """,
            [n],
        )
        c.execute("SELECT setval(pg_get_serial_sequence('correspondencia_peticionario', 'id'), 1)")
        c.execute(
            """
            INSERT INTO correspondencia_peticionario
                (id, tipo, nombre, email, telefono, curp, rfc, domicilio, genero)
            SELECT i, 'fisica', nombre, '', '', '', '', '', '' FROM seed
            """
        )
        c.execute(
            """
            INSERT INTO correspondencia_escrito
                (id, folio, year, number, channel, state, received_at, peticionario_id,
                 numero_oficio, asunto, texto, anexos_descripcion, ubicacion_original,
                 privacy_accepted_at, access_code_hash, access_code_sealed, digest, public_id)
            SELECT i, 'OP-' || (2025 + i % 2) || '-' || lpad(((i + 1) / 2)::text, 6, '0'),
                   2025 + i % 2, (i + 1) / 2, 'en_linea',
                   CASE WHEN i % 10 = 0 THEN 'turnado' ELSE 'recibido' END,
                   received, i, '', asunto, texto, '', '', received, '', '', '', gen_random_uuid()
              FROM seed
            """
        )
        c.execute(
            """
            INSERT INTO turnos_turno
                (escrito_id, secretaria_id, kind, instruccion, state, due_date_reason,
                 turned_by_id, turned_at, due_date)
            SELECT i, %s, 'atencion', '', 'pendiente', '', %s, received, received::date + 15
              FROM seed WHERE i %% 10 = 0
            """,
            [sop.pk, turnador.pk],
        )
        c.execute(
            """
            INSERT INTO busqueda_documentobusqueda
                (escrito_id, folio, nombre, titulo, cuerpo, seguimiento, adjuntos, plano,
                 updated_at)
            SELECT e.id, e.folio, lower(unaccent(s.nombre)), e.asunto, e.texto, '', '',
                   lower(unaccent(e.folio || ' ' || s.nombre || ' ' || e.asunto || ' '
                                  || e.texto)), now()
              FROM correspondencia_escrito e JOIN seed s ON s.i = e.id
            """
        )
        c.execute(
            """
            INSERT INTO busqueda_alcancedocumento (documento_id, clave, received_at)
            SELECT t.escrito_id, k.clave, s.received
              FROM turnos_turno t JOIN seed s ON s.i = t.escrito_id
                   CROSS JOIN unnest(%s::text[]) AS k(clave)
            """,
            [alcance_of_turno(sop.pk, None)],
        )
        for table in ("correspondencia_peticionario", "correspondencia_escrito"):
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        c.execute("DROP TABLE seed")
    with connection.cursor() as c:
        for table in (
            "correspondencia_peticionario",
            "correspondencia_escrito",
            "turnos_turno",
            "busqueda_documentobusqueda",
            "busqueda_alcancedocumento",
        ):
            c.execute(f"VACUUM ANALYZE {table}")
    return {"turnador": turnador, "titular": titular, "seconds": time.perf_counter() - started}


def floor_sql(text: str) -> tuple[str, list]:
    """The bare index query that finds the first page of matches for `text`."""
    from busqueda.consulta import tsquery_text
    from oficialia.folios import parse_folio_parcial
    from oficialia.text import search_words

    folio = parse_folio_parcial(text)
    if folio is not None:
        return (
            "SELECT escrito_id FROM busqueda_documentobusqueda WHERE folio LIKE %s LIMIT 20",
            ["%" + folio.matches_suffix()],
        )
    if text.startswith("martinez"):
        return (
            "SELECT escrito_id FROM busqueda_documentobusqueda WHERE %s <%% nombre LIMIT 20",
            [text],
        )
    return (
        "SELECT escrito_id FROM busqueda_documentobusqueda "
        "WHERE vector @@ to_tsquery('es_unaccent', %s) LIMIT 20",
        [tsquery_text(search_words(text))],
    )


def measure(user, text: str, requests: int) -> tuple[list[float], list[float], int]:
    from django.db import connection

    from busqueda.consulta import search

    sql, params = floor_sql(text)
    times, floors, found = [], [], 0
    for i in range(WARMUP + requests):
        t0 = time.perf_counter()
        found = search(user, text).total
        t1 = time.perf_counter()
        with connection.cursor() as c:
            c.execute(sql, params)
            c.fetchall()
        t2 = time.perf_counter()
        if i >= WARMUP:
            times.append((t1 - t0) * 1000)
            floors.append((t2 - t1) * 1000)
    return times, floors, found


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--escritos", type=int, default=1_000_000, help="(1000000)")
    parser.add_argument("--requests", type=int, default=40, help="búsquedas por cifra (40)")
    parser.add_argument("--keep-db", action="store_true", help="no borrar la base al final")
    args = parser.parse_args()
    if args.escritos < 1000 or args.requests < 2:
        parser.error("--escritos al menos 1000; --requests al menos 2")

    media_root = tempfile.mkdtemp(prefix="oficialia-bench-media-")
    rows = []
    try:
        database_url = common.configure_environment(media_root, DEFAULT_DATABASE_URL)
        pg_version = recreate_database(database_url)
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        seeded = seed(args.escritos)
        for who in ("turnador", "titular"):
            for label, text in QUERIES:
                times, floors, found = measure(seeded[who], text, args.requests)
                rows.append((who, label, text, found, times, floors))
        connections.close_all()
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
    if not args.keep_db:
        drop_database(database_url)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"Búsqueda del personal sobre {args.escritos:,} escritos (sembrados en "
        f"{seeded['seconds']:.0f} s) · PostgreSQL {pg_version} · Python "
        f"{platform.python_version()} · Django {django.get_version()} · {os.cpu_count()} CPU · "
        f"carga {load} · {datetime.now():%Y-%m-%d %H:%M}"
    )
    print(
        f"{args.requests} búsquedas por fila, alternadas con el piso (la consulta de índice sola)."
    )
    header = (
        f"{'quién':<9} {'búsqueda':<18} {'texto':<34} {'hallados':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'piso p95':>9} {'/piso':>6}"
    )
    print(header)
    print("-" * len(header))
    for who, label, text, found, times, floors in rows:
        shown = f">{found}" if found >= 1000 else str(found)
        ratio = p95(times) / p95(floors) if p95(floors) > 0 else float("inf")
        print(
            f"{who:<9} {label:<18} {text:<34} {shown:>8} {statistics.median(times):>8.1f} "
            f"{p95(times):>8.1f} {p95(floors):>9.2f} {ratio:>6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
