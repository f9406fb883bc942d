from django.core.management.base import BaseCommand

from turnos.services import reminders_send


class Command(BaseCommand):
    help = (
        "Envía los recordatorios de vencimiento del día (lo mismo que el beat corre a las 8:00). "
        "Correrlo dos veces no envía nada dos veces."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} recordatorios enviados.")
