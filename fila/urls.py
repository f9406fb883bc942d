from django.urls import path

from . import views

urlpatterns = [
    # Public: the kiosk at the entrance, the ticket, the board, appointments.
    path("", views.kiosco, name="fila_kiosco"),
    path("s/<str:siglas>/", views.kiosco_servicios, name="fila_kiosco_servicios"),
    path("ficha/<uuid:token>/", views.ficha, name="fila_ficha"),
    path("llegada/", views.llegada, name="fila_llegada"),
    path("pantalla/<str:siglas>/", views.pantalla, name="fila_pantalla"),
    path("citas/", views.citas, name="fila_citas"),
    path("citas/<str:siglas>/", views.cita_nueva, name="fila_cita_nueva"),
    path("cita/<uuid:token>/", views.cita, name="fila_cita"),
    path("cita/<uuid:token>/cancelar/", views.cita_cancelar, name="fila_cita_cancelar"),
    # Staff of the secretaría: the módulo's console and the schedule of appointments.
    path("modulos/", views.modulos, name="fila_modulos"),
    path("modulos/<int:modulo_id>/", views.consola, name="fila_consola"),
    path("modulos/<int:modulo_id>/<str:action>/", views.consola_accion, name="fila_consola_accion"),
    path("horarios/", views.horarios, name="fila_horarios"),
]
