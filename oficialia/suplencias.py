"""Stand-ins (suplencias): who acts for whom while a titular or an enlace is away.

The rule, whole: a suplencia is in force from `desde` to `hasta` (both included, local days)
unless ended earlier; meanwhile the notices of the absent person go to the suplente, the
suplente holds the absent person's secretaría roles (so turnos and signature requests reach
them and they may act), and every act of the suplente says «por ausencia de …». It ends by
itself: nothing has to run at the end date.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import bitacora
from .acciones import ActionError
from .acciones_bitacora import Accion
from .models import Suplencia
from .roles import SECRETARIA_MEMBERS, SECRETARIA_ROLES, has_role, secretaria_of


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


@transaction.atomic
def suplencia_name(*, user, suplente, desde: date, hasta: date, motivo: str = "") -> Suplencia:
    """A titular or an enlace names who acts for them while they are away."""
    if not has_role(user, *SECRETARIA_ROLES):
        raise ActionError("Solo un titular o un enlace nombra a su suplente.")
    if desde < timezone.localdate():
        raise ActionError("La suplencia no puede empezar en el pasado.")
    if hasta < desde:
        raise ActionError("La fecha final no puede ser anterior a la inicial.")
    if not staff_choices(user).filter(pk=suplente.pk).exists():
        raise ActionError("El suplente debe ser personal activo de su misma secretaría.")
    overlapping = Suplencia.objects.filter(
        ausente=user, terminada_en__isnull=True, desde__lte=hasta, hasta__gte=desde
    )
    if overlapping.exists():
        raise ActionError("Ya tiene una suplencia en esas fechas: termínela antes de nombrar otra.")
    if Suplencia.objects.filter(
        ausente=suplente, terminada_en__isnull=True, desde__lte=hasta, hasta__gte=desde
    ).exists():
        raise ActionError("Esa persona también estará ausente en esas fechas: elija a otra.")
    suplencia = Suplencia.objects.create(
        ausente=user,
        suplente=suplente,
        desde=desde,
        hasta=hasta,
        motivo=motivo.strip(),
        creada_por=user,
        creada_en=timezone.now(),
    )
    bitacora.record(
        action=Accion.SUPLENCIA_NOMBRAR,
        object_type="suplencia",
        object_ref=str(suplencia.pk),
        changes={
            "suplente": suplente.get_username(),
            "desde": desde.isoformat(),
            "hasta": hasta.isoformat(),
            **({"motivo": suplencia.motivo} if suplencia.motivo else {}),
        },
    )
    return suplencia


@transaction.atomic
def suplencia_end(*, suplencia_id: int, user) -> Suplencia:
    """The absent person (back early) ends the suplencia now."""
    suplencia = Suplencia.objects.select_for_update().get(pk=suplencia_id)
    if suplencia.ausente_id != user.pk:
        raise ActionError("Solo quien nombró al suplente termina su suplencia.")
    if suplencia.terminada_en is not None or suplencia.hasta < timezone.localdate():
        raise ActionError("Esa suplencia ya terminó.")
    suplencia.terminada_en = timezone.now()
    suplencia.save(update_fields=["terminada_en"])
    bitacora.record(
        action=Accion.SUPLENCIA_TERMINAR,
        object_type="suplencia",
        object_ref=str(suplencia.pk),
        changes={"suplente": suplencia.suplente.get_username()},
    )
    return suplencia

