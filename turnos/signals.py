"""A change to the calendar of días inhábiles moves the due dates of the open turnos."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from oficialia.models import DiaInhabil


@receiver(pre_save, sender=DiaInhabil)
def _remember_old_range(sender, instance: DiaInhabil, **kwargs) -> None:
    old = DiaInhabil.objects.filter(pk=instance.pk).values_list("start", "end").first()
    instance._old_range = old


def _recompute(instance: DiaInhabil, verb: str) -> None:
    from .services import due_dates_recompute

    starts = [instance.start]
    ends = [instance.end]
    if getattr(instance, "_old_range", None):
        starts.append(instance._old_range[0])
        ends.append(instance._old_range[1])
    reason = f"Día inhábil {verb}: {instance}"
    start, end = min(starts), max(ends)
    transaction.on_commit(lambda: due_dates_recompute(reason=reason, start=start, end=end))


@receiver(post_save, sender=DiaInhabil)
def _after_save(sender, instance: DiaInhabil, created: bool, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # a restore loads the turnos with their due dates as they were
    _recompute(instance, "agregado" if created else "modificado")


@receiver(post_delete, sender=DiaInhabil)
def _after_delete(sender, instance: DiaInhabil, **kwargs) -> None:
    _recompute(instance, "eliminado")

