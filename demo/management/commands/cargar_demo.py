"""Demo data: the secretarías, trámites, one user per role and escritos of the last 18 months.

Each escrito lives its life through the real services (routed, accepted, answered on time or
late, some returned, prevented, rated or still open), at the moments it would have happened:
the clock is moved with time-machine, so every date on record (the escrito's history, the
Transicion timeline, the bitácora) is the simulated one. The lives are interleaved and every
step runs in time order across all escritos, so the bitácora's hash chain, which is appended
in the order things are written, is also in time order. The catalogues and users date from
before the first escrito; today's fichas of the fila come last.

Runs once: with escritos already in the database it only makes sure catalogues and users exist.
"""

import heapq
import io
import random
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date, datetime, time, timedelta

import time_machine
from dateutil.easter import easter
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from pypdf import PdfWriter

from correspondencia.models import (
    Channel,
    Escrito,
    Gender,
    PetitionerType,
    Secretaria,
    Tramite,
    TramiteRequisito,
)
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from demo.archivo import caja_de_captura, load_archivo, load_instrumentos
from demo.efirma import PASSWORD as DEMO_EFIRMA_PASSWORD
from demo.efirma import demo_efirma_create
from demo.plantillas import load_plantillas, suplencias_life
from firmas import confianza
from firmas.models import AutoridadCertificadora
from notificaciones import practica
from notificaciones.models import (
    Canal,
    EstadoNotificacion,
    Medio,
    NotificacionPeticionario,
    Resultado,
)
from notificaciones.services import opened_record
from oficialia import firma
from oficialia.adjuntos import inspect, inspect_all
from oficialia.calendario import BusinessCalendar
from oficialia.models import AcuerdoInhabil, Bitacora, DiaInhabil
from oficialia.roles import Role
from oficialia.segundo_factor import EXEMPT_GROUP
from turnos import plazos
from turnos import services as turnos
from turnos.models import Perfil, Sense, TareaState, Turno, TurnoState

DEMO_PASSWORD = "oficialia2026"
# How far back the demo escritos go, and the quiet time left before now for the fila's
# fichas of today (they are simulated minute by minute after the escritos).
HISTORY_DAYS = 548
FILA_WINDOW = timedelta(hours=2)
# Acts of the last weeks for paper filers without email still wait in the ventanilla.
PERSONAL_NOTIFICATION_BACKLOG = timedelta(days=21)

# A life is a generator: it yields the moment of its next step, and the step runs (with the
# clock at that moment) when the generator is resumed.
Life = Iterator[datetime]

SECRETARIAS = [
    ("Control Patrimonial", "CP"),
    ("Finanzas y Administración", "SFA"),
    ("Bienestar Social", "SBS"),
    ("Salud Municipal", "SSM"),
    ("Obras Públicas", "SOP"),
    ("Recursos Humanos", "RH"),
    ("Planeación y Presupuesto", "SPP"),
    ("Desarrollo Urbano", "SDU"),
    ("Catastro", "CAT"),
    ("Registro Civil", "RC"),
    ("Licencias Comerciales", "LC"),
    ("Contraloría Interna", "CI"),
    ("Unidad de Transparencia", "UT"),
]

