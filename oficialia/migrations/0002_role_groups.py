from django.db import migrations

ROLES = [
    "ventanilla",
    "oficialia",
    "titular",
    "enlace",
    "operativo",
    "contraloria",
    "administracion",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("oficialia", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
