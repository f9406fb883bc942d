"""The product's URLs, plus the floor views the benchmarks compare it with."""

from django.urls import path

from config.urls import handler403, handler404
from config.urls import urlpatterns as product_urlpatterns

from .floor import (
    FLOOR_PATH,
    LOOKUP_FLOOR_PATH,
    STATIC_FLOOR_PATH,
    floor_view,
    lookup_floor_view,
    static_floor_view,
)

urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", floor_view),
    path(LOOKUP_FLOOR_PATH.strip("/") + "/", lookup_floor_view),
    path(STATIC_FLOOR_PATH.strip("/") + "/<int:size>/", static_floor_view),
    *product_urlpatterns,
]

__all__ = ["handler403", "handler404", "urlpatterns"]
