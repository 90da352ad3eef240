"""The leads' offline workbook: a round's actions still needing their update, as an XLSX (or
CSV) a lead fills in away from the site, and the same file read back and checked row by row.

A workbook holds one row per action the round still awaits (the round status page's rule,
``Submission.is_outstanding``): grey columns a lead reads (number, theme, action, leads, due
date, last status and note), columns they fill (status, review note, revised date and its
reason) and, hidden in the XLSX and visible at the end of the CSV, what identifies the row: the
round, the plan, the action, the action's last update and version when the workbook was made,
and a signature (``django.core.signing``) over all of that and the grey columns. Sheet
protection keeps leads from typing over the grey columns by mistake; the signature is what
tells, even with the protection removed or in a CSV, that a row was changed.

Reading back goes through the import's reader (``improvement.importing.readers.read_upload``,
with its limits and safety); each row is then recorded, refused with its reason, or skipped
when left blank (``check_rows``). Nothing is written until the uploader confirms
(``record_upload``), and then the valid rows through ``record_updates()``, appended.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from improvement import access
from improvement.importing.parsers import parse_date, parse_status
from improvement.lib.spreadsheets import DATE_FORMAT, append_safe, safe_cell, styled_workbook, unquote_cell
from improvement.lib.text import normalise_text
from improvement.models import Action, Update, UpdateEntry, record_updates

from .models import UpdateRound

SIGNING_SALT = "boards.workbook"
SHEET_TITLE = "Updates"
STATUS_SHEET_TITLE = "Statuses"

# (key, header, what a changed cell is called in the message saying so). The grey columns. The
# headers stay in English whatever the language: reading a workbook back matches them exactly.
LOCKED = (
    ("number", "No.", gettext_lazy("action number")),
    ("theme", "Theme", gettext_lazy("theme")),
    ("description", "Action", gettext_lazy("action text")),
    ("leads", "Leads", gettext_lazy("leads")),
    ("due", "Due date", gettext_lazy("due date")),
    ("last_period", "Last update", gettext_lazy("last update’s period")),
    ("last_status", "Last status", gettext_lazy("last status")),
    ("last_note", "Last review note", gettext_lazy("last review note")),
)
FILLED = (
    ("status", "Status for this round"),
    ("note", "Review note for this round"),
    ("revised_date", "Revised due date"),
    ("revised_reason", "Reason for the revised date"),
)
HIDDEN = (
    ("round_id", "Round id"),
    ("plan_id", "Plan id"),
    ("action_id", "Action id"),
    ("update_id", "Last update id"),
    ("version", "Action version"),
    ("signature", "Signature"),
)
HEADER = [header for _key, header, _name in LOCKED] + [header for _key, header in FILLED] + [
    header for _key, header in HIDDEN]
KEYS = [key for key, *_ in LOCKED] + [key for key, _ in FILLED] + [key for key, _ in HIDDEN]
COLUMN = {key: index for index, key in enumerate(KEYS)}
LOCKED_KEYS = [key for key, *_ in LOCKED]
FILLED_KEYS = [key for key, _ in FILLED]
CHANGED_NAME = {key: name for key, _header, name in LOCKED}

GREY = PatternFill("solid", fgColor="F3F2F1")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
# Excel's limits on a data validation's input message and its title.
PROMPT_MAX, PROMPT_TITLE_MAX = 255, 32
WIDTHS = {"number": 8, "theme": 24, "description": 50, "leads": 24, "due": 12, "last_period": 14,
          "last_status": 14, "last_note": 40, "status": 18, "note": 50, "revised_date": 14,
          "revised_reason": 30}


class WorkbookError(ValueError):
    """The whole file is refused; the message says why and what to do."""


# --- Making the workbook -----------------------------------------------------------------


@dataclass
class WorkbookRow:
    """One action in a workbook, as it is made: the values of its grey and hidden columns."""

    action: Action
    last_update: Update | None
    values: dict = field(default_factory=dict)


def workbook_actions(round_: UpdateRound, *, as_of: datetime.date, person=None, post=None) -> list[Action]:
    """The round's actions still awaiting their update (the round status page's rule), in number
    order: all of them, or those led by ``person`` (the posts they hold) or by ``post``. Each has
    ``theme``, ``lead_posts`` and ``last_update_id`` (its newest update, any period) loaded."""
    actions = (Action.objects.filter(plan_id=round_.plan_id).select_related("theme")
               .annotate(last_update_id=Subquery(Update.objects.filter(action=OuterRef("pk"))
                                                 .order_by("-pk").values("pk")[:1])))
    if person is not None:
        actions = actions.for_lead(person)
    if post is not None:
        actions = actions.filter(pk__in=Action.lead_posts.through.objects.filter(post=post).values("action_id"))
    return [submission.action for submission in round_.submissions(as_of, actions) if submission.is_outstanding]


def workbook_rows(round_: UpdateRound, actions: list[Action]) -> list[WorkbookRow]:
    updates = Update.objects.filter(pk__in=[a.last_update_id for a in actions if a.last_update_id]) \
        .select_related("status").in_bulk()
    rows = []
    for action in actions:
        last = updates.get(action.last_update_id)
        row = WorkbookRow(action, last, locked_values(action, last))
        row.values.update(round_id=round_.pk, plan_id=round_.plan_id, action_id=action.pk,
                          update_id=last.pk if last else "", version=action.version)
        row.values["signature"] = sign(row.values)
        rows.append(row)
    return rows


def locked_values(action: Action, last_update: Update | None) -> dict:
    """The grey columns of an action's row (reads ``theme`` and ``lead_posts``)."""
    return {
        "number": action.number,
        "theme": str(action.theme),
        "description": action.description,
        "leads": "; ".join(sorted(post.title for post in action.lead_posts.all())),
        "due": action.effective_due_date,
        "last_period": last_update.period_label if last_update else "",
        "last_status": last_update.status.label if last_update else "No update yet",
        "last_note": last_update.note if last_update else "",
    }


