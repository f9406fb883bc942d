"""Which expedientes a staff user may read: the archive's keepers and readers all of them; a
secretaría's titular and enlace those that hold an escrito turned to their secretaría (the
same rule that opens them the escrito, turnos.permissions), read-only."""

from django.db.models import QuerySet
from django.http import Http404

from oficialia.roles import SECRETARIA_ROLES, Role, roles_of
from turnos.models import Turno
from turnos.permissions import turnos_scope

from .models import Expediente

# Who reads every expediente: the archivists keep them, the oficialía files into them, the
# contraloría reviews them.
READERS = (Role.ARCHIVOS, Role.OFICIALIA, Role.CONTRALORIA)


def expedientes_visible_to(user) -> QuerySet[Expediente]:
    roles = roles_of(user)
    if roles & {str(r) for r in READERS}:
        return Expediente.objects.all()
    if roles & {str(r) for r in SECRETARIA_ROLES}:
        escritos = Turno.objects.filter(turnos_scope(user)).values("escrito_id")
        return Expediente.objects.filter(
            pk__in=Expediente.objects.filter(escritos__escrito_id__in=escritos).values("pk")
        )
    return Expediente.objects.none()


def expediente_for_staff(user, numero: str) -> Expediente:
    """The expediente if the user may read it; 404 otherwise (its existence is not revealed)."""
    expediente = (
        expedientes_visible_to(user)
        .select_related("serie__seccion__fondo", "secretaria", "serie__padre", "acumulado_a")
        .filter(numero=numero)
        .first()
    )
    if expediente is None:
        raise Http404
    return expediente
