"""Answer templates: the variables a template may name, how they are filled, and who keeps
each secretaría's templates.

A template is plain text with `{variable}` placeholders from a fixed list. Filling replaces
each placeholder once with its value as text: no template language runs (a value or a
template that contains `{{ }}`, `{% %}` or another `{placeholder}` stays as written), so
neither staff nor petitioners can inject anything.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from correspondencia.models import Escrito
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.roles import SECRETARIA_ROLES, has_role, secretaria_of
from oficialia.text import MASK

from .models import PlantillaRespuesta

VARIABLES = {
    "folio": "Folio del escrito",
    "peticionario": "Nombre del peticionario",
    "fecha": "Fecha de hoy",
    "fecha_recepcion": "Fecha en que se recibió el escrito",
    "asunto": "Asunto del escrito",
    "tramite": "Nombre del trámite",
    "fundamento": "Fundamento legal del trámite",
    "secretaria": "Nombre de la secretaría",
}
PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
NO_FUNDAMENTO = "(el escrito no indica un trámite con fundamento registrado)"

EXAMPLE = {
    "folio": "OP-2026-000123",
    "peticionario": "María Guadalupe López Hernández",
    "fecha": "4 de diciembre de 2026",
    "fecha_recepcion": "1 de diciembre de 2026",
    "asunto": "Solicitud de bacheo en la calle Hidalgo",
    "tramite": "Reparación de baches",
    "fundamento": "Artículo 115 de la Constitución Política de los Estados Unidos Mexicanos",
    "secretaria": "Secretaría de Obras Públicas",
}


def unknown_variables(texto: str) -> list[str]:
    """The placeholders of `texto` that are not in VARIABLES, in order, once each."""
    return list(dict.fromkeys(m[1] for m in PLACEHOLDER.finditer(texto) if m[1] not in VARIABLES))


def fill(texto: str, values: dict[str, str]) -> str:
    """`texto` with each known `{variable}` replaced by its value, in one pass (a value is
    never read again as a template)."""
    return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]) if m[1] in VARIABLES else m[0], texto)


def _long_date(day: date) -> str:
    return date_format(day, r"j \d\e F \d\e Y").lower()


def values_for(escrito: Escrito, *, secretaria_nombre: str, today: date | None = None) -> dict:
    """The variables' values for an answer to `escrito` (a blocked petitioner's name stays
    masked: the template fills with the mask, never the data)."""
    petitioner = escrito.peticionario
    tramite = escrito.tramite if escrito.tramite_id else None
    return {
        "folio": escrito.folio,
        "peticionario": MASK if petitioner.is_blocked else petitioner.nombre,
        "fecha": _long_date(today or timezone.localdate()),
        "fecha_recepcion": _long_date(timezone.localdate(escrito.received_at)),
        "asunto": escrito.asunto,
        "tramite": tramite.nombre if tramite else "",
        "fundamento": (tramite.fundamento.strip() if tramite else "") or NO_FUNDAMENTO,
        "secretaria": secretaria_nombre,
    }


def templates_of(user):
    """The templates of the user's secretaría."""
    secretaria_id, _ = secretaria_of(user)
    return PlantillaRespuesta.objects.filter(secretaria_id=secretaria_id).select_related(
        "actualizada_por"
    )


@dataclass
class PlantillaData:
    nombre: str
    texto: str
    sense: str = ""
    activa: bool = True


@transaction.atomic
def plantilla_save(
    *, user, data: PlantillaData, plantilla_id: int | None = None
) -> PlantillaRespuesta:
    """Create or change a template of the user's own secretaría (titular or enlace)."""
    secretaria_id, _ = secretaria_of(user)
    if not has_role(user, *SECRETARIA_ROLES) or secretaria_id is None:
        raise PermissionDenied
    if unknown := unknown_variables(data.texto):
        raise ActionError(
            "Estas variables no existen: "
            + ", ".join("{" + v + "}" for v in unknown)
            + ". Use solo las de la lista."
        )
    if plantilla_id is None:
        plantilla = PlantillaRespuesta(secretaria_id=secretaria_id)
    else:
        plantilla = PlantillaRespuesta.objects.select_for_update().get(
            pk=plantilla_id, secretaria_id=secretaria_id
        )
    plantilla.nombre = data.nombre.strip()
    plantilla.texto = data.texto.strip()
    plantilla.sense = data.sense
    plantilla.activa = data.activa
    plantilla.actualizada_por = user
    plantilla.actualizada_en = timezone.now()
    try:
        with transaction.atomic():
            plantilla.save()
    except IntegrityError as exc:
        raise ActionError("Ya hay una plantilla con ese nombre en su secretaría.") from exc
    bitacora.record(
        action=Accion.PLANTILLA_GUARDAR,
        object_type="plantilla",
        object_ref=str(plantilla.pk),
        changes={"nombre": plantilla.nombre, "activa": plantilla.activa},
    )
    return plantilla
