"""Background work of the core: large exports of the action table, requested and built."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .exports import export_filename, write_export
from .models import Export

logger = logging.getLogger(__name__)


def request_export(plan, fmt, *, as_of, query, user) -> Export:
    """An ``Export`` to build in the background once the request's transaction commits."""
    export = Export.objects.create(plan=plan, requested_by=user, format=fmt, query=query, as_of=as_of,
                                   filename=export_filename(plan, as_of, fmt))
    transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


@task
def build_export(export_id: int) -> str:
    """Build one requested export, exactly once however many workers pick it up; exports past
    their day are deleted first, files and all."""
    Export.objects.expired().delete_with_files()
    export = Export.objects.select_related("plan__rag_scheme").filter(pk=export_id).first()
    if export is None or not export.claim():
        return f"export {export_id} was already taken or has gone"
    try:
        write_export(export)
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(status=Export.Status.READY, finished_at=timezone.now(),
                                                       file=export.file.name, rows=export.rows)
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        if export.file:
            export.file.delete(save=False)
        export.fail(error)
        return "failed"
    return "ready"
