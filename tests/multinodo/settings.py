"""The product's settings for the nodes the harness starts, read from the same environment.

One change: the static files come from the source folders through WhiteNoise's finders instead
of a collectstatic run (minutes on a busy machine), so every node serves the same bytes from the
same files, as every node of a deployment serves the same collected, hashed files of its image.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
