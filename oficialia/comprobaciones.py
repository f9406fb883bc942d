"""`manage.py check --deploy`: what would keep a node from being one of several."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Rate limits and caches in one process's memory are counted per process: behind a load
    balancer every node (and every gunicorn worker) would keep its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "La caché es la memoria de cada proceso: con varios procesos o nodos cada uno "
                "cuenta sus propios límites de intentos.",
                hint="Fije REDIS_URL (la caché compartida de todos los nodos).",
                id="oficialia.W001",
            )
        ]
    return []
