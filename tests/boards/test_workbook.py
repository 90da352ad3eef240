"""The offline workbook's rules (boards.workbook): what a workbook holds, and how each row of one
uploaded back is recorded, refused with its reason, or skipped."""

import csv
import datetime
import io

import openpyxl
import pytest

from boards import workbook
from boards.models import UpdateRound, WorkbookUpload
from improvement.importing.readers import read_upload, sheets_to_json
from improvement.models import Update
from tests.conftest import PERIOD, make_action, status

COLUMN = {key: index + 1 for index, key in enumerate(workbook.KEYS)}


def download(round_, **who):
    actions = workbook.workbook_actions(round_, as_of=datetime.date(2012, 12, 5), **who)
    return workbook.workbook_rows(round_, actions)


def xlsx_of(round_, **who) -> bytes:
    return workbook.build_xlsx(round_, download(round_, **who))


def filled(data: bytes, answers: dict, *, unprotect=False, edits=None) -> bytes:
    """The workbook with ``answers`` ({action number: {key: value}}) typed into its rows, as a
    lead would, and any ``edits`` of other cells ({action number: {key: value}})."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[workbook.SHEET_TITLE]
    if unprotect:
        sheet.protection.sheet = False
    for row in range(2, sheet.max_row + 1):
        number = sheet.cell(row=row, column=COLUMN["number"]).value
        for key, value in {**answers.get(number, {}), **(edits or {}).get(number, {})}.items():
            sheet.cell(row=row, column=COLUMN[key]).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def checked(round_, data: bytes, name="updates.xlsx", *, uploader, recorded_for=None):
    rows = workbook.read_rows(read_upload(name, data))
    workbook.check_round(round_, rows)
    return {r.number: r for r in workbook.check_rows(round_, rows, uploader=uploader, recorded_for=recorded_for)}


@pytest.fixture
def actions(theme, lead_post, lead2_post):
    return [make_action(theme, "1.1", leads=[lead_post], due_date=datetime.date(2013, 1, 31),
                        description="Audit core groups"),
            make_action(theme, "1.2", leads=[lead_post], description="=Train staff on thresholds"),
            make_action(theme, "2.1", leads=[lead2_post], description="Early help offer")]


def test_a_leads_workbook_lists_only_their_actions_still_needing_this_rounds_update(actions, lead, scheme,
                                                                                  open_round):
    actions[0].record_update(status=status(scheme, "G"), note="Done this month", by=lead)
    numbers = [row.action.number for row in download(open_round, person=lead)]
    assert numbers == ["1.2"]
    assert [row.action.number for row in download(open_round)] == ["1.2", "2.1"]


def test_the_workbook_locks_what_the_lead_reads_and_offers_the_schemes_statuses(actions, lead, scheme,
                                                                               open_round):
    previous = actions[0].record_update(status=status(scheme, "A"), note="Slipping", by=lead,
                                        period=datetime.date(2012, 11, 1))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_of(open_round, person=lead)))
    sheet = book[workbook.SHEET_TITLE]
    assert [cell.value for cell in sheet[1]] == workbook.HEADER
    first = {key: sheet.cell(row=2, column=COLUMN[key]) for key in workbook.KEYS}
    assert first["number"].value == "1.1" and first["last_status"].value == "Amber"
    assert first["last_note"].value == "Slipping" and first["last_period"].value == "November 2012"
    assert first["update_id"].value == previous.pk and first["round_id"].value == open_round.pk
    assert sheet.protection.sheet
    assert first["description"].protection.locked and not first["status"].protection.locked
    assert sheet.column_dimensions["M"].hidden  # the identifiers
    validation = sheet.data_validations.dataValidation[0]
    assert validation.type == "list" and "Statuses" in validation.formula1
    assert "Green: " in validation.prompt and len(validation.prompt) <= 255
    key = book[workbook.STATUS_SHEET_TITLE]
    assert [row[1].value for row in key.iter_rows(min_row=2)] == [s.label for s in scheme.statuses.order_by("position")]
    assert key.protection.sheet
    # A description that a spreadsheet would run as a formula is written as text.
    assert sheet.cell(row=3, column=COLUMN["description"]).value == "'=Train staff on thresholds"


def test_filled_rows_are_to_be_recorded_and_blank_rows_skipped(actions, lead, open_round):
    data = filled(xlsx_of(open_round, person=lead), {"1.1": {"status": "Green", "note": "Audit under way"}})
    results = checked(open_round, data, uploader=lead)
    assert results["1.1"].will_record and results["1.1"].status.code == "G"
    assert results["1.2"].state == "skipped"


def test_a_completed_status_needs_a_note_and_a_revised_date_a_reason(actions, lead, open_round):
    data = filled(xlsx_of(open_round, person=lead), {
        "1.1": {"status": "Blue"},
        "1.2": {"status": "Amber", "note": "Delayed", "revised_date": datetime.datetime(2013, 3, 31)}})
    results = checked(open_round, data, uploader=lead)
    assert results["1.1"].reason == "A completed action needs a review note."
    assert results["1.2"].reason == "Give a reason for the revised date."


def test_a_revised_date_with_its_reason_is_recorded(actions, lead, open_round):
    data = filled(xlsx_of(open_round, person=lead), {
        "1.1": {"status": "Amber", "note": "Delayed", "revised_date": datetime.datetime(2013, 3, 31),
                "revised_reason": "Staff vacancies"}})
    result = checked(open_round, data, uploader=lead)["1.1"]
    assert result.will_record and result.revised_date == datetime.date(2013, 3, 31)


def test_a_status_not_in_the_scheme_is_refused(actions, lead, open_round):
    data = filled(xlsx_of(open_round, person=lead), {"1.1": {"status": "Purple-ish", "note": "?"}})
    result = checked(open_round, data, uploader=lead)["1.1"]
    assert result.state == "refused"
    assert "“Purple-ish” is not a status in this plan’s scheme" in result.reason


def test_an_action_updated_since_the_workbook_was_made_is_refused(actions, lead, scheme, open_round):
    data = filled(xlsx_of(open_round, person=lead), {"1.1": {"status": "Green", "note": "From the workbook"},
                                                     "1.2": {"status": "Green", "note": "Fine"}})
    actions[0].record_update(status=status(scheme, "R"), note="On the site", by=lead)
    results = checked(open_round, data, uploader=lead)
    assert results["1.1"].state == "refused"
    assert "Action 1.1 has had an update since this workbook was made (Red for December 2012" in results["1.1"].reason
    assert results["1.2"].will_record


def test_an_edited_grey_column_refuses_that_row_even_with_the_protection_removed(actions, lead, open_round):
    data = filled(xlsx_of(open_round, person=lead),
                  {"1.1": {"status": "Green", "note": "ok"}, "1.2": {"status": "Green", "note": "ok"}},
                  unprotect=True, edits={"1.1": {"description": "Audit some core groups"}})
    results = checked(open_round, data, uploader=lead)
    assert results["1.1"].reason == "The action text was changed: leave the grey columns as they were."
    assert results["1.2"].will_record


def test_edited_hidden_identifiers_refuse_the_row(actions, lead, lead2, open_round):
    data = filled(xlsx_of(open_round), {"1.1": {"status": "Green", "note": "ok"}}, unprotect=True,
                  edits={"1.1": {"action_id": actions[2].pk}})
    result = checked(open_round, data, uploader=lead)["1.1"]
    assert result.state == "refused" and "grey columns" in result.reason


def test_an_action_the_uploader_may_not_update_is_refused(actions, lead, open_round):
    data = filled(xlsx_of(open_round), {"1.1": {"status": "Green", "note": "ok"},
                                        "2.1": {"status": "Green", "note": "not mine"}})
    results = checked(open_round, data, uploader=lead)
    assert results["1.1"].will_record
    assert results["2.1"].reason == ("You may not update action 2.1: only its leads and the plan’s managers can.")


def test_a_managers_upload_on_a_leads_behalf_refuses_actions_that_lead_does_not_lead(actions, lead, manager,
                                                                                     open_round):
    data = filled(xlsx_of(open_round), {"1.1": {"status": "Green", "note": "ok"},
                                        "2.1": {"status": "Green", "note": "ok"}})
    results = checked(open_round, data, uploader=manager, recorded_for=lead)
    assert results["1.1"].will_record
    assert results["2.1"].reason.startswith("Lead does not lead action 2.1")


def test_a_row_whose_action_no_longer_exists_is_refused(actions, lead, open_round):
    data = filled(xlsx_of(open_round, person=lead), {"1.1": {"status": "Green", "note": "ok"},
                                                     "1.2": {"status": "Green", "note": "ok"}})
    actions[1].delete()
    result = checked(open_round, data, uploader=lead)["1.2"]
    assert result.reason.startswith("Action 1.2 no longer exists in this plan")


def test_a_workbook_from_a_closed_round_is_refused_whole(actions, lead, plan, manager, open_round):
    data = filled(xlsx_of(open_round, person=lead), {"1.1": {"status": "Green", "note": "ok"}})
    open_round.close(by=manager)
    january = UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1),
                                     deadline=datetime.date(2013, 1, 10), by=manager)
    with pytest.raises(workbook.WorkbookError,
                       match="This workbook is for the December 2012 round, which is closed"):
        checked(january, data, uploader=lead)


def test_a_file_that_is_not_a_workbook_is_refused_whole(open_round, lead):
    with pytest.raises(workbook.WorkbookError, match="This file is not an offline workbook"):
        workbook.read_rows(read_upload("plan.csv", b"Number,Action\n1,Do it\n"))


def test_the_csv_has_the_same_columns_with_the_identifiers_last_and_is_checked_the_same_way(actions, lead, open_round):
    rows = download(open_round, person=lead)
    text = workbook.build_csv(rows).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == workbook.HEADER and table[0][-1] == "Signature"
    table[1][workbook.COLUMN["status"]] = "G"
    table[1][workbook.COLUMN["note"]] = "From the CSV"
    table[2][workbook.COLUMN["status"]] = "Green"
    table[2][workbook.COLUMN["note"]] = "Changed"
    table[2][workbook.COLUMN["description"]] = "Something else"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    results = checked(open_round, out.getvalue().encode(), "updates.csv", uploader=lead)
    assert results["1.1"].will_record and results["1.1"].note == "From the CSV"
    assert results["1.2"].reason == "The action text was changed: leave the grey columns as they were."


def test_a_csv_row_added_by_hand_for_a_number_that_does_not_exist_is_refused(actions, lead, open_round):
    text = workbook.build_csv(download(open_round, person=lead)).decode("utf-8-sig")
    extra = ["9.9"] + [""] * 7 + ["Green", "New one"] + [""] * 8
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(list(csv.reader(io.StringIO(text))) + [extra])
    results = checked(open_round, out.getvalue().encode(), "updates.csv", uploader=lead)
    assert results["9.9"].reason.startswith("There is no action 9.9 in this plan")


def test_confirming_records_the_valid_rows_once_appended_to_the_history(actions, lead, manager, scheme, open_round):
    actions[0].record_update(status=status(scheme, "A"), note="November", by=lead, period=datetime.date(2012, 11, 1))
    data = filled(xlsx_of(open_round, person=lead), {"1.1": {"status": "Green", "note": "Back on track"},
                                                     "1.2": {"status": "Nope", "note": "x"}})
    upload = WorkbookUpload.objects.create(round=open_round, uploaded_by=manager, recorded_for=lead,
                                           filename="updates.xlsx", sheets=sheets_to_json(read_upload("u.xlsx", data)))
    result = workbook.record_upload(upload)
    assert (result["recorded"], result["refused"], result["already"]) == (1, 1, False)
    update = Update.objects.get(action=actions[0], period=PERIOD)
    assert (update.status.code, update.note, update.created_by, update.recorded_for) == (
        "G", "Back on track", manager, lead)
    assert Update.objects.filter(action=actions[0]).count() == 2  # November's is still there
    again = workbook.record_upload(upload)
    assert again["already"] and Update.objects.filter(action=actions[0]).count() == 2
