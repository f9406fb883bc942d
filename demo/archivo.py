"""The demo's archival instruments: a cuadro general de clasificación and a catálogo de
disposición documental such as a municipality adopts (secciones comunes and sustantivas,
series with their valores, vigencias, destino and legal basis, each trámite in its serie)."""

from django.db import transaction

from archivo.instrumentos import SerieData, serie_create
from archivo.models import (
    Caja,
    Custodia,
    Deposito,
    Destino,
    Estante,
    Expediente,
    Fondo,
    Seccion,
    SeccionTipo,
    Serie,
)
from correspondencia.models import Tramite

LGA = "Ley General de Archivos, arts. 13 y 38"

SECCIONES = [
    ("AM.2C", "Asuntos jurídicos", SeccionTipo.COMUN),
    ("AM.4C", "Recursos humanos", SeccionTipo.COMUN),
    ("AM.5C", "Recursos financieros", SeccionTipo.COMUN),
    ("AM.6C", "Recursos materiales y obra pública", SeccionTipo.COMUN),
    ("AM.10C", "Control y auditoría de actividades públicas", SeccionTipo.COMUN),
    ("AM.12C", "Transparencia y acceso a la información", SeccionTipo.COMUN),
    ("AM.13C", "Control de gestión documental (Oficialía de Partes)", SeccionTipo.COMUN),
    ("AM.1S", "Obras públicas", SeccionTipo.SUSTANTIVA),
    ("AM.2S", "Desarrollo urbano", SeccionTipo.SUSTANTIVA),
    ("AM.3S", "Catastro", SeccionTipo.SUSTANTIVA),
    ("AM.4S", "Registro civil", SeccionTipo.SUSTANTIVA),
    ("AM.5S", "Regulación comercial", SeccionTipo.SUSTANTIVA),
    ("AM.6S", "Bienestar social y salud", SeccionTipo.SUSTANTIVA),
    ("AM.7S", "Servicios públicos municipales", SeccionTipo.SUSTANTIVA),
]

