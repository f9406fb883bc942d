from django.urls import path

from . import views

urlpatterns = [
    path("por-notificar/", views.pendientes, name="notificaciones_pendientes"),
    path("por-notificar/<int:pk>/", views.detalle, name="notificacion_detalle"),
    path("por-notificar/<int:pk>/cedula.pdf", views.cedula, name="notificacion_cedula"),
    path("por-notificar/<int:pk>/escaneo/", views.escaneo, name="notificacion_escaneo"),
    path(
        "por-notificar/<int:pk>/cedula-firmada/",
        views.escaneo_descargar,
        name="notificacion_escaneo_descargar",
    ),
    path("por-notificar/<int:pk>/<str:action>/", views.accion, name="notificacion_accion"),
]
