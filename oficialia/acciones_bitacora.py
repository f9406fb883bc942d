"""The bitácora's vocabulary: every action code that may be recorded, with the label the
contraloría reads. `oficialia.bitacora.record` refuses a code that is not here.

The stored values are part of each entry's hash: never change one. Add a member for a new
kind of action; an old code that is no longer written stays, so old entries keep a label.
"""

from django.db import models


class Accion(models.TextChoices):
    # Sessions and people
    SESION_ENTRAR = "sesion.entrar", "Inicio de sesión"
    SESION_SALIR = "sesion.salir", "Cierre de sesión"
    SESION_FALLIDA = "sesion.fallida", "Intento fallido de inicio de sesión"
    SESION_DESBLOQUEAR = "sesion.desbloquear", "Desbloqueó el acceso de una cuenta o dirección"
    USUARIO_ROLES = "usuario.roles", "Cambió los roles de un usuario"
    SUPLENCIA_NOMBRAR = "suplencia.nombrar", "Nombró a su suplente por ausencia"
    SUPLENCIA_TERMINAR = "suplencia.terminar", "Terminó antes una suplencia"
    # Catalogues (any model handed to oficialia.auditoria.audit_changes_of)
    CATALOGO_AGREGAR = "catalogo.agregar", "Agregó a un catálogo"
    CATALOGO_CAMBIAR = "catalogo.cambiar", "Cambió un catálogo"
    CATALOGO_ELIMINAR = "catalogo.eliminar", "Eliminó de un catálogo"
    # Reading and downloading what is on record
    DATOS_VER = "datos.ver", "Vio los datos personales de un escrito"
    ARCHIVO_DESCARGAR = "archivo.descargar", "Descargó un archivo"
    ACUSE_DESCARGAR = "acuse.descargar", "Descargó un acuse"
    BITACORA_EXPORTAR = "bitacora.exportar", "Exportó la bitácora"
    SENALES_VER = "senales.ver", "Consultó las señales de coyotaje"
    # The escrito's own steps (the part after the dot is the timeline's action)
    ESCRITO_RECIBIR = "escrito.recibir", "Escrito recibido"
    ESCRITO_TURNAR = "escrito.turnar", "Escrito turnado"
    ESCRITO_RECHAZAR = "escrito.reject", "Escrito rechazado"
    ESCRITO_REORIENTAR = "escrito.reorient", "Escrito reorientado"
    ESCRITO_ATENDER = "escrito.atender", "Escrito en atención"
    ESCRITO_PREVENIR = "escrito.prevenir", "Escrito prevenido"
    ESCRITO_DESAHOGAR = "escrito.desahogar", "Escrito: prevención desahogada"
    ESCRITO_RECORDAR_PREVENCION = "escrito.recordar_prevencion", "Recordatorio de prevención"
    ESCRITO_NO_PRESENTADO = "escrito.no_presentado", "Escrito tenido por no presentado"
    ESCRITO_PRORROGAR = "escrito.prorrogar", "Plazo de respuesta prorrogado"
    ESCRITO_RESPONDER = "escrito.responder", "Escrito respondido"
    ESCRITO_DEVOLVER = "escrito.devolver", "Escrito devuelto a la Oficialía"
    ESCRITO_CONCLUIR = "escrito.concluir", "Escrito concluido"
    ESCRITO_CALIFICAR = "escrito.calificar", "Atención calificada"
    ESCRITO_DESISTIR = "escrito.desistir", "Desistimiento"
    ESCRITO_RECTIFICAR = "escrito.rectificar", "Datos del peticionario rectificados (ARCO)"
    ESCRITO_CANCELAR_DATOS = "escrito.cancelar_datos", "Datos del peticionario cancelados (ARCO)"
    ESCRITO_CORREGIR = "escrito.corregir", "Captura corregida (acuse emitido de nuevo)"
    # A turno's steps
    TURNO_TURNAR = "turno.turnar", "Turno dado"
    TURNO_RETURNAR = "turno.returnar", "Turno dado de nuevo"
    TURNO_ACEPTAR = "turno.accept", "Turno aceptado"
    TURNO_CONOCER = "turno.acknowledge", "Copia leída (conocimiento)"
    TURNO_ASIGNAR = "turno.asignar", "Tarea asignada"
    TURNO_AVANCE = "turno.avance", "Avance de una tarea"
    TURNO_PREVENIR = "turno.prevenir", "Prevención al peticionario"
    TURNO_DESAHOGAR = "turno.desahogar", "Turno: prevención desahogada"
    TURNO_NO_PRESENTADO = "turno.no_presentado", "Turno tenido por no presentado (acuerdo)"
    TURNO_PRORROGAR = "turno.prorrogar", "Plazo prorrogado"
    TURNO_NOTIFICADO = "turno.notificado", "Acto notificado al peticionario"
    TURNO_RESPONDER = "turno.responder", "Turno respondido"
    TURNO_DEVOLVER = "turno.devolver", "Turno devuelto (no competente)"
    TURNO_RECALCULAR = "turno.recalcular", "Fecha límite recalculada"
    TURNO_CANCELAR = "turno.cancelar", "Turno cancelado por desistimiento"
    # The answer's oficio: drafted, returned with comments, approved and signed by the titular
    RESPUESTA_BORRADOR = "respuesta.borrador", "Borrador de respuesta enviado a firma"
    RESPUESTA_DEVOLVER = "respuesta.devolver", "Borrador de respuesta devuelto con observaciones"
    RESPUESTA_FIRMAR = "respuesta.firmar", "Respuesta aprobada y firmada con e.firma"
    PLANTILLA_GUARDAR = "plantilla.guardar", "Guardó una plantilla de respuesta"
    # Electronic notification: the petitioner opened an answer or a prevención
    NOTIFICACION_ELECTRONICA = "notificacion.electronica", "Notificación electrónica (acuse)"
    # The legal notification of an act to the petitioner (prevención, answer, acuerdo, prórroga)
    NOTIFICACION_CREAR = "notificacion.crear", "Notificación al peticionario por practicar"
    NOTIFICACION_CANAL = "notificacion.canal", "Cambió el medio de una notificación"
    NOTIFICACION_CEDULA = "notificacion.cedula", "Imprimió la cédula de notificación"
    NOTIFICACION_DILIGENCIA = "notificacion.diligencia", "Registró la diligencia de notificación"
    NOTIFICACION_ESCANEO = "notificacion.escaneo", "Subió la cédula de notificación firmada"
    NOTIFICACION_PRACTICADA = "notificacion.practicada", "Notificación practicada"
    # Trust for electronic signatures
    FIRMA_AUTORIDAD = "firma.autoridad", "Instaló una autoridad certificadora de confianza"
    FIRMA_CRL = "firma.crl", "Cargó una lista de certificados revocados"
    # The citizen's account and personal data
    CUENTA_REGISTRAR = "cuenta.registrar", "Cuenta ciudadana registrada"
    CUENTA_CONFIRMAR = "cuenta.confirmar", "Cuenta ciudadana confirmada"
    CUENTA_DATOS = "cuenta.datos", "Cambió los datos de su cuenta"
    CUENTA_AVISOS = "cuenta.avisos", "Cambió sus preferencias de avisos"
    CUENTA_AGREGAR_ESCRITO = "cuenta.agregar_escrito", "Agregó un escrito a su cuenta"
    CUENTA_PEDIR_VINCULO = "cuenta.pedir_vinculo", "Pidió agregar un escrito (confirmación enviada)"
    CUENTA_RECLAMAR_ESCRITO = "cuenta.reclamar_escrito", "Reclamó un escrito de otra cuenta"
    CUENTA_DESVINCULAR = "cuenta.desvincular", "Quitó un escrito de una cuenta"
    CUENTA_VINCULAR_OFICIALIA = (
        "cuenta.vincular_oficialia",
        "Vinculó un escrito a una cuenta en la Oficialía",
    )
    ARCO_SOLICITAR = "arco.solicitar", "Solicitud ARCO presentada"
    ARCO_RESOLVER = "arco.resolver", "Solicitud ARCO resuelta"
    ARCO_AMPLIAR = "arco.ampliar", "Plazo de respuesta ARCO ampliado"
    ARCO_RESPONDER = "arco.responder", "Solicitud ARCO respondida"
    ARCO_NOTIFICAR = "arco.notificar", "Respuesta ARCO notificada"
    DATOS_SUPRIMIR = "datos.suprimir", "Suprimió datos bloqueados al terminar su conservación"
    ARCO_ACCESO = "arco.acceso", "Entregó los datos personales (acceso ARCO)"
    # Quejas y denuncias
    QUEJA_RECIBIR = "queja.recibir", "Queja o denuncia recibida"
    QUEJA_INVESTIGAR = "queja.investigar", "Queja o denuncia en investigación"
    QUEJA_CONCLUIR = "queja.concluir", "Queja o denuncia concluida"
    # The archive (Ley General de Archivos)
    ARCHIVO_SERIE = "archivo.serie", "Cambió el cuadro de clasificación o el catálogo"
    EXPEDIENTE_ABRIR = "expediente.abrir", "Expediente abierto"
    EXPEDIENTE_UNIR = "expediente.unir", "Escrito agregado a un expediente"
    EXPEDIENTE_RECLASIFICAR = "expediente.reclasificar", "Expediente reclasificado"
    EXPEDIENTE_CERRAR = "expediente.cerrar", "Expediente cerrado"
    EXPEDIENTE_DOCUMENTO = "expediente.documento", "Documento agregado al índice"
    ORIGINAL_UBICAR = "original.ubicar", "Original en papel ubicado en una caja"
    PRESTAMO_PRESTAR = "prestamo.prestar", "Expediente en papel prestado"
    PRESTAMO_DEVOLVER = "prestamo.devolver", "Expediente en papel devuelto"
    TRANSFERENCIA_HACER = "transferencia.hacer", "Transferencia de expedientes"
    BAJA_DICTAMINAR = "baja.dictaminar", "Baja documental dictaminada"
    BAJA_PUBLICAR = "baja.publicar", "Baja documental publicada"
    BAJA_EJECUTAR = "baja.ejecutar", "Baja documental ejecutada (documentos suprimidos)"
    ARCHIVO_IMPRIMIR = "archivo.imprimir", "Imprimió una relación de documentos recibidos"
    # Fichas (the queue at the windows)
    FICHA_EMITIR = "ficha.emitir", "Ficha emitida en el kiosco"
    FICHA_LLAMAR = "ficha.llamar", "Ficha llamada a un módulo"
    FICHA_LLAMAR_OTRA_VEZ = "ficha.rellamar", "Ficha llamada de nuevo"
    FICHA_ATENDER = "ficha.atender", "Ficha atendida"
    FICHA_AUSENTE = "ficha.ausente", "Ficha no se presentó"
    FICHA_TRANSFERIR = "ficha.transferir", "Ficha transferida a otro servicio"
    MODULO_PAUSAR = "modulo.pausar", "Módulo en pausa"
    MODULO_REANUDAR = "modulo.reanudar", "Módulo reanudado"
    CITA_AGENDAR = "cita.agendar", "Cita agendada"
    CITA_CANCELAR = "cita.cancelar", "Cita cancelada"
    CITA_LLEGADA = "cita.llegada", "Llegada a una cita registrada"
    # Other government offices: the API and the email intake
    API_LLAMADA = "api.llamada", "Llamada a la API de una institución"
    CORREO_RADICAR = "correo.radicar", "Correo recibido registrado como escrito"
    CORREO_RECHAZAR = "correo.rechazar", "Correo recibido rechazado"


def action_label(code: str) -> str:
    """The label of a recorded code; an unknown old code is shown as it was stored."""
    return Accion(code).label if code in Accion.values else f"Otra acción ({code})"
