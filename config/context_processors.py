from django.conf import settings

from oficialia.roles import roles_of


def oficialia(request) -> dict:
    context = {"INSTITUCION": settings.INSTITUTION_NAME, "staff_roles": set()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from turnos.models import Notificacion

        context["staff_roles"] = roles_of(user)
        context["unread_notifications"] = Notificacion.objects.filter(
            user=user, read_at__isnull=True
        ).count()
    return context
