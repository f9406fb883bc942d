from django.urls import path

from . import views

urlpatterns = [
    path("ventanilla/correo/", views.correo_bandeja, name="correo_bandeja"),
    path("ventanilla/correo/<int:pk>/", views.correo_detalle, name="correo_detalle"),
    path("ventanilla/correo/<int:pk>/rechazar/", views.correo_rechazar, name="correo_rechazar"),
    path(
        "ventanilla/correo/<int:pk>/adjuntos/<int:adjunto_id>/",
        views.correo_adjunto,
        name="correo_adjunto",
    ),
]