def _as_read(value) -> str:
    """A cell's value as the reader gives it back (a date as ISO text, text as the reader
    unquotes it): what the signature covers."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return normalise_text(str(value)).strip()


def _as_written(value) -> str:
    """A value we write into a cell, as the reader will give it back."""
    return _as_read(unquote_cell(safe_cell(value)) if isinstance(value, str) else value)


def signed_text(values: dict, read=_as_read) -> str:
    keys = ["round_id", "plan_id", "action_id", "update_id", "version", *LOCKED_KEYS]
    return "\x1f".join(read(values.get(key)) for key in keys)


def sign(values: dict) -> str:
    """The signature of a row we write (``values`` as written)."""
    return signing.Signer(salt=SIGNING_SALT).signature(signed_text(values, _as_written))


def is_signed(values: dict) -> bool:
    """Whether a row read back (``values`` as read) is as it was signed."""
    expected = signing.Signer(salt=SIGNING_SALT).signature(signed_text(values))
    return constant_time_compare(expected, values.get("signature") or "")


def _statuses(round_):
    return list(round_.plan.rag_scheme.statuses.order_by("position"))


def build_xlsx(round_: UpdateRound, rows: list[WorkbookRow]) -> bytes:
    statuses = _statuses(round_)
    workbook = styled_workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    append_safe(sheet, HEADER)
    for index, key in enumerate(KEYS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.alignment = BOLD, WRAP
        if key in LOCKED_KEYS:
            cell.fill = GREY
        letter = get_column_letter(index)
        if key in WIDTHS:
            sheet.column_dimensions[letter].width = WIDTHS[key]
        else:
            sheet.column_dimensions[letter].hidden = True
    for number, row in enumerate(rows, start=2):
        append_safe(sheet, [row.values.get(key, "") for key in KEYS])
        for index, key in enumerate(KEYS, start=1):
            cell = sheet.cell(row=number, column=index)
            cell.alignment = WRAP
            if key in LOCKED_KEYS:
                cell.fill = GREY
            elif key in FILLED_KEYS:
                cell.protection = UNLOCKED
            if key in ("due", "revised_date"):
                cell.number_format = DATE_FORMAT
    last_row = max(len(rows) + 1, 2)
    status_column = get_column_letter(COLUMN["status"] + 1)
    validation = DataValidation(
        type="list", formula1=f"'{STATUS_SHEET_TITLE}'!$B$2:$B${len(statuses) + 1}", allow_blank=True,
        showErrorMessage=True, errorTitle=_("Not a status of this plan"),
        error=_("Choose a status from the list (see the Statuses sheet for what each means)."),
        showInputMessage=True, promptTitle=_("Status")[:PROMPT_TITLE_MAX], prompt=status_prompt(statuses))
    validation.add(f"{status_column}2:{status_column}{last_row}")
    sheet.add_data_validation(validation)
    date_column = get_column_letter(COLUMN["revised_date"] + 1)
    dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                           showErrorMessage=True, errorTitle=_("Not a date"),
                           error=_("Enter the revised due date as a date, for example 31/03/2013."))
    dates.add(f"{date_column}2:{date_column}{last_row}")
    sheet.add_data_validation(dates)
    sheet.freeze_panes = "C2"
    # Resizing rows and columns stays allowed; typing over the grey columns does not.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    key = workbook.create_sheet(STATUS_SHEET_TITLE)
    append_safe(key, [_("Code"), _("Status"), _("Meaning"), _("Counts as complete")])
    for status in statuses:
        append_safe(key, [status.code, status.label, status.meaning,
                          _("Yes: needs a review note") if status.is_complete else _("No")])
    for letter, width in zip("ABCD", (8, 20, 60, 24), strict=True):
        key.column_dimensions[letter].width = width
        key[f"{letter}1"].font = BOLD
    key.protection.sheet = True

    about = workbook.create_sheet(_("How to fill this in"))
    for line in instructions(round_):
        append_safe(about, [line])
    about.column_dimensions["A"].width = 110
    about.protection.sheet = True
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def status_prompt(statuses) -> str:
    text = "; ".join(f"{status.label}: {status.meaning}" for status in statuses)
    return text if len(text) <= PROMPT_MAX else text[:PROMPT_MAX - 1] + "…"


def instructions(round_: UpdateRound) -> list[str]:
    return [
        _("%(plan)s: updates for %(period)s, due by %(date)s.") % {
            "plan": round_.plan.name, "period": round_.period_label, "date": date_format(round_.deadline, "j F Y")},
        "",
        _("On the Updates sheet, each row is one of your actions still needing this round's update."),
        _("Fill in the white columns: the status (choose from the list; the Statuses sheet says what each means), "
        "a review note for this round, and, only if the action will not be finished by its due date, a revised "
        "due date with its reason."),
        _("A completed status needs a review note. Leave a row blank to skip that action."),
        _("Leave the grey columns as they were: a row whose grey columns were changed is not recorded."),
        _("Upload the file on the site (My actions, or the round's page): you will see what will be recorded "
        "before anything is."),
        _("An action that has had an update on the site since this workbook was made keeps that update: "
        "its row here is not recorded over it."),
    ]


def build_csv(rows: list[WorkbookRow]) -> bytes:
    """The same columns as the XLSX, the identifiers and signature as its last columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_csv_value(row.values.get(key, "")) for key in KEYS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(value)


