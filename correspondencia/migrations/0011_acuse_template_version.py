"""The acuses already made keep the wording they were made with (version 1)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("correspondencia", "0010_escrito_public_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="acuse",
            name="template_version",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="acuse",
            name="template_version",
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
    ]
