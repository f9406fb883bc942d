"""The legal notification of each act to the petitioner: created with the act, practiced
electronically (the petitioner opens it), personally (ventanilla or address, with a signed
cédula scanned back) or by estrados where the law allows; completing it dates the term."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Channel, Escrito
from oficialia import bitacora, firma
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.adjuntos import InspectedFile
from oficialia.archivos import with_stored_files
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.pdf import render_pdf
from oficialia.roles import Role
from turnos import services as turnos_services
from turnos.actos import acto_por_notificar
from turnos.models import Prevencion, Prorroga, Respuesta

from .models import (
    PERSONAL_CHANNELS,
    Acto,
    AcuseNotificacion,
    Canal,
    EstadoNotificacion,
    NotificacionPeticionario,
    Resultado,
)
from .signals import notificacion_registrada

# Who works the ventanilla queue of personal notifications.
QUEUE_ROLES = (Role.VENTANILLA, Role.OFICIALIA)


def channel_for(escrito: Escrito) -> str:
    """The channel an act is notified by, from the petitioner's data: electronic when they
    filed online or gave an email (they read it in their account or /consulta/, and are told
    by email); in person at the ventanilla for paper filers without email."""
    if escrito.channel == Channel.EN_LINEA or escrito.peticionario.email:
        return Canal.ELECTRONICA
    return Canal.VENTANILLA


def channels_allowed() -> list[tuple[str, str]]:
    """The channels staff may choose: estrados only where OFICIALIA_NOTIFICACION_ESTRADOS."""
    return [
        (value, label)
        for value, label in Canal.choices
        if value != Canal.ESTRADOS or settings.NOTIFICATION_ESTRADOS
    ]


def pending_sentence(notificacion: NotificacionPeticionario) -> str:
    """How the act will reach the petitioner, for the staff's success message."""
    if notificacion.is_done:
        return "notificada"
    if notificacion.canal == Canal.ELECTRONICA:
        return (
            "pendiente de notificar en forma electrónica: queda notificada cuando el peticionario "
            "la abra en su cuenta o en la consulta"
        )
    if notificacion.canal == Canal.VENTANILLA:
        return "pendiente de notificar por ventanilla"
    if notificacion.canal == Canal.DOMICILIO:
        return "pendiente de notificar en el domicilio del peticionario"
    return "pendiente de publicar en los estrados"


def announce(notificacion: NotificacionPeticionario, event: str) -> None:
    """Tell the apps above (the archive) after commit that this notification has news."""
    pk, escrito_id = notificacion.pk, notificacion.escrito_id
    transaction.on_commit(
        lambda: notificacion_registrada.send(
            sender=NotificacionPeticionario,
            notificacion_id=pk,
            escrito_id=escrito_id,
            event=event,
        )
    )


def _record(action: Accion, notificacion: NotificacionPeticionario, user=None, **changes) -> None:
    bitacora.record(
        action=action,
        object_type="notificacionpeticionario",
        object_ref=str(notificacion.pk),
        folio=notificacion.escrito.folio,
        actor=user,
        changes={"acto": notificacion.acto, "canal": notificacion.canal, **changes},
    )


@receiver(acto_por_notificar, dispatch_uid="notificaciones-acto")
def _on_act(sender, *, acto, escrito_id, actor=None, prevencion_id=None, respuesta_id=None,
            prorroga_id=None, **kwargs) -> str:
    notificacion = notificacion_create(
        acto=acto,
        escrito_id=escrito_id,
        actor=actor,
        prevencion_id=prevencion_id,
        respuesta_id=respuesta_id,
        prorroga_id=prorroga_id,
    )
    return pending_sentence(notificacion)


