"""What the desk writes: only the record of its own exports (it changes nothing else)."""

from oficialia import bitacora
from oficialia.acciones_bitacora import Accion
from oficialia.models import Bitacora

from .selectors import BitacoraFilters


def bitacora_export(*, user, filters: BitacoraFilters) -> Bitacora:
    """Record that `user` exported the bitácora, and with which filters. The entry is also the
    export's cut: the file holds the entries before it (contraloria.selectors)."""
    return bitacora.record(
        action=Accion.BITACORA_EXPORTAR,
        object_type="bitacora",
        folio=filters.folio,
        changes={"filtros": filters.described(), "formato": "csv"},
        actor=user,
    )
