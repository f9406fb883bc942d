"""What the archive hears from the apps below it: each step of an escrito's life, and each
notification to the petitioner with its evidence."""

import logging

from django.dispatch import receiver

from correspondencia.models import Transicion
from correspondencia.signals import transicion_registrada
from notificaciones.signals import notificacion_registrada
from oficialia.acciones import ActionError

from .expedientes import escrito_classify, escrito_index, notificacion_index
from .originales import original_link_from_capture

logger = logging.getLogger(__name__)

# The step that opens the expediente: when the oficialía turns the escrito (LGA art. 29,
# control de gestión), it is classified in the serie proposed from its trámite.
CLASSIFY_ON = {"turnar"}


@receiver(transicion_registrada, dispatch_uid="archivo-expediente")
def _on_transicion(sender, transicion_id: int, **kwargs) -> None:
    step = (
        Transicion.objects.filter(pk=transicion_id)
        .values("escrito_id", "action", "turno_id")
        .first()
    )
    if step is None:
        return
    try:
        if step["action"] == "recibir":
            original_link_from_capture(escrito_id=step["escrito_id"])
        elif step["action"] in CLASSIFY_ON and step["turno_id"] is None:
            escrito_classify(escrito_id=step["escrito_id"])
        else:
            escrito_index(escrito_id=step["escrito_id"])
    except (ActionError, FileNotFoundError):
        # The step itself is committed; the expediente page shows what is missing.
        logger.exception("could not file escrito %s in its expediente", step["escrito_id"])


@receiver(notificacion_registrada, dispatch_uid="archivo-notificacion")
def _on_notificacion(sender, notificacion_id: int, escrito_id: int, **kwargs) -> None:
    """A cédula was printed or scanned back, or a notification practiced: its evidence goes
    into the escrito's expediente."""
    try:
        notificacion_index(notificacion_id=notificacion_id)
    except (ActionError, FileNotFoundError):
        logger.exception("could not file the notification %s of escrito %s",
                         notificacion_id, escrito_id)
