"""Each search document carries the scope keys of its escrito's turnos (`alcance`), so the
search of a titular or enlace filters on them instead of a subquery on the turnos per
candidate: a GIN index on PostgreSQL; the keys of the documents already written are filled
in from their turnos."""

from django.db import migrations

import busqueda.models

INDEX = "busqueda_documento_alcance_gin"


def _index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON busqueda_documentobusqueda USING gin (alcance)"
        )


def _drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def _fill(apps, schema_editor) -> None:
    """The keys of turnos.permissions.alcance_of_turno, for every escrito with turnos."""
    Turno = apps.get_model("turnos", "Turno")
    DocumentoBusqueda = apps.get_model("busqueda", "DocumentoBusqueda")
    keys: dict[int, set[str]] = {}
    rows = Turno.objects.order_by().values_list("escrito_id", "secretaria_id", "area_id")
    for escrito_id, secretaria_id, area_id in rows.iterator(chunk_size=2000):
        keys.setdefault(escrito_id, set()).update(
            (str(secretaria_id), f"{secretaria_id}:{area_id or ''}")
        )
    batch = []
    for doc in DocumentoBusqueda.objects.filter(escrito_id__in=list(keys)).only("pk").iterator(
        chunk_size=2000
    ):
        doc.alcance = sorted(keys[doc.pk])
        batch.append(doc)
        if len(batch) == 1000:
            DocumentoBusqueda.objects.bulk_update(batch, ["alcance"])
            batch = []
    if batch:
        DocumentoBusqueda.objects.bulk_update(batch, ["alcance"])


class Migration(migrations.Migration):
    dependencies = [
        ("busqueda", "0002_postgres_full_text"),
        ("turnos", "0008_prevencion_acuerdo_pdf"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentobusqueda",
            name="alcance",
            field=busqueda.models.ClavesField(
                blank=True, default=list, verbose_name="secretarías y áreas de sus turnos"
            ),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.RunPython(_index, _drop_index),
    ]
