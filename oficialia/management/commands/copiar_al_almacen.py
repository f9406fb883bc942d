from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from oficialia.almacen import copy_into_store


class Command(BaseCommand):
    help = (
        "Copia los archivos de una instalación (su carpeta OFICIALIA_MEDIA_ROOT) al almacén de "
        "objetos configurado (OFICIALIA_S3_BUCKET) con el mismo nombre, y verifica el SHA-256 de "
        "cada copia. Se puede repetir: solo copia lo que falta y nunca sobrescribe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--origen",
            default=str(settings.MEDIA_ROOT),
            help="Carpeta con los archivos (predeterminado: OFICIALIA_MEDIA_ROOT).",
        )

    def handle(self, *args, origen: str, **options):
        if isinstance(default_storage, FileSystemStorage):
            raise CommandError(
                "El almacén configurado es la carpeta local: fije OFICIALIA_S3_BUCKET (y "
                "OFICIALIA_S3_ENDPOINT y las claves) para copiar los archivos a él."
            )
        report = copy_into_store(FileSystemStorage(location=origen))
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(problem))
        summary = (
            f"{len(report.copied)} copiados y verificados, {len(report.already_there)} ya "
            f"estaban (mismo SHA-256), {len(report.problems)} con problemas."
        )
        if not report.ok:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
