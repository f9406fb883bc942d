from turnos.permissions import turnos_scope

from .models import OPEN_STATES, Borrador, EstadoBorrador


def pending_for_titular(user):
    """The drafts awaiting this titular's signature, oldest first."""
    return (
        Borrador.objects.filter(estado=EstadoBorrador.EN_REVISION)
        .filter(turno__in=_turnos(user))
        .select_related("turno__escrito__peticionario", "turno__secretaria", "redactado_por")
        .order_by("redactado_en")
    )


def borrador_for_worker(user, borrador_id: int) -> Borrador | None:
    return (
        Borrador.objects.filter(turno__in=_turnos(user), pk=borrador_id)
        .select_related("turno__escrito__peticionario", "turno__secretaria")
        .first()
    )


def open_borrador(turno) -> Borrador | None:
    return Borrador.objects.filter(turno=turno, estado__in=OPEN_STATES).first()


def _turnos(user):
    from turnos.models import Turno

    return Turno.objects.filter(turnos_scope(user)).values("pk")
