from django.urls import path

from . import views

urlpatterns = [
    path("turnos/<int:turno_id>/borrador/", views.borrador, name="borrador_respuesta"),
    path("bandeja/firmas/", views.firmas_pendientes, name="firmas_pendientes"),
    path("bandeja/plantillas/", views.plantillas_view, name="plantillas"),
    path(
        "bandeja/plantillas/<int:plantilla_id>/",
        views.plantillas_view,
        name="plantilla_editar",
    ),
    path(
        "bandeja/firmas/<int:borrador_id>/oficio.pdf", views.borrador_oficio, name="borrador_oficio"
    ),
    path(
        "bandeja/firmas/<int:borrador_id>/devolver/",
        views.borrador_devolver,
        name="borrador_devolver",
    ),
]