def workbook_filename(round_: UpdateRound, extension: str, who: str = "") -> str:
    from django.utils.text import slugify

    parts = [slugify(round_.plan.name)[:40], round_.period.strftime("%Y-%m"), "updates"]
    if who:
        parts.append(slugify(who)[:40])
    return "-".join(part for part in parts if part) + f".{extension}"


# --- Reading it back ---------------------------------------------------------------------


@dataclass
class ReadRow:
    """One row of an uploaded workbook: its place in the file and its cells by key."""

    line: int
    cells: dict

    def text(self, key) -> str:
        cell = self.cells.get(key)
        return cell.text.strip() if cell is not None else ""

    def value(self, key):
        cell = self.cells.get(key)
        if cell is not None and cell.value is not None and not isinstance(cell.value, str):
            return cell.value
        return self.text(key)

    @property
    def is_blank(self) -> bool:
        return not any(self.text(key) for key in FILLED_KEYS)


def read_rows(sheets) -> list[ReadRow]:
    """The rows of the workbook's Updates sheet (or the CSV), or WorkbookError when the file is
    not an offline workbook."""
    for sheet in sheets:
        if not sheet.rows:
            continue
        header = [cell.text.strip() for cell in sheet.rows[0]]
        while header and not header[-1]:
            header.pop()
        if header == HEADER:
            return [ReadRow(line, dict(zip(KEYS, cells, strict=False)))
                    for line, cells in enumerate(sheet.rows[1:], start=2) if any(c.text.strip() for c in cells)]
    raise WorkbookError(_("This file is not an offline workbook of updates: its first row does not have the "
                        "workbook's columns. Download the workbook again (from My actions or the round's page), "
                        "fill in the white columns, and upload that file."))