def notificacion_create(
    *,
    acto: str,
    escrito_id: int,
    actor=None,
    prevencion_id: int | None = None,
    respuesta_id: int | None = None,
    prorroga_id: int | None = None,
) -> NotificacionPeticionario:
    """The notification an act calls for, in the act's transaction, with the channel the
    petitioner's data gives. Paper filers' acts are announced to the ventanilla."""
    escrito = Escrito.objects.select_related("peticionario").get(pk=escrito_id)
    notificacion = NotificacionPeticionario.objects.create(
        escrito=escrito,
        acto=Acto(acto),
        prevencion_id=prevencion_id,
        respuesta_id=respuesta_id,
        prorroga_id=prorroga_id,
        canal=channel_for(escrito),
        creada_en=timezone.now(),
    )
    _record(Accion.NOTIFICACION_CREAR, notificacion, actor)
    if notificacion.is_personal:
        staff_notify(
            users_with_roles(*QUEUE_ROLES),
            f"Por notificar en ventanilla: {notificacion.get_acto_display().lower()} de "
            f"{escrito.folio}",
            reverse("notificacion_detalle", args=[notificacion.pk]),
        )
    announce(notificacion, "creada")
    return notificacion


def _lock(notificacion_id: int) -> NotificacionPeticionario:
    return (
        NotificacionPeticionario.objects.select_for_update(of=("self",))
        .select_related("escrito__peticionario")
        .get(pk=notificacion_id)
    )


def _how(notificacion: NotificacionPeticionario) -> str:
    if notificacion.canal == Canal.ELECTRONICA or notificacion.acuse_electronico_id:
        return "en forma electrónica"
    if notificacion.canal == Canal.ESTRADOS:
        return "por estrados"
    return "personalmente" + (" en ventanilla" if notificacion.canal == Canal.VENTANILLA else "")


def _complete(notificacion: NotificacionPeticionario, at: datetime, user=None) -> None:
    """The act was made known at `at`: the record is done and the term takes the date."""
    notificacion.estado = EstadoNotificacion.NOTIFICADA
    notificacion.notificada_en = at
    notificacion.save()
    how = _how(notificacion)
    if notificacion.acto == Acto.RESPUESTA:
        turnos_services.respuesta_notified(respuesta_id=notificacion.respuesta_id, at=at, how=how)
    elif notificacion.acto == Acto.PREVENCION:
        turnos_services.prevencion_notified(
            prevencion_id=notificacion.prevencion_id, at=at, how=how
        )
    else:
        turno = (
            notificacion.prorroga.turno
            if notificacion.acto == Acto.PRORROGA
            else notificacion.prevencion.turno
        )
        turnos_services.act_notified_record(
            turno=turno,
            description=f"{notificacion.get_acto_display()} notificada ({how}) el "
            f"{timezone.localtime(at):%d/%m/%Y}",
            at=at,
        )
    _record(
        Accion.NOTIFICACION_PRACTICADA,
        notificacion,
        user,
        notificada_en=timezone.localtime(at).isoformat(),
    )
    announce(notificacion, "practicada")


# Electronic: the petitioner opened it ----------------------------------------------------------


