from django.urls import path

from . import views

# Stable addresses: the open data files are linked from elsewhere and fetched by scripts.
urlpatterns = [
    path("", views.estadisticas, name="transparencia"),
    path("datos/", views.datos, name="transparencia_datos"),
    path("datos/escritos.csv", views.escritos_csv, name="transparencia_escritos_csv"),
    path("datos/escritos.json", views.escritos_json, name="transparencia_escritos_json"),
    path("datos/mensual.csv", views.mensual_csv, name="transparencia_mensual_csv"),
    path("datos/mensual.json", views.mensual_json, name="transparencia_mensual_json"),
    path("datos/bitacora.csv", views.bitacora_csv, name="transparencia_bitacora_csv"),
    path("datos/bitacora.json", views.bitacora_json, name="transparencia_bitacora_json"),
]
