"""Who finds each escrito through its turnos, beside its search document: one row per scope
key of its turnos, with the escrito's reception date, so a titular's search walks their
secretaría's escritos newest first instead of checking each candidate's turnos. The rows of
the documents already written are filled in from their turnos."""

import django.db.models.deletion
from django.db import migrations, models


def _fill(apps, schema_editor) -> None:
    """The keys of turnos.permissions.alcance_of_turno, for every escrito with turnos."""
    Turno = apps.get_model("turnos", "Turno")
    DocumentoBusqueda = apps.get_model("busqueda", "DocumentoBusqueda")
    AlcanceDocumento = apps.get_model("busqueda", "AlcanceDocumento")
    indexed = DocumentoBusqueda.objects.filter(escrito_id=models.OuterRef("escrito_id"))
    rows = (
        Turno.objects.filter(models.Exists(indexed))
        .order_by("escrito_id")
        .values_list("escrito_id", "secretaria_id", "area_id", "escrito__received_at")
    )
    current, seen, batch = None, set(), []
    for escrito_id, secretaria_id, area_id, received_at in rows.iterator(chunk_size=2000):
        if escrito_id != current:  # in escrito order: one escrito's keys at a time
            current, seen = escrito_id, set()
        for clave in (str(secretaria_id), f"{secretaria_id}:{area_id or ''}"):
            if clave not in seen:
                seen.add(clave)
                batch.append(
                    AlcanceDocumento(documento_id=escrito_id, clave=clave, received_at=received_at)
                )
        if len(batch) >= 2000:
            AlcanceDocumento.objects.bulk_create(batch)
            batch = []
    AlcanceDocumento.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('busqueda', '0002_postgres_full_text'),
        ('turnos', '0008_prevencion_acuerdo_pdf'),
    ]

    operations = [
        migrations.CreateModel(
            name='AlcanceDocumento',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('clave', models.CharField(max_length=24)),
                ('received_at', models.DateTimeField()),
                ('documento', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alcances', to='busqueda.documentobusqueda')),
            ],
            options={
                'verbose_name': 'alcance de un documento de búsqueda',
                'verbose_name_plural': 'alcances de los documentos de búsqueda',
                'indexes': [models.Index(fields=['clave', '-received_at'], name='alcance_reciente_idx')],
                'constraints': [models.UniqueConstraint(fields=('documento', 'clave'), name='alcance_unico')],
            },
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