B, H = Destino.BAJA, Destino.HISTORICO
# (código, nombre, valores "A"dministrativo "L"egal "F"iscal, años en trámite, años en
#  concentración, destino, fundamento, trámites, subserie de)
SERIES = [
    ("AM.13C.1", "Peticiones ciudadanas (derecho de petición)", "A", 2, 3, B,
     "Constitución, art. 8; LGA arts. 21 y 29", [], None),
    ("AM.13C.2", "Oficios de otras dependencias y órdenes de gobierno", "A", 2, 3, B,
     "LGA arts. 21 y 29", [], None),
    ("AM.2C.1", "Juicios y procedimientos contenciosos", "AL", 3, 7, H,
     "Ley Orgánica del Municipio Libre; " + LGA, [], None),
    ("AM.4C.1", "Constancias laborales", "AL", 2, 10, B,
     "Ley de Trabajo de los Servidores Públicos del Estado", ["Constancia de servicio"], None),
    ("AM.5C.1", "Ingresos por derechos y aprovechamientos", "AF", 1, 10, B,
     "Código Fiscal Municipal; Ley de Ingresos del Municipio", [], None),
    ("AM.6C.1", "Padrón de proveedores", "ALF", 2, 5, B,
     "Ley de Adquisiciones del Estado", ["Inscripción al padrón de proveedores"], None),
    ("AM.10C.1", "Constancias de no inhabilitación", "A", 1, 4, B,
     "Ley General de Responsabilidades Administrativas", ["Constancia de no inhabilitación"],
     None),
    ("AM.12C.1", "Solicitudes de acceso a la información", "AL", 2, 3, B,
     "Ley General de Transparencia y Acceso a la Información Pública",
     ["Solicitud de información pública"], None),
    ("AM.12C.2", "Solicitudes de derechos ARCO", "AL", 2, 3, B,
     "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados",
     ["Ejercicio de derechos ARCO sobre datos personales"], None),
    ("AM.1S.1", "Licencias de construcción", "AL", 3, 7, H,
     "Reglamento de Construcciones del Municipio; " + LGA, ["Licencia de construcción"], None),
    ("AM.1S.2", "Programa anual de obra: propuestas ciudadanas", "A", 2, 5, H,
     "Ley de Obras Públicas del Estado", ["Propuesta de obra para el programa anual"], None),
    ("AM.2S.1", "Constancias de uso de suelo", "AL", 2, 5, B,
     "Ley de Desarrollo Urbano del Estado", ["Constancia de uso de suelo"], None),
    ("AM.2S.2", "Alineamientos y números oficiales", "AL", 2, 8, H,
     "Ley de Desarrollo Urbano del Estado", ["Constancia de alineamiento y número oficial"], None),
    ("AM.2S.3", "Anuncios publicitarios", "A", 1, 4, B,
     "Reglamento de Anuncios del Municipio", ["Licencia de anuncio publicitario"], None),
    ("AM.3S.1", "Avalúos y traslados de dominio", "ALF", 3, 7, H,
     "Ley de Catastro Municipal; Código Fiscal Municipal",
     ["Avalúo catastral", "Traslado de dominio"], None),
    ("AM.3S.2", "Constancias de no adeudo predial", "AF", 1, 5, B,
     "Código Fiscal Municipal", ["Constancia de no adeudo predial"], None),
    ("AM.4S.1", "Actos del estado civil", "AL", 5, 10, H,
     "Código Civil del Estado; Ley del Registro Civil",
     ["Copia certificada de acta de nacimiento", "Registro de nacimiento", "Matrimonio civil"],
     None),
    ("AM.5S.1", "Licencias de funcionamiento", "ALF", 2, 5, B,
     "Reglamento de Comercio del Municipio",
     ["Licencia de funcionamiento", "Refrendo de licencia comercial"], None),
    ("AM.6S.1", "Apoyos sociales", "AF", 2, 5, B,
     "Ley de Desarrollo Social del Estado; reglas de operación vigentes",
     ["Apoyo social", "Préstamo de mobiliario para eventos comunitarios"], None),
    ("AM.6S.2", "Campañas de salud municipal", "A", 1, 4, B,
     "Ley de Salud del Estado",
     ["Campaña de vacunación o fumigación", "Esterilización de perros y gatos"], None),
    ("AM.7S.1", "Mantenimiento urbano", "A", 1, 4, B,
     "Ley Orgánica del Municipio Libre, art. 115 constitucional (servicios públicos)",
     ["Poda o derribo de árbol", "Recolección de residuos voluminosos"], None),
    ("AM.7S.1.1", "Bacheo y pavimentación", "A", 1, 4, B,
     "Art. 115 constitucional, fracc. III", ["Bacheo y reparación de calles"], "AM.7S.1"),
    ("AM.7S.1.2", "Alumbrado público", "A", 1, 4, B,
     "Art. 115 constitucional, fracc. III", ["Reparación de alumbrado público"], "AM.7S.1"),
]  # fmt: skip


DEPOSITOS = [
    ("AT", "Archivo de trámite de la Oficialía de Partes", Custodia.TRAMITE,
     {"E01": ["C001", "C002", "C003"], "E02": ["C001", "C002"]}),
    ("AC", "Archivo de concentración", Custodia.CONCENTRACION, {"E01": ["C001", "C002"]}),
    ("AH", "Archivo histórico municipal", Custodia.HISTORICO, {"E01": ["C001"]}),
]  # fmt: skip


def load_depositos() -> None:
    for codigo, nombre, custodia, estantes in DEPOSITOS:
        deposito, _ = Deposito.objects.get_or_create(
            codigo=codigo, defaults={"nombre": nombre, "custodia": custodia}
        )
        for estante_codigo, cajas in estantes.items():
            estante, _ = Estante.objects.get_or_create(deposito=deposito, codigo=estante_codigo)
            for caja in cajas:
                Caja.objects.get_or_create(estante=estante, codigo=caja)


