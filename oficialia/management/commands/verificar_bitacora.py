import sys

from django.core.management.base import BaseCommand

from oficialia import bitacora


class Command(BaseCommand):
    help = (
        "Recorre la cadena de la bitácora y verifica cada hash. Sale con código 1 y nombra la "
        "primera entrada que no coincide."
    )

    def handle(self, *args, **options):
        result = bitacora.verify()
        if result.ok:
            last_id, last_hash, _ = bitacora.head()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Bitácora íntegra: {result.count} entradas. Última: #{last_id} {last_hash}"
                )
            )
            return
        self.stderr.write(
            f"Bitácora alterada: la entrada #{result.first_bad_id} no cuadra ({result.reason}). "
            f"{result.count} entradas anteriores verificadas."
        )
        sys.exit(1)
