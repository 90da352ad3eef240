"""/healthz for load balancers and monitors: checks the database and the task queue, needs no
sign-in, and says nothing beyond "ok" or "unavailable"."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _task_queue_ok() -> bool:
    from django.conf import settings

    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return True  # tasks run in-process: nothing separate to check
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.order_by().values("pk")[:1].exists()  # the queue's table answers
    return True


@login_not_required
@never_cache
@require_safe  # GET, and HEAD: load balancers probe with it
def healthz(request):
    try:
        healthy = _database_ok() and _task_queue_ok()
    except Exception:  # any failure is "unavailable"; the details go to the log, not the caller
        logger.exception("Health check failed")
        healthy = False
    if healthy:
        return HttpResponse("ok\n", content_type="text/plain")
    return HttpResponse("unavailable\n", status=503, content_type="text/plain")
