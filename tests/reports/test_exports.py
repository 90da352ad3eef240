import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from boards.models import Assessment, Board, ScrutinyReview
from improvement.lib.spreadsheets import FORMULA_TRIGGERS, csv_lines, safe_cell, unquote_cell, xlsx_bytes
from improvement.lib.text import normalise_text
from tests.conftest import ANY_TEXT, client_for, store_unnormalised_text
from tests.reports.conftest import pdf_text


def rag_url(plan, query=""):
    return reverse("reports:rag_summary", args=[plan.pk]) + query


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([]) if [] in rows else rows.index([""])
    return dict(rows[1:blank]), rows[blank + 1], rows[blank + 2:]


def test_rag_summary_csv_has_a_row_per_action_and_the_period_and_filters(pack_meeting, viewer, frozen_today):
    plan = pack_meeting.plan
    response = client_for(viewer).get(rag_url(plan, "?period=2012-12&format=csv&q=thresholds"))
    assert response.status_code == 200
    about, header, rows = read_csv(response)
    assert about["Period"] == "December 2012" and about["Filters"] == "q=thresholds"
    assert header[:3] == ["Theme", "Number", "References"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["Number"], row["Status this period"], row["Status last period"], row["Movement"]) == (
        "1.1", "Red", "Green", "Declined")
    assert row["Review note"] == "Recruitment to the LADO post has stalled"
    assert row["References"] == "OIS 2012 1.2"


def test_rag_summary_for_an_earlier_period(pack_meeting, viewer):
    response = client_for(viewer).get(rag_url(pack_meeting.plan, "?period=2012-11&format=csv"))
    about, header, rows = read_csv(response)
    by_number = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_number["1.1"]["Status this period"] == "Green"
    assert by_number["1.1"]["Review note"] == "November note"
    assert by_number["1.2"]["Status this period"] == "No update"


def test_rag_summary_xlsx_has_actions_summary_and_about_sheets(pack_meeting, viewer):
    response = client_for(viewer).get(rag_url(pack_meeting.plan, "?format=xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Actions", "Summary", "Measures", "About"]
    actions = list(workbook["Actions"].iter_rows(values_only=True))
    assert [row[1] for row in actions[1:]] == ["1.1", "1.2"]
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[0] == ("Theme", "Blue", "Green", "Amber", "Red", "Grey", "No update", "Total")
    assert summary[-1] == ("Whole plan", 0, 0, 0, 1, 0, 1, 2)


def test_scrutiny_conclusion_appears_in_the_rag_summary(pack_meeting, viewer, board):
    action = pack_meeting.plan.actions.get(number="1.1")
    review = ScrutinyReview.objects.create(board=board, plan=pack_meeting.plan, title="Review", scope="All",
                                           date=datetime.date(2012, 12, 1))
    Assessment.objects.create(review=review, number="1", requirement="r", conclusion="unknown",
                              comment="No evidence").actions.add(action)
    _, header, rows = read_csv(client_for(viewer).get(rag_url(pack_meeting.plan, "?format=csv")))
    assert dict(zip(header, rows[0], strict=True))["Scrutiny conclusion"] == "Unknown (no evidence received)"


@pytest.mark.parametrize("query", ["?period=2012-13", "?format=pdf", "?theme=banana"])
def test_bad_rag_summary_requests_say_what_is_wrong(pack_meeting, viewer, query):
    response = client_for(viewer).get(rag_url(pack_meeting.plan, query))
    assert response.status_code == 400
    assert response.content.decode().startswith("Could not export")


def test_rag_summary_is_404_for_an_outsider(pack_meeting, outsider):
    assert client_for(outsider).get(rag_url(pack_meeting.plan)).status_code == 404


def test_rag_summary_command_writes_csv_and_xlsx(pack_meeting, tmp_path):
    out = io.StringIO()
    call_command("rag_summary", plan=pack_meeting.plan.pk, period="2012-12", format="csv",
                 output=str(tmp_path / "rag.csv"), stdout=out)
    assert "1.1" in (tmp_path / "rag.csv").read_text(encoding="utf-8")
    call_command("rag_summary", plan=pack_meeting.plan.pk, format="xlsx", output=str(tmp_path / "rag.xlsx"),
                 stdout=out)
    assert openpyxl.load_workbook(tmp_path / "rag.xlsx").sheetnames == ["Actions", "Summary", "Measures", "About"]
    with pytest.raises(CommandError, match="not a period"):
        call_command("rag_summary", plan=pack_meeting.plan.pk, period="December", format="csv",
                     output=str(tmp_path / "x.csv"))


@given(ANY_TEXT)
@hypothesis_settings(max_examples=300, deadline=None)
def test_no_text_cell_can_start_a_formula_and_reading_it_back_gives_the_text(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_TRIGGERS)
    normal = normalise_text(text).replace("\ufffe", "").replace("\uffff", "")
    assert cell in (normal, "'" + normal)
    assert unquote_cell(cell) == normal


@pytest.mark.parametrize("text", ["＝HYPERLINK(\"http://evil\")", "＋1", "－1", "＠SUM(A1)", "'=1", "''+1"])
def test_full_width_and_already_quoted_formulas_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@given(st.lists(ANY_TEXT, min_size=1, max_size=4))
@hypothesis_settings(max_examples=200, deadline=None)
def test_any_text_makes_a_workbook_that_opens_and_a_csv_that_encodes(texts):
    expected = [safe_cell(text) or None for text in texts]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("S", ["h"] * len(texts), [texts])]))).active
    assert list(list(sheet.iter_rows(values_only=True))[1]) == expected
    data = "".join(csv_lines(["h"] * len(texts), [texts, texts])).encode("utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1] == rows[2] == [cell or "" for cell in expected]


@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r\"',;a1 é😀\n"), max_size=12), min_size=1, max_size=5))
@hypothesis_settings(max_examples=100, deadline=None)
def test_written_csv_and_xlsx_cells_never_start_a_formula(cells):
    text = "".join(csv_lines(["h"] * len(cells), [cells])).lstrip("\ufeff")
    for value in list(csv.reader(io.StringIO(text)))[1]:
        assert not value.startswith(FORMULA_TRIGGERS)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("S", ["h"] * len(cells), [cells])]))).active
    for value in list(sheet.iter_rows(values_only=True))[1]:
        assert value is None or not str(value).startswith(FORMULA_TRIGGERS)


