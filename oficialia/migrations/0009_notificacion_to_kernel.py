import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Staff notifications belong to the kernel now; the table (turnos_notificacion) and
    its rows stay as they are: only Django's idea of the model moves."""

    dependencies = [
        ("oficialia", "0008_bitacora_lighter_indexes"),
        ("turnos", "0003_turno_cancelado"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notificacion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("texto", models.CharField(max_length=300)),
                        ("url", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField()),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notificaciones", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "turnos_notificacion",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="turnos_noti_user_id_dbdad5_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