def check_round(round_: UpdateRound, rows: list[ReadRow]) -> None:
    """WorkbookError unless the file's rows are for ``round_`` and it is open: a workbook from
    another round is refused whole."""
    ids = {row.text("round_id") for row in rows if row.text("round_id")}
    if not ids:
        if any(not row.is_blank for row in rows):
            raise WorkbookError(_("This file has lost the workbook's identifiers (the Round id column is empty), so "
                                "its rows cannot be checked. Download the workbook again and fill that one in."))
        raise WorkbookError(_("This workbook has no rows to record: fill in the white columns first."))
    if len(ids) > 1:
        raise WorkbookError(_("This file mixes rows from workbooks of different rounds. Upload each round's "
                            "workbook as it was downloaded."))
    (found,) = ids
    if found != str(round_.pk):
        other = UpdateRound.objects.filter(pk=found).select_related("plan").first() if found.isdigit() else None
        if other is None or other.plan_id != round_.plan_id:
            raise WorkbookError(_("This workbook is not for %(plan)s’s %(period)s round. "
                                  "Download this round’s workbook and fill that one in.")
                                % {"plan": round_.plan.name, "period": round_.period_label})
        message = (_("This workbook is for the %(other)s round, which is closed. Download the workbook for the "
                     "%(period)s round and fill that one in.") if not other.is_open else
                   _("This workbook is for the %(other)s round, not this one. Download the workbook for the "
                     "%(period)s round and fill that one in."))
        raise WorkbookError(message % {"other": other.period_label, "period": round_.period_label})
    if not round_.is_open:
        raise WorkbookError(_("The %(period)s round is closed: its updates are fixed, so a workbook "
                              "for it can no longer be recorded.") % {"period": round_.period_label})


@dataclass
class RowResult:
    RECORD = "record"
    REFUSED = "refused"
    SKIPPED = "skipped"

    line: int
    number: str
    state: str
    reason: str = ""
    action: Action | None = None
    status: object = None
    note: str = ""
    written_status: str = ""  # the status cell as written, shown beside a refused row's reason
    revised_date: datetime.date | None = None
    revised_reason: str = ""

    @property
    def will_record(self) -> bool:
        return self.state == self.RECORD


