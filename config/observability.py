"""Request ids and structured logs, so one request can be followed across app processes and
the task worker.

Each request gets an id (a valid incoming ``X-Request-ID`` from the proxy, else a new one), sent
back in the response header and added to every log record written while it is handled. With
``LOG_FORMAT=json`` (the production default) each record is one JSON object per line on
standard output, and each request adds one access line (method, path, status, milliseconds and
the signed-in user's id), so gunicorn's own access log is not needed.
"""

import contextvars
import json
import logging
import re
import time
import uuid

# One line per request (method, path, status, ms, user). Named for the service, not this module, so
# that log queries and alerts written before the move to config/ still find it.
access_log = logging.getLogger("improvement.access")
# user_id: who read or changed what, by id (names change and are personal data); null when signed out.
ACCESS_FIELDS = ("method", "path", "status", "ms", "user_id")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1), "user_id": _user_id(request)})
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _user_id(request) -> int | None:
    """The signed-in user's id as the request ends (after sign-in, the new user; after sign-out, none).
    Requests that never reach the authentication middleware (static files) have none."""
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({key: getattr(record, key) for key in ACCESS_FIELDS if hasattr(record, key)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
