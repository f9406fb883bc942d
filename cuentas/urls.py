from django.urls import path

from . import views

urlpatterns = [
    # The citizen's account. Sign-in has its own door (the staff's is /cuenta/entrar/);
    # signing out is shared (/cuenta/salir/).
    path("mi-cuenta/entrar/", views.EntrarView.as_view(), name="cuenta_entrar"),
    path("mi-cuenta/registro/", views.registro, name="cuenta_registro"),
    path("mi-cuenta/registro/enviado/", views.registro_enviado, name="cuenta_registro_enviado"),
    path("mi-cuenta/confirmar/", views.confirmar_reenviar, name="cuenta_confirmar_reenviar"),
    path("mi-cuenta/confirmar/<uidb64>/<token>/", views.confirmar, name="cuenta_confirmar"),
    path("mi-cuenta/contrasena/", views.PasswordResetView.as_view(), name="cuenta_password_reset"),
    path(
        "mi-cuenta/contrasena/enviada/",
        views.PasswordResetDoneView.as_view(),
        name="cuenta_password_reset_done",
    ),
    path(
        "mi-cuenta/contrasena/lista/",
        views.PasswordResetCompleteView.as_view(),
        name="cuenta_password_reset_complete",
    ),
    path(
        "mi-cuenta/contrasena/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="cuenta_password_reset_confirm",
    ),
    path("mi-cuenta/avisos/", views.avisos, name="cuenta_avisos"),
    path("mi-cuenta/datos/", views.datos, name="cuenta_datos"),
    path("mi-cuenta/privacidad/", views.privacidad, name="cuenta_privacidad"),
    path("mi-cuenta/privacidad/mis-datos.json", views.mis_datos_json, name="cuenta_mis_datos_json"),
    path("mi-cuenta/privacidad/mis-datos.pdf", views.mis_datos_pdf, name="cuenta_mis_datos_pdf"),
    # The Oficialía sees and undoes the links of escritos to accounts.
    path("oficialia/vinculos/", views.vinculos, name="oficialia_vinculos"),
    # The administración lifts sign-in locks, with a reason.
    path("accesos/bloqueados/", views.accesos_bloqueados, name="accesos_bloqueados"),
    # The Unidad de Transparencia receives and answers the ARCO requests.
    path("datos-personales/solicitudes/", views.arco_solicitudes, name="arco_solicitudes"),
    path("datos-personales/solicitudes/nueva/", views.arco_nueva, name="arco_nueva"),
    path(
        "datos-personales/solicitudes/<int:solicitud_id>/",
        views.arco_solicitud,
        name="arco_solicitud",
    ),
]
