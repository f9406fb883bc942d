"""Who may see and act on which escrito and turno: the secretaría permission rule, whole.

The roles and the secretaría a user belongs to are the kernel's (oficialia.roles); this module
decides what they open.
"""

from django.db.models import Q

from correspondencia.models import Escrito
from oficialia.roles import SECRETARIA_ROLES, SEE_ALL_ROLES, Role, roles_of, secretaria_of


def turnos_scope(user) -> Q:
    """The turnos a secretaría user may work: their secretaría's, and their area's if they
    have one (a turno without an area belongs to the whole secretaría)."""
    secretaria_id, area_id = secretaria_of(user)
    if secretaria_id is None:
        return Q(pk__in=[])
    scope = Q(secretaria_id=secretaria_id)
    if area_id is not None:
        scope &= Q(area_id=area_id) | Q(area__isnull=True)
    return scope


def can_work_turno(user, turno) -> bool:
    if not roles_of(user) & {str(r) for r in SECRETARIA_ROLES}:
        return False
    secretaria_id, area_id = secretaria_of(user)
    if secretaria_id != turno.secretaria_id:
        return False
    return area_id is None or turno.area_id in (None, area_id)


def alcance_of_turno(secretaria_id: int, area_id: int | None) -> list[str]:
    """The scope keys a turno gives its escrito: its secretaría's (`"5"`), and its area's
    (`"5:7"`) or, without an area, the whole secretaría's (`"5:"`). An escrito carries the keys
    of all its turnos (`busqueda` stores them on its search document)."""
    return [str(secretaria_id), f"{secretaria_id}:{area_id or ''}"]


def alcance_of_user(user) -> list[str]:
    """The keys of which an escrito must carry one for a secretaría user to see it through
    its turnos: the same rule as `turnos_scope`, on the keys of `alcance_of_turno`. Empty
    for a user without a secretaría role or without a secretaría."""
    if not roles_of(user) & {str(r) for r in SECRETARIA_ROLES}:
        return []
    secretaria_id, area_id = secretaria_of(user)
    if secretaria_id is None:
        return []
    if area_id is None:
        return [str(secretaria_id)]
    return [f"{secretaria_id}:{area_id}", f"{secretaria_id}:"]


def escritos_visible_q(user, *, by_turnos: bool = True) -> Q | None:
    """The condition on Escrito of what a staff user may open; None when it is every escrito.
    `by_turnos=False` leaves out what a secretaría user sees through its turnos (for a caller
    that matches `alcance_of_user` itself)."""
    roles = roles_of(user)
    if roles & {str(r) for r in SEE_ALL_ROLES}:
        return None
    visible = Q(pk__in=[])
    if str(Role.VENTANILLA) in roles:
        visible |= Q(captured_by=user)
    if by_turnos and roles & {str(r) for r in SECRETARIA_ROLES}:
        from .models import Turno

        visible |= Q(pk__in=Turno.objects.filter(turnos_scope(user)).values("escrito_id"))
    if str(Role.OPERATIVO) in roles:
        visible |= Q(turnos__tareas__assigned_to=user)
    return visible


def escritos_visible_to(user):
    """The escritos whose page (data and timeline) a staff user may open."""
    visible = escritos_visible_q(user)
    if visible is None:
        return Escrito.objects.all()
    return Escrito.objects.filter(visible).distinct()
