import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("oficialia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The worker and beat say they are alive (oficialia.salud, read by /healthz).
from oficialia.salud import connect_celery_signals  # noqa: E402

connect_celery_signals()