@transaction.atomic
def load_instrumentos() -> int:
    """Load the cuadro once; returns how many series were created (0 if already there)."""
    load_depositos()
    if Fondo.objects.filter(codigo="AM").exists():
        return 0
    fondo = Fondo.objects.create(codigo="AM", nombre="H. Ayuntamiento Municipal")
    secciones = {
        codigo: Seccion.objects.create(
            fondo=fondo, codigo=codigo, nombre=nombre, tipo=tipo, orden=n
        )
        for n, (codigo, nombre, tipo) in enumerate(SECCIONES)
    }
    tramites = {t.nombre: t for t in Tramite.objects.all()}
    for row in SERIES:
        codigo, nombre, valores, tramite, concentracion, destino, fundamento, names, padre = row
        serie_create(
            data=SerieData(
                seccion=secciones[codigo.rsplit(".", 2 if padre else 1)[0]],
                padre=Serie.objects.get(codigo=padre, vigente=True) if padre else None,
                codigo=codigo,
                nombre=nombre,
                valor_administrativo="A" in valores,
                valor_legal="L" in valores,
                valor_fiscal="F" in valores,
                vigencia_tramite=tramite,
                vigencia_concentracion=concentracion,
                destino=destino,
                fundamento=fundamento,
                tramites=[tramites[n] for n in names if n in tramites],
                por_defecto=codigo == "AM.13C.1",
            ),
            user=None,
        )
    return len(SERIES)


# The archive's life ---------------------------------------------------------------------------

# Paper captured at the ventanilla goes to one of these boxes (by month), named as the clerk
# types it, so the original is linked to its box at capture.
CAJAS_VENTANILLA = ["AT-E01-C001", "AT-E01-C002", "AT-E01-C003", "AT-E02-C001", "AT-E02-C002"]


def caja_de_captura(moment) -> str:
    return f"{CAJAS_VENTANILLA[moment.month % len(CAJAS_VENTANILLA)]}, legajo {moment:%Y-%m}"


# Paper expedientes from before the electronic Oficialía: what the transfer list and the baja
# documental of the demo are made of. (serie, title, closed on, custody)
LEGADO = [
    ("AM.13C.1", "Peticiones ciudadanas en papel, primer semestre de 2018", (2018, 6, 29),
     Custodia.CONCENTRACION),
    ("AM.13C.1", "Peticiones ciudadanas en papel, segundo semestre de 2018", (2018, 12, 14),
     Custodia.CONCENTRACION),
    ("AM.13C.1", "Peticiones ciudadanas en papel, primer semestre de 2019", (2019, 6, 28),
     Custodia.CONCENTRACION),
    ("AM.1S.2", "Propuestas ciudadanas al programa anual de obra 2017", (2017, 11, 30),
     Custodia.CONCENTRACION),
    ("AM.13C.2", "Oficios de dependencias estatales 2022", (2022, 12, 16), Custodia.TRAMITE),
    ("AM.13C.2", "Oficios de dependencias federales 2022", (2022, 12, 16), Custodia.TRAMITE),
]  # fmt: skip


@transaction.atomic
def _legado(archivista) -> list[Expediente]:
    from datetime import date

    from archivo.models import ContadorExpediente, ExpedienteEstado
    from oficialia.contadores import next_number

    made = []
    for codigo, titulo, closed, custodia in LEGADO:
        serie = Serie.objects.get(codigo=codigo, vigente=True)
        cerrado = date(*closed)
        year = cerrado.year
        number = next_number(ContadorExpediente, "last_number", year=year)
        made.append(
            Expediente.objects.create(
                numero=f"EXP-{year}-{number:06d}",
                serie=serie,
                titulo=titulo,
                clasificacion=serie.ruta,
                abierto_en=date(year, 1, 8),
                cerrado_en=cerrado,
                estado=ExpedienteEstado.CERRADO,
                custodia=custodia,
                abierto_por=archivista,
            )
        )
    return made


