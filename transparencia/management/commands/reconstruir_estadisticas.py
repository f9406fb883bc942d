from django.core.management.base import BaseCommand

from transparencia.services import statistics_rebuild


class Command(BaseCommand):
    help = (
        "Vuelve a calcular todas las cifras desde el registro de transiciones, en una sola "
        "transacción (tras editar catálogos o días inhábiles, o al cambiar las cifras)."
    )

    def handle(self, *args, **options):
        result = statistics_rebuild()
        self.stdout.write(
            f"{result.escritos:,} escritos de {result.rows:,} transiciones; "
            f"{result.cells:,} contadores."
        )
