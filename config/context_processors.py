from django.conf import settings

from oficialia.avisos import unread_count
from oficialia.roles import roles_of


def oficialia(request) -> dict:
    context = {
        "INSTITUCION": settings.INSTITUTION_NAME,
        # Every short privacy notice names the responsable and where it is (LGPDPPSO art. 22).
        "DOMICILIO": settings.INSTITUTION_ADDRESS,
        "staff_roles": set(),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["staff_roles"] = roles_of(user)
        context["unread_notifications"] = unread_count(user)
    return context
