"""What turnos announces to the app that keeps the legal notifications (above it)."""

from django.dispatch import Signal

# An act that must reach the petitioner was made (a prevención, an answer, an acuerdo de no
# presentado, a prórroga), inside the caller's transaction. Keyword arguments: acto (one of
# ACTOS), escrito_id, prevencion_id, respuesta_id, prorroga_id, actor. The app that keeps the
# legal notifications records it and answers how it will be made known (a sentence for staff).
acto_por_notificar = Signal()

ACTOS = ("prevencion", "respuesta", "acuerdo", "prorroga")


def act_announce(
    acto: str,
    *,
    escrito_id: int,
    actor=None,
    prevencion_id: int | None = None,
    respuesta_id: int | None = None,
    prorroga_id: int | None = None,
) -> str:
    """Announce an act to be notified; returns how it will reach the petitioner, as the
    listener words it ("" when nobody keeps notifications)."""
    if acto not in ACTOS:
        raise ValueError(acto)
    answers = acto_por_notificar.send(
        sender=None,
        acto=acto,
        escrito_id=escrito_id,
        actor=actor,
        prevencion_id=prevencion_id,
        respuesta_id=respuesta_id,
        prorroga_id=prorroga_id,
    )
    return next((str(answer) for _, answer in answers if answer), "")
