from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interoperabilidad.api import api
from oficialia import segundo_factor

from . import views

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("healthz", views.healthz, name="healthz"),
    path("salud/listo", views.healthz, name="salud_listo"),
    path("salud/vivo", views.vivo, name="salud_vivo"),
    path("metrics", views.metrics, name="metrics"),
    path("privacidad/", views.privacidad, name="privacidad"),
    path("cuenta/entrar/", auth_views.LoginView.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("cuenta/segundo-factor/", segundo_factor.verificar, name="segundo_factor"),
    path(
        "cuenta/segundo-factor/configurar/",
        segundo_factor.configurar,
        name="segundo_factor_configurar",
    ),
    path("cuenta/segundo-factor/codigos/", segundo_factor.codigos, name="segundo_factor_codigos"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("interoperabilidad.urls")),
    path("", include("correspondencia.urls")),
    path("", include("notificaciones.urls")),  # /por-notificar/: the ventanilla's queue
    path("", include("oficios.urls")),  # before turnos: /turnos/<id>/borrador/
    path("", include("turnos.urls")),
    path("", include("busqueda.urls")),
    path("", include("cuentas.urls")),
    path("", include("portal.urls")),  # /mi-cuenta/ (citizens), /datos-personales/ (ARCO)
    path("transparencia/", include("transparencia.urls")),
    path("fila/", include("fila.urls")),
    path("contraloria/", include("contraloria.urls")),
    path("quejas/", include("contraloria.urls_publicas")),
    path("archivo/", include("archivo.urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.forbidden"
handler404 = "config.views.not_found"
