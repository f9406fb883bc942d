"""Listens to the escrito's log (correspondencia's Transicion rows): each public change of
state of an institution's escrito becomes a webhook event, in the same transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from correspondencia.models import Transicion


@receiver(post_save, sender=Transicion, dispatch_uid="interoperabilidad-webhooks")
def _transicion_to_event(sender, instance: Transicion, created: bool, raw=False, **kwargs):
    if not created or raw or instance.turno_id is not None or not instance.public:
        return
    from .webhooks import EVENTO_DE_ESTADO, event_record

    evento = EVENTO_DE_ESTADO.get(instance.target)
    if evento is None or evento == EVENTO_DE_ESTADO["recibido"]:
        # "Received" is announced by the API filing itself, once the escrito has its owner.
        return
    event_record(escrito=instance.escrito, evento=evento, transicion=instance)
