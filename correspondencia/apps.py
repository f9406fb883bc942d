from django.apps import AppConfig


class CorrespondenciaConfig(AppConfig):
    name = "correspondencia"
    verbose_name = "Correspondencia"
