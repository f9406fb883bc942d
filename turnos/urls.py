from django.urls import path

from . import views

urlpatterns = [
    path("personal/", views.staff_home, name="staff_home"),
    path("oficialia/", views.oficialia_inbox, name="oficialia_inbox"),
    path("oficialia/escritos/<str:folio>/", views.oficialia_escrito, name="oficialia_escrito"),
    path(
        "oficialia/escritos/<str:folio>/<str:decision>/",
        views.oficialia_decidir,
        name="oficialia_decidir",
    ),
    path("oficialia/devueltos/<int:turno_id>/", views.turno_returnar, name="turno_returnar"),
    path("oficialia/turnar-varios/", views.oficialia_turnar_lote, name="oficialia_turnar_lote"),
    path("oficialia/turnados/", views.oficialia_turnados, name="oficialia_turnados"),
    path("expedientes/<str:folio>/", views.escrito_detalle, name="escrito_detalle"),
    path(
        "expedientes/<str:folio>/archivos/<int:adjunto_id>/",
        views.adjunto_descargar,
        name="adjunto_descargar",
    ),
    path("bandeja/", views.bandeja, name="bandeja"),
    path("bandeja/varios/<str:accion>/", views.bandeja_lote, name="bandeja_lote"),
    path("suplencias/", views.suplencias_view, name="suplencias"),
    path(
        "suplencias/<int:suplencia_id>/terminar/",
        views.suplencia_terminar,
        name="suplencia_terminar",
    ),
    path(
        "bandeja/prevenciones-vencidas/",
        views.prevenciones_vencidas,
        name="prevenciones_vencidas",
    ),
    path("turnos/<int:turno_id>/", views.turno_detalle, name="turno_detalle"),
    path(
        "turnos/<int:turno_id>/acuerdo-<int:prevencion_id>.pdf",
        views.acuerdo_descargar,
        name="turno_acuerdo_pdf",
    ),
    path("turnos/<int:turno_id>/<str:action>/", views.turno_accion, name="turno_accion"),
    path("tareas/", views.tareas, name="tareas"),
    path("tareas/<int:tarea_id>/", views.tarea_detalle, name="tarea_detalle"),
    path("notificaciones/", views.notificaciones, name="notificaciones"),
    path(
        "notificaciones/<int:notificacion_id>/",
        views.notificacion_abrir,
        name="notificacion_abrir",
    ),
]