def check_rows(round_: UpdateRound, rows: list[ReadRow], *, uploader, recorded_for=None) -> list[RowResult]:
    """Each row of the file as it would be recorded now: to record, refused (with the reason, and
    what to do), or skipped (left blank). A fixed number of queries, whatever the rows."""
    plan = round_.plan
    statuses = _statuses(round_)
    ids = {int(row.text("action_id")) for row in rows if row.text("action_id").isdigit()}
    actions = (Action.objects.filter(plan_id=plan.pk, pk__in=ids).select_related("theme")
               .annotate(last_update_id=Subquery(Update.objects.filter(action=OuterRef("pk"))
                                                 .order_by("-pk").values("pk")[:1])).in_bulk())
    Action.attach_lead_posts_held(actions.values())
    for action in actions.values():
        action.plan = plan  # one plan object: the user's roles on it are read once
    latest = Update.objects.filter(pk__in=[a.last_update_id for a in actions.values() if a.last_update_id]) \
        .select_related("status", "created_by").in_bulk()
    numbers = set(Action.objects.filter(plan_id=plan.pk).values_list("number", flat=True))
    seen: dict[int, int] = {}
    results = []
    for row in rows:
        result = _check_row(row, round_, statuses, actions, latest, numbers, seen, uploader, recorded_for)
        if result.state == RowResult.RECORD:
            seen[result.action.pk] = row.line
        results.append(result)
    _explain_changed_rows(results, rows, actions)
    return results


def _check_row(row, round_, statuses, actions, latest, numbers, seen, uploader, recorded_for) -> RowResult:
    number = row.text("number")
    if row.is_blank:
        return RowResult(row.line, number, RowResult.SKIPPED)

    def refused(reason, action=None):
        return RowResult(row.line, number, RowResult.REFUSED, reason, action, note=normalise_text(row.text("note")),
                         written_status=row.text("status"))

    values = {key: row.value(key) for key in KEYS}
    if not row.text("action_id").isdigit() or not row.text("signature"):
        if number and number not in numbers:
            return refused(_("There is no action %(number)s in this plan (it may have been deleted or renumbered "
                             "since): record its update on the action’s page.") % {"number": number})
        return refused(_("This row has no workbook identifiers (it was added to the file, or its hidden columns "
                       "were cleared): record this update on the action’s page instead."))
    if not is_signed(values):
        return refused("CHANGED")  # explained once the whole file is checked (_explain_changed_rows)
    action = actions.get(int(row.text("action_id")))
    if action is None:
        return refused(_("Action %(number)s no longer exists in this plan (it was deleted after the workbook was "
                         "made), so there is nothing to record it against.") % {"number": number})
    if not access.can_record_update(uploader, action):
        return refused(_("You may not update action %(number)s: only its leads and the plan’s managers can.")
                       % {"number": action.number}, action)
    if recorded_for is not None and not access.leads_action(recorded_for, action):
        return refused(_("%(person)s does not lead action %(number)s: upload it on behalf of its lead, or "
                         "as your own.") % {"person": recorded_for, "number": action.number}, action)
    if str(action.last_update_id or "") != row.text("update_id"):
        update = latest.get(action.last_update_id)
        since = (" " + _("(%(status)s for %(period)s, recorded by %(person)s on %(date)s)") % {
            "status": update.status.label, "period": update.period_label,
            "person": update.created_by or _("the import"),
            "date": date_format(timezone.localtime(update.created_at), "j F Y")}) if update else ""
        return refused(_("Action %(number)s has had an update since this workbook was made%(since)s: this row "
                         "was not recorded over it. Look at the action’s page and record any change there.")
                       % {"number": action.number, "since": since}, action)
    if action.pk in seen:
        return refused(_("Action %(number)s is already on row %(row)s of this file: only that row "
                         "is recorded.") % {"number": action.number, "row": seen[action.pk]}, action)
    status_text = row.text("status")
    if not status_text:
        return refused(_("Choose a status for this round: the row has a note or date but no status."), action)
    status = parse_status(status_text, statuses)
    if status.status is None:
        return refused(_("%(problem)s: choose one from the list.")
                       % {"problem": status.problem or _("Choose a status from the list")}, action)
    revised = None
    revised_value = row.value("revised_date")
    if row.text("revised_date"):
        parsed = parse_date(revised_value)
        if parsed.date is None:
            return refused(_("“%(text)s” is not a date: write the revised due date as a date, for "
                             "example 31/03/2013.") % {"text": row.text("revised_date")}, action)
        revised = parsed.date
    note = normalise_text(row.text("note"))
    reason = normalise_text(row.text("revised_reason"))
    from django.core.exceptions import ValidationError

    try:
        action.check_update(status=status.status, note=note, revised_due_date=revised, revised_date_reason=reason)
    except ValidationError as error:
        return refused(" ".join(error.messages), action)
    return RowResult(row.line, number, RowResult.RECORD, action=action, status=status.status, note=note,
                     revised_date=revised, revised_reason=reason)


