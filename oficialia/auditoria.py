"""Sign-ins, and every change to the catalogues, the calendar, users and roles, go to the
bitácora, wherever they are made (the admin, a command, the shell).

The kernel audits its own models and Django's users and groups; each app hands it its
catalogues with `audit_changes_of` in its AppConfig.ready.
"""

from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.forms.models import model_to_dict

from . import bitacora
from .acciones_bitacora import Accion

# Fields whose changes are not recorded: the login time changes at every sign-in, and the
# password hash must not be copied anywhere (its change is recorded, not its value).
QUIET_FIELDS = {"last_login", "password"}


def _snapshot(instance) -> dict:
    return {k: v for k, v in model_to_dict(instance).items() if not isinstance(v, list)}


def _before_save(sender, instance, **kwargs) -> None:
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._bitacora_before = _snapshot(old) if old is not None else None


def _after_save(sender, instance, created: bool, **kwargs) -> None:
    before = getattr(instance, "_bitacora_before", None)
    after = _snapshot(instance)
    if created or before is None:
        changes = {k: v for k, v in after.items() if k not in QUIET_FIELDS}
        action = Accion.CATALOGO_AGREGAR
    else:
        changes = {
            k: [before.get(k), v]
            for k, v in after.items()
            if before.get(k) != v and k not in QUIET_FIELDS
        }
        if before.get("password") != after.get("password"):
            changes["password"] = "cambiada"
        if not changes:
            return  # only the sign-in time moved
        action = Accion.CATALOGO_CAMBIAR
    bitacora.record(
        action=action,
        object_type=sender._meta.model_name,
        object_ref=str(instance.pk),
        changes={"objeto": str(instance)[:150], **changes},
    )


def _after_delete(sender, instance, **kwargs) -> None:
    bitacora.record(
        action=Accion.CATALOGO_ELIMINAR,
        object_type=sender._meta.model_name,
        object_ref=str(instance.pk),
        changes={"objeto": str(instance)[:150]},
    )


def _roles_changed(sender, instance, action: str, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, User):
        names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
        user = instance
    else:  # group.user_set changed
        names = [instance.name]
        user = None
    bitacora.record(
        action=Accion.USUARIO_ROLES,
        object_type="usuario",
        object_ref=str(user.pk) if user else f"grupo {instance.pk}",
        changes={
            "usuario": user.get_username() if user else "",
            {"post_add": "agregados", "post_remove": "quitados", "post_clear": "todos quitados"}[
                action
            ]: names,
        },
    )


def audit_changes_of(*models) -> None:
    """Record every add, change and delete of these catalogue models in the bitácora."""
    for model in models:
        uid = f"bitacora-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")


def connect() -> None:
    """The kernel's own: the calendar, users and their roles."""
    from .models import AcuerdoInhabil, DiaInhabil

    audit_changes_of(AcuerdoInhabil, DiaInhabil, User, Group)
    m2m_changed.connect(_roles_changed, sender=User.groups.through, dispatch_uid="bitacora-roles")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    bitacora.record(
        action=Accion.SESION_ENTRAR, object_type="usuario", object_ref=user.pk, actor=user
    )


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        bitacora.record(
            action=Accion.SESION_SALIR, object_type="usuario", object_ref=user.pk, actor=user
        )


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # The password is never recorded; the name typed is.
    username = str(credentials.get("username", ""))[:150]
    bitacora.record(
        action=Accion.SESION_FALLIDA,
        object_type="usuario",
        object_ref=username[:60],
        changes={"usuario": username},
        actor=None,
        actor_label=f"Intento como «{username}»"[:150],
    )
