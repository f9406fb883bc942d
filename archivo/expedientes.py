"""Expedientes: every escrito opens one (or joins an open one) of a serie when it is turned,
its documents are indexed as they appear, and it is closed, which starts its retention."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from correspondencia.models import Acuse, Adjunto, AdjuntoOrigin, Escrito
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.contadores import next_number
from turnos.models import Prevencion

from .indice import documento_add
from .instrumentos import serie_proposed_for
from .models import (
    ContadorExpediente,
    DocumentoTipo,
    Expediente,
    ExpedienteEscrito,
    ExpedienteEstado,
    Serie,
)

ADJUNTO_TIPO = {
    AdjuntoOrigin.ESCRITO: DocumentoTipo.ESCRITO,
    AdjuntoOrigin.PREVENCION: DocumentoTipo.PREVENCION,
    AdjuntoOrigin.RESPUESTA: DocumentoTipo.RESPUESTA,
}


def expediente_of(escrito_id: int) -> Expediente | None:
    link = (
        ExpedienteEscrito.objects.select_related("expediente__serie")
        .filter(escrito_id=escrito_id)
        .first()
    )
    return link.expediente if link else None


def _title(escrito: Escrito) -> str:
    # The carátula is printed and travels: it names the matter, never the person.
    return f"{escrito.tramite.nombre if escrito.tramite_id else 'Petición'} · {escrito.folio}"


@transaction.atomic
def escrito_classify(
    *, escrito_id: int, user=None, serie: Serie | None = None, expediente: Expediente | None = None
) -> Expediente:
    """Put the escrito in an expediente: `expediente` (an open one) to join it, otherwise a
    new one of `serie` or, by default, of the serie proposed from its trámite. Does nothing
    if the escrito already has one."""
    escrito = (
        Escrito.objects.select_for_update(of=("self",))
        .select_related("tramite__secretaria", "secretaria_destino")
        .get(pk=escrito_id)
    )
    if (current := expediente_of(escrito.pk)) is not None:
        return current
    if expediente is not None:
        expediente = Expediente.objects.select_for_update().get(pk=expediente.pk)
        if expediente.estado != ExpedienteEstado.ABIERTO:
            raise ActionError("Ese expediente está cerrado: elija uno abierto o abra uno nuevo.")
        action = Accion.EXPEDIENTE_UNIR
    else:
        serie = serie or serie_proposed_for(escrito)
        if serie is None:
            raise ActionError(
                "No hay una serie para este escrito: la Coordinación de Archivos debe marcar "
                "una serie por defecto en el cuadro de clasificación."
            )
        year = timezone.localdate().year
        number = next_number(ContadorExpediente, "last_number", year=year)
        expediente = Expediente.objects.create(
            numero=f"EXP-{year}-{number:06d}",
            serie=serie,
            titulo=_title(escrito),
            clasificacion=serie.ruta,
            secretaria=escrito.tramite.secretaria
            if escrito.tramite_id
            else escrito.secretaria_destino,
            abierto_en=timezone.localdate(),
            abierto_por=user,
        )
        action = Accion.EXPEDIENTE_ABRIR
    ExpedienteEscrito.objects.create(escrito=escrito, expediente=expediente)
    bitacora.record(
        action=action,
        object_type="expediente",
        object_ref=expediente.numero,
        folio=escrito.folio,
        changes={"serie": expediente.serie.codigo, "version_serie": expediente.serie.version},
        actor=user,
    )
    escrito_index(escrito_id=escrito.pk)
    expediente.refresh_from_db()
    return expediente


def escrito_index(*, escrito_id: int) -> int:
    """Add to the escrito's expediente every document of it not indexed yet (its files, the
    answer's oficio, the acuse once made, the signed acuerdos de no presentado). Returns how
    many were added."""
    expediente = expediente_of(escrito_id)
    if expediente is None:
        return 0
    escrito = Escrito.objects.get(pk=escrito_id)
    added = 0
    for adjunto in Adjunto.objects.filter(escrito_id=escrito_id).order_by("position", "pk"):
        fecha = escrito.received_at if adjunto.origin == AdjuntoOrigin.ESCRITO else timezone.now()
        added += bool(
            documento_add(
                expediente_id=expediente.pk,
                tipo=ADJUNTO_TIPO.get(adjunto.origin, DocumentoTipo.OTRO),
                descripcion=f"{escrito.folio}: {adjunto.original_name}",
                archivo=adjunto.file.name,
                fecha=timezone.localtime(fecha).date(),
                fojas=adjunto.pages,
                origen=f"adjunto:{adjunto.pk}",
                sha256=adjunto.sha256,
            )
        )
    acuse = Acuse.objects.filter(escrito_id=escrito_id, generated_at__isnull=False).first()
    if acuse is not None and acuse.pdf:
        added += bool(
            documento_add(
                expediente_id=expediente.pk,
                tipo=DocumentoTipo.ACUSE,
                descripcion=f"Acuse de recibo de {escrito.folio}"
                + (
                    f", emitido de nuevo tras una corrección (versión {version}; "
                    "sustituye al anterior)"
                    if (version := escrito.acuses_anteriores.count() + 1) > 1
                    else ""
                ),
                archivo=acuse.pdf.name,
                fecha=timezone.localtime(acuse.generated_at).date(),
                fojas=1,
                origen=f"acuse:{acuse.verification_token}",
                sha256=acuse.pdf_sha256 or None,
            )
        )
    for prevencion in Prevencion.objects.filter(
        turno__escrito_id=escrito_id, acuerdo_pdf_sha256__gt=""
    ).select_related("turno__secretaria"):
        added += bool(
            documento_add(
                expediente_id=expediente.pk,
                tipo=DocumentoTipo.OTRO,
                descripcion=f"{escrito.folio}: acuerdo de tener por no presentado "
                f"({prevencion.turno.secretaria.nombre})",
                archivo=prevencion.acuerdo_pdf.name,
                fecha=timezone.localtime(prevencion.acuerdo_at).date(),
                fojas=1,
                origen=f"acuerdo:{prevencion.pk}",
                sha256=prevencion.acuerdo_pdf_sha256,
            )
        )
    return added


def notificacion_index(*, notificacion_id: int) -> int:
    """Add to the escrito's expediente the evidence of a notification to the petitioner: the
    cédula as issued (signed by the institution), the cédula signed by whoever received it,
    and the acuse de notificación electrónica once made. Returns how many were added."""
    from notificaciones.models import NotificacionPeticionario

    notificacion = (
        NotificacionPeticionario.objects.select_related("escrito", "acuse_electronico")
        .filter(pk=notificacion_id)
        .first()
    )
    if notificacion is None:
        return 0
    expediente = expediente_of(notificacion.escrito_id)
    if expediente is None:
        return 0
    folio, acto = notificacion.escrito.folio, notificacion.get_acto_display().lower()
    found = []
    if notificacion.cedula and notificacion.cedula_generada_en:
        found.append((
            f"{folio}: cédula de notificación ({acto})",
            notificacion.cedula.name,
            notificacion.cedula_generada_en,
            f"cedula:{notificacion.pk}",
            notificacion.cedula_sha256,
        ))
    if notificacion.escaneo:
        found.append((
            f"{folio}: cédula de notificación firmada de recibido ({acto})",
            notificacion.escaneo.name,
            notificacion.diligencia_en or notificacion.escaneo_subido_en,
            f"cedula-firmada:{notificacion.pk}",
            notificacion.escaneo_sha256,
        ))
    acuse = notificacion.acuse_electronico
    if acuse is not None and acuse.pdf and acuse.generado_en:
        found.append((
            f"{folio}: acuse de notificación electrónica ({acto})",
            acuse.pdf.name,
            acuse.abierto_en,
            f"acuse-notificacion:{acuse.pk}",
            acuse.pdf_sha256,
        ))
    added = 0
    for descripcion, archivo, fecha, origen, digest in found:
        added += bool(
            documento_add(
                expediente_id=expediente.pk,
                tipo=DocumentoTipo.NOTIFICACION,
                descripcion=descripcion,
                archivo=archivo,
                fecha=timezone.localtime(fecha).date(),
                fojas=1,
                origen=origen,
                sha256=digest or None,
            )
        )
    return added


@transaction.atomic
def expediente_reclassify(*, expediente_id: int, serie: Serie, user, motivo: str) -> Expediente:
    """Move an open expediente to another serie, with the reason."""
    motivo = " ".join(motivo.split())
    if not motivo:
        raise ActionError("Escriba por qué cambia la serie del expediente.")
    expediente = (
        Expediente.objects.select_for_update().select_related("serie").get(pk=expediente_id)
    )
    if expediente.estado != ExpedienteEstado.ABIERTO:
        raise ActionError("Un expediente cerrado ya no cambia de serie.")
    if not serie.vigente:
        raise ActionError("Elija una serie vigente del cuadro de clasificación.")
    if serie.pk == expediente.serie_id:
        raise ActionError("El expediente ya está en esa serie.")
    before = expediente.serie
    expediente.serie = serie
    expediente.clasificacion = serie.ruta
    expediente.save(update_fields=["serie", "clasificacion"])
    bitacora.record(
        action=Accion.EXPEDIENTE_RECLASIFICAR,
        object_type="expediente",
        object_ref=expediente.numero,
        changes={"de": before.codigo, "a": serie.codigo, "motivo": motivo},
        actor=user,
    )
    return expediente


@transaction.atomic
def expediente_close(*, expediente_id: int, user, on: date | None = None) -> Expediente:
    """Close the expediente: its closing date starts the retention clock (vigencia.py)."""
    expediente = Expediente.objects.select_for_update().get(pk=expediente_id)
    if expediente.estado == ExpedienteEstado.CERRADO:
        raise ActionError("El expediente ya está cerrado.")
    if expediente.estado == ExpedienteEstado.ACUMULADO:
        raise ActionError(
            "El expediente está acumulado a otro: se cierra aquel, con sus documentos."
        )
    on = on or timezone.localdate()
    if on < expediente.abierto_en:
        raise ActionError("La fecha de cierre no puede ser anterior a la de apertura.")
    if on > timezone.localdate():
        raise ActionError("La fecha de cierre no puede ser futura.")
    expediente.estado = ExpedienteEstado.CERRADO
    expediente.cerrado_en = on
    expediente.save(update_fields=["estado", "cerrado_en"])
    bitacora.record(
        action=Accion.EXPEDIENTE_CERRAR,
        object_type="expediente",
        object_ref=expediente.numero,
        changes={"cerrado_en": on.isoformat()},
        actor=user,
    )
    return expediente


@transaction.atomic
def escrito_join(*, escrito_id: int, expediente: Expediente, user, motivo: str = "") -> Expediente:
    """Put the escrito in another open expediente. An escrito not classified yet just joins
    it. One that already has an expediente of its own is accumulated: that expediente (open,
    holding only this escrito) becomes «acumulado» to the other one, keeps its index as the
    record of what it held, and the escrito's documents continue in the other's index."""
    motivo = " ".join(motivo.split())
    escrito = Escrito.objects.select_for_update(of=("self",)).get(pk=escrito_id)
    link = ExpedienteEscrito.objects.select_related("expediente").filter(escrito=escrito).first()
    if link is None:
        return escrito_classify(escrito_id=escrito.pk, user=user, expediente=expediente)
    current = Expediente.objects.select_for_update().get(pk=link.expediente_id)
    target = Expediente.objects.select_for_update().get(pk=expediente.pk)
    if target.pk == current.pk:
        raise ActionError(f"El escrito ya está en el expediente {target.numero}.")
    if target.estado != ExpedienteEstado.ABIERTO:
        raise ActionError("Ese expediente no está abierto: elija uno abierto.")
    if not motivo:
        raise ActionError(
            f"Escriba por qué se acumula: el escrito ya está en el expediente {current.numero}."
        )
    if current.estado != ExpedienteEstado.ABIERTO:
        raise ActionError(
            f"El expediente {current.numero} ya está cerrado: sus documentos no se mueven."
        )
    if current.escritos.exclude(pk=link.pk).exists():
        raise ActionError(
            f"El expediente {current.numero} reúne otros escritos: no se separa uno de ellos."
        )
    link.expediente = target
    link.save(update_fields=["expediente"])
    current.estado = ExpedienteEstado.ACUMULADO
    current.acumulado_a = target
    current.cerrado_en = timezone.localdate()
    current.save(update_fields=["estado", "acumulado_a", "cerrado_en"])
    bitacora.record(
        action=Accion.EXPEDIENTE_UNIR,
        object_type="expediente",
        object_ref=target.numero,
        folio=escrito.folio,
        changes={"acumulado": current.numero, "motivo": motivo},
        actor=user,
    )
    escrito_index(escrito_id=escrito.pk)
    target.refresh_from_db()
    return target


@transaction.atomic
def escrito_serie_set(*, escrito_id: int, serie: Serie, user, motivo: str = "") -> Expediente:
    """The escrito's serie from its page: an escrito not classified yet opens its expediente
    in `serie` (a reason is needed only to depart from the proposed one); a classified one
    has its expediente reclassified, always with a reason."""
    motivo = " ".join(motivo.split())
    if not serie.vigente:
        raise ActionError("Elija una serie vigente del cuadro de clasificación.")
    current = expediente_of(escrito_id)
    if current is not None:
        return expediente_reclassify(
            expediente_id=current.pk, serie=serie, user=user, motivo=motivo
        )
    escrito = Escrito.objects.select_related("tramite").get(pk=escrito_id)
    proposed = serie_proposed_for(escrito)
    if proposed is not None and proposed.pk != serie.pk and not motivo:
        raise ActionError(
            f"Escriba por qué no va en la serie propuesta por su trámite ({proposed.codigo})."
        )
    expediente = escrito_classify(escrito_id=escrito_id, user=user, serie=serie)
    if motivo:
        bitacora.record(
            action=Accion.EXPEDIENTE_RECLASIFICAR,
            object_type="expediente",
            object_ref=expediente.numero,
            folio=escrito.folio,
            changes={
                "de": proposed.codigo if proposed else "",
                "a": serie.codigo,
                "motivo": motivo,
            },
            actor=user,
        )
    return expediente
