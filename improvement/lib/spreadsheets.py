"""CSV and XLSX writers that are safe to open in a spreadsheet, whatever text is stored.

Text a user typed may start with a character that makes a spreadsheet treat the cell as a
formula ("=HYPERLINK(…)"), in its ASCII or full-width form ("＝"). As OWASP recommends, such
cells are prefixed with a single quote so they are shown as text and never evaluated; so is a
cell that already starts with quotes before such a character, so that unquote_cell() (the
import's reading of our own files) gives back exactly what was written.

Text stored before input was normalised may hold control characters that openpyxl refuses to
write and lone surrogates that cannot be encoded: every cell is normalised as new input is
(improvement.lib.text), and the two non-characters that XML forbids are dropped, so one odd
note can never stop an export.

XLSX sheets open ready to read: a bold header row that stays in view, a filter on every
column, columns as wide as their contents, and dates as date cells shown as "31 Jan 2013".
"""

import csv
import datetime
import io
import itertools
import re
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .text import normalise_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
_QUOTED_OR_TRIGGERS = _TRIGGERS | {"'"}
_NOT_XML = re.compile("[\ufffe\uffff]")
# What safe_cell() would change inside a cell: controls but tab, CR and LF; DEL; C1; surrogates;
# the XML non-characters. (CR is checked apart: the CSV writer ends every row with CR LF.)
_CSV_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _needs_quote(text: str) -> bool:
    return text[:1] in _QUOTED_OR_TRIGGERS and text.lstrip("'")[:1] in _TRIGGERS


def safe_cell(value):
    """Text with control characters normalised and a formula neutralised; other values as they are
    (a translatable text in the active language)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = _NOT_XML.sub("", normalise_text(value))
        if _needs_quote(value):
            return "'" + value
    return value


def unquote_cell(text: str) -> str:
    """The text that safe_cell() wrote as ``text``: one quote fewer if it added one."""
    if text[:1] == "'" and _needs_quote(text[1:]):
        return text[1:]
    return text


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
        # safe_cell, inlined for the usual text: this runs for every cell of exports of a hundred
        # thousand rows. A chunk in which some cell holds a character to normalise (looked for
        # once in the chunk's text) is written again through safe_cell itself.
        writer.writerows([["'" + cell if cell.__class__ is str and cell[:1] in _QUOTED_OR_TRIGGERS
                           and _needs_quote(cell) else cell for cell in row] for row in chunk])
        text = buffer.getvalue()
        if text.count("\r") != len(chunk) or _CSV_UNSAFE.search(text):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([[safe_cell(cell) for cell in row] for row in chunk])
            text = buffer.getvalue()
        yield text


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
        sheet = workbook.create_sheet(title=str(title)[:31])
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


def styled_workbook() -> Workbook:
    """A workbook in openpyxl's normal mode, for a file that needs what write-only sheets cannot
    do (sheet protection, locked and unlocked cells, data validation: the leads' offline
    workbook). Write its rows with ``append_safe``, so every cell still goes through
    ``safe_cell``."""
    workbook = Workbook()
    return workbook


def append_safe(sheet, row: Sequence) -> None:
    """Append ``row`` to a normal-mode sheet, each cell through ``safe_cell``, dates as date cells
    shown as xlsx_write shows them."""
    sheet.append([safe_cell(cell) for cell in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = DATETIME_FORMAT if isinstance(cell.value, datetime.datetime) else DATE_FORMAT
