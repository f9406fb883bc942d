"""The demo's answer templates (oficios.plantillas) and stand-ins (oficialia suplencias): what
each secretaría keeps to answer the usual petitions, and a titular who was away and one who
is away now.

A template is the body of the oficio: the oficio itself already says who writes, to whom,
the date and the escrito it answers («… le informo:»), so the templates start there.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from correspondencia.models import Secretaria
from oficialia.models import Suplencia
from oficialia.suplencias_acciones import suplencia_name
from oficios.models import PlantillaRespuesta
from oficios.plantillas import PlantillaData, plantilla_save
from turnos.models import Sense

CONSTITUCION = "el artículo 8 de la Constitución Política de los Estados Unidos Mexicanos"

# Every secretaría: (name, suggested sense, text).
COMUNES = [
    (
        "Petición procedente",
        Sense.POSITIVA,
        "Que, revisada su petición registrada con el folio {folio}, esta {secretaria} la "
        "considera procedente y programó su atención. Personal de la dependencia se "
        "comunicará con usted, {peticionario}, en los próximos cinco días hábiles para "
        "acordar la fecha y, en su caso, la visita al lugar.\n\n"
        f"Lo anterior con fundamento en {CONSTITUCION} y en lo siguiente: {{fundamento}}",
    ),
    (
        "Informe de requisitos",
        Sense.INFORMATIVA,
        "Que, para atender lo que solicita en su escrito con folio {folio}, deberá presentar "
        "en la ventanilla de esta {secretaria}, de lunes a viernes de 9:00 a 15:00 horas, "
        "los requisitos que se publican en el catálogo de trámites y servicios del "
        "Ayuntamiento, en original y copia. Con ellos se dará curso a su petición sin "
        "necesidad de presentar un escrito nuevo.\n\n"
        "Fundamento: {fundamento}",
    ),
    (
        "Petición improcedente",
        Sense.NEGATIVA,
        "Que, analizada su petición del {fecha_recepcion} relativa a «{asunto}», no es "
        "posible atenderla en los términos planteados, por lo siguiente: [exponga aquí los "
        "motivos de hecho y de derecho].\n\n"
        "Queda a salvo su derecho de presentar una nueva petición o de interponer el recurso "
        "que proceda conforme a la ley.\n\n"
        f"Lo anterior con fundamento en {CONSTITUCION} y en lo siguiente: {{fundamento}}",
    ),
]

# A secretaría's own, by its siglas.
PROPIAS = {
    "SOP": [
        (
            "Bacheo programado",
            Sense.POSITIVA,
            "Que la cuadrilla de bacheo incluyó la vialidad que señala en su escrito con folio "
            "{folio} en el programa de mantenimiento de la semana siguiente al {fecha}. Los "
            "trabajos pueden cerrar la circulación por tramos durante el día; le pedimos "
            "retirar los vehículos estacionados cuando vea los señalamientos.\n\n"
            "Fundamento: {fundamento}",
        ),
        (
            "Obra sujeta a presupuesto",
            Sense.PARCIAL,
            "Que la obra que solicita ({asunto}) se registró en la cartera de obra pública "
            "municipal; su ejecución depende del presupuesto que apruebe el Cabildo para el "
            "próximo ejercicio fiscal. Mientras tanto, esta {secretaria} hará los trabajos de "
            "mantenimiento menor que eviten riesgos a los vecinos.\n\n"
            "Fundamento: {fundamento}",
        ),
    ],
    "CAT": [
        (
            "Constancia catastral lista para entrega",
            Sense.POSITIVA,
            "Que la constancia solicitada en su escrito con folio {folio} está lista. Puede "
            "recogerla en la ventanilla de Catastro con identificación oficial del propietario "
            "o, en su caso, carta poder firmada ante dos testigos.\n\n"
            "Fundamento: {fundamento}",
        ),
    ],
    "RC": [
        (
            "Copia certificada de acta",
            Sense.POSITIVA,
            "Que, localizada el acta que solicita, la copia certificada está disponible en la "
            "Oficialía del Registro Civil a partir del día hábil siguiente al {fecha}, previo "
            "pago de los derechos correspondientes. Presente el número de folio {folio} al "
            "recogerla.\n\n"
            "Fundamento: {fundamento}",
        ),
    ],
    "SDU": [
        (
            "Visita de inspección programada",
            Sense.INFORMATIVA,
            "Que, para resolver lo que plantea en su escrito con folio {folio}, personal de "
            "inspección de esta {secretaria} visitará el predio en los próximos diez días "
            "hábiles. Le pedimos permitir el acceso y tener a la mano la documentación del "
            "inmueble; el resultado de la visita se le notificará por escrito.\n\n"
            "Fundamento: {fundamento}",
        ),
    ],
    "LC": [
        (
            "Licencia de funcionamiento autorizada",
            Sense.POSITIVA,
            "Que se autoriza la licencia de funcionamiento solicitada para el establecimiento "
            "a nombre de {peticionario}. La licencia debe exhibirse en un lugar visible del "
            "local y refrendarse cada año durante el primer trimestre.\n\n"
            "Fundamento: {fundamento}",
        ),
    ],
    "UT": [
        (
            "Respuesta a solicitud de información",
            Sense.INFORMATIVA,
            "Que, en respuesta a su solicitud de acceso a la información registrada con el "
            "folio {folio}, el área responsable entregó la información que se anexa. Si no "
            "está conforme con la respuesta, puede interponer el recurso de revisión dentro "
            "de los quince días hábiles siguientes a la notificación.\n\n"
            "Fundamento: {fundamento}",
        ),
    ],
}


def titular_of(siglas: str) -> User:
    """The demo titular of a secretaría (README: `titular` is Obras Públicas')."""
    return User.objects.get(username="titular" if siglas == "SOP" else f"titular.{siglas.lower()}")


def enlace_of(siglas: str) -> User:
    return User.objects.get(username="enlace" if siglas == "SOP" else f"enlace.{siglas.lower()}")


def load_plantillas() -> int:
    """The common templates for every secretaría and each one's own, written by its titular
    (those already there are left as the secretaría changed them). Returns how many new."""
    made = 0
    have = set(PlantillaRespuesta.objects.values_list("secretaria__siglas", "nombre"))
    for siglas in Secretaria.objects.order_by("siglas").values_list("siglas", flat=True):
        titular = None
        for nombre, sense, texto in COMUNES + PROPIAS.get(siglas, []):
            if (siglas, nombre) in have:
                continue
            titular = titular or titular_of(siglas)
            data = PlantillaData(nombre=nombre, texto=texto, sense=sense)
            plantilla_save(user=titular, data=data)
            made += 1
    return made


def suplencias_life(now: datetime) -> Iterator[datetime]:
    """A life for the demo's time-ordered history (cargar_demo.run_in_time_order): the
    titular of Obras Públicas was on vacation six weeks ago (her enlace stood in, and it
    ended by itself); the titular of Catastro is at a course now, and her enlace stands in.
    Each is named a few days before it starts, as the service asks."""
    if Suplencia.objects.exists():
        return
    today = timezone.localdate(now)

    def at(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(10, 30)))

    vacation = today - timedelta(days=45)
    yield at(vacation - timedelta(days=3))
    suplencia_name(
        user=titular_of("SOP"),
        suplente=enlace_of("SOP"),
        desde=vacation,
        hasta=vacation + timedelta(days=9),
        motivo="Vacaciones",
    )
    course = today - timedelta(days=3)
    yield at(course - timedelta(days=2))
    suplencia_name(
        user=titular_of("CAT"),
        suplente=enlace_of("CAT"),
        desde=course,
        hasta=today + timedelta(days=11),
        motivo="Curso de actualización catastral en la capital del estado",
    )
