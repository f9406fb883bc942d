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
