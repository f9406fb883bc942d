from django.apps import AppConfig


class OficialiaConfig(AppConfig):
    name = "oficialia"
    verbose_name = "Oficialía de Partes"
