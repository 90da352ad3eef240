"""The automatic mapping that does not give up (issue 14, item 1): headings with instructions,
the main description column as the action, tick columns, numbers with no heading, two-row and
merged headers, fill colours, items that take two rows and headings above Word tables."""

import io

import docx
import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from improvement.importing import engine, new_plan, preview_sheets
from improvement.importing.readers import Cell, Sheet, colour_name, read_upload, sheets_from_json, sheets_to_json
from improvement.models import Organisation, RagScheme


@pytest.fixture
def fresh_plan(db):
    def make(slug="five-state"):
        organisation, _ = Organisation.objects.get_or_create(name="Mapping Council")
        plan = new_plan(f"Mapped {slug}", organisation=organisation, scheme=RagScheme.objects.get(slug=slug))
        plan.save()
        return plan
    return make


def sheet(*rows, name="Plan", **extra) -> Sheet:
    return Sheet(name, [[cell if isinstance(cell, Cell) else Cell(cell) for cell in row] for row in rows], **extra)


def xlsx(build) -> bytes:
    book = openpyxl.Workbook()
    build(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("heading", "field"), [
    ("Achieved (tick)", "achieved"),
    ("On Target to Achieve (tick)", "on_target"),
    ("Not on target (please tick)", "not_on_target"),
    ("Completed (Y/N)", "achieved"),
    ("On track?", "on_target"),
    ("Completed (yes/no)", "achieved"),
    ("Give expected new achievement date", "revised_date"),
    ("Responsible Officer", "leads"),
    ("Update on progress", "note"),
])
def test_headings_with_instructions_after_them_name_their_field(heading, field):
    assert engine.propose(heading) == field


def test_a_plan_of_recommendations_takes_each_recommendation_as_the_action_and_what_it_answers():
    mapping, _headers = engine.proposed_mapping([sheet(
        ("Recommendation", "Responsible Officer", "Update on progress", "Achieved (tick)",
         "On Target to Achieve (tick)"),
        ("1. See children alone.", "Head of Safeguarding", "Done.", "✓", ""))])
    assert mapping == {"Recommendation": "recommendation_action", "Responsible Officer": "leads",
                       "Update on progress": "note", "Achieved (tick)": "achieved",
                       "On Target to Achieve (tick)": "on_target"}


@pytest.mark.parametrize("heading", ["Target", "Issue", "Area of concern"])
def test_with_no_action_column_the_main_description_column_is_the_action(heading):
    mapping, _headers = engine.proposed_mapping([sheet((heading, "Lead", "Timescale"), ("Fix it", "Head", "May"))])
    assert mapping[heading] == "description"


def test_the_objectives_stay_the_actions_before_a_recommendation_column():
    mapping, _headers = engine.proposed_mapping([sheet(("Objective", "Recommendation", "Lead"), ("a", "b", "c"))])
    assert mapping["Objective"] == "description" and mapping["Recommendation"] == "recommendation"


def test_a_column_of_short_codes_with_no_heading_is_the_action_number():
    plan_sheet = sheet(("", "Action", "Lead"), ("2 (i)", "Audit", "Head"), ("4 (xxxv)", "Review", "Head"),
                       ("IP3.1", "Publish", "Head"))
    mapping, headers = engine.proposed_mapping([plan_sheet])
    assert headers["Plan"][0] == "(no heading, column A)"
    assert mapping["(no heading, column A)"] == "number"


def test_an_unheaded_column_of_text_is_not_taken_for_numbers():
    mapping, _headers = engine.proposed_mapping([sheet(("Action", "Lead", ""), ("Audit", "Head", "see note"))])
    assert mapping["(no heading, column C)"] == "ignore"


def test_tick_columns_give_the_status_they_name_and_the_preview_says_where_it_came_from(fresh_plan):
    plan = fresh_plan("achieved")
    _mapping, result = preview_sheets([sheet(
        ("Ref", "Action", "Achieved (tick)", "On target (tick)", "Not on target (tick)"),
        ("1", "First", "x", "", ""), ("2", "Second", "", "✔", ""), ("3", "Third", "", "", "Yes"),
        ("4", "Fourth", "", "", ""))], plan)
    assert [(row.status.label if row.status else None, row.status_source) for row in result.rows] == [
        ("Achieved", "column “Achieved (tick)” (ticked)"), ("On target", "column “On target (tick)” (ticked)"),
        ("Not on target", "column “Not on target (tick)” (ticked)"), (None, "")]
    assert result.status_columns == [("Achieved (tick)", "a tick means Achieved"),
                                     ("On target (tick)", "a tick means On target"),
                                     ("Not on target (tick)", "a tick means Not on target")]
    # The first row is Achieved with no review note: a completed action needs one, so the preview
    # says its status will not be recorded (nothing is invented for it).
    assert ["a completed action needs a review note" in p.message for p in result.problems] == [True]


