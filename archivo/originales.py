"""Paper originals: the box each one is kept in, and the loans of an expediente's paper with
their reminders. The loan ledger is the Prestamo table itself (rows are never deleted)."""

import re
from datetime import date

from celery import shared_task
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from correspondencia.models import Escrito
from oficialia import bitacora
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.avisos import staff_notify, users_with_roles
from oficialia.colas import RETRY
from oficialia.roles import Role

from .models import Caja, Expediente, Prestamo, UbicacionOriginal

_LEGAJO = re.compile(r"^[\s,;:-]*(?:legajo\s*)?(?P<legajo>.*)$", re.IGNORECASE)


def place_from_text(text: str) -> tuple[Caja, str] | None:
    """The box named at the start of what the ventanilla typed («AT-E02-C014, legajo 4»),
    and the rest as the legajo; None when it names no box."""
    text = text.strip()
    if not text:
        return None
    head = re.split(r"[\s,;]", text, maxsplit=1)[0].upper()
    caja = Caja.objects.filter(etiqueta=head).first()
    if caja is None:
        return None
    match = _LEGAJO.match(text[len(head) :])
    return caja, (match.group("legajo").strip() if match else "")[:40]


@transaction.atomic
def original_place(
    *, escrito_id: int, caja: Caja, legajo: str = "", user=None
) -> UbicacionOriginal:
    """Record the box (and legajo) the escrito's paper original is kept in; the escrito's
    place text follows, with a history entry."""
    escrito = Escrito.objects.select_for_update(of=("self",)).get(pk=escrito_id)
    ubicacion, _ = UbicacionOriginal.objects.update_or_create(
        escrito=escrito, defaults={"caja": caja, "legajo": legajo.strip()[:40]}
    )
    text = str(ubicacion)
    if escrito.ubicacion_original != text:
        escrito.ubicacion_original = text
        escrito._change_reason = "Ubicación del original"
        if user is not None:
            escrito._history_user = user
        escrito.save(update_fields=["ubicacion_original"])
    bitacora.record(
        action=Accion.ORIGINAL_UBICAR,
        object_type="escrito",
        object_ref=escrito.folio,
        folio=escrito.folio,
        changes={"caja": caja.etiqueta, "legajo": ubicacion.legajo},
        actor=user,
    )
    return ubicacion


def original_link_from_capture(*, escrito_id: int) -> UbicacionOriginal | None:
    """At capture: if the ventanilla typed a box's label as the place, link the original."""
    # values_list, not only(): the escrito's FSM mixin would read its deferred state again.
    written = Escrito.objects.filter(pk=escrito_id).values_list("ubicacion_original", flat=True)
    # An online filing has no paper: nothing more to look up.
    place = place_from_text(written.first() or "")
    if place is None or UbicacionOriginal.objects.filter(escrito_id=escrito_id).exists():
        return None
    caja, legajo = place
    ubicacion, _ = UbicacionOriginal.objects.get_or_create(
        escrito_id=escrito_id, defaults={"caja": caja, "legajo": legajo}
    )
    return ubicacion


@transaction.atomic
def prestamo_open(*, expediente_id: int, solicitante, motivo: str, vence: date, user) -> Prestamo:
    motivo = " ".join(motivo.split())
    if not motivo:
        raise ActionError("Escriba para qué se presta el expediente.")
    if vence < timezone.localdate():
        raise ActionError("La fecha de devolución no puede haber pasado ya.")
    expediente = Expediente.objects.select_for_update().get(pk=expediente_id)
    try:
        with transaction.atomic():
            prestamo = Prestamo.objects.create(
                expediente=expediente,
                solicitante=solicitante,
                motivo=motivo,
                prestado_en=timezone.now(),
                vence=vence,
                prestado_por=user,
            )
    except IntegrityError as exc:
        raise ActionError(
            "Ese expediente ya está prestado: registre primero su devolución."
        ) from exc
    bitacora.record(
        action=Accion.PRESTAMO_PRESTAR,
        object_type="expediente",
        object_ref=expediente.numero,
        changes={"solicitante": solicitante.get_username(), "vence": vence.isoformat()},
        actor=user,
    )
    return prestamo


@transaction.atomic
def prestamo_return(*, prestamo_id: int, user) -> Prestamo:
    prestamo = Prestamo.objects.select_for_update().select_related("expediente").get(pk=prestamo_id)
    if prestamo.devuelto_en is not None:
        raise ActionError("Ese préstamo ya se devolvió.")
    prestamo.devuelto_en = timezone.now()
    prestamo.recibido_por = user
    prestamo.save(update_fields=["devuelto_en", "recibido_por"])
    bitacora.record(
        action=Accion.PRESTAMO_DEVOLVER,
        object_type="expediente",
        object_ref=prestamo.expediente.numero,
        changes={"dias_tarde": max(0, (timezone.localdate() - prestamo.vence).days)},
        actor=user,
    )
    return prestamo


def prestamos_remind(*, today: date | None = None) -> int:
    """Remind, once a day, whoever holds an expediente's paper on its due date and every day
    after; an overdue one also tells the Coordinación de Archivos. Returns how many."""
    today = today or timezone.localdate()
    sent = 0
    due = Prestamo.objects.filter(devuelto_en__isnull=True, vence__lte=today).exclude(
        recordado_el=today
    )
    for prestamo in due.select_related("expediente", "solicitante"):
        with transaction.atomic():
            claimed = (
                Prestamo.objects.filter(pk=prestamo.pk)
                .exclude(recordado_el=today)
                .update(recordado_el=today)
            )
            if not claimed:
                continue
            numero = prestamo.expediente.numero
            url = reverse("archivo_prestamos")
            if prestamo.vence == today:
                staff_notify(
                    [prestamo.solicitante], f"Hoy debe devolver el expediente {numero}", url
                )
            else:
                days = (today - prestamo.vence).days
                text = f"El expediente {numero} debió devolverse hace {days} día{'s' * (days != 1)}"
                staff_notify([prestamo.solicitante, *users_with_roles(Role.ARCHIVOS)], text, url)
            sent += 1
    return sent


@shared_task(name="archivo.tasks.remind_loans", **RETRY)
def remind_loans() -> int:
    return prestamos_remind()