# The catálogo de trámites y servicios. "costo": None means gratuito. A requisito is a
# document, or (document, detail), or (document, detail, False) when it is optional.
REQ_ID = ("Identificación oficial vigente", "INE, pasaporte o cédula profesional")
REQ_DOMICILIO = ("Comprobante de domicilio", "Recibo de luz, agua o teléfono de no más de 3 meses")
REQ_PROPIEDAD = (
    "Escritura o título de propiedad",
    "Inscrito en el Registro Público de la Propiedad",
)
REQ_PREDIAL = ("Constancia de no adeudo predial", "Del año en curso")
LEY_INGRESOS = "Ley de Ingresos del Municipio para el ejercicio fiscal vigente."
ART_115 = "Artículo 115, fracción {}, de la Constitución Política de los Estados Unidos Mexicanos"
TRAMITES = [
    {
        "nombre": "Licencia de construcción",
        "secretaria": "Desarrollo Urbano",
        "plazo": 15,
        "costo": "Derechos por metro cuadrado de construcción según el uso, conforme a la Ley de "
        "Ingresos del Municipio; se pagan en la Tesorería al autorizarse la licencia.",
        "descripcion": "Autorización para obra nueva, ampliación, remodelación o barda en un "
        "predio del municipio. Se tramita antes de iniciar los trabajos.",
        "requisitos": [
            ("Solicitud firmada por el propietario", "Con ubicación del predio y tipo de obra"),
            REQ_ID,
            REQ_PROPIEDAD,
            REQ_PREDIAL,
            ("Constancia de alineamiento y número oficial", "Vigente"),
            ("Planos arquitectónicos", "En PDF, firmados por el director responsable de obra"),
            (
                "Memoria de cálculo estructural",
                "Solo para obras de más de dos niveles o de más de 150 m²",
                False,
            ),
        ],
        "fundamento": f"{ART_115.format('V, inciso f)')}; Ley de Desarrollo Urbano del Estado; "
        f"Reglamento de Construcciones del Municipio; {LEY_INGRESOS}",
        "palabras": "permiso de obra, construir, ampliación, remodelación, barda",
    },
    {
        "nombre": "Constancia de uso de suelo",
        "secretaria": "Desarrollo Urbano",
        "plazo": 10,
        "costo": "Derechos según el uso solicitado, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Indica qué usos (habitacional, comercial, de servicios o industrial) "
        "permite el Programa Municipal de Desarrollo Urbano en un predio. Se pide antes de "
        "abrir un negocio o de construir.",
        "requisitos": [
            ("Solicitud con el uso que pretende dar al predio", ""),
            REQ_ID,
            (
                "Documento que acredite la propiedad o la posesión",
                "Escritura o contrato de arrendamiento",
            ),
            ("Croquis de localización", "Con calles colindantes y referencias"),
            ("Fotografías del frente del predio", "", False),
        ],
        "fundamento": f"{ART_115.format('V, inciso d)')}; Ley General de Asentamientos "
        "Humanos, Ordenamiento Territorial y Desarrollo Urbano; Programa Municipal de "
        f"Desarrollo Urbano; {LEY_INGRESOS}",
        "palabras": "uso de suelo, zonificación, factibilidad, giro",
    },
    {
        "nombre": "Licencia de funcionamiento",
        "secretaria": "Licencias Comerciales",
        "plazo": 10,
        "costo": "Según el giro del establecimiento, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Permiso para abrir y operar un negocio (comercio, servicio o industria) "
        "en un local del municipio.",
        "requisitos": [
            ("Solicitud con el giro y el nombre comercial", ""),
            (
                "Identificación oficial del titular",
                "Persona moral: acta constitutiva y poder del representante legal",
            ),
            ("Constancia de situación fiscal", "Expedida por el SAT"),
            ("Constancia de uso de suelo", "Compatible con el giro"),
            ("Comprobante de domicilio del establecimiento", ""),
            ("Dictamen de protección civil", "Solo para giros de mediano y alto riesgo", False),
        ],
        "fundamento": "Reglamento de Comercio y Funcionamiento de Establecimientos del "
        f"Municipio; {LEY_INGRESOS}",
        "palabras": "negocio, abrir, apertura, comercio, tienda, local",
    },
    {
        "nombre": "Refrendo de licencia comercial",
        "secretaria": "Licencias Comerciales",
        "plazo": 5,
        "costo": "Derecho anual de refrendo según el giro, conforme a la Ley de Ingresos del "
        "Municipio.",
        "descripcion": "Renovación anual de la licencia de funcionamiento de un negocio que "
        "sigue operando con el mismo giro y en el mismo domicilio.",
        "requisitos": [
            ("Licencia de funcionamiento del año anterior", ""),
            ("Recibo de pago del refrendo anterior", ""),
            ("Dictamen de protección civil vigente", "Solo giros de mediano y alto riesgo", False),
        ],
        "fundamento": "Reglamento de Comercio y Funcionamiento de Establecimientos del "
        f"Municipio; {LEY_INGRESOS}",
        "palabras": "renovación, refrendo anual, licencia comercial",
    },
    {
        "nombre": "Copia certificada de acta de nacimiento",
        "secretaria": "Registro Civil",
        "plazo": 3,
        "costo": "$150.00 por copia certificada, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Expedición de copias certificadas de actas de nacimiento registradas en "
        "las oficialías del Registro Civil del municipio.",
        "requisitos": [
            (
                "Datos del registro",
                "Nombre completo, fecha y lugar de nacimiento y nombres de los padres, o la CURP",
            ),
            REQ_ID,
        ],
        "fundamento": "Código Civil del Estado, título del Registro Civil; Reglamento del "
        f"Registro Civil del Estado; {LEY_INGRESOS}",
        "palabras": "acta, nacimiento, copia certificada, registro civil",
    },
    {
        "nombre": "Constancia de no adeudo predial",
        "secretaria": "Catastro",
        "plazo": 5,
        "costo": "$120.00 por constancia, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Hace constar que un predio está al corriente en el pago del impuesto "
        "predial. La piden notarías para escriturar o vender.",
        "requisitos": [
            ("Clave catastral o último recibo del predial", ""),
            REQ_ID,
            ("Carta poder simple", "Si no la tramita el propietario", False),
        ],
        "fundamento": f"{ART_115.format('IV, inciso a)')}; Ley de Hacienda Municipal del "
        f"Estado; Ley de Catastro del Estado; {LEY_INGRESOS}",
        "palabras": "predial, no adeudo, impuesto predial, escrituración, notaría",
    },
    {
        "nombre": "Avalúo catastral",
        "secretaria": "Catastro",
        "plazo": 10,
        "costo": "Según el valor del predio, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Determina el valor catastral de un predio (terreno y construcción), "
        "base del impuesto predial y del traslado de dominio.",
        "requisitos": [
            ("Solicitud con la clave catastral", ""),
            REQ_PROPIEDAD,
            ("Plano o croquis del predio", "Con medidas y colindancias"),
            REQ_PREDIAL,
            REQ_ID,
        ],
        "fundamento": f"{ART_115.format('IV, inciso a)')}; Ley de Catastro del Estado; "
        f"{LEY_INGRESOS}",
        "palabras": "valor catastral, avalúo, predio, terreno",
    },
    {
        "nombre": "Bacheo y reparación de calles",
        "secretaria": "Obras Públicas",
        "plazo": 15,
        "costo": None,
        "descripcion": "Reporte de baches, hundimientos o pavimento dañado en calles y "
        "avenidas del municipio. Indique en su escrito la calle, el número y la colonia, y "
        "entre qué calles está.",
        "requisitos": [
            ("Fotografía del daño", "Ayuda a la cuadrilla a ubicarlo", False),
        ],
        "fundamento": f"{ART_115.format('III, inciso g)')} (calles y su equipamiento); "
        "Reglamento de Obras Públicas del Municipio.",
        "palabras": "bache, hundimiento, pavimento, calle, socavón",
    },
    {
        "nombre": "Reparación de alumbrado público",
        "secretaria": "Obras Públicas",
        "plazo": 10,
        "costo": None,
        "descripcion": "Reporte de luminarias apagadas, intermitentes o dañadas en la vía "
        "pública. Indique la calle, la colonia y, si lo tiene, el número del poste.",
        "requisitos": [
            ("Fotografía de la luminaria o del poste", "", False),
        ],
        "fundamento": f"{ART_115.format('III, inciso b)')} (alumbrado público).",
        "palabras": "luminaria, lámpara, foco, poste, luz, alumbrado",
    },
    {
        "nombre": "Poda o derribo de árbol",
        "secretaria": "Desarrollo Urbano",
        "plazo": 10,
        "costo": "Gratuito en la vía pública; en predio particular, derechos conforme a la Ley "
        "de Ingresos del Municipio.",
        "descripcion": "Poda o retiro de árboles que dañan el cableado, la banqueta o una "
        "construcción, o que representan un riesgo. El derribo requiere dictamen técnico.",
        "requisitos": [
            ("Fotografías del árbol", "De cuerpo completo y del daño que causa"),
            REQ_ID,
            REQ_DOMICILIO,
            (
                "Documento que acredite la propiedad del predio",
                "Solo si el árbol está dentro de un predio particular",
                False,
            ),
        ],
        "fundamento": f"{ART_115.format('III, inciso g)')} (parques y jardines); Ley General "
        "del Equilibrio Ecológico y la Protección al Ambiente; Reglamento de Ecología y "
        "Protección al Ambiente del Municipio.",
        "palabras": "árbol, poda, tala, derribo, ramas, cableado",
    },
    {
        "nombre": "Apoyo social",
        "secretaria": "Bienestar Social",
        "plazo": 10,
        "costo": None,
        "descripcion": "Solicitud de apoyos de los programas sociales municipales (despensas, "
        "material de construcción, aparatos funcionales, becas) para familias en situación "
        "de vulnerabilidad. Sujeto a estudio socioeconómico y a la disponibilidad del programa.",
        "requisitos": [
            REQ_ID,
            ("CURP", "De la persona solicitante"),
            REQ_DOMICILIO,
            ("Receta o dictamen médico", "Solo para aparatos funcionales o medicamentos", False),
        ],
        "fundamento": "Ley General de Desarrollo Social; Ley de Desarrollo Social del Estado; "
        "reglas de operación de cada programa municipal.",
        "palabras": "apoyo, despensa, beca, material, ayuda, silla de ruedas",
    },
    {
        "nombre": "Solicitud de información pública",
        "secretaria": "Unidad de Transparencia",
        "plazo": 20,
        "costo": None,
        "descripcion": "Acceso a documentos e información en poder del Ayuntamiento. No "
        "necesita identificarse ni explicar para qué la quiere: basta con describir con "
        "claridad la información. Solo se cobran copias certificadas o envíos, si los pide.",
        "requisitos": [],
        "fundamento": "Artículo 6o., apartado A, de la Constitución Política de los Estados "
        "Unidos Mexicanos; Ley General de Transparencia y Acceso a la Información Pública; "
        "ley de transparencia del Estado.",
        "palabras": "transparencia, acceso a la información, documentos",
    },
    {
        "nombre": "Campaña de vacunación o fumigación",
        "secretaria": "Salud Municipal",
        "plazo": 10,
        "costo": None,
        "descripcion": "Solicitud de fumigación contra el mosquito del dengue, descacharrización "
        "o jornada de vacunación en una colonia o escuela.",
        "requisitos": [
            ("Croquis o referencias de la zona", "", False),
            ("Firmas de vecinos que apoyan la solicitud", "", False),
        ],
        "fundamento": "Ley General de Salud; Ley de Salud del Estado; Reglamento de Salud "
        "del Municipio.",
        "palabras": "dengue, mosquito, fumigar, descacharrización, vacuna, zika",
    },
    {
        "nombre": "Constancia de servicio",
        "secretaria": "Recursos Humanos",
        "plazo": 5,
        "costo": None,
        "descripcion": "Constancia de empleo, antigüedad y percepciones para trabajadores y "
        "extrabajadores del Ayuntamiento.",
        "requisitos": [
            REQ_ID,
            ("Número de empleado o último recibo de nómina", ""),
        ],
        "fundamento": "Ley de Trabajo de los Servidores Públicos del Estado; Reglamento "
        "Interior del Ayuntamiento.",
        "palabras": "constancia laboral, hoja de servicios, antigüedad, trabajador",
    },
    {
        "nombre": "Constancia de alineamiento y número oficial",
        "secretaria": "Desarrollo Urbano",
        "plazo": 10,
        "costo": "Derechos por metro lineal de frente, conforme a la Ley de Ingresos del "
        "Municipio.",
        "descripcion": "Fija el límite del predio con la vía pública y le asigna su número "
        "oficial. Se necesita para la licencia de construcción y para contratar servicios.",
        "requisitos": [REQ_ID, REQ_PROPIEDAD, REQ_PREDIAL, ("Croquis de localización", "")],
        "fundamento": f"{ART_115.format('V, inciso d)')}; Ley de Desarrollo Urbano del "
        f"Estado; Reglamento de Construcciones del Municipio; {LEY_INGRESOS}",
        "palabras": "alineamiento, número oficial, numeración, frente",
    },
    {
        "nombre": "Registro de nacimiento",
        "secretaria": "Registro Civil",
        "plazo": 1,
        "costo": None,
        "descripcion": "Inscripción del nacimiento de una niña o un niño en el Registro Civil. "
        "El registro y la primera copia certificada del acta son gratuitos.",
        "requisitos": [
            ("Certificado de nacimiento", "Expedido por el hospital o la partera"),
            ("Identificación oficial de la madre y del padre", ""),
            ("Actas de nacimiento de la madre y del padre", ""),
            ("Identificación de dos testigos", "Mayores de edad"),
        ],
        "fundamento": "Artículo 4o. de la Constitución Política de los Estados Unidos "
        "Mexicanos (derecho a la identidad); Código Civil del Estado.",
        "palabras": "registrar bebé, nacimiento, acta, identidad",
    },
    {
        "nombre": "Matrimonio civil",
        "secretaria": "Registro Civil",
        "plazo": 10,
        "costo": "Derechos en oficina o a domicilio, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Celebración e inscripción del matrimonio en el Registro Civil, en la "
        "oficialía o a domicilio.",
        "requisitos": [
            ("Solicitud firmada por los contrayentes", "Con el régimen patrimonial elegido"),
            ("Actas de nacimiento de los contrayentes", ""),
            ("Identificación oficial de los contrayentes", ""),
            ("Certificado médico prenupcial", "Con no más de 15 días de expedido"),
            ("Identificación de dos testigos", ""),
        ],
        "fundamento": f"Código Civil del Estado; Reglamento del Registro Civil del Estado; "
        f"{LEY_INGRESOS}",
        "palabras": "boda, casarse, matrimonio",
    },
    {
        "nombre": "Traslado de dominio",
        "secretaria": "Catastro",
        "plazo": 5,
        "costo": "Impuesto sobre adquisición de inmuebles, conforme a la Ley de Hacienda "
        "Municipal del Estado.",
        "descripcion": "Registro del cambio de propietario de un predio (compraventa, "
        "donación, herencia) en el padrón catastral.",
        "requisitos": [
            ("Aviso de traslado de dominio", "Firmado por el notario público"),
            ("Escritura de la operación", ""),
            ("Avalúo catastral vigente", ""),
            REQ_PREDIAL,
        ],
        "fundamento": f"{ART_115.format('IV, inciso a)')}; Ley de Hacienda Municipal del "
        "Estado; Ley de Catastro del Estado.",
        "palabras": "compraventa, escrituras, cambio de propietario, ISAI",
    },
    {
        "nombre": "Esterilización de perros y gatos",
        "secretaria": "Salud Municipal",
        "plazo": 10,
        "costo": None,
        "descripcion": "Cirugía de esterilización en las jornadas del centro de control animal. "
        "Se le asigna fecha y hora; la mascota debe llegar en ayuno de 8 horas.",
        "requisitos": [
            REQ_ID,
            REQ_DOMICILIO,
            ("Cartilla de vacunación antirrábica de la mascota", "", False),
        ],
        "fundamento": "Ley General de Salud; Reglamento de Control y Bienestar Animal del "
        "Municipio.",
        "palabras": "mascota, perro, gato, esterilizar, castración, antirrábica",
    },
    {
        "nombre": "Licencia de anuncio publicitario",
        "secretaria": "Licencias Comerciales",
        "plazo": 10,
        "costo": "Según el tipo de anuncio y sus metros cuadrados, conforme a la Ley de "
        "Ingresos del Municipio.",
        "descripcion": "Permiso para instalar anuncios adosados, luminosos, de azotea o "
        "espectaculares visibles desde la vía pública.",
        "requisitos": [
            ("Solicitud con tipo, medidas y ubicación del anuncio", ""),
            ("Licencia de funcionamiento del negocio", ""),
            ("Fotomontaje o diseño del anuncio", "Con medidas"),
            ("Autorización del propietario del inmueble", "Si el local es rentado", False),
            (
                "Responsiva de un director responsable de obra",
                "Solo anuncios con estructura",
                False,
            ),
        ],
        "fundamento": f"Reglamento de Anuncios del Municipio; {LEY_INGRESOS}",
        "palabras": "anuncio, letrero, espectacular, publicidad, lona",
    },
    {
        "nombre": "Inscripción al padrón de proveedores",
        "secretaria": "Finanzas y Administración",
        "plazo": 10,
        "costo": "Derechos de inscripción anual, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Registro de personas físicas y morales que quieren vender bienes o "
        "prestar servicios al Ayuntamiento.",
        "requisitos": [
            (
                "Acta constitutiva y poder del representante",
                "Persona física: identificación oficial",
            ),
            ("Constancia de situación fiscal", "Expedida por el SAT"),
            ("Opinión de cumplimiento de obligaciones fiscales", "En sentido positivo, del SAT"),
            ("Comprobante de domicilio fiscal", ""),
            ("Carátula del estado de cuenta bancario", "Para los pagos por transferencia"),
        ],
        "fundamento": "Ley de Adquisiciones, Arrendamientos y Servicios del Estado; "
        f"Reglamento de Adquisiciones del Municipio; {LEY_INGRESOS}",
        "palabras": "proveedor, vender al municipio, compras, licitación",
    },
    {
        "nombre": "Préstamo de mobiliario para eventos comunitarios",
        "secretaria": "Control Patrimonial",
        "plazo": 5,
        "costo": None,
        "descripcion": "Préstamo de sillas, mesas, toldos y templetes del Ayuntamiento para "
        "eventos comunitarios, escolares o religiosos sin fines de lucro.",
        "requisitos": [
            ("Solicitud con fecha, lugar y mobiliario que necesita", ""),
            REQ_ID,
            ("Carta responsiva firmada", "Se compromete a devolverlo en las mismas condiciones"),
        ],
        "fundamento": "Ley Orgánica del Municipio Libre del Estado; Reglamento de Bienes "
        "Patrimoniales del Municipio.",
        "palabras": "sillas, mesas, toldo, lona, templete, evento, fiesta",
    },
    {
        "nombre": "Propuesta de obra para el programa anual",
        "secretaria": "Planeación y Presupuesto",
        "plazo": 20,
        "costo": None,
        "descripcion": "Propuesta de una comunidad o colonia para que una obra (agua, drenaje, "
        "pavimentación, electrificación) se incluya en el programa anual de obra pública.",
        "requisitos": [
            ("Escrito con la obra propuesta y la población beneficiada", ""),
            ("Acta de asamblea de la comunidad", "Con nombres y firmas de los asistentes"),
            ("Croquis o fotografías del sitio", "", False),
        ],
        "fundamento": "Ley de Coordinación Fiscal, artículo 33 (Fondo de Aportaciones para "
        "la Infraestructura Social); Ley de Planeación del Estado.",
        "palabras": "obra pública, COPLADEMUN, drenaje, agua potable, pavimentación, presupuesto",
    },
    {
        "nombre": "Constancia de no inhabilitación",
        "secretaria": "Contraloría Interna",
        "plazo": 3,
        "costo": "$100.00, conforme a la Ley de Ingresos del Municipio.",
        "descripcion": "Hace constar que una persona no está inhabilitada para ocupar un "
        "empleo, cargo o comisión en el servicio público municipal.",
        "requisitos": [REQ_ID, ("CURP", "")],
        "fundamento": f"Ley General de Responsabilidades Administrativas; {LEY_INGRESOS}",
        "palabras": "no inhabilitación, servidor público, empleo en gobierno",
    },
    {
        "nombre": "Ejercicio de derechos ARCO sobre datos personales",
        "secretaria": "Unidad de Transparencia",
        "plazo": 20,
        "costo": None,
        "descripcion": "Acceso, rectificación, cancelación u oposición al tratamiento de sus "
        "datos personales en poder del Ayuntamiento. Indique qué derecho ejerce y sobre qué "
        "datos; el folio de su escrito ayuda a localizarlos.",
        "requisitos": [
            REQ_ID,
            (
                "Identificación y poder del representante",
                "Solo si lo presenta un representante",
                False,
            ),
            ("Documento que respalde la corrección", "Solo para rectificación", False),
        ],
        "fundamento": "Artículo 16, segundo párrafo, de la Constitución Política de los "
        "Estados Unidos Mexicanos; Ley General de Protección de Datos Personales en Posesión "
        "de Sujetos Obligados.",
        "palabras": "datos personales, privacidad, ARCO, acceso, rectificación, cancelación",
    },
    {
        "nombre": "Recolección de residuos voluminosos",
        "secretaria": "Obras Públicas",
        "plazo": 10,
        "costo": None,
        "descripcion": "Retiro de muebles viejos, colchones, electrodomésticos y ramas que no "
        "recoge el camión de basura. Se programa un día para su colonia.",
        "requisitos": [
            ("Lista de los objetos que se retirarán", ""),
            ("Fotografía de los objetos", "", False),
        ],
        "fundamento": f"{ART_115.format('III, inciso c)')} (limpia, recolección, traslado, "
        "tratamiento y disposición final de residuos); Reglamento de Limpia del Municipio.",
        "palabras": "basura, cacharros, colchón, muebles, tiliches, residuos",
    },
]

