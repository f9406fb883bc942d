from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from oficialia.respaldo import backup


class Command(BaseCommand):
    help = (
        "Respalda la base de datos y todos los archivos guardados en un .tar.gz, con la huella "
        "SHA-256 de cada archivo. Se restaura con `manage.py restaurar`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destino",
            nargs="?",
            help="Archivo .tar.gz a escribir (predeterminado: respaldo-AAAAMMDD-HHMMSS.tar.gz).",
        )

    def handle(self, *args, destino=None, **options):
        path = Path(destino or f"respaldo-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        manifest = backup(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Respaldo en {path}: {manifest['bitacora']['entradas']} entradas de bitácora, "
                f"{len(manifest['archivos'])} archivos."
            )
        )
