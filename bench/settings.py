"""The product settings, with the bench URLconf (the product URLs plus the floor view).

Everything else (middleware, database, cache, Celery) is exactly what config.settings
reads from the environment that bench/filing.py prepares.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

ROOT_URLCONF = "bench.urls"

# The bench runs no collectstatic, so the manifest storage would fail on the first page that
# uses {% static %} (only an invalid form renders one: the bench then shows its errors).
# Neither measured path renders a page.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
