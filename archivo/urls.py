from django.urls import path

from . import views

urlpatterns = [
    path("cuadro/", views.cuadro_view, name="archivo_cuadro"),
    path("cuadro/series/nueva/", views.serie_nueva, name="archivo_serie_nueva"),
    path("cuadro/series/<int:serie_id>/", views.serie_editar, name="archivo_serie_editar"),
    path("cuadro/fondos/nuevo/", views.fondo_form, name="archivo_fondo_nuevo"),
    path("cuadro/fondos/<int:fondo_id>/", views.fondo_form, name="archivo_fondo_editar"),
    path("cuadro/secciones/nueva/", views.seccion_form, name="archivo_seccion_nueva"),
    path("cuadro/secciones/<int:seccion_id>/", views.seccion_form, name="archivo_seccion_editar"),
    path("escritos/<str:folio>/", views.escrito_archivo, name="archivo_escrito"),
    path("expedientes/", views.expedientes, name="archivo_expedientes"),
    path("expedientes/<str:numero>/", views.expediente_detalle, name="archivo_expediente"),
    path(
        "expedientes/<str:numero>/reclasificar/",
        views.expediente_reclasificar,
        name="archivo_expediente_reclasificar",
    ),
    path(
        "expedientes/<str:numero>/cerrar/",
        views.expediente_cerrar,
        name="archivo_expediente_cerrar",
    ),
    path("expedientes/<str:numero>/caratula.pdf", views.caratula, name="archivo_caratula"),
    path("cajas/", views.cajas, name="archivo_cajas"),
    path("cajas/<int:caja_id>/etiqueta.pdf", views.caja_etiqueta, name="archivo_caja_etiqueta"),
    path("prestamos/", views.prestamos, name="archivo_prestamos"),
    path(
        "prestamos/<int:prestamo_id>/devolver/",
        views.prestamo_devolver,
        name="archivo_prestamo_devolver",
    ),
    path("transferencias/", views.transferencias, name="archivo_transferencias"),
    path(
        "transferencias/<str:numero>/inventario.<str:formato>",
        views.inventario,
        name="archivo_inventario",
    ),
    path("bajas/", views.bajas_publicas, name="archivo_bajas_publicas"),
    path("bajas/<str:numero>/", views.baja_detalle, name="archivo_baja"),
    path("bajas/<str:numero>/<str:accion>/", views.baja_accion, name="archivo_baja_accion"),
    path(
        "bajas/<str:numero>/documentos/<str:documento>.pdf",
        views.baja_documento,
        name="archivo_baja_documento",
    ),
    path("papel/", views.papel, name="archivo_papel"),
    path("papel/relacion/", views.relacion, name="archivo_relacion"),
    path("papel/etiquetas/", views.etiquetas, name="archivo_etiquetas"),
    path("papel/turnado/<str:siglas>/", views.turnado, name="archivo_turnado"),
]