def test_two_ticked_status_columns_are_a_problem_and_no_status_is_guessed(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "Achieved (tick)", "On target (tick)"),
                                             ("1", "First", "✓", "✓"))], fresh_plan("achieved"))
    assert result.rows[0].status is None
    assert ["more than one status column is ticked" in p.message for p in result.problems] == [True]


def test_a_tick_in_a_scheme_with_no_complete_status_is_a_problem(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "Achieved (tick)"), ("1", "First", "✓"))],
                                      fresh_plan("three-state"))
    assert result.rows[0].status is None
    assert "names no status of this plan’s scheme" in result.problems[0].message


def test_a_mark_that_is_not_a_tick_is_a_problem_naming_the_column(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "Achieved (tick)"), ("1", "First", "maybe"))],
                                      fresh_plan("achieved"))
    assert result.problems[0].column == "Achieved (tick)" and "is not a tick" in result.problems[0].message


@pytest.mark.parametrize(("rgb", "name"), [
    ("FF0000", "red"), ("C00000", "red"), ("FFC7CE", "red"), ("FFC000", "amber"), ("FFFF00", "amber"),
    ("00B050", "green"), ("C6EFCE", "green"), ("0070C0", "blue"), ("00B0F0", "blue"), ("A6A6A6", "grey"),
    ("FFFFFF", ""), ("F2F2F2", ""), ("000000", ""), ("7030A0", ""), (None, ""),
])
def test_a_fill_colour_is_read_as_the_nearest_rag_colour(rgb, name):
    assert colour_name(rgb) == name


def test_fills_in_rgb_theme_and_indexed_colours_are_read_from_a_workbook():
    def build(ws):
        ws.append(["Action", "RAG"])
        for row, colour in enumerate(["00B050", Color(theme=5), Color(indexed=10), Color(theme=9, tint=-0.25)],
                                     start=2):
            ws.cell(row, 1, f"Action {row}")
            ws.cell(row, 2).fill = PatternFill("solid", fgColor=colour)
    sheets = read_upload("plan.xlsx", xlsx(build))
    assert [row[1].fill for row in sheets[0].rows] == ["", "green", "red", "red", "amber"]


def test_a_status_cell_with_no_text_takes_its_fill_and_text_wins_over_fill(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "RAG"), ("1", "First", Cell("", fill="amber")),
                                             ("2", "Second", Cell("G", fill="red")))], fresh_plan())
    assert [(row.status.label, row.status_source) for row in result.rows] == [
        ("Amber", "fill colour of “RAG” (amber)"), ("Green", "column “RAG”")]


def test_a_fill_that_is_no_status_of_the_scheme_is_a_problem(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "RAG"), ("1", "First", Cell("", fill="blue")))],
                                      fresh_plan("three-state"))
    assert result.rows[0].status is None and "filled blue" in result.problems[0].message


def test_a_heading_merged_over_two_columns_names_each_with_the_heading_below():
    def build(ws):
        ws.append(["No", "Action", "Progress", None])
        ws.append([None, None, "RAG", "Update"])
        ws.merge_cells("C1:D1")
        ws.append(["1", "Audit", "G", "Done"])
    sheets = read_upload("plan.xlsx", xlsx(build))
    assert sheets[0].merged == [(0, 2, 0, 3)]
    mapping, headers = engine.proposed_mapping(sheets)
    assert headers[sheets[0].name] == ["No", "Action", "Progress RAG", "Progress Update"]
    assert mapping["Progress RAG"] == "status" and mapping["Progress Update"] == "note"


def test_a_two_row_header_without_merged_cells_gives_one_heading_per_column(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "Progress", ""), ("", "", "RAG", "Update"),
                                             ("1", "Audit", "G", "Done"))], fresh_plan())
    assert result.headers["Plan"] == ["Ref", "Action", "Progress RAG", "Update"]
    assert [(row.number, row.status.code, row.note) for row in result.rows] == [("1", "G", "Done")]


