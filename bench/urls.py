"""The product's URLs, plus the floor view the filing figure is compared with."""

from django.urls import path

from config.urls import handler403, handler404
from config.urls import urlpatterns as product_urlpatterns

from .floor import FLOOR_PATH, floor_view

urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor_view), *product_urlpatterns]

__all__ = ["handler403", "handler404", "urlpatterns"]
