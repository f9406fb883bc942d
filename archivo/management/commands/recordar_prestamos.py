from django.core.management.base import BaseCommand

from archivo.originales import prestamos_remind


class Command(BaseCommand):
    help = "Recuerda la devolución de los expedientes en papel prestados que vencen hoy o antes."

    def handle(self, *args, **options):
        self.stdout.write(f"{prestamos_remind()} recordatorio(s) de préstamo enviado(s).")
