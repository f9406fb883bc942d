"""The contraloría's pages. Each group of views appends its own block of paths."""

from django.urls import path

from . import quejas_views, signals_views, views

urlpatterns = [
    # The desk (read-only): the bitácora, the overdue report, the ratings.
    path("", views.inicio, name="contraloria_inicio"),
    path("bitacora/", views.bitacora, name="contraloria_bitacora"),
    path("bitacora/exportar.csv", views.bitacora_csv, name="contraloria_bitacora_csv"),
    path("vencidos/", views.vencidos, name="contraloria_vencidos"),
    path("evaluaciones/", views.evaluaciones, name="contraloria_evaluaciones"),
    # Quejas y denuncias (the public form and lookup are in urls_publicas.py, at /quejas/).
    path("quejas/", quejas_views.quejas, name="contraloria_quejas"),
    path("quejas/<str:folio>/", quejas_views.queja_detalle, name="contraloria_queja"),
    path(
        "quejas/<str:folio>/archivos/<int:adjunto_id>/",
        quejas_views.queja_adjunto,
        name="contraloria_queja_adjunto",
    ),
    path(
        "quejas/<str:folio>/<str:action>/",
        quejas_views.queja_accion,
        name="contraloria_queja_accion",
    ),
    # Anti-coyotaje signals.
    path("senales/", signals_views.senales, name="contraloria_senales"),
]
