"""Structured logs: one JSON object a line, each carrying the id of the request it belongs
to, in the web process and in the Celery tasks that request queued (the id travels in the
task's headers). A request brings its own X-Request-ID (from the proxy) or gets a new one;
the response says which it was."""

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "request_id"


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if VALID_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


@before_task_publish.connect(weak=False, dispatch_uid="oficialia-request-id-out")
def _send_request_id(headers=None, **kwargs) -> None:
    if headers is not None and _request_id.get():
        headers[HEADER] = _request_id.get()


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(weak=False, dispatch_uid="oficialia-request-id-in")
def _receive_request_id(task_id=None, task=None, **kwargs) -> None:
    request_id = getattr(task.request, HEADER, None) or (task.request.headers or {}).get(HEADER)
    _task_tokens[task_id] = _request_id.set(request_id or f"tarea-{task_id}")


@task_postrun.connect(weak=False, dispatch_uid="oficialia-request-id-done")
def _forget_request_id(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _request_id.reset(token)
        except ValueError:
            _request_id.set("")
