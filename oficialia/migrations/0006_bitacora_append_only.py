"""On PostgreSQL the bitácora refuses UPDATE and DELETE, whoever asks."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION oficialia_bitacora_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'La bitácora solo admite agregar entradas (% rechazado)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER oficialia_bitacora_append_only
    BEFORE UPDATE OR DELETE ON oficialia_bitacora
    FOR EACH ROW EXECUTE FUNCTION oficialia_bitacora_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS oficialia_bitacora_append_only ON oficialia_bitacora;
DROP FUNCTION IF EXISTS oficialia_bitacora_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("oficialia", "0005_bitacora")]

    operations = [migrations.RunPython(create, drop)]