def opening_complete(*, acuse: AcuseNotificacion) -> None:
    """The first opening of an answer, a prevención, an acuerdo or a prórroga notifies it,
    whatever channel was planned: the petitioner learnt of it, and the signed acuse proves
    when."""
    if acuse.respuesta_id:
        target = {"respuesta_id": acuse.respuesta_id}
    elif acuse.prorroga_id:
        target = {"prorroga_id": acuse.prorroga_id}
    elif acuse.acuerdo_id:
        target = {"prevencion_id": acuse.acuerdo_id, "acto": Acto.ACUERDO}
    else:
        target = {"prevencion_id": acuse.prevencion_id, "acto": Acto.PREVENCION}
    pk = (
        NotificacionPeticionario.objects.filter(estado=EstadoNotificacion.PENDIENTE, **target)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return
    notificacion = _lock(pk)
    if notificacion.is_done:
        return
    notificacion.acuse_electronico = acuse
    notificacion.medio_electronico = acuse.medio
    _complete(notificacion, acuse.abierto_en)


# Staff: channel, cédula, diligencia, scan ------------------------------------------------------


@transaction.atomic
def notificacion_channel_change(
    *, notificacion_id: int, user, canal: str, motivo: str
) -> NotificacionPeticionario:
    notificacion = _lock(notificacion_id)
    if notificacion.is_done:
        raise ActionError("Esta notificación ya se practicó: su medio ya no cambia.")
    if canal not in dict(channels_allowed()):
        raise ActionError("Elija un medio de notificación que la ley de su estado permita.")
    motivo = " ".join(motivo.split())
    if not motivo:
        raise ActionError("Escriba por qué cambia el medio de notificación.")
    if canal == notificacion.canal:
        raise ActionError("La notificación ya va por ese medio.")
    before = notificacion.canal
    notificacion.canal = canal
    notificacion.canal_motivo = motivo[:300]
    notificacion.save(update_fields=["canal", "canal_motivo"])
    _record(Accion.NOTIFICACION_CANAL, notificacion, user, antes=before, motivo=motivo)
    return notificacion


def cedula_context(notificacion: NotificacionPeticionario) -> dict:
    escrito = notificacion.escrito
    prevencion = notificacion.prevencion
    turno = (
        notificacion.respuesta.turno
        if notificacion.respuesta_id
        else notificacion.prorroga.turno
        if notificacion.prorroga_id
        else prevencion.turno
    )
    if notificacion.acto == Acto.RESPUESTA:
        texto = notificacion.respuesta.texto
    elif notificacion.acto == Acto.PREVENCION:
        texto = prevencion.texto
    elif notificacion.acto == Acto.ACUERDO:
        texto = prevencion.acuerdo_texto
    else:
        p = notificacion.prorroga
        texto = (
            f"El plazo para responder se prorroga {p.days} días hábiles, hasta el "
            f"{turno.due_date:%d/%m/%Y}. Motivo: {p.reason}"
        )
    return {
        "institucion": settings.INSTITUTION_NAME,
        "notificacion": notificacion,
        "escrito": escrito,
        "peticionario": escrito.peticionario,
        "secretaria": turno.secretaria,
        "texto": texto,
        "respuesta": notificacion.respuesta,
        "prevencion_dias": settings.PREVENTION_ANSWER_DAYS,
        "emitida": timezone.localtime(notificacion.creada_en),
        "verificar_url": settings.PUBLIC_BASE_URL + reverse("verificar_pdf"),
    }


def cedula_generate(*, notificacion_id: int, user=None) -> NotificacionPeticionario:
    """Render and sign (PAdES, the institution's certificate) the cédula de notificación to be
    printed, signed by whoever receives it and scanned back; made once."""
    with transaction.atomic():
        notificacion = _lock(notificacion_id)
        if notificacion.cedula and default_storage.exists(notificacion.cedula.name):
            return notificacion
        html = render_to_string("notificaciones/cedula.html", cedula_context(notificacion))
        content = firma.sign_pdf(
            render_pdf(html),
            reason=f"Cédula de notificación del escrito {notificacion.escrito.folio}",
            location=settings.INSTITUTION_NAME,
        )
        name = (
            f"cedulas/{notificacion.escrito.year}/{notificacion.escrito.folio}-"
            f"{notificacion.pk}.pdf"
        )
        if default_storage.exists(name):
            default_storage.delete(name)
        notificacion.cedula.name = default_storage.save(name, ContentFile(content))
        notificacion.cedula_sha256 = firma.sha256_hex(content)
        notificacion.cedula_generada_en = timezone.now()
        notificacion.save(update_fields=["cedula", "cedula_sha256", "cedula_generada_en"])
        _record(Accion.NOTIFICACION_CEDULA, notificacion, user, sha256=notificacion.cedula_sha256)
        announce(notificacion, "cedula")
    return notificacion


@transaction.atomic
def diligencia_register(
    *,
    notificacion_id: int,
    user,
    resultado: str,
    at: datetime,
    recibio_nombre: str = "",
    recibio_identificacion: str = "",
    notas: str = "",
) -> NotificacionPeticionario:
    """What happened when the notification was attempted: delivered (who received, when),
    nobody found, or posted in the estrados. A posting in the estrados completes it; a
    delivery completes it once the signed cédula is scanned back."""
    notificacion = _lock(notificacion_id)
    if notificacion.is_done:
        raise ActionError("Esta notificación ya se practicó.")
    if notificacion.canal == Canal.ELECTRONICA:
        raise ActionError(
            "Esta notificación es electrónica: para notificarla en persona cambie antes su medio."
        )
    if at > timezone.now():
        raise ActionError("La fecha de la diligencia no puede estar en el futuro.")
    if at < notificacion.creada_en:
        raise ActionError("La diligencia no puede ser anterior al acto que se notifica.")
    nombre = " ".join(recibio_nombre.split())
    if resultado == Resultado.ENTREGADA:
        if notificacion.canal not in PERSONAL_CHANNELS:
            raise ActionError("Solo una notificación personal se entrega en mano.")
        if not nombre:
            raise ActionError("Escriba el nombre de quien recibió la cédula.")
    elif resultado == Resultado.PUBLICADA:
        if notificacion.canal != Canal.ESTRADOS:
            raise ActionError("Solo una notificación por estrados se publica.")
    elif resultado != Resultado.NO_LOCALIZADO:
        raise ActionError("Elija el resultado de la diligencia.")
    notificacion.diligencia_resultado = resultado
    notificacion.diligencia_en = at
    notificacion.diligencia_por = user
    notificacion.recibio_nombre = nombre[:250] if resultado == Resultado.ENTREGADA else ""
    notificacion.recibio_identificacion = recibio_identificacion.strip()[:120]
    notificacion.diligencia_notas = notas.strip()
    notificacion.save()
    _record(
        Accion.NOTIFICACION_DILIGENCIA,
        notificacion,
        user,
        resultado=resultado,
        en=timezone.localtime(at).isoformat(),
        recibio=notificacion.recibio_nombre,
    )
    delivered = resultado == Resultado.ENTREGADA and notificacion.escaneo
    if resultado == Resultado.PUBLICADA or delivered:
        _complete(notificacion, at, user)
    return notificacion


def escaneo_upload(*, notificacion_id: int, user, scan: InspectedFile) -> NotificacionPeticionario:
    """The cédula signed by whoever received it, scanned (its content checked like every
    upload). With a delivery registered, the notification is done on the diligencia's date."""
    return with_stored_files(
        [scan], lambda stored: _escaneo_upload(notificacion_id, user, scan, stored[0]),
        folder="cedulas",
    )


@transaction.atomic
def _escaneo_upload(notificacion_id: int, user, scan: InspectedFile, name: str):
    notificacion = _lock(notificacion_id)
    if notificacion.is_done and notificacion.escaneo:
        raise ActionError("La cédula firmada de esta notificación ya se subió.")
    if notificacion.diligencia_resultado != Resultado.ENTREGADA:
        raise ActionError(
            "Registre primero la diligencia: quién recibió la cédula y cuándo."
        )
    notificacion.escaneo.name = name
    notificacion.escaneo_sha256 = scan.sha256
    notificacion.escaneo_content_type = scan.content_type
    notificacion.escaneo_subido_en = timezone.now()
    notificacion.save(
        update_fields=["escaneo", "escaneo_sha256", "escaneo_content_type", "escaneo_subido_en"]
    )
    _record(Accion.NOTIFICACION_ESCANEO, notificacion, user, sha256=scan.sha256)
    if not notificacion.is_done:
        _complete(notificacion, notificacion.diligencia_en, user)
    else:
        announce(notificacion, "escaneo")
    return notificacion


# Reads ------------------------------------------------------------------------------------------


def personal_queue():
    """What awaits notification in person or by estrados, oldest first."""
    return (
        NotificacionPeticionario.objects.filter(
            estado=EstadoNotificacion.PENDIENTE,
            canal__in=[*PERSONAL_CHANNELS, Canal.ESTRADOS],
        )
        .select_related("escrito__peticionario")
        .order_by("creada_en", "pk")
    )


def notifications_of(escrito: Escrito) -> list[NotificacionPeticionario]:
    return list(
        NotificacionPeticionario.objects.filter(escrito=escrito).order_by("creada_en", "pk")
    )


def for_respuesta(respuesta: Respuesta) -> NotificacionPeticionario | None:
    return NotificacionPeticionario.objects.filter(respuesta=respuesta).first()


def for_prevencion(prevencion: Prevencion) -> NotificacionPeticionario | None:
    return NotificacionPeticionario.objects.filter(
        prevencion=prevencion, acto=Acto.PREVENCION
    ).first()


def for_prorroga(prorroga: Prorroga) -> NotificacionPeticionario | None:
    return NotificacionPeticionario.objects.filter(prorroga=prorroga).first()