# (username, first name, last name, role, siglas of the secretaría or None)
USERS = [
    ("ventanilla", "Verónica", "Ramírez", Role.VENTANILLA, None),
    ("turnador", "Tomás", "Gutiérrez", Role.OFICIALIA, None),
    ("titular", "Patricia", "Solís", Role.TITULAR, "SOP"),
    ("enlace", "Eduardo", "Navarro", Role.ENLACE, "SOP"),
    ("operativo", "Óscar", "Morales", Role.OPERATIVO, "SOP"),
    ("contraloria", "Carmen", "Vega", Role.CONTRALORIA, None),
    ("administracion", "Adriana", "Luna", Role.ADMINISTRACION, None),
    ("archivo", "Amalia", "Bustos", Role.ARCHIVOS, None),
]
SENSES = ([Sense.POSITIVA, Sense.INFORMATIVA, Sense.PARCIAL, Sense.NEGATIVA], [45, 25, 15, 15])
ANSWERS = {
    Sense.POSITIVA: "Se atenderá su petición; el área operativa programó los trabajos.",
    Sense.INFORMATIVA: "Le informamos el procedimiento y los requisitos para su solicitud.",
    Sense.PARCIAL: "Se atiende parcialmente; lo restante depende de presupuesto del próximo año.",
    Sense.NEGATIVA: "No es posible atender su petición por las razones que se exponen.",
}

