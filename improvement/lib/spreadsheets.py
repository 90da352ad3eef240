"""CSV and XLSX writers that are safe to open in a spreadsheet.

Text a user typed may start with a character that makes a spreadsheet treat the cell as a
formula ("=HYPERLINK(…)"). As OWASP recommends, such cells are prefixed with a single quote
so they are shown as text and never evaluated.

XLSX sheets open ready to read: a bold header row that stays in view, a filter on every
column, columns as wide as their contents, and dates as date cells shown as "31 Jan 2013".
"""

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def safe_cell(value):
    """Neutralise text that a spreadsheet would read as a formula; leave other values alone."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, rows_per_chunk: int = 500) -> Iterable[str]:
    """Yield the CSV text (for a streaming response) a few hundred rows at a time, so a large
    export is not sent as a hundred thousand tiny pieces; with a BOM for Excel. Dates are
    written as ISO 8601 (2013-03-31) and None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    yield "\ufeff" + buffer.getvalue()
    for chunk in itertools.batched(rows, rows_per_chunk):
        buffer.seek(0)
        buffer.truncate()
        # safe_cell, inlined: this runs for every cell of exports of a hundred thousand rows.
        writer.writerows([["'" + cell if cell.__class__ is str and cell[:1] in _TRIGGERS else cell
                           for cell in row] for row in chunk])
        yield buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


DATE_FORMAT = "d mmm yyyy"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
# Column widths (in characters) are measured on the header and the first rows: a write-only
# sheet must declare them before its first row, and a sample is wide enough to read.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
_BOLD = Font(bold=True)


def xlsx_write(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], target) -> int:
    """Write an XLSX workbook with one sheet per (title, header, rows) to a binary file, row by
    row (openpyxl's write-only mode keeps memory flat); return the number of rows written."""
    workbook = Workbook(write_only=True)
    count = 0
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        rows = iter(rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        for index, width in enumerate(column_widths(header, sample), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, cell) for cell in header])
        written = 0
        for row in itertools.chain(sample, rows):
            cells = [safe_cell(cell) for cell in row]
            sheet.append([_date_cell(sheet, cell) if isinstance(cell, datetime.date) else cell for cell in cells])
            written += 1
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{written + 1}"
        count += written
    workbook.save(target)
    return count


def column_widths(header: Sequence, rows: Sequence[Sequence]) -> list[int]:
    """Each column's width in characters: its longest line of text, within MIN_WIDTH and MAX_WIDTH
    (longer text wraps in the spreadsheet); a header has room for the filter button."""
    widths = [len(str(cell)) + 3 for cell in header]
    for row in rows:
        for index, cell in enumerate(row[:len(widths)]):
            widths[index] = max(widths[index], _text_width(cell))
    return [min(max(width, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 17
    if isinstance(value, datetime.date):
        return 11
    return max(len(line) for line in str(value).splitlines() or [""]) + 1


def _header_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    cell.font = _BOLD
    return cell


def _date_cell(sheet, value):
    """A date cell with a format that reads the same in every locale ("31 Jan 2013")."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
    return cell


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX workbook with one sheet per (title, header, rows)."""
    buffer = io.BytesIO()
    xlsx_write(sheets, buffer)
    return buffer.getvalue()
