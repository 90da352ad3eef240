"""The shared XLSX writer (improvement/lib/spreadsheets.py): sheets open ready to read."""

import datetime
import io

import openpyxl

from improvement.lib.spreadsheets import MAX_WIDTH, MIN_WIDTH, xlsx_bytes

HEADER = ["Number", "Action", "Due date", "Produced"]
ROWS = [
    ["1.1", "Review the threshold document with partners and publish it", datetime.date(2013, 1, 31),
     datetime.datetime(2013, 1, 15, 9, 30)],
    ["10.2", "x" * 500, None, None],
]


def workbook(header=HEADER, rows=ROWS):
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("Actions", header, rows)])))


def test_the_header_row_is_bold_and_stays_in_view():
    sheet = workbook()["Actions"]
    assert [cell.font.b for cell in sheet[1]] == [True] * 4
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_every_column_has_a_filter_over_all_the_rows():
    assert workbook()["Actions"].auto_filter.ref == "A1:D3"


def test_columns_are_as_wide_as_their_contents_within_limits():
    widths = workbook()["Actions"].column_dimensions
    assert widths["A"].width == len("Number") + 3
    assert widths["B"].width == MAX_WIDTH
    assert MIN_WIDTH <= widths["C"].width < 20


def test_dates_are_date_cells_shown_in_a_uk_format():
    sheet = workbook()["Actions"]
    due, produced = sheet["C2"], sheet["D2"]
    assert due.is_date and due.value == datetime.datetime(2013, 1, 31)
    assert due.number_format == "d mmm yyyy"
    assert produced.is_date and produced.number_format == "d mmm yyyy hh:mm"


def test_an_empty_sheet_still_has_its_header_and_filter():
    sheet = workbook(rows=[])["Actions"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.auto_filter.ref == "A1:D1"


def test_rows_beyond_the_width_sample_are_all_written():
    rows = [[str(n), "a", None, None] for n in range(450)]
    sheet = workbook(rows=rows)["Actions"]
    assert sheet.max_row == 451 and sheet["A451"].value == "449"
    assert sheet.auto_filter.ref == "A1:D451"
