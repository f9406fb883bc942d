"""A change to the calendar of días inhábiles moves the due dates of the open turnos."""

from datetime import date

from django.db import transaction

from correspondencia.models import Escrito
from correspondencia.transiciones import transicion_record
from oficialia.acciones_bitacora import Accion
from oficialia.calendario import BusinessCalendar

from .. import plazos
from ..models import OPEN_TURNO_STATES, Turno, TurnoKind


@transaction.atomic
def due_dates_recompute(*, reason: str, start: date, end: date) -> int:
    """After a día inhábil between `start` and `end` was added, changed or removed: compute
    again the due dates of the open turnos whose term spans it (not the ones fixed by hand)."""
    calendar = BusinessCalendar()
    changed = 0
    affected = Turno.objects.filter(
        state__in=OPEN_TURNO_STATES,
        kind=TurnoKind.ATENCION,
        due_date__gte=start,
        due_date_reason="",
        escrito__received_at__date__lte=end,
    )
    # Lock as every other service does: the escritos first (in a fixed order), then their
    # turnos. Locking a turno first and then touching its escrito (the Transicion's foreign
    # key takes a share lock on it) deadlocks with a service that holds the escrito and waits
    # for the turno.
    escrito_ids = list(
        Escrito.objects.select_for_update()
        .filter(pk__in=affected.values("escrito_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    turnos = (
        affected.filter(escrito_id__in=escrito_ids)
        .select_for_update(of=("self",))
        .select_related("escrito__tramite")
        .select_related("prorroga")
        .prefetch_related("prevenciones")
    )
    for turno in turnos:
        new_due = plazos.turno_due(turno, calendar).due
        if new_due is None or new_due == turno.due_date:
            continue
        old = turno.due_date
        Turno.objects.filter(pk=turno.pk).update(due_date=new_due)
        transicion_record(
            escrito=turno.escrito,
            turno=turno,
            action=Accion.TURNO_RECALCULAR,
            description=f"Fecha límite recalculada: del {old:%d/%m/%Y} al {new_due:%d/%m/%Y}",
            reason=reason,
        )
        changed += 1
    return changed
