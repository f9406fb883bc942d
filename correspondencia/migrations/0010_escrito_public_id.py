"""Every escrito gets its random public id, the existing ones included."""

import uuid

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BATCH = 2000


def fill_public_ids(apps, schema_editor):
    Escrito = apps.get_model("correspondencia", "Escrito")
    HistoricalEscrito = apps.get_model("correspondencia", "HistoricalEscrito")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE correspondencia_escrito SET public_id = gen_random_uuid() "
            "WHERE public_id IS NULL"
        )
    else:
        pending = Escrito.objects.filter(public_id__isnull=True).order_by("pk")
        while batch := list(pending.only("pk")[:BATCH]):
            for escrito in batch:
                escrito.public_id = uuid.uuid4()
            Escrito.objects.bulk_update(batch, ["public_id"])
    # The history rows of an escrito carry its id too.
    HistoricalEscrito.objects.update(
        public_id=Subquery(Escrito.objects.filter(pk=OuterRef("id")).values("public_id")[:1])
    )
    for row in HistoricalEscrito.objects.filter(public_id__isnull=True).only("pk"):
        row.public_id = uuid.uuid4()  # the history of an escrito no longer stored
        row.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("correspondencia", "0009_tramite_homoclave"),
    ]

    operations = [
        migrations.AddField(
            model_name="escrito",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="identificador público"),
        ),
        migrations.AddField(
            model_name="historicalescrito",
            name="public_id",
            field=models.UUIDField(
                db_index=True, editable=False, null=True, verbose_name="identificador público"
            ),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="escrito",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                unique=True,
                verbose_name="identificador público",
            ),
        ),
        migrations.AlterField(
            model_name="historicalescrito",
            name="public_id",
            field=models.UUIDField(
                db_index=True,
                default=uuid.uuid4,
                editable=False,
                verbose_name="identificador público",
            ),
        ),
    ]