def test_scrutiny_summary_matches_the_wiltshire_review(db, settings, viewer):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    from improvement.models import User

    scrutiny = User.objects.get(username="scrutiny")
    review = ScrutinyReview.objects.get()
    client = client_for(scrutiny)
    csv_response = client.get(reverse("reports:scrutiny_summary", args=[review.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))
    numbered = [row for row in rows[1:] if row[1].isdigit()]
    assert len(numbered) == 25
    conclusions = [row[4] for row in numbered]
    assert conclusions.count("Complete") == 6 and conclusions.count("Partially complete") == 9
    assert conclusions.count("Unknown (no evidence received)") == 10

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("reports:scrutiny_summary", args=[review.pk, "xlsx"])).content))
    assert dict(list(workbook["Summary"].iter_rows(values_only=True))[1:])["Complete"] == 6

    pdf = client.get(reverse("reports:scrutiny_summary", args=[review.pk, "pdf"]))
    text = pdf_text(pdf.content)
    assert "Ofsted immediate actions on safeguarding" in text and "Partially complete" in text
    assert Board.objects.get(kind="scrutiny_panel").name.split()[0] in text


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rag_summary_of_a_note_with_control_characters_still_exports(pack_meeting, viewer, fmt):
    action = pack_meeting.plan.actions.get(number="1.2")
    store_unnormalised_text(action)
    response = client_for(viewer).get(rag_url(pack_meeting.plan, f"?format={fmt}"))
    assert response.status_code == 200
    if fmt == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["Actions"].iter_rows(values_only=True))
        note = dict(zip(rows[0], rows[2], strict=True))["Review note"]
    else:
        _, header, rows = read_csv(response)
        note = dict(zip(header, rows[1], strict=True))["Review note"]
    assert note == "Line one\nline two"


def test_rag_summary_command_writes_a_note_with_control_characters(pack_meeting, tmp_path):
    store_unnormalised_text(pack_meeting.plan.actions.get(number="1.2"))
    call_command("rag_summary", plan=pack_meeting.plan.pk, format="xlsx", output=str(tmp_path / "rag.xlsx"),
                 stdout=io.StringIO())
    assert openpyxl.load_workbook(tmp_path / "rag.xlsx").sheetnames == ["Actions", "Summary", "Measures", "About"]


def test_scrutiny_summary_of_a_comment_with_control_characters_still_exports(plan, board, scrutiny):
    review = ScrutinyReview.objects.create(board=board, plan=plan, title="Review", scope="All",
                                           date=datetime.date(2012, 12, 1))
    Assessment.objects.bulk_create([Assessment(review=review, number="1", requirement="r", conclusion="unknown",
                                               comment="No evidence\x0breceived\x1b")])
    response = client_for(scrutiny).get(reverse("reports:scrutiny_summary", args=[review.pk, "xlsx"]))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["Conclusions"].iter_rows(values_only=True))
    assert rows[1][5] == "No evidence\nreceived"

