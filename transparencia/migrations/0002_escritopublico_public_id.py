"""The open data names each escrito by its random public id, never by its folio."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_public_ids(apps, schema_editor):
    Escrito = apps.get_model("correspondencia", "Escrito")
    EscritoPublico = apps.get_model("transparencia", "EscritoPublico")
    EscritoPublico.objects.update(
        public_id=Subquery(
            Escrito.objects.filter(pk=OuterRef("escrito_id")).values("public_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("correspondencia", "0010_escrito_public_id"),
        ("transparencia", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="escritopublico", name="folio"),
        migrations.AddField(
            model_name="escritopublico",
            name="public_id",
            field=models.UUIDField(null=True),
        ),
        migrations.RunPython(copy_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="escritopublico",
            name="public_id",
            field=models.UUIDField(),
        ),
    ]
