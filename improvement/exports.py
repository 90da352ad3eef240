"""Exports of the action table, with its filters: CSV streams as the rows are read, however
many; an XLSX workbook of up to INLINE_XLSX_ROWS rows is made in the request, a larger one in
the background (an ``Export``, built by ``improvement.tasks.build_export``)."""

import tempfile

from django.core.files import File
from django.db import transaction
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils.text import get_valid_filename, slugify

from .filters import ActionFilter
from .lib.spreadsheets import XLSX_TYPE, csv_lines, xlsx_bytes, xlsx_write
from .models import Action, Export

INLINE_XLSX_ROWS = 5000

EXPORT_HEADER = [
    "Number", "Theme", "Objective", "Action", "Leads", "Lead agency", "Timescale", "Due date",
    "Revised due date", "Status", "Status meaning", "Updated this period", "Overdue",
    "References", "Measures of success", "Cost",
]


def table_actions(plan, as_of):
    """The action table's rows before filtering."""
    return Action.objects.filter(plan=plan).for_table(plan.current_period, as_of)


def export_rows(actions):
    for action in actions.iterator(chunk_size=2000):
        status = action.current_status
        yield [
            action.number,
            str(action.theme),
            str(action.objective) if action.objective else "",
            action.description,
            "; ".join(post.title for post in action.lead_posts.all()),
            action.lead_agency,
            action.timescale,
            action.due_date,
            action.revised_due_date,
            status.label if status else "No update yet",
            status.meaning if status else "",
            "Yes" if action.has_update_in_period else "No",
            "Yes" if action.is_overdue else "No",
            "; ".join(str(r) for r in action.recommendations.all()),
            action.measures,
            action.cost,
        ]


def export_filename(plan, as_of, fmt):
    return get_valid_filename(f"{slugify(plan.name)}-actions-{as_of:%Y-%m-%d}") + f".{fmt}"


def export_response(plan, actions, fmt, *, as_of, query, user):
    """The export as a response: CSV streamed; XLSX at once when small, else an ``Export``
    queued for the background (the caller shows its page)."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(EXPORT_HEADER, export_rows(actions)),
                                         content_type="text/csv; charset=utf-8")
    elif actions.count() > INLINE_XLSX_ROWS:
        return request_export(plan, fmt, as_of=as_of, query=query, user=user)
    else:
        response = HttpResponse(xlsx_bytes([("Actions", EXPORT_HEADER, export_rows(actions))]),
                                content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(plan, as_of, fmt)}"'
    return response


def request_export(plan, fmt, *, as_of, query, user) -> Export:
    from .tasks import build_export

    export = Export.objects.create(plan=plan, requested_by=user, format=fmt, query=query, as_of=as_of,
                                   filename=export_filename(plan, as_of, fmt))
    transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


def write_export(export) -> None:
    """Build the export's file from its plan and filters (in the background task)."""
    filters = ActionFilter(QueryDict(export.query), queryset=table_actions(export.plan, export.as_of),
                           plan=export.plan, as_of=export.as_of)
    if not filters.is_valid():
        raise ValueError("the filters could not be read: " + "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items()))
    actions = filters.qs.order_by("number_sort")
    with tempfile.TemporaryFile() as target:
        rows = xlsx_write([("Actions", EXPORT_HEADER, export_rows(actions))], target)
        target.seek(0)
        export.file.save(export.filename, File(target), save=False)
    export.rows = rows
