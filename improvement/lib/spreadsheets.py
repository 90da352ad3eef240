"""CSV and XLSX writers that are safe to open in a spreadsheet.

Text a user typed may start with a character that makes a spreadsheet treat the cell as a
formula ("=HYPERLINK(…)"). As OWASP recommends, such cells are prefixed with a single quote
so they are shown as text and never evaluated.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text that a spreadsheet would read as a formula; leave other values alone."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """Yield the CSV text line by line (for a streaming response), with a BOM for Excel."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([_text(safe_cell(cell)) for cell in row])


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_write(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], target) -> int:
    """Write an XLSX workbook with one sheet per (title, header, rows) to a binary file, row by
    row (openpyxl's write-only mode keeps memory flat); return the number of rows written."""
    workbook = Workbook(write_only=True)
    count = 0
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(cell) for cell in header])
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
            count += 1
    workbook.save(target)
    return count


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX workbook with one sheet per (title, header, rows)."""
    buffer = io.BytesIO()
    xlsx_write(sheets, buffer)
    return buffer.getvalue()