NOMBRES_M = ["María", "Guadalupe", "Rosa", "Ana", "Leticia", "Juana", "Martha", "Elena", "Sofía"]
NOMBRES_H = ["José", "Juan", "Luis", "Miguel", "Francisco", "Jesús", "Pedro", "Alejandro", "Raúl"]
APELLIDOS = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Morales",
    "Vázquez",
    "Jiménez",
    "Reyes",
    "Díaz",
    "Torres",
    "Nava",
    "Salgado",
    "Abarca",
    "Astudillo",
    "Catalán",
]
EMPRESAS = [
    "Materiales del Sur, S.A. de C.V.",
    "Abarrotes La Guerrerense, S. de R.L.",
    "Constructora Tixtla, S.A. de C.V.",
    "Farmacias del Centro, S.A.",
    "Asociación de Colonos de Jacarandas, A.C.",
]
DEPENDENCIAS = [
    "Secretaría de Educación Guerrero",
    "Comisión Nacional del Agua",
    "Fiscalía General del Estado",
    "Instituto Nacional Electoral, Junta Distrital 07",
]
ASUNTOS = [
    "Solicitud de reparación de luminaria en la colonia {c}",
    "Bache de gran tamaño en la calle principal de {c}",
    "Petición de poda de árbol que daña el cableado en {c}",
    "Solicitud de apoyo para material de construcción",
    "Queja por acumulación de basura en {c}",
    "Solicitud de constancia de no adeudo predial",
    "Solicitud de licencia de funcionamiento para tienda de abarrotes",
    "Petición de fumigación contra el dengue en {c}",
    "Solicitud de información sobre obras en {c}",
    "Invitación a reunión de trabajo interinstitucional",
    "Solicitud de audiencia con el Presidente Municipal",
    "Solicitud de copia certificada de acta de nacimiento",
]
COLONIAS = [
    "Centro",
    "Jacarandas",
    "Tepango",
    "Galeana",
    "Progreso",
    "Emiliano Zapata",
    "Universal",
]


