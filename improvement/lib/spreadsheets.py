"""CSV and XLSX writers that are safe to open in a spreadsheet.

Text a user typed may start with a character that makes a spreadsheet treat the cell as a
formula ("=HYPERLINK(…)"). As OWASP recommends, such cells are prefixed with a single quote
so they are shown as text and never evaluated.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

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
