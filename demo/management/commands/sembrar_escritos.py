import time

from django.core.management.base import BaseCommand, CommandError

from demo.seeding import escritos_seed
from transparencia.services import statistics_refresh


class Command(BaseCommand):
    help = (
        "Siembra escritos sintéticos (con turnos, respuestas, calificaciones y su registro de "
        "transiciones) para las estadísticas y sus mediciones; luego pone al día las cifras."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cantidad", type=int, default=10_000, help="escritos (10,000)")
        parser.add_argument("--anios", type=int, default=3, help="años hacia atrás (3)")
        parser.add_argument("--semilla", type=int, default=20260101)
        parser.add_argument(
            "--verificar-llaves",
            action="store_true",
            help="que PostgreSQL verifique cada llave foránea (más lento; ver seeding.py)",
        )
        parser.add_argument(
            "--sin-estadisticas",
            action="store_true",
            help="no consumir el registro al terminar (lo hará beat o la página)",
        )

    def handle(self, *args, cantidad: int, anios: int, semilla: int, **options):
        if cantidad < 1 or anios < 1:
            raise CommandError("--cantidad y --anios deben ser al menos 1")
        result = escritos_seed(
            count=cantidad,
            years=anios,
            seed=semilla,
            check_keys=options["verificar_llaves"],
            log=lambda m: self.stdout.write(m),
        )
        self.stdout.write(
            f"{result.escritos:,} escritos, {result.turnos:,} turnos, {result.respuestas:,} "
            f"respuestas, {result.evaluaciones:,} calificaciones y {result.transiciones:,} "
            f"transiciones en {result.seconds:.1f} s "
            f"({result.escritos / result.seconds:,.0f} escritos/s)."
        )
        if options["sin_estadisticas"]:
            return
        started = time.perf_counter()
        refresh = statistics_refresh(wait=True)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Estadísticas al día: {refresh.escritos:,} escritos de {refresh.rows:,} transiciones "
            f"en {seconds:.1f} s ({refresh.escritos / max(seconds, 1e-9):,.0f} escritos/s)."
        )
