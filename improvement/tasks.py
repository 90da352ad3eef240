"""Background work of the core: large exports of the action table, requested and built; uploaded
inspection reports, read."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext

from .exports import export_filename, write_export
from .models import Export

logger = logging.getLogger(__name__)


def request_export(plan, fmt, *, as_of, query, user) -> Export:
    """An ``Export`` to build in the background once the request's transaction commits, in the
    language the requester's page is in (its headings and sheet name)."""
    export = Export.objects.create(plan=plan, requested_by=user, format=fmt, query=query, as_of=as_of,
                                   filename=export_filename(plan, as_of, fmt),
                                   language=translation.get_language() or "")
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
        with translation.override(export.language or export.requested_by.language or settings.LANGUAGE_CODE):
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


def request_report_reading(record, language: str = "") -> None:
    """Read an uploaded report's pages in the background once the upload's transaction commits
    (a long PDF takes seconds, more than a request should); its messages are in ``language``, the
    uploader's."""
    transaction.on_commit(lambda: read_report_import.enqueue(record.pk, language))


@task
def read_report_import(import_id: int, language: str = "") -> str:
    """Read one uploaded report's text and find its recommendations, exactly once however many
    workers pick it up. A report that cannot be read fails with the reason, in words for the
    manager; nothing is written to the plan either way."""
    from .models import ReportImport

    record = ReportImport.objects.filter(pk=import_id).select_related("uploaded_by").first()
    if record is None or not record.claim():
        return f"report import {import_id} was already taken or has gone"
    # What the reading says (why a report was refused, its default title) is in the uploader's language.
    with translation.override(language or record.uploaded_by.language or settings.LANGUAGE_CODE):
        return _read_report(record)


def _read_report(record) -> str:
    from .clock import today
    from .importing import report
    from .importing.readers import ReadError
    from .models import ReportImport, Source

    try:
        lines = report.read_report(record.filename, bytes(record.data))
        reading = report.find_recommendations(lines)
    except Exception as error:
        refused = isinstance(error, ReadError)  # what is wrong with the file, in words for the manager
        if not refused:
            logger.exception("Reading report import %s failed", record.pk)
        message = str(error) if refused else gettext(
            "The report could not be read because of a fault on our side, which has been logged. Upload it "
            "again; if the same happens, tell your administrator.")
        ReportImport.objects.filter(pk=record.pk).update(status=ReportImport.Status.FAILED,
                                                         finished_at=timezone.now(), error=message)
        return "refused" if refused else "failed"
    # A report without a title of its own is named in the uploader's language, kind and all.
    title = record.title or reading.title or gettext("%(kind)s report (%(filename)s)") % {
        "kind": Source.Kind(record.kind).label, "filename": record.filename}
    ReportImport.objects.filter(pk=record.pk).update(
        lines=report.lines_to_json(lines), key=record.key or report.default_key(record.kind, reading, today()),
        title=title[:300], published=reading.published, status=ReportImport.Status.READY,
        finished_at=timezone.now())
    return "ready"
