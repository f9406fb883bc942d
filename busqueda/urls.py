from django.urls import path

from . import views

urlpatterns = [
    path("busqueda/", views.busqueda, name="busqueda"),
    path("busqueda/guardar/", views.busqueda_guardar, name="busqueda_guardar"),
    path("busqueda/guardadas/<int:pk>/borrar/", views.busqueda_borrar, name="busqueda_borrar"),
]
