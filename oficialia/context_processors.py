from django.conf import settings


def oficialia(request) -> dict:
    return {"INSTITUCION": settings.INSTITUTION_NAME}
