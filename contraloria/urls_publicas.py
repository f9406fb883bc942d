"""Quejas y denuncias, the public side: included at /quejas/ by oficialia/urls.py."""

from django.urls import path

from . import quejas_views

urlpatterns = [
    path("nueva/", quejas_views.queja_nueva, name="queja_nueva"),
    path("recibida/<uuid:token>/", quejas_views.queja_recibida, name="queja_recibida"),
    path("consulta/", quejas_views.queja_consulta, name="queja_consulta"),
]
