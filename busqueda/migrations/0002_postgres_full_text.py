"""PostgreSQL's side of the staff search: unaccent and pg_trgm, the `es_unaccent` text
search configuration (Spanish stemming after unaccent, which also folds ñ), the trigger that
keeps each search document's tsvector, and its GIN indexes. Nothing on SQLite, which
searches the folded `plano` column."""

from django.db import migrations

FORWARD = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'es_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = pg_catalog.spanish);
        ALTER TEXT SEARCH CONFIGURATION es_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION busqueda_documento_vector() RETURNS trigger AS $$
BEGIN
    NEW.vector :=
        setweight(to_tsvector('es_unaccent', coalesce(NEW.folio, '') || ' ' || coalesce(NEW.nombre, '')
                                             || ' ' || coalesce(NEW.titulo, '')), 'A')
        || setweight(to_tsvector('es_unaccent', coalesce(NEW.cuerpo, '')), 'B')
        || setweight(to_tsvector('es_unaccent', coalesce(NEW.seguimiento, '')), 'C')
        || setweight(to_tsvector('es_unaccent', coalesce(NEW.adjuntos, '')), 'D');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER busqueda_documento_vector
    BEFORE INSERT OR UPDATE OF folio, nombre, titulo, cuerpo, seguimiento, adjuntos
    ON busqueda_documentobusqueda
    FOR EACH ROW EXECUTE FUNCTION busqueda_documento_vector();
CREATE INDEX busqueda_documento_vector_gin ON busqueda_documentobusqueda USING gin (vector);
CREATE INDEX busqueda_documento_nombre_trgm
    ON busqueda_documentobusqueda USING gin (nombre gin_trgm_ops);
CREATE INDEX busqueda_documento_folio_trgm
    ON busqueda_documentobusqueda USING gin (folio gin_trgm_ops);
"""

BACKWARD = r"""
DROP INDEX IF EXISTS busqueda_documento_folio_trgm;
DROP INDEX IF EXISTS busqueda_documento_nombre_trgm;
DROP INDEX IF EXISTS busqueda_documento_vector_gin;
DROP TRIGGER IF EXISTS busqueda_documento_vector ON busqueda_documentobusqueda;
DROP FUNCTION IF EXISTS busqueda_documento_vector();
DROP TEXT SEARCH CONFIGURATION IF EXISTS es_unaccent;
"""


def _on_postgres(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("busqueda", "0001_initial")]

    operations = [migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD))]