def load_archivo(*, now) -> dict[str, int]:
    """What the Coordinación de Archivos did with the demo's expedientes: the expedientes of
    concluded escritos closed on the day they concluded, one escrito accumulated to another's
    expediente, one reclassified, paper lent (one overdue, one returned), and the older paper's
    transfer and baja documental (its dictamen signed and published). Returns counts."""
    from datetime import timedelta
    from itertools import pairwise

    from django.contrib.auth import get_user_model
    from django.db.models import Count, Max

    from archivo import disposicion
    from archivo.expedientes import escrito_join, expediente_close, expediente_reclassify
    from archivo.models import ExpedienteEstado, Prestamo, TransferenciaTipo
    from archivo.originales import prestamo_open, prestamo_return
    from correspondencia.models import OPEN_ESCRITO_STATES, Escrito, Transicion

    User = get_user_model()
    archivista = User.objects.get(username="archivo")
    today = now.date()
    counts = {"cerrados": 0}

    # Closed when its escritos were done: the closing date starts the retention clock.
    abiertos = Expediente.objects.filter(estado=ExpedienteEstado.ABIERTO).annotate(
        n=Count("escritos")
    )
    for expediente in abiertos.filter(n__gt=0).order_by("numero"):
        escritos = [link.escrito_id for link in expediente.escritos.all()]
        if Escrito.objects.filter(pk__in=escritos, state__in=OPEN_ESCRITO_STATES).exists():
            continue
        last = Transicion.objects.filter(escrito_id__in=escritos).aggregate(at=Max("at"))["at"]
        on = max(expediente.abierto_en, last.date() if last else expediente.abierto_en)
        expediente_close(expediente_id=expediente.pk, user=archivista, on=min(on, today))
        counts["cerrados"] += 1

    # One escrito about the same matter as an earlier one, still open: accumulated.
    open_ones = list(
        Expediente.objects.filter(estado=ExpedienteEstado.ABIERTO)
        .annotate(n=Count("escritos"))
        .filter(n=1)
        .order_by("serie_id", "numero")
    )
    pairs = [(a, b) for a, b in pairwise(open_ones) if a.serie_id == b.serie_id]
    if pairs:
        target, other = pairs[0]
        escrito_join(
            escrito_id=other.escritos.get().escrito_id,
            expediente=target,
            user=archivista,
            motivo="Mismo asunto y mismo peticionario que el expediente anterior: se acumula.",
        )
        counts["acumulados"] = 1
    # One classified by default that the archivist moved to its proper serie.
    default = Expediente.objects.filter(
        estado=ExpedienteEstado.ABIERTO,
        serie__por_defecto=True,
        escritos__escrito__peticionario__tipo="dependencia",
    ).first()
    if default is not None:
        expediente_reclassify(
            expediente_id=default.pk,
            serie=Serie.objects.get(codigo="AM.13C.2", vigente=True),
            user=archivista,
            motivo="Lo presentó otra dependencia con su número de oficio: va en Oficios.",
        )

    legado = _legado(archivista)
    # Loans of paper: one out now, one overdue, one already back.
    titulares = list(User.objects.filter(groups__name="titular").order_by("username")[:3])
    motivos = ["Cotejo para una respuesta", "Revisión de la Contraloría", "Consulta"]
    for n, (expediente, titular) in enumerate(zip(legado[2:5], titulares, strict=False)):
        prestamo = prestamo_open(
            expediente_id=expediente.pk,
            solicitante=titular,
            motivo=motivos[n],
            vence=today + timedelta(days=5),
            user=archivista,
        )
        if n == 1:  # lent three weeks ago for a week: overdue
            Prestamo.objects.filter(pk=prestamo.pk).update(
                prestado_en=now - timedelta(days=21), vence=today - timedelta(days=14)
            )
        elif n == 2:
            prestamo_return(prestamo_id=prestamo.pk, user=archivista)

    due = [e.pk for e in disposicion.due_primary(today=today)]
    if due:
        disposicion.transfer_make(
            tipo=TransferenciaTipo.PRIMARIA, expediente_ids=due[:1], user=archivista
        )
    baja = disposicion.baja_dictaminar(expediente_ids=[e.pk for e in legado[:2]], user=archivista)
    disposicion.baja_publicar(baja_id=baja.pk, user=archivista)
    counts["legado"] = len(legado)
    return counts
