"""Emails of the citizen's account. Tasks take primary keys and call a service."""

from celery import shared_task

from correspondencia.tasks import RETRY

from . import services


@shared_task(**RETRY)
def send_verification_email(cuenta_id: int) -> None:
    services.verification_email_send(cuenta_id=cuenta_id)


@shared_task(**RETRY)
def send_account_exists_email(cuenta_id: int) -> None:
    services.account_exists_email_send(cuenta_id=cuenta_id)


@shared_task(**RETRY)
def send_arco_resolution_email(solicitud_id: int, address: str) -> None:
    # The address travels with the task: a cancellation has erased it from the account.
    services.arco_resolution_email_send(solicitud_id=solicitud_id, address=address)
