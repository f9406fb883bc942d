import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Every view is imported now, as the worker starts, not during its first request (~200 ms):
# gunicorn replaces its workers now and then (max_requests), and whoever reaches a new one
# should not wait for it.
get_resolver().url_patterns  # noqa: B018