def test_the_first_action_row_is_never_taken_for_a_second_header_row():
    _mapping, headers = engine.proposed_mapping([sheet(("Ref", "Action", "RAG"), ("1.1", "Lead", "Status"))])
    assert headers["Plan"] == ["Ref", "Action", "RAG"]


def test_a_row_of_labels_or_references_alone_joins_the_item_above(fresh_plan):
    _mapping, result = preview_sheets([sheet(
        ("Ref", "Action", "Reference", "Measures"),
        ("1", "Audit neglect cases", "", "Audit report"),
        ("", "Source: OIS 2023 para 12", "", ""),
        ("", "", "Peer review 2022 3", "Evidence log"),
        ("2", "Train health visitors", "", ""))], fresh_plan())
    first, second = result.rows
    assert first.references == [("OIS 2023", "12"), ("Peer review 2022", "3")]
    assert first.fields["measures"] == "Audit report\nEvidence log"
    assert second.references == [] and result.problems == []


def test_labels_with_no_action_above_are_skipped_with_a_reason(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action"), ("", "Source: OIS 2023 para 12"),
                                             ("1", "Audit"))], fresh_plan())
    assert [row.number for row in result.rows] == ["1"]
    assert "no action above it" in result.problems[0].message


def test_a_row_repeating_the_number_and_action_above_is_the_same_item_continued(fresh_plan):
    _mapping, result = preview_sheets([sheet(("Ref", "Action", "Reference"), ("1", "Audit", "OIS 2023 5"),
                                             ("1", "Audit", "OIS 2023 6"))], fresh_plan())
    assert len(result.rows) == 1 and result.rows[0].references == [("OIS 2023", "5"), ("OIS 2023", "6")]
    assert not result.blocking


def word(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, *rows):
    table = document.add_table(rows=0, cols=len(rows[0]))
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    return table


def test_headings_above_word_tables_set_theme_and_urgency_and_the_title_and_prose_do_not(fresh_plan):
    def build(document):
        document.add_paragraph("Improvement plan 2024", style="Title")
        document.add_paragraph("This plan answers the inspection.")
        document.add_paragraph("Theme 1: Early help", style="Heading 1")
        document.add_paragraph().add_run("Immediately").bold = True
        _table(document, ("Recommendation", "Action"), ("1. Improve help", "Open hubs"))
        document.add_paragraph("Within three months", style="Heading 2")
        _table(document, ("Recommendation", "Action"), ("2. Improve plans", "New template"))
    sheets = read_upload("plan.docx", word(build))
    assert sheets[0].preamble == ["Theme 1: Early help", "Immediately"]
    _mapping, result = preview_sheets(sheets, fresh_plan())
    assert [(row.number, row.theme, row.recommendation[2]) for row in result.rows] == [
        ("1.1", ("1", "Early help"), "immediately"), ("2.1", ("1", "Early help"), "within_3_months")]


def test_a_word_table_with_another_header_keeps_the_theme_of_the_table_before(fresh_plan):
    def build(document):
        document.add_paragraph("Theme 2: Children in care", style="Heading 1")
        _table(document, ("Ref", "Action"), ("2.1", "Review plans"))
        _table(document, ("Ref", "Action", "Lead"), ("2.2", "Recruit carers", "Head of Fostering"))
    sheets = read_upload("plan.docx", word(build))
    assert sheets[1].preamble == []
    _mapping, result = preview_sheets(sheets, fresh_plan())
    assert [(row.number, row.theme) for row in result.rows] == [("2.1", ("2", "Children in care")),
                                                                ("2.2", ("2", "Children in care"))]


def test_sheets_keep_fills_preambles_and_merged_cells_through_json_and_old_json_still_reads():
    sheets = [Sheet("Plan", [[Cell("RAG"), Cell("", fill="amber"), Cell("x", value="x", fill="red")]],
                    preamble=["Immediately"], merged=[(0, 1, 0, 2)])]
    assert sheets_from_json(sheets_to_json(sheets)) == sheets
    assert sheets_from_json([{"name": "Old", "rows": [["a", ["b"], {"t": "3", "v": 3}]]}]) == [
        Sheet("Old", [[Cell("a"), Cell("b", value="b"), Cell("3", value=3)]])]
