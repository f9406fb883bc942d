"""The escrito's timeline: every step, with its bitácora entry, in the caller's transaction.

`escrito_step` runs one FSM transition of the escrito, saves it and records it; turnos has its
own `turno_step` on top of `transicion_record` for a turno's transitions.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from oficialia import bitacora
from oficialia.acciones import apply_transition, save_or_conflict
from oficialia.acciones_bitacora import Accion
from oficialia.suplencias import ausencia_label

from .models import Escrito, Transicion
from .signals import paso_publico_registrado, transicion_registrada


def actor_label(user) -> str:
    """Who did it, as the timeline names them; a suplente says for whom («Óscar Ruiz, por
    ausencia de Olga Méndez»)."""
    if user is None:
        return "Ciudadano"
    name = user.get_full_name() or user.get_username()
    ausencia = ausencia_label(user)
    return f"{name}, {ausencia}"[:150] if ausencia else name


def transicion_record(
    *,
    escrito: Escrito,
    action: Accion,
    description: str,
    actor=None,
    reason: str = "",
    turno=None,
    source: str = "",
    target: str = "",
    public: bool = True,
    at: datetime | None = None,
    notify: bool = True,
    changes: dict | None = None,
) -> Transicion:
    """Add a step to the escrito's timeline (or one of its turnos') and to the bitácora.

    `action` is the bitácora code; the timeline keeps the part after the dot. A public change
    of the escrito's own state is announced after commit (`paso_publico_registrado`), so the
    petitioner can be told. `changes` adds to what the bitácora entry records.
    """
    action = Accion(action)
    kind, step = action.value.split(".", 1)
    if kind != ("turno" if turno is not None else "escrito"):
        raise ValueError(f"{action} is not a step of {'a turno' if turno else 'the escrito'}")
    transicion = Transicion.objects.create(
        escrito=escrito,
        turno_id=turno.pk if turno is not None else None,
        secretaria_id=turno.secretaria_id if turno is not None else None,
        action=step,
        description=description[:250],
        source=source,
        target=target,
        actor=actor,
        actor_label=actor_label(actor),
        reason=reason,
        public=public,
        at=at or timezone.now(),
    )
    bitacora.record(
        action=action,
        object_type=kind,
        object_ref=str(turno.pk) if turno is not None else escrito.folio,
        folio=escrito.folio,
        changes={
            "descripcion": transicion.description,
            **({"de": source} if source else {}),
            **({"a": target} if target else {}),
            **({"motivo": reason} if reason else {}),
            **({"secretaria": turno.secretaria.nombre} if turno is not None else {}),
            **(changes or {}),
        },
        actor=actor,
    )
    transaction.on_commit(
        lambda: transicion_registrada.send(sender=Transicion, transicion_id=transicion.pk)
    )
    petitioner = escrito.peticionario
    if (
        notify
        and public
        and target
        and turno is None
        and petitioner.email
        and not petitioner.is_blocked
    ):
        transaction.on_commit(
            lambda: paso_publico_registrado.send(sender=Transicion, transicion_id=transicion.pk)
        )
    return transicion


def escrito_step(
    escrito: Escrito,
    transition: str,
    *,
    action: Accion,
    description: str,
    actor=None,
    reason: str = "",
    notify: bool = True,
) -> Transicion:
    """Run one FSM transition of the escrito, save it, and write its timeline and bitácora
    entries, all in the caller's transaction."""
    source, target = apply_transition(escrito, transition)
    save_or_conflict(escrito)
    return transicion_record(
        escrito=escrito,
        action=action,
        description=description,
        actor=actor,
        reason=reason,
        source=source,
        target=target,
        notify=notify,
    )