def _explain_changed_rows(results, rows, actions) -> None:
    """Say which grey column of each changed row differs from what the workbook held, as far as
    the action as it stands and its last update tell."""
    changed = [(result, row) for result, row in zip(results, rows, strict=True) if result.reason == "CHANGED"]
    if not changed:
        return
    update_ids = [int(row.text("update_id")) for _result, row in changed if row.text("update_id").isdigit()]
    updates = Update.objects.filter(pk__in=update_ids).select_related("status").in_bulk()
    for result, row in changed:
        action = actions.get(int(row.text("action_id"))) if row.text("action_id").isdigit() else None
        names = []
        if action is not None:
            last = updates.get(int(row.text("update_id"))) if row.text("update_id").isdigit() else None
            expected = locked_values(action, last)
            names = [CHANGED_NAME[key] for key in LOCKED_KEYS
                     if _as_written(expected[key]) != _as_read(row.value(key))]
            result.action = action
        if names:
            names = [str(name) for name in names]
            if len(names) > 1:
                result.reason = _("The %(names)s and %(last)s were changed: leave the grey columns as they were.") % {
                    "names": ", ".join(names[:-1]), "last": names[-1]}
            else:
                result.reason = _("The %(name)s was changed: leave the grey columns as they were.") % {
                    "name": names[0]}
        else:
            result.reason = (_("The grey columns or the workbook’s hidden identifiers were changed: leave them as "
                             "they were, or download the workbook again."))


@dataclass
class Summary:
    record: int
    refused: int
    skipped: int


def summarise(results: list[RowResult]) -> Summary:
    counts = dict.fromkeys((RowResult.RECORD, RowResult.REFUSED, RowResult.SKIPPED), 0)
    for result in results:
        counts[result.state] += 1
    return Summary(counts[RowResult.RECORD], counts[RowResult.REFUSED], counts[RowResult.SKIPPED])


def record_upload(upload) -> dict:
    """Record the upload's valid rows, checked again now, in one transaction, through
    ``record_updates()``; a second confirmation records nothing. Returns the result kept on
    the upload ({"recorded": n, "refused": n, "skipped": n, "already": bool})."""
    from .models import WorkbookUpload

    with transaction.atomic():
        locked = WorkbookUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.applied_at is not None:
            return {**locked.result, "already": True}
        round_ = UpdateRound.objects.select_related("plan__rag_scheme").get(pk=locked.round_id)
        rows = read_rows(locked.read_sheets())
        check_round(round_, rows)
        results = check_rows(round_, rows, uploader=locked.uploaded_by, recorded_for=locked.recorded_for)
        recording = [result for result in results if result.will_record]
        record_updates([UpdateEntry(result.action, status=result.status, note=result.note,
                                    revised_due_date=result.revised_date, revised_date_reason=result.revised_reason,
                                    recorded_for=locked.recorded_for) for result in recording],
                       by=locked.uploaded_by)
        recorded = [result.number for result in recording]
        summary = summarise(results)
        locked.applied_at = timezone.now()
        locked.result = {"recorded": summary.record, "refused": summary.refused, "skipped": summary.skipped,
                         "numbers": recorded,
                         "refusals": [[r.line, r.number, r.reason] for r in results if r.state == RowResult.REFUSED]}
        locked.save(update_fields=["applied_at", "result"])
    upload.applied_at, upload.result = locked.applied_at, locked.result
    return {**locked.result, "already": False}
