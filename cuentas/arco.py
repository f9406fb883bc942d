"""The right of access: everything the system keeps about a citizen account, as JSON and as a
readable PDF (made with WeasyPrint, like the acuse)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from correspondencia.models import Escrito
from correspondencia.services import peticionario_datos
from oficialia.models import Bitacora
from turnos.models import Prevencion, Respuesta

from .models import Cuenta, NoticeKind

# The bitácora's actions that an account does, as the citizen reads them.
ACTIVITY_LABELS = {
    "cuenta.registrar": "Creó la cuenta",
    "cuenta.confirmar": "Confirmó su correo",
    "sesion.entrar": "Entró a su cuenta",
    "sesion.salir": "Salió de su cuenta",
    "catalogo.cambiar": "Cambió su contraseña",
    "cuenta.datos": "Cambió los datos guardados",
    "cuenta.avisos": "Cambió los avisos por correo",
    "cuenta.agregar_escrito": "Agregó un escrito a la cuenta",
    "arco.acceso": "Descargó sus datos personales",
    "arco.solicitar": "Presentó una solicitud de derechos ARCO sobre sus datos",
    "escrito.desistir": "Se desistió de un escrito",
    "turno.cancelar": "Un turno se canceló por su desistimiento",
}


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _escrito(escrito: Escrito) -> dict:
    p = escrito.peticionario
    prevenciones = (
        Prevencion.objects.filter(turno__escrito=escrito)
        .select_related("turno__secretaria")
        .order_by("requested_at")
    )
    respuestas = (
        Respuesta.objects.filter(turno__escrito=escrito)
        .select_related("turno__secretaria", "oficio")
        .order_by("answered_at")
    )
    evaluacion = getattr(escrito, "evaluacion", None) if hasattr(escrito, "evaluacion") else None
    return {
        "folio": escrito.folio,
        "recibido": _when(escrito.received_at),
        "medio": escrito.get_channel_display(),
        "estado": escrito.get_state_display(),
        "aviso_de_privacidad_aceptado": _when(escrito.privacy_accepted_at),
        "peticionario": {
            # Every field the petitioner gave (correspondencia's one list), codes as labels.
            **{("correo" if k == "email" else k): v for k, v in peticionario_datos(p).items()},
            "tipo": p.get_tipo_display(),
            "genero": p.get_genero_display() if p.genero else "",
        },
        "numero_oficio": escrito.numero_oficio,
        "asunto": escrito.asunto,
        "texto": escrito.texto,
        "tramite": escrito.tramite.nombre if escrito.tramite_id else None,
        "dirigido_a": escrito.secretaria_destino.nombre if escrito.secretaria_destino_id else None,
        "archivos": [
            {
                "nombre": a.original_name,
                "origen": a.get_origin_display(),
                "bytes": a.size,
                "paginas": a.pages,
                "sha256": a.sha256,
            }
            for a in escrito.adjuntos.all()
        ],
        "historial": [
            {
                "fecha": _when(t.at),
                "paso": t.description,
                "estado": t.state_label,
                "motivo": t.reason,
            }
            for t in escrito.transiciones.filter(public=True).order_by("at", "pk")
        ],
        "prevenciones": [
            {
                "secretaria": pv.turno.secretaria.nombre,
                "pedida": _when(pv.requested_at),
                "informacion_requerida": pv.texto,
                "respondida": _when(pv.answered_at),
                "su_respuesta": pv.answer_text,
            }
            for pv in prevenciones
        ],
        "respuestas": [
            {
                "secretaria": r.turno.secretaria.nombre,
                "fecha": _when(r.answered_at),
                "sentido": r.get_sense_display(),
                "texto": r.texto,
                "oficio": r.oficio.original_name if r.oficio_id else None,
            }
            for r in respuestas
        ],
        "calificacion": (
            {"puntos": evaluacion.score, "comentario": evaluacion.comentario}
            if evaluacion
            else None
        ),
    }


def personal_data(cuenta: Cuenta) -> dict:
    """Everything about the account and its escritos that concerns the citizen."""
    user = cuenta.user
    escritos = (
        Escrito.objects.filter(vinculo__cuenta=cuenta)
        .select_related("peticionario", "tramite", "secretaria_destino", "vinculo")
        .prefetch_related("adjuntos")
        .order_by("received_at", "pk")
    )
    activity = Bitacora.objects.filter(actor=user).order_by("at", "pk")
    return {
        "generado": _when(timezone.now()),
        "responsable": settings.INSTITUTION_NAME,
        "cuenta": {
            "numero": cuenta.pk,
            "correo": cuenta.email,
            "creada": _when(cuenta.created_at),
            "correo_confirmado": _when(cuenta.verified_at),
            "ultimo_acceso": _when(user.last_login),
            "datos_guardados": {
                "nombre": cuenta.nombre,
                "telefono": cuenta.telefono,
                "curp": cuenta.curp,
                "domicilio": cuenta.domicilio,
            },
            "avisos_por_correo": {
                label: cuenta.wants_email(kind) for kind, label in NoticeKind.choices
            },
        },
        "escritos": [
            {**_escrito(e), "en_la_cuenta": e.vinculo.get_how_display()} for e in escritos
        ],
        "solicitudes_arco": [
            {
                "folio": s.folio,
                "derecho": s.get_kind_display(),
                "fecha": _when(s.requested_at),
                "lo_que_pidio": s.detalle,
                "datos_corregidos": s.rectificacion,
                "tratamiento_al_que_se_opone": s.get_tratamiento_display() if s.tratamiento else "",
                "estado": s.get_state_display(),
                "resuelta": _when(s.resolved_at),
                "respuesta": s.resolucion,
            }
            for s in cuenta.solicitudes.order_by("requested_at", "pk")
        ],
        # What the bitácora recorded of the account's own actions, with the address used.
        "actividad": [
            {
                "fecha": _when(b.at),
                "accion": b.action,
                "descripcion": ACTIVITY_LABELS.get(b.action, b.action),
                "folio": b.folio,
                "ip": b.ip,
            }
            for b in activity
        ],
    }


def personal_data_pdf(data: dict) -> bytes:
    from oficialia.pdf import render_pdf

    html = render_to_string(
        "cuentas/mis_datos_pdf.html",
        {"data": data, "institucion": settings.INSTITUTION_NAME},
    )
    return render_pdf(html)
