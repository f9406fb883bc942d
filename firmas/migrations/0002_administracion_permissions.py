"""The administración installs the trusted certification authorities and loads the CRLs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="administracion")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="firmas",
            content_type__model__in=["autoridadcertificadora", "listarevocacion"],
        )
    )
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="firmas", codename="view_constancia"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("firmas", "0001_initial"),
        ("oficialia", "0004_administracion_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
