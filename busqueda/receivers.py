"""Keep each escrito's search document current: every change that may alter what is found
reindexes the escrito after the commit. Blocking a petitioner's data is an update (no
signal), but it records a Transicion, which does."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from correspondencia.models import Adjunto, Escrito, Peticionario, Transicion
from turnos.models import Prevencion, Respuesta, Turno

from .indice import reindex_on_commit


@receiver(post_save, sender=Escrito, dispatch_uid="busqueda-escrito")
def _escrito_saved(sender, instance: Escrito, **kwargs) -> None:
    reindex_on_commit(instance.pk)


@receiver(post_save, sender=Peticionario, dispatch_uid="busqueda-peticionario")
def _peticionario_saved(sender, instance: Peticionario, created: bool, **kwargs) -> None:
    if created:
        return  # its escrito is saved next, and reindexed then
    for escrito_id in Escrito.objects.filter(peticionario=instance).values_list("pk", flat=True):
        reindex_on_commit(escrito_id)


@receiver(post_save, sender=Transicion, dispatch_uid="busqueda-transicion")
def _transicion_saved(sender, instance: Transicion, created: bool, **kwargs) -> None:
    # The filing stores its attachments in bulk (no signal) and records a transition: the
    # worker that reindexes the escrito queues their text too (busqueda.indice).
    reindex_on_commit(instance.escrito_id)


@receiver(post_save, sender=Turno, dispatch_uid="busqueda-turno")
def _turno_saved(sender, instance: Turno, **kwargs) -> None:
    reindex_on_commit(instance.escrito_id)


@receiver(post_save, sender=Respuesta, dispatch_uid="busqueda-respuesta")
@receiver(post_save, sender=Prevencion, dispatch_uid="busqueda-prevencion")
def _turno_text_saved(sender, instance, **kwargs) -> None:
    reindex_on_commit(
        Turno.objects.filter(pk=instance.turno_id).values_list("escrito_id", flat=True).first()
    )


@receiver(post_save, sender=Adjunto, dispatch_uid="busqueda-adjunto")
def _adjunto_saved(sender, instance: Adjunto, created: bool, **kwargs) -> None:
    if created:
        reindex_on_commit(instance.escrito_id)  # the worker queues its text first
