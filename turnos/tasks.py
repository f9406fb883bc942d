from celery import shared_task

from correspondencia.tasks import RETRY

from . import services


@shared_task(acks_late=True)
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(**RETRY)
def email_notifications(ids: list[int]) -> int:
    return services.notifications_email(ids=ids)
