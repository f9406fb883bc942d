"""Bulk work on the desks: route many escritos, accept or assign many turnos at once.

Each item goes through the same single-item use case, in its own transaction: it gets its
own transition, timeline and bitácora entry, and one that fails is reported with its reason
without undoing the others. Never call these inside an open transaction (a failure would
then leave it unusable for the rest).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

from correspondencia.models import Escrito
from oficialia.acciones import ActionError

from ..models import Turno, TurnoKind
from .comun import Route
from .oficialia import escrito_turn
from .secretaria import tarea_assign, turno_accept

# At most this many items per request: a desk page shows fewer; a bigger post is refused.
MAX_ITEMS = 200


@dataclass
class Fallo:
    folio: str
    motivo: str


@dataclass
class Lote:
    """What a bulk action did: the folios done and, for each one that failed, why."""

    hechos: list[str] = field(default_factory=list)
    fallos: list[Fallo] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.hechos) + len(self.fallos)


def _each(ids: Iterable[int], folio_of: Callable[[int], str], action: Callable[[int], object]):
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ActionError("Marque al menos uno.")
    if len(ids) > MAX_ITEMS:
        raise ActionError(f"Marque a lo más {MAX_ITEMS} a la vez.")
    lote = Lote()
    for item_id in ids:
        folio = folio_of(item_id)
        try:
            action(item_id)
        except ActionError as exc:
            lote.fallos.append(Fallo(folio, str(exc)))
        except PermissionDenied:
            lote.fallos.append(Fallo(folio, "No tiene permiso para hacerlo en este."))
        except ObjectDoesNotExist:
            lote.fallos.append(Fallo(folio, "Ya no existe."))
        else:
            lote.hechos.append(folio)
    return lote


def _escrito_folio(escrito_id: int) -> str:
    return Escrito.objects.filter(pk=escrito_id).values_list("folio", flat=True).first() or str(
        escrito_id
    )


def _turno_folio(turno_id: int) -> str:
    return Turno.objects.filter(pk=turno_id).values_list(
        "escrito__folio", flat=True
    ).first() or str(turno_id)


def escritos_turn(
    *,
    escrito_ids: Iterable[int],
    user,
    secretaria,
    instruccion: str = "",
    kind: str = TurnoKind.ATENCION,
) -> Lote:
    """Route each escrito to the same secretaría with the same instruction (each with its
    own computed due date)."""
    route = Route(secretaria=secretaria, kind=kind, instruccion=instruccion.strip())
    return _each(
        escrito_ids,
        _escrito_folio,
        lambda escrito_id: escrito_turn(escrito_id=escrito_id, user=user, routes=[route]),
    )


def turnos_accept(*, turno_ids: Iterable[int], user) -> Lote:
    return _each(
        turno_ids, _turno_folio, lambda turno_id: turno_accept(turno_id=turno_id, user=user)
    )


def turnos_assign(
    *, turno_ids: Iterable[int], user, assignee, descripcion: str, due_date: date
) -> Lote:
    """The same task, to the same person, on each turno."""
    return _each(
        turno_ids,
        _turno_folio,
        lambda turno_id: tarea_assign(
            turno_id=turno_id,
            user=user,
            assignee=assignee,
            descripcion=descripcion,
            due_date=due_date,
        ),
    )