class Command(BaseCommand):
    help = "Carga los datos de demostración (una vez): catálogos, usuarios por rol y escritos."

    def add_arguments(self, parser):
        parser.add_argument("--escritos", type=int, default=300)
        parser.add_argument("--semilla", type=int, default=2026)

    def handle(self, *args, escritos: int, semilla: int, **options):
        fresh = not Escrito.objects.exists()
        now = timezone.now()
        start = now - timedelta(days=HISTORY_DAYS)
        # On a fresh database the staff and the catalogues were there before the first escrito,
        # the published calendar of días inhábiles first: every term below counts with it.
        with time_machine.travel(start - timedelta(days=1), tick=False) if fresh else nullcontext():
            self.load_calendario(today=timezone.localdate(now))
            self.load_firma()
            self.load_catalogues()
            load_instrumentos()
            self.load_users()
            load_plantillas()
            self.load_fila_catalogue()
        if fresh:
            # The demo petitioners' addresses do not exist: keep their acuses out of the mail.
            # The demo's history predates the titulares' e.firma: its answers go out unsigned.
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                RESPUESTA_SIN_FIRMA=True,
            ):
                self.load_escritos(escritos, random.Random(semilla), start, now - FILA_WINDOW)
            # After the escritos' lives and before the day's queue: what the archive did.
            with time_machine.travel(now - FILA_WINDOW, tick=False):
                archivo = load_archivo(now=timezone.localtime())
            self.stdout.write(
                f"Archivo: {archivo['cerrados']} expedientes cerrados, "
                f"{archivo['legado']} expedientes en papel anteriores al sistema, una "
                "transferencia primaria y una baja documental publicada."
            )
        self.load_fila()
        if fresh:
            self.stdout.write(self.style.SUCCESS(f"{escritos} escritos de demostración cargados."))
        else:
            self.stdout.write("Ya hay escritos: no se cargan escritos de demostración.")

    def load_firma(self) -> None:
        """Without OFICIALIA_FIRMA_PKCS12 the acuses are signed with a demonstration
        certificate made here once (README, «Firma electrónica»)."""
        if settings.FIRMA_PKCS12:
            return
        path = firma.demo_identity_create()
        self.stdout.write(f"Certificado de demostración del Ayuntamiento en {path}.")
        ca, cer, key = demo_efirma_create()
        if not AutoridadCertificadora.objects.exists():
            confianza.authority_install(ca.read_bytes())
        self.stdout.write(
            f"e.firma de demostración del titular: {cer} y {key} "
            f"(contraseña {DEMO_EFIRMA_PASSWORD})."
        )

    @transaction.atomic
    def load_calendario(self, *, today: date) -> None:
        """An acuerdo of días inhábiles for each year the demo spans and the next one, as a
        city hall in Guerrero publishes it: Holy Week, 2 de noviembre, 12 de diciembre and a
        December-January vacation (the law's own days come from OFICIALIA_DIAS_INHABILES_BASE)."""
        for year in range(today.year - 2, today.year + 2):
            signed = date(year - 1, 12, 5)
            acuerdo, created = AcuerdoInhabil.objects.get_or_create(
                numero=f"AC/CAB/{year - 1}/{45 + year % 7:03d}",
                defaults={
                    "fecha": signed,
                    "publicacion": "Gaceta Municipal",
                    "publicado_el": signed + timedelta(days=10),
                },
            )
            if not created:
                continue
            holy_thursday = easter(year) - timedelta(days=3)
            DiaInhabil.objects.bulk_create(
                DiaInhabil(acuerdo=acuerdo, start=start, end=end, descripcion=text)
                for start, end, text in [
                    (
                        holy_thursday - timedelta(days=3),
                        holy_thursday + timedelta(days=1),
                        "Primer periodo vacacional (Semana Santa)",
                    ),
                    (date(year, 11, 2), date(year, 11, 2), "Día de Muertos"),
                    (date(year, 12, 12), date(year, 12, 12), "Día de la Virgen de Guadalupe"),
                    (
                        date(year, 12, 21),
                        date(year + 1, 1, 5),
                        "Segundo periodo vacacional (invierno)",
                    ),
                ]
            )

    @transaction.atomic
    def load_catalogues(self) -> None:
        for nombre, siglas in SECRETARIAS:
            Secretaria.objects.get_or_create(nombre=nombre, defaults={"siglas": siglas})
        for item in TRAMITES:
            tramite, created = Tramite.objects.get_or_create(
                nombre=item["nombre"],
                defaults={
                    "secretaria": Secretaria.objects.get(nombre=item["secretaria"]),
                    "plazo_dias_habiles": item["plazo"],
                },
            )
            # Complete a trámite loaded before the catálogo had these fields, but never
            # overwrite what the administración already wrote in the admin.
            if not created and (tramite.fundamento or tramite.requisitos.exists()):
                continue
            tramite.descripcion = item["descripcion"]
            tramite.gratuito = item["costo"] is None
            tramite.costo = item["costo"] or ""
            tramite.fundamento = item["fundamento"]
            tramite.palabras_clave = item["palabras"]
            tramite.save()
            TramiteRequisito.objects.bulk_create(
                TramiteRequisito(
                    tramite=tramite,
                    documento=requisito[0],
                    detalle=requisito[1] if len(requisito) > 1 else "",
                    obligatorio=requisito[2] if len(requisito) > 2 else True,
                    orden=orden,
                )
                for orden, requisito in enumerate(item["requisitos"], start=1)
            )

    @transaction.atomic
    def load_users(self) -> None:
        people = list(USERS)
        # Every other secretaría gets its titular and enlace: titular.cat, enlace.cat, ...
        for nombre, siglas in SECRETARIAS:
            if siglas != "SOP":
                people.append(
                    (f"titular.{siglas.lower()}", "Titular", nombre, Role.TITULAR, siglas)
                )
                people.append((f"enlace.{siglas.lower()}", "Enlace", nombre, Role.ENLACE, siglas))
        for username, first, last, role, siglas in people:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMINISTRACION:
                    user.is_staff = user.is_superuser = True
                user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            # The demo opens with the password alone: no second factor (see the README).
            user.groups.add(Group.objects.get_or_create(name=EXEMPT_GROUP)[0])
            secretaria = Secretaria.objects.get(siglas=siglas) if siglas else None
            Perfil.objects.get_or_create(user=user, defaults={"secretaria": secretaria})

    FILA_DEMO = {
        "RC": ["Actas y copias certificadas", "Registro de nacimiento", "Matrimonios"],
        "CAT": ["Pago del predial", "Constancias y avalúos"],
    }

    @transaction.atomic
    def load_fila_catalogue(self) -> None:
        """Fila y citas: services, three módulos and appointment hours for Registro Civil
        and Catastro."""
        from datetime import time as clock

        from fila.models import HorarioCitas, Modulo, Servicio

        for siglas, servicios in self.FILA_DEMO.items():
            secretaria = Secretaria.objects.get(siglas=siglas)
            for orden, nombre in enumerate(servicios):
                Servicio.objects.get_or_create(
                    secretaria=secretaria,
                    letra="ABCDEFGH"[orden],
                    defaults={"nombre": nombre, "orden": orden},
                )
            for n in (1, 2, 3):
                modulo, created = Modulo.objects.get_or_create(
                    secretaria=secretaria, nombre=f"Ventanilla {n}", defaults={"orden": n}
                )
                if created and n == 1:
                    for weekday in range(5):
                        HorarioCitas.objects.create(
                            modulo=modulo,
                            dia_semana=weekday,
                            hora_inicio=clock(9),
                            hora_fin=clock(14),
                            duracion_minutos=20,
                            capacidad=2,
                        )

    @transaction.atomic
    def load_fila(self) -> None:
        """The fichas of the last hour and a half of today (once a day), attended at two
        módulos of each secretaría through the real services, so the board and the consoles
        show life. Both secretarías live the same minutes together, in time order, and after
        the last entry of the bitácora."""
        from fila.models import Ficha

        rng = random.Random(len(self.FILA_DEMO))
        now = timezone.now()
        start = now - timedelta(minutes=90)
        last = Bitacora.objects.order_by("-id").values_list("at", flat=True).first()
        if last is not None and last >= start:
            start = last + timedelta(seconds=1)
        days = []
        for siglas in self.FILA_DEMO:
            secretaria = Secretaria.objects.get(siglas=siglas)
            if Ficha.objects.filter(secretaria=secretaria, fecha=timezone.localdate(now)).exists():
                continue
            days.append(self.fila_day(secretaria, random.Random(rng.random()), start, now))
        self.run_in_time_order(days)

    def fila_day(
        self, secretaria: Secretaria, rng: random.Random, start: datetime, now: datetime
    ) -> Life:
        from fila import services as fila

        staff = User.objects.get(username=f"titular.{secretaria.siglas.lower()}")
        servicio_ids = list(secretaria.servicios_fila.values_list("pk", flat=True))
        modulos = list(secretaria.modulos.order_by("orden")[:2])
        # A steady morning, then a crowd in the last minutes: some are still waiting.
        span = max(int((now - start).total_seconds() // 60), 1)
        crowd = span * 8 // 9
        arrivals = sorted(
            start + timedelta(minutes=rng.randint(0, crowd) if n < 12 else rng.randint(crowd, span))
            for n in range(18)
        )
        busy: dict[int, datetime] = {}
        moment = start
        while moment <= now:
            yield moment
            while arrivals and arrivals[0] <= moment:
                arrivals.pop(0)
                fila.ficha_issue(servicio_id=rng.choice(servicio_ids))
            for modulo in modulos:
                if modulo.pk in busy and busy[modulo.pk] <= moment:
                    fila.ficha_mark_attended(modulo_id=modulo.pk, user=staff)
                    del busy[modulo.pk]
                called = modulo.pk not in busy and fila.ficha_call_next(
                    modulo_id=modulo.pk, user=staff
                )
                if called:
                    busy[modulo.pk] = moment + timedelta(minutes=rng.randint(5, 14))
            moment += timedelta(minutes=1)

    def load_escritos(self, count: int, rng: random.Random, start: datetime, now: datetime) -> None:
        self.tramites = list(Tramite.objects.select_related("secretaria"))
        self.secretarias = list(Secretaria.objects.all())
        self.clerk = User.objects.get(username="ventanilla")
        self.calendar = BusinessCalendar()
        self.turnador = User.objects.get(username="turnador")
        self.operativo = User.objects.get(username="operativo")
        self.staff = {
            p.secretaria_id: p.user
            for p in Perfil.objects.select_related("user").filter(
                user__groups__name=Role.TITULAR, secretaria__isnull=False
            )
        }
        start, now = timezone.localtime(start), timezone.localtime(now)
        moments = sorted(
            min(
                self.business_hour(start + timedelta(days=rng.randint(0, HISTORY_DAYS - 1)), rng),
                now,
            )
            for _ in range(count)
        )
        lives = [self.arrive(moment, random.Random(rng.random()), now) for moment in moments]
        self.run_in_time_order([*lives, suplencias_life(now)])

    @staticmethod
    def run_in_time_order(lives: list[Life]) -> None:
        """Run the steps of every life in the order of their moments, each with the clock
        at its moment (ties in the order the lives were given)."""
        pending: list[tuple[datetime, int, Life]] = []
        for seq, life in enumerate(lives):
            first = next(life, None)
            if first is not None:
                heapq.heappush(pending, (first, seq, life))
        while pending:
            moment, seq, life = heapq.heappop(pending)
            with time_machine.travel(moment, tick=False):
                following = next(life, None)
            if following is not None:
                # A life never steps back in time, or the chain would leave time order.
                heapq.heappush(pending, (max(following, moment), seq, life))

    def arrive(self, moment: datetime, rng: random.Random, now: datetime) -> Life:
        """The escrito arrives at `moment`, then lives its life."""
        yield moment
        tramites, secretarias, clerk = self.tramites, self.secretarias, self.clerk
        channel = rng.choices(
            [
                Channel.EN_LINEA,
                Channel.VENTANILLA,
                Channel.CORREO_POSTAL,
                Channel.MENSAJERIA,
                Channel.CORREO_ELECTRONICO,
            ],
            weights=[50, 35, 5, 5, 5],
        )[0]
        tramite = rng.choice(tramites) if rng.random() < 0.6 else None
        paper = channel != Channel.EN_LINEA
        peticionario = self.petitioner(rng)
        oficio = ""
        if peticionario.tipo == PetitionerType.DEPENDENCIA:
            oficio = f"OF-{rng.randint(100, 999)}/{moment.year}"
        escrito = escrito_file(
            data=EscritoData(
                peticionario=peticionario,
                asunto=rng.choice(ASUNTOS).format(c=rng.choice(COLONIAS)),
                texto="Por medio del presente, con fundamento en el artículo 8 de la "
                "Constitución, solicito atentamente se atienda lo expuesto.",
                tramite=tramite,
                secretaria_destino=(
                    tramite.secretaria
                    if tramite and rng.random() < 0.5
                    else rng.choice(secretarias)
                    if rng.random() < 0.2
                    else None
                ),
                fojas=rng.randint(1, 8) if paper else None,
                anexos=rng.randint(0, 3) if paper else None,
                ubicacion_original=caja_de_captura(moment) if paper else "",
                numero_oficio=oficio,
                adjuntos=inspect_all([]),
            ),
            channel=channel,
            captured_by=clerk if paper else None,
            received_at=moment,
            # Older acuses are made when first downloaded; keeps the first `make run` short.
            queue_acuse=now - moment < timedelta(days=30),
        ).escrito
        yield from self.live(escrito, rng, now)

    def live(self, escrito: Escrito, rng: random.Random, now: datetime) -> Life:
        """What happened to the escrito after it arrived: each step is yielded its moment
        first, and runs when run_in_time_order gets there."""
        calendar = self.calendar
        moment = escrito.received_at

        def later(business_days: int, hours: int = 0) -> datetime | None:
            day = calendar.add_business_days(timezone.localtime(moment).date(), business_days)
            at = timezone.make_aware(
                datetime.combine(day, time(rng.randint(9, 14), rng.randint(0, 59)))
            )
            at += timedelta(hours=hours)
            if at <= moment:  # the same day, but the draw fell earlier than the last step
                at = moment + timedelta(minutes=rng.randint(10, 120))
            return at if at < now else None

        turned_at = later(rng.choice([0, 1, 1, 2]), hours=2)
        if turned_at is None or rng.random() < 0.04:
            return  # still waiting for the oficialía
        secretaria = (
            escrito.tramite.secretaria
            if escrito.tramite_id
            else escrito.secretaria_destino or rng.choice(self.secretarias)
        )
        routes = [turnos.Route(secretaria=secretaria, instruccion="Atender y dar respuesta.")]
        if rng.random() < 0.15:
            copy = rng.choice([s for s in self.secretarias if s != secretaria])
            routes.append(turnos.Route(secretaria=copy, kind="conocimiento"))
        if rng.random() < 0.03:
            yield turned_at
            turnos.escrito_reject(
                escrito_id=escrito.pk, user=self.turnador, reason="No contiene petición alguna."
            )
            return
        yield turned_at
        turnos.escrito_turn(escrito_id=escrito.pk, user=self.turnador, routes=routes)
        turno = Turno.objects.get(escrito=escrito, secretaria=secretaria)
        moment = turned_at
        accepted_at = later(rng.choice([0, 1, 1, 2]), hours=1)
        if accepted_at is None:
            return
        worker = self.staff[secretaria.pk]
        for extra in Turno.objects.filter(escrito=escrito, kind="conocimiento"):
            yield accepted_at
            turnos.turno_accept(turno_id=extra.pk, user=self.staff[extra.secretaria_id])
        if rng.random() < 0.06:
            yield accepted_at
            turnos.turno_give_back(
                turno_id=turno.pk, user=worker, reason="No es competencia de esta secretaría."
            )
            moment = accepted_at
            rerouted_at = later(1)
            if rerouted_at is None or rng.random() < 0.3:
                return
            secretaria = rng.choice([s for s in self.secretarias if s != secretaria])
            yield rerouted_at
            turno = turnos.turno_reroute(
                turno_id=turno.pk,
                user=self.turnador,
                route=turnos.Route(secretaria=secretaria, instruccion="Le corresponde."),
            )
            worker = self.staff[secretaria.pk]
            moment = rerouted_at
            accepted_at = later(1)
            if accepted_at is None:
                return
        yield accepted_at
        turnos.turno_accept(turno_id=turno.pk, user=worker)
        moment = accepted_at
        if secretaria.siglas == "SOP" and rng.random() < 0.5:
            yield accepted_at
            tarea = turnos.tarea_assign(
                turno_id=turno.pk,
                user=worker,
                assignee=self.operativo,
                descripcion="Inspección en sitio y dictamen técnico.",
                due_date=calendar.add_business_days(accepted_at.date(), 3),
            )
            done_at = later(2)
            if done_at is not None:
                yield done_at
                turnos.tarea_progress(
                    tarea_id=tarea.pk,
                    user=self.operativo,
                    texto="Inspección realizada; dictamen anexo al expediente.",
                    state=TareaState.TERMINADA,
                )
        if rng.random() < 0.08:
            prevented_at = later(1)
            if prevented_at is None:
                return
            yield prevented_at
            turno.refresh_from_db()
            # Past the first third of the term the law no longer allows a prevención.
            if not plazos.prevention_error(turno, today=timezone.localdate()):
                turnos.turno_prevent(
                    turno_id=turno.pk,
                    user=worker,
                    texto="Anexe copia de su identificación y el croquis de ubicación.",
                )
                moment = prevented_at
                # The petitioner learns of it: opening it online, or at the ventanilla.
                notified_at = later(rng.choice([0, 0, 1, 2]), hours=1)
                if notified_at is None or self.keeps_waiting(escrito, notified_at, now):
                    return
                yield notified_at
                self.notify(escrito, rng)
                moment = notified_at
                # Most answer within their 5 business days; some let it expire.
                answered_at = later(rng.randint(1, 5))
                if answered_at is None or rng.random() < 0.15:
                    return
                yield answered_at
                turnos.prevencion_answer(
                    escrito_id=escrito.pk, texto="Anexo lo solicitado.", files=[]
                )
                moment = answered_at
        turno.refresh_from_db()
        if rng.random() < 0.07:
            return  # never answered: overdue in the bandeja, escalated by the reminders
        term = turno.term_days or 10
        answered_at = later(max(1, int(rng.triangular(1, term * 1.3, term * 0.6))))
        if answered_at is None or turno.state not in (TurnoState.ACEPTADO, TurnoState.EN_ATENCION):
            return
        sense = rng.choices(*SENSES)[0]
        yield answered_at
        turnos.turno_answer(turno_id=turno.pk, user=worker, texto=ANSWERS[sense], sense=sense)
        moment = answered_at
        notified_at = later(rng.choice([0, 1, 1, 2, 3]), hours=1)
        if notified_at is None or self.keeps_waiting(escrito, notified_at, now):
            return  # pendiente de notificar: in the ventanilla's queue, or not yet opened
        yield notified_at
        self.notify(escrito, rng)
        moment = notified_at
        rated_at = later(rng.randint(1, 5))
        if rated_at is not None and rng.random() < 0.4:
            yield rated_at
            turnos.escrito_rate(
                escrito_id=escrito.pk,
                score=rng.choices([5, 4, 3, 2, 1], weights=[35, 30, 15, 10, 10])[0],
                comentario="",
            )

    @staticmethod
    def keeps_waiting(escrito: Escrito, at: datetime, now: datetime) -> bool:
        """The last weeks' acts for paper filers without email are still in the ventanilla's
        queue of personal notifications."""
        return not escrito.peticionario.email and escrito.channel != Channel.EN_LINEA and (
            now - at < PERSONAL_NOTIFICATION_BACKLOG
        )

    def notify(self, escrito: Escrito, rng: random.Random) -> None:
        """Practice the escrito's pending notifications now: the petitioner opens them
        (electronic), or receives the cédula at the ventanilla and it is scanned back."""
        for notificacion in NotificacionPeticionario.objects.filter(
            escrito=escrito, estado=EstadoNotificacion.PENDIENTE
        ).select_related("respuesta", "prevencion"):
            if notificacion.canal == Canal.ELECTRONICA:
                opened_record(
                    escrito=escrito,
                    respuestas=[notificacion.respuesta] if notificacion.respuesta_id else [],
                    prevenciones=[notificacion.prevencion]
                    if notificacion.acto == "prevencion"
                    else [],
                    medio=rng.choice([Medio.CONSULTA, Medio.CUENTA]),
                    queue_pdf=False,
                )
                continue
            practica.diligencia_register(
                notificacion_id=notificacion.pk,
                user=self.clerk,
                resultado=Resultado.ENTREGADA,
                at=timezone.now(),
                recibio_nombre=escrito.peticionario.nombre,
                recibio_identificacion="Credencial para votar",
            )
            scan = inspect(
                SimpleUploadedFile("cedula-firmada.pdf", self.scan_pdf(), "application/pdf")
            )
            practica.escaneo_upload(notificacion_id=notificacion.pk, user=self.clerk, scan=scan)

    @staticmethod
    def scan_pdf() -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=612, height=792)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    @staticmethod
    def business_hour(day: datetime, rng: random.Random) -> datetime:
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        clock = time(rng.randint(8, 15), rng.randint(0, 59), rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day.date(), clock))

    @staticmethod
    def petitioner(rng: random.Random) -> PetitionerData:
        kind = rng.choices(
            [PetitionerType.FISICA, PetitionerType.MORAL, PetitionerType.DEPENDENCIA],
            weights=[80, 12, 8],
        )[0]
        if kind == PetitionerType.FISICA:
            mujer = rng.random() < 0.55
            nombre = (
                f"{rng.choice(NOMBRES_M if mujer else NOMBRES_H)} "
                f"{rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"
            )
            genero = rng.choices(
                [Gender.MUJER if mujer else Gender.HOMBRE, Gender.PREFIERO_NO_DECIR, ""],
                weights=[80, 5, 15],
            )[0]
        else:
            nombre = rng.choice(EMPRESAS if kind == PetitionerType.MORAL else DEPENDENCIAS)
            genero = ""
        email = ""
        if rng.random() < 0.6:
            email = f"{nombre.split()[0].lower()}.{rng.randint(10, 99)}@example.com"
        return PetitionerData(
            tipo=kind,
            nombre=nombre,
            email=email,
            telefono=f"747 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            genero=genero,
        )
