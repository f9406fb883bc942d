"""Stand-ins (suplencias): who acts for whom while a titular or an enlace is away.

The rule, whole: a suplencia is in force from `desde` to `hasta` (both included, local days)
unless ended earlier; meanwhile the notices of the absent person go to the suplente, the
suplente holds the absent person's secretaría roles (so turnos and signature requests reach
them and they may act), and every act of the suplente says «por ausencia de …». It ends by
itself: nothing has to run at the end date. Naming and ending one: oficialia.suplencias_acciones.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .models import Suplencia
from .roles import SECRETARIA_MEMBERS, secretaria_of


def in_force(today: date | None = None) -> Q:
    """The suplencias in force on `today` (a filter on Suplencia)."""
    today = today or timezone.localdate()
    return Q(desde__lte=today, hasta__gte=today, terminada_en__isnull=True)


def stand_ins(users, today: date | None = None) -> dict[int, "Suplencia"]:
    """For each absent user among `users` (by pk), the suplencia in force."""
    ids = [u.pk for u in users]
    if not ids:
        return {}
    found = {}
    for s in (
        Suplencia.objects.filter(in_force(today), ausente_id__in=ids)
        .select_related("suplente", "ausente")
        .order_by("desde", "pk")
    ):
        found[s.ausente_id] = s  # the latest named wins when two overlap
    return found


def absent_for(user, today: date | None = None) -> list:
    """The people `user` stands in for today."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [
        s.ausente
        for s in Suplencia.objects.filter(in_force(today), suplente=user).select_related("ausente")
    ]


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def ausencia_label(user, today: date | None = None) -> str:
    """«por ausencia de Olga Ruiz» when `user` stands in for someone today, else ""."""
    names = [_name(u) for u in absent_for(user, today)]
    return f"por ausencia de {' y '.join(names)}" if names else ""


def staff_choices(user):
    """Whom `user` may name as suplente: the active members of their own secretaría."""
    secretaria_id, _ = secretaria_of(user)
    User = get_user_model()
    if secretaria_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            perfil__secretaria_id=secretaria_id,
            groups__name__in=[str(r) for r in SECRETARIA_MEMBERS],
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "username")
    )
