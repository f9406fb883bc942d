from django.urls import path

from . import mis_escritos, views

urlpatterns = [
    path("escritos/nuevo/", views.escrito_nuevo, name="escrito_nuevo"),
    path("escritos/recibido/<uuid:token>/", views.escrito_recibido, name="escrito_recibido"),
    path(
        "escritos/recibido/<uuid:token>/acuse/",
        views.escrito_recibido_estado,
        name="escrito_recibido_estado",
    ),
    path(
        "escritos/recibido/<uuid:token>/acuse.pdf",
        views.escrito_recibido_acuse,
        name="escrito_recibido_acuse",
    ),
    path("consulta/", views.consulta, name="consulta"),
    path("consulta/<str:folio>/acuse.pdf", views.consulta_acuse, name="consulta_acuse"),
    path("consulta/<str:folio>/notificacion/<int:acuse_id>.pdf", views.consulta_notificacion,
         name="consulta_notificacion"),
    path("consulta/<str:folio>/acuerdo/<int:prevencion_id>.pdf", views.consulta_acuerdo,
         name="consulta_acuerdo"),
    path("mi-cuenta/escritos/<str:folio>/acuerdo/<int:prevencion_id>.pdf",
         mis_escritos.escrito_acuerdo, name="cuenta_escrito_acuerdo"),
    path("mi-cuenta/escritos/<str:folio>/notificacion/<int:acuse_id>.pdf",
         mis_escritos.escrito_notificacion, name="cuenta_escrito_notificacion"),
    path("consulta/<str:folio>/prevencion/", views.consulta_prevencion, name="consulta_prevencion"),
    path("consulta/<str:folio>/evaluar/", views.consulta_evaluar, name="consulta_evaluar"),
    path("consulta/<str:folio>/desistir/", views.consulta_desistir, name="consulta_desistir"),
    path(
        "consulta/<str:folio>/respuestas/<int:adjunto_id>/",
        views.consulta_respuesta,
        name="consulta_respuesta",
    ),
    # The citizen's account: "Mis escritos"
    path("mi-cuenta/", mis_escritos.escritos, name="cuenta_escritos"),
    path(
        "mi-cuenta/escritos/agregar/",
        mis_escritos.escrito_agregar,
        name="cuenta_escrito_agregar",
    ),
    path(
        "mi-cuenta/escritos/confirmar/<str:token>/",
        mis_escritos.escrito_confirmar,
        name="cuenta_escrito_confirmar",
    ),
    path("mi-cuenta/escritos/<str:folio>/", mis_escritos.escrito, name="cuenta_escrito"),
    path(
        "mi-cuenta/escritos/<str:folio>/acuse.pdf",
        mis_escritos.escrito_acuse,
        name="cuenta_escrito_acuse",
    ),
    path(
        "mi-cuenta/escritos/<str:folio>/respuestas/<int:adjunto_id>/",
        mis_escritos.escrito_respuesta,
        name="cuenta_escrito_respuesta",
    ),
    path(
        "mi-cuenta/escritos/<str:folio>/prevencion/",
        mis_escritos.escrito_prevencion,
        name="cuenta_escrito_prevencion",
    ),
    path(
        "mi-cuenta/escritos/<str:folio>/evaluar/",
        mis_escritos.escrito_evaluar,
        name="cuenta_escrito_evaluar",
    ),
    path(
        "mi-cuenta/escritos/<str:folio>/desistir/",
        mis_escritos.escrito_desistir,
        name="cuenta_escrito_desistir",
    ),
]
