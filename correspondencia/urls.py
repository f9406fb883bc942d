from django.urls import path

from . import views

urlpatterns = [
    path("escritos/nuevo/requisitos/", views.tramite_requisitos, name="tramite_requisitos"),
    path("tramites/", views.tramites, name="tramites"),
    path("tramites/catalogo.csv", views.tramites_csv, name="tramites_csv"),
    path("tramites/<slug:slug>/", views.tramite_detalle, name="tramite_detalle"),
    path("verificar/", views.verificar_pdf, name="verificar_pdf"),
    path("dias-inhabiles/", views.dias_inhabiles, name="dias_inhabiles"),
    path(
        "dias-inhabiles/acuerdo/<int:pk>.pdf",
        views.acuerdo_inhabil_pdf,
        name="acuerdo_inhabil_pdf",
    ),
    path("verificar/<str:token>/", views.verificar, name="verificar"),
    path("ventanilla/", views.ventanilla, name="ventanilla"),
    path("ventanilla/nuevo/", views.ventanilla_nuevo, name="ventanilla_nuevo"),
    path("ventanilla/escritos/<str:folio>/", views.ventanilla_escrito, name="ventanilla_escrito"),
    path(
        "ventanilla/escritos/<str:folio>/corregir/",
        views.ventanilla_corregir,
        name="ventanilla_corregir",
    ),
    path(
        "ventanilla/escritos/<str:folio>/acuse/",
        views.ventanilla_acuse_estado,
        name="ventanilla_acuse_estado",
    ),
    path(
        "ventanilla/escritos/<str:folio>/acuse.pdf",
        views.ventanilla_acuse,
        name="ventanilla_acuse",
    ),
]
