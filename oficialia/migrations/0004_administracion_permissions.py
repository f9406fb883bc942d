"""The administración role keeps the catalogues, the calendar and the staff in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = {
    "correspondencia": ["secretaria", "area", "tramite"],
    "oficialia": ["diainhabil"],
    "turnos": ["perfil"],
    "auth": ["user", "group"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; make sure these exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="administracion")
    for app_label, models in MODELS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("oficialia", "0003_diainhabil"),
        ("correspondencia", "0002_adjunto_origin_alter_escrito_state_and_more"),
        ("turnos", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
