"""The administración role keeps the services, módulos and appointment hours in the admin,
and reads the fichas and citas (which change only through their use cases)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT = ["servicio", "modulo", "horariocitas"]
READ = ["ficha", "cita"]


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; make sure these exist now.
    app_config = apps.get_app_config("fila")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="administracion")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="fila", content_type__model__in=EDIT),
        *Permission.objects.filter(
            content_type__app_label="fila",
            content_type__model__in=READ,
            codename__startswith="view_",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("fila", "0001_initial"),
        ("oficialia", "0004_administracion_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
