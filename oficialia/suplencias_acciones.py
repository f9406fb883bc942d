"""Naming a suplente and ending a suplencia early, each on record in the bitácora. The rule
of what a suplencia does is oficialia.suplencias."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from . import bitacora
from .acciones import ActionError
from .acciones_bitacora import Accion
from .models import Suplencia
from .roles import SECRETARIA_ROLES, has_role
from .suplencias import staff_choices


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
