"""Suppress the petitioner data that an ARCO cancellation blocked, once the archival retention
of its escrito has ended. Dry-run unless --aplicar; every suppression goes on the bitácora."""

import logging

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from correspondencia.models import Escrito, Peticionario
from correspondencia.retencion import retention_ends
from oficialia import bitacora
from oficialia.acciones_bitacora import Accion

logger = logging.getLogger(__name__)

SUPPRESSED = "[Datos suprimidos]"
PERSONAL_FIELDS = {
    "nombre": SUPPRESSED,
    "email": "",
    "telefono": "",
    "curp": "",
    "rfc": "",
    "domicilio": "",
    "genero": "",
}


class Command(BaseCommand):
    help = (
        "Suprime los datos de peticionario bloqueados (cancelación ARCO) de los escritos cuya "
        "conservación archivística terminó. Sin --aplicar solo informa."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--aplicar", action="store_true", help="Suprimir de verdad (si no, solo informa)."
        )

    def handle(self, *args, aplicar: bool = False, **options) -> None:
        today = timezone.localdate()
        blocked = (
            Escrito.objects.filter(
                peticionario__bloqueado_at__isnull=False, peticionario__suprimido_at__isnull=True
            )
            .select_related("peticionario")
            .order_by("pk")
        )
        due, waiting = [], 0
        for escrito in blocked:
            ends = retention_ends(escrito)
            if ends is not None and ends <= today:
                due.append(escrito)
            else:
                waiting += 1
        verb = "Se suprimieron" if aplicar else "Se suprimirían"
        for escrito in due:
            if aplicar:
                peticionario_suppress(escrito=escrito)
            self.stdout.write(f"{escrito.folio}: {verb.lower()} los datos del peticionario")
        summary = (
            f"{verb} los datos de {len(due)} escrito(s); {waiting} bloqueado(s) siguen en su "
            "plazo de conservación."
        )
        if not aplicar:
            summary += " Nada cambió: use --aplicar para suprimir."
        logger.info(summary)
        self.stdout.write(summary)


@transaction.atomic
def peticionario_suppress(*, escrito: Escrito) -> None:
    """Empty the petitioner's data of one escrito, in the row and its history."""
    now = timezone.now()
    pk = escrito.peticionario_id
    Peticionario.objects.filter(pk=pk).update(**PERSONAL_FIELDS, suprimido_at=now)
    Peticionario.history.filter(id=pk).update(**PERSONAL_FIELDS)
    bitacora.record(
        action=Accion.DATOS_SUPRIMIR,
        object_type="escrito",
        object_ref=escrito.folio,
        folio=escrito.folio,
        changes={"bloqueado_el": escrito.peticionario.bloqueado_at.isoformat()},
        actor=None,
    )
