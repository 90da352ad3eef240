"""Exports of the action table, with its filters: CSV streams as the rows are read, however
many; an XLSX workbook of up to INLINE_XLSX_ROWS rows is made in the request, a larger one in
the background (an ``Export``, requested and built by ``improvement.tasks``)."""

import tempfile

from django.core.files import File
from django.db.models import Value
from django.db.models.functions import Concat
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .filters import ActionFilter
from .lib.spreadsheets import XLSX_TYPE, csv_lines, xlsx_bytes, xlsx_write
from .models import Action

INLINE_XLSX_ROWS = 5000

# The columns' headings, in the language of whoever asked (``export_header`` reads them).
EXPORT_HEADER = [
    _("Number"), _("Theme"), _("Objective"), _("Action"), _("Leads"), _("Lead agency"), _("Timescale"), _("Due date"),
    _("Revised due date"), _("Status"), _("Status meaning"), _("Updated this period"), _("Overdue"),
    _("References"), _("Measures of success"), _("Cost"),
]


def export_header() -> list[str]:
    """The headings in the active language."""
    return [str(heading) for heading in EXPORT_HEADER]


def sheet_name() -> str:
    return gettext("Actions")


def table_actions(plan, as_of):
    """The action table's rows before filtering."""
    return Action.objects.filter(plan=plan).for_list(plan.current_period, as_of).select_related("theme")


ROW_FIELDS = (
    "pk", "number", "theme__code", "theme__title", "objective__code", "objective__title", "description",
    "lead_agency", "timescale", "due_date", "revised_due_date", "current_status__label", "current_status__meaning",
    "has_update_in_period", "is_overdue", "measures", "cost",
)
CHUNK = 5000


def export_rows(actions):
    """The export's rows, in the order of ``actions`` (a ``table_actions`` queryset, filtered).
    Read as plain values rather than model instances, with all the actions' leads and references
    read first in one query each: 100,000 rows stream in a few seconds. The words of the cells
    are taken in the active language now, not when a streamed response reads the rows."""
    words = {"none": gettext("No update yet"), True: gettext("Yes"), False: gettext("No")}
    return _export_rows(actions, words)


def _export_rows(actions, words):
    chosen = actions.order_by().values("pk")
    leads = _joined(Action.lead_posts.through.objects.filter(action_id__in=chosen)
                    .order_by("post__title", "post_id").values_list("action_id", "post__title"))
    references = _joined(
        Action.recommendations.through.objects.filter(action_id__in=chosen)
        .order_by("recommendation__source__key", "recommendation__reference_sort", "recommendation_id")
        .values_list("action_id", Concat("recommendation__source__key", Value(" "), "recommendation__reference")))
    rows = actions.prefetch_related(None).values_list(*ROW_FIELDS).iterator(chunk_size=CHUNK)
    for (pk, number, theme_code, theme_title, objective_code, objective_title, description, agency, timescale,
         due, revised, label, meaning, updated, overdue, measures, cost) in rows:
        yield [
            number,
            f"{theme_code} {theme_title}".strip(),
            f"{objective_code} {objective_title}".strip() if objective_title is not None else "",
            description,
            leads.get(pk, ""),
            agency,
            timescale,
            due,
            revised,
            label if label is not None else words["none"],
            meaning or "",
            words[bool(updated)],
            words[bool(overdue)],
            references.get(pk, ""),
            measures,
            cost,
        ]


def _joined(pairs) -> dict[int, str]:
    """{action id: "first; second"} from (action id, text) pairs in order."""
    joined: dict[int, str] = {}
    for action_id, text in pairs:
        joined[action_id] = joined[action_id] + "; " + text if action_id in joined else text
    return joined


def export_filename(plan, as_of, fmt):
    return get_valid_filename(f"{slugify(plan.name)}-actions-{as_of:%Y-%m-%d}") + f".{fmt}"


def needs_background(actions, fmt) -> bool:
    """Whether the export is too large to make in the request (an XLSX of many rows)."""
    return fmt == "xlsx" and actions.count() > INLINE_XLSX_ROWS


def export_response(plan, actions, fmt, *, as_of):
    """The export as a response made in the request: CSV streamed, or a small XLSX at once."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(export_header(), export_rows(actions)),
                                         content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes([(sheet_name(), export_header(), export_rows(actions))]),
                                content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(plan, as_of, fmt)}"'
    return response


def write_export(export) -> None:
    """Build the export's file from its plan and filters (in the background task, under the
    language of the person who asked: ``tasks.build_export``)."""
    filters = ActionFilter(QueryDict(export.query), queryset=table_actions(export.plan, export.as_of),
                           plan=export.plan, as_of=export.as_of)
    if not filters.is_valid():
        raise ValueError("the filters could not be read: " + "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items()))
    actions = filters.qs.order_by("number_sort")
    with tempfile.TemporaryFile() as target:
        rows = xlsx_write([(sheet_name(), export_header(), export_rows(actions))], target)
        target.seek(0)
        export.file.save(export.filename, File(target), save=False)
    export.rows = rows
