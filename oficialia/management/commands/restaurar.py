import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oficialia.respaldo import RestoreRefused, restore


class Command(BaseCommand):
    help = (
        "Restaura un respaldo de `manage.py respaldar` en una base de datos recién migrada y "
        "verifica la bitácora y la huella SHA-256 de cada archivo. Sale con código 1 si algo "
        "no cuadra."
    )

    def add_arguments(self, parser):
        parser.add_argument("origen", help="El .tar.gz que escribió `respaldar`.")

    def handle(self, *args, origen, **options):
        try:
            report = restore(Path(origen))
        except RestoreRefused as exc:
            raise CommandError(str(exc)) from exc
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restaurado y verificado: bitácora íntegra ({report.entries} entradas), "
                    f"{report.files} archivos con su SHA-256."
                )
            )
            return
        for problem in report.problems:
            self.stderr.write(problem)
        sys.exit(1)
