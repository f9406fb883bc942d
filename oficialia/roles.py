"""Staff roles. Each role is a Django group with the same name; a user may hold several."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse


class Role(models.TextChoices):
    VENTANILLA = "ventanilla", "Ventanilla"
    OFICIALIA = "oficialia", "Oficialía (turnador)"
    TITULAR = "titular", "Secretaría, titular"
    ENLACE = "enlace", "Secretaría, enlace"
    OPERATIVO = "operativo", "Personal operativo"
    CONTRALORIA = "contraloria", "Contraloría interna"
    ADMINISTRACION = "administracion", "Administración"
    ARCHIVOS = "archivos", "Coordinación de Archivos"
    TRANSPARENCIA = "transparencia", "Unidad de Transparencia"


# Who works a secretaría's turnos (the bandeja, answers, prevenciones): the permission rule
# of turnos.permissions and the recipients of its notices.
SECRETARIA_ROLES = (Role.TITULAR, Role.ENLACE)
# Everyone who belongs to a secretaría, the operational staff included.
SECRETARIA_MEMBERS = (Role.TITULAR, Role.ENLACE, Role.OPERATIVO)
# Roles that see every escrito: the oficialía routes them, the contraloría reviews them, the
# Coordinación de Archivos keeps their expedientes and originals.
SEE_ALL_ROLES = (Role.OFICIALIA, Role.CONTRALORIA, Role.ARCHIVOS)


ROLES_ATTRIBUTE = "_oficialia_roles"


def roles_of(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    # Read once per request (not cached on the session) so a role taken away applies at
    # once: the request's user object is new on every request, and a page asks several
    # times (the permission check, the menu, the selectors). A suplente also holds, while
    # the suplencia is in force, the secretaría roles of the person they stand in for
    # (oficialia.suplencias): still one query.
    roles = getattr(user, ROLES_ATTRIBUTE, None)
    if roles is None:
        from django.contrib.auth.models import Group
        from django.db.models import Q
        from django.utils import timezone

        today = timezone.localdate()
        standing_in = Q(
            name__in=[str(r) for r in SECRETARIA_ROLES],
            user__suplencias_dadas__suplente=user,
            user__suplencias_dadas__desde__lte=today,
            user__suplencias_dadas__hasta__gte=today,
            user__suplencias_dadas__terminada_en__isnull=True,
        )
        roles = frozenset(
            Group.objects.filter(name__in=Role.values)
            .filter(Q(user=user) | standing_in)
            .values_list("name", flat=True)
            .distinct()
        )
        setattr(user, ROLES_ATTRIBUTE, roles)
    return set(roles)


def forget_roles(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user whose groups change in this process reads them again (m2m_changed)."""
    if action.startswith("post_") and not reverse:
        instance.__dict__.pop(ROLES_ATTRIBUTE, None)


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})


def role_required(*roles: Role) -> Callable:
    """Anonymous users go to sign in; signed-in users without one of `roles` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def secretaria_of(user) -> tuple[int | None, int | None]:
    """(secretaría id, area id) of a staff user; (None, None) when they have none."""
    perfil = getattr(user, "perfil", None)
    if perfil is None:
        return None, None
    return perfil.secretaria_id, perfil.area_id
