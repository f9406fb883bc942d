from django.db import migrations


class Migration(migrations.Migration):
    """Notificacion moved to the kernel (oficialia) with its table; nothing changes in the
    database."""

    dependencies = [
        ("turnos", "0003_turno_cancelado"),
        ("oficialia", "0009_notificacion_to_kernel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notificacion")],
            database_operations=[],
        ),
    ]
