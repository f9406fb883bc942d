"""Running a use case's state transition, the same way in every app.

An FSM transition that is not allowed now, or a save that lost a race with another person
(`ConcurrentTransitionMixin`), becomes an `ActionError` whose message tells the person what
to do; views show it as it is.
"""

from django.db import models
from django_fsm import ConcurrentTransition, FSMFieldMixin, TransitionNotAllowed


class ActionError(Exception):
    """An action that cannot be done now, with the message to show (in Spanish)."""


def _state_field(obj: models.Model) -> str:
    for field in obj._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            return field.name
    raise TypeError(f"{type(obj).__name__} has no FSM field")


def apply_transition(obj: models.Model, transition: str) -> tuple[str, str]:
    """Run `obj.<transition>()` and return (source, target) states; not saved."""
    field = _state_field(obj)
    source = getattr(obj, field)
    try:
        getattr(obj, transition)()
    except TransitionNotAllowed as exc:
        label = getattr(obj, f"get_{field}_display")()
        raise ActionError(
            f"No se puede hacer esto ahora: está en estado «{label}». Recargue la página para "
            "ver su situación actual."
        ) from exc
    return source, getattr(obj, field)


def save_or_conflict(obj: models.Model, **kwargs) -> None:
    """Save a transitioned object; someone else having changed it meanwhile is an ActionError."""
    try:
        obj.save(**kwargs)
    except ConcurrentTransition as exc:
        raise ActionError(
            "Otra persona cambió este asunto al mismo tiempo. Recargue la página y revise."
        ) from exc
