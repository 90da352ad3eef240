"""Read an uploaded plan (XLSX, CSV or DOCX) into sheets of text cells, refusing bad files with
a message that says what is wrong.

Nothing in a file is executed or fetched: XLSX formulas are read as their cached value (and a
formula without one is reported, never evaluated), DOCX is read as table text only, and links
are text like any other. The quote that our own exports put before text a spreadsheet would
read as a formula ("'- note") is taken off again, so an exported plan re-imports as it was.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from improvement.lib.spreadsheets import unquote_cell

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(ValueError):
    """The file cannot be read; the message says why and what to do."""


@dataclass
class Cell:
    text: str
    is_formula: bool = False
    value: object = None  # a date or number as the spreadsheet holds it


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)


def read_upload(name: str, data: bytes) -> list[Sheet]:
    """Sheets of the file, whatever its kind, or ReadError."""
    if not data:
        raise ReadError("The file is empty. Choose the file that holds the plan.")
    if len(data) > MAX_BYTES:
        raise ReadError(f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest accepted is "
                        f"{MAX_BYTES // 1024 // 1024} MB. Remove images or other sheets and try again.")
    extension = PurePath(name).suffix.lower()
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
        raise ReadError(f"“{name}” is a web page saved with a spreadsheet name, not a real spreadsheet. "
                        "Open it in Excel and save it as an Excel workbook (.xlsx) or as CSV.")
    if data.startswith(OLE2_SIGNATURE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ReadError(f"“{name}” is protected with a password. Open it, remove the password "
                            "(File > Info > Protect), save it and upload it again.")
        raise ReadError(f"“{name}” is in the old Office 97–2003 format. Save it as .xlsx or .docx and try again.")
    if extension == ".xlsx":
        return read_xlsx(name, data)
    if extension == ".docx":
        return read_docx(name, data)
    if extension == ".csv":
        return [read_csv(name, data)]
    raise ReadError(f"“{name}” is not an XLSX, CSV or DOCX file. Save the plan in one of those formats.")


def _zip_with(name: str, data: bytes, part: str, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        if data.startswith(b"PK"):
            raise ReadError(f"“{name}” is damaged and cannot be opened as {kind}. Save it again and retry.") from None
        raise ReadError(f"“{name}” is not really {kind}, whatever its name says. Save it as {kind} and retry.") \
            from None
    if not any(item.startswith(part) for item in archive.namelist()):
        raise ReadError(f"“{name}” is not really {kind}, whatever its name says. Save it as {kind} and retry.")
    return archive


def read_xlsx(name: str, data: bytes) -> list[Sheet]:
    import openpyxl

    _zip_with(name, data, "xl/", "an Excel workbook (.xlsx)")
    try:
        # Cached values, never formulas to evaluate; the formulas themselves are read alongside.
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise ReadError(f"“{name}” is damaged and cannot be opened as an Excel workbook ({error}).") from None
    sheets = []
    try:
        for sheet_values, sheet_formulas in zip(values.worksheets, formulas.worksheets, strict=True):
            sheet = Sheet(sheet_values.title)
            for row_number, (row, raw) in enumerate(
                    zip(sheet_values.iter_rows(values_only=True), sheet_formulas.iter_rows(values_only=True),
                        strict=False), start=1):
                if row_number > MAX_ROWS:
                    raise ReadError(_too_many_rows(name, sheet.name))
                cells = []
                for value, formula in zip(row, raw, strict=False):
                    is_formula = isinstance(formula, str) and formula.startswith("=")
                    cells.append(Cell(_text(value), is_formula=is_formula and value is None, value=value))
                sheet.rows.append(cells)
            sheets.append(sheet)
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(f"“{name}” is damaged and cannot be read ({error}).") from None
    finally:
        values.close()
        formulas.close()
    return sheets


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return unquote_cell(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _too_many_rows(name, sheet) -> str:
    return (f"Sheet “{sheet}” of “{name}” has more than {MAX_ROWS:,} rows. A plan has hundreds of actions at "
            "most: remove the rows that are not actions, or split the file, and try again.")


def decode_text(data: bytes) -> str:
    """Text of a CSV: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(name: str, data: bytes) -> Sheet:
    text = decode_text(data)
    if "\x00" in text:
        raise ReadError(f"“{name}” is not a text (CSV) file, whatever its name says. Save the plan as CSV.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = Sheet(PurePath(name).stem or "CSV")
    for row_number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if row_number > MAX_ROWS:
            raise ReadError(_too_many_rows(name, sheet.name))
        sheet.rows.append([Cell(unquote_cell(value)) for value in row])
    return sheet


def read_docx(name: str, data: bytes) -> list[Sheet]:
    """Every table of the document, in order. Merged cells are read once (python-docx repeats
    a merged cell in each grid position it covers); a table that continues on the next page as
    another table with the same header row is joined to the one before it."""
    import docx

    _zip_with(name, data, "word/", "a Word document (.docx)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise ReadError(f"“{name}” is damaged and cannot be opened as a Word document ({error}).") from None
    sheets: list[Sheet] = []
    for number, table in enumerate(document.tables, start=1):
        rows = []
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    cells.append(Cell(""))  # the rest of a merged cell
                    continue
                seen.add(id(cell._tc))
                cells.append(Cell("\n".join(p.text for p in cell.paragraphs).strip()))
            rows.append(cells)
        if not rows:
            continue
        previous = sheets[-1] if sheets else None
        if previous and previous.rows and _same_header(previous.rows[0], rows[0]):
            previous.rows.extend(rows[1:])  # a continuation: drop its repeated header row
        else:
            sheets.append(Sheet(f"Table {number}", rows))
        if sum(len(sheet.rows) for sheet in sheets) > MAX_ROWS:
            raise ReadError(_too_many_rows(name, f"Table {number}"))
    if not sheets:
        raise ReadError(f"“{name}” has no tables. The importer reads the plan from the document's tables.")
    return sheets


def _same_header(first: list[Cell], second: list[Cell]) -> bool:
    a = [c.text.strip().lower() for c in first]
    b = [c.text.strip().lower() for c in second]
    return len(a) == len(b) and any(a) and a == b
