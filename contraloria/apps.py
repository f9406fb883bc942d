from django.apps import AppConfig


class ContraloriaConfig(AppConfig):
    name = "contraloria"
    verbose_name = "Contraloría interna"
