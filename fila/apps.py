from django.apps import AppConfig


class FilaConfig(AppConfig):
    name = "fila"
    verbose_name = "Fila y citas (fichas)"
