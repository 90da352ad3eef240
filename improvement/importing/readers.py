"""Read an uploaded plan (XLSX, CSV or DOCX) into sheets of text cells, refusing bad files with
a message that says what is wrong.

Nothing in a file is executed or fetched: XLSX formulas are read as their cached value (and a
formula without one is reported, never evaluated), DOCX is read as table text only, and links
are text like any other. The quote that our own exports put before text a spreadsheet would
read as a formula ("'- note") is taken off again, so an exported plan re-imports as it was.

Nor does a file cost out of proportion to its size (``Limits``, from the IMPORT_MAX_* settings):
rows, cells per row, cells in all and sheets are counted while reading, which stops at the first
limit passed; a CSV row is measured before it is split. An XLSX or DOCX is a zip package whose
parts may unpack to thousands of times their size: each part's declared size is checked first,
then every part is unpacked with a hard cap (a lying size is caught) into a package of stored
parts, so that openpyxl and python-docx never unpack anything themselves. XML is never expanded:
a part with a document type declaration (where entities are declared) is refused; besides,
openpyxl parses with defusedxml and python-docx with entities off.
"""

import csv
import datetime
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from improvement.lib.spreadsheets import unquote_cell

MAX_BYTES = 5 * 1024 * 1024
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Office package has tens of parts (sheets, styles, relationships); more is not a plan.
MAX_PARTS = 1000
# Entities (billion laughs, external files) can only be declared in a document type declaration,
# which Excel and Word never write.
_DOCTYPE = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_CHUNK = 64 * 1024


class ReadError(ValueError):
    """The file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """What one file may hold (see the IMPORT_MAX_* settings)."""

    rows: int  # in one sheet or CSV, or in all the tables of a DOCX
    columns: int  # cells in one row
    cells: int  # in the whole file
    sheets: int  # sheets of an XLSX, tables of a DOCX
    part_bytes: int  # one part of an XLSX or DOCX package, unpacked
    unpacked_bytes: int  # all its parts together, unpacked

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(rows=settings.IMPORT_MAX_ROWS, columns=settings.IMPORT_MAX_COLUMNS, cells=settings.IMPORT_MAX_CELLS,
                   sheets=settings.IMPORT_MAX_SHEETS, part_bytes=settings.IMPORT_MAX_PART_BYTES,
                   unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES)


class _Counter:
    """Counts the rows of a sheet and the cells of the file as they are read, refusing the first
    one too many (before the row is kept)."""

    def __init__(self, name: str, limits: Limits):
        self.name, self.limits, self.cells = name, limits, 0

    def row(self, sheet: str, row_number: int, width: int, *, where: str | None = None) -> None:
        if row_number > self.limits.rows:
            raise ReadError(_too_many_rows(self.name, sheet, self.limits))
        if width > self.limits.columns:
            raise ReadError(_too_many_columns(where or _("The sheet “%(sheet)s”") % {"sheet": sheet}, width,
                                              self.limits))
        self.cells += width
        if self.cells > self.limits.cells:
            raise ReadError(_("“%(name)s” has more than %(limit)s cells; an import reads at most %(limit)s. Delete "
                              "the rows, columns and sheets that are not part of the plan, or split the file, and "
                              "upload it again.") % {"name": self.name, "limit": f"{self.limits.cells:,}"})


@dataclass
class Cell:
    text: str
    is_formula: bool = False
    value: object = None  # a date or number as the spreadsheet holds it
    fill: str = ""  # the colour a spreadsheet cell is filled with, by name (FILL_COLOURS), or ""


# A spreadsheet's fill colours are read as the nearest of these, as trackers record RAG by fill.
FILL_COLOURS = ("red", "amber", "green", "blue", "grey")
# Merged cells are kept for the rows where a header may be (see engine.find_header).
HEADER_AREA_ROWS = 15


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    # Headings written as paragraphs above a Word table ("Theme 1: Early help", "Immediately"),
    # in order; they set the theme or urgency of the rows as headings inside the table do.
    preamble: list[str] = field(default_factory=list)
    # Merged cells of the header area as (first row, first column, last row, last column), counted
    # from 0, so that a heading merged over several columns names each of them.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


# Kept as JSON between upload and confirmation (PlanImport.sheets), so that a file is read once. A
# cell is its text alone when it holds nothing else (CSV, DOCX, empty cells), [text] when its value
# is that same text (a spreadsheet's text cell), else a small object: "t" text, "f" a formula with
# no saved value, and its value as a JSON number, boolean or text ("v"), or as a date, date and
# time, time or duration under its own key, and "c" its fill colour. A sheet's "preamble" and
# "merged" are written only when it has them, so JSON stored before they existed reads as it was.
_TYPED = {"d": datetime.date.fromisoformat, "dt": datetime.datetime.fromisoformat,
          "tm": datetime.time.fromisoformat, "td": lambda seconds: datetime.timedelta(seconds=seconds),
          "nf": float}


def sheets_to_json(sheets: list[Sheet]) -> list:
    result = []
    for sheet in sheets:
        data: dict = {"name": sheet.name, "rows": [[_cell_to_json(cell) for cell in row] for row in sheet.rows]}
        if sheet.preamble:
            data["preamble"] = list(sheet.preamble)
        if sheet.merged:
            data["merged"] = [list(area) for area in sheet.merged]
        result.append(data)
    return result


def sheets_from_json(data: list) -> list[Sheet]:
    return [Sheet(sheet["name"], [[_cell_from_json(cell) for cell in row] for row in sheet["rows"]],
                  preamble=list(sheet.get("preamble", [])),
                  merged=[tuple(area) for area in sheet.get("merged", [])])
            for sheet in data]


def _cell_to_json(cell: Cell):
    value = cell.value
    if value is None and not cell.is_formula and not cell.fill:
        return cell.text
    if isinstance(value, str) and value == cell.text and not cell.is_formula and not cell.fill:
        return [cell.text]
    data: dict = {"t": cell.text}
    if cell.is_formula:
        data["f"] = 1
    if cell.fill:
        data["c"] = cell.fill
    if isinstance(value, datetime.datetime):
        data["dt"] = value.isoformat()
    elif isinstance(value, datetime.date):
        data["d"] = value.isoformat()
    elif isinstance(value, datetime.time):
        data["tm"] = value.isoformat()
    elif isinstance(value, datetime.timedelta):
        data["td"] = value.total_seconds()
    elif isinstance(value, float) and not math.isfinite(value):
        data["nf"] = str(value)  # JSON (and PostgreSQL) have no infinity
    elif value is not None:
        data["v"] = value if isinstance(value, bool | int | float | str) else str(value)
    return data


def _cell_from_json(data) -> Cell:
    if isinstance(data, str):
        return Cell(data)
    if isinstance(data, list):
        return Cell(data[0], value=data[0])
    value = data.get("v")
    for key, parse in _TYPED.items():
        if key in data:
            value = parse(data[key])
    return Cell(data["t"], is_formula=bool(data.get("f")), value=value, fill=data.get("c", ""))


def read_upload(name: str, data: bytes, limits: Limits | None = None) -> list[Sheet]:
    """Sheets of the file, whatever its kind, or ReadError."""
    limits = limits or Limits.from_settings()
    if not data:
        raise ReadError(_("The file is empty. Choose the file that holds the plan."))
    if len(data) > MAX_BYTES:
        raise ReadError(_("The file is %(size)s MB; the largest accepted is %(limit)s MB. Remove images or other "
                          "sheets and try again.") % {"size": f"{len(data) / 1024 / 1024:.1f}",
                                                      "limit": MAX_BYTES // 1024 // 1024})
    extension = PurePath(name).suffix.lower()
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
        raise ReadError(_("“%(name)s” is a web page saved with a spreadsheet name, not a real spreadsheet. "
                          "Open it in Excel and save it as an Excel workbook (.xlsx) or as CSV.") % {"name": name})
    if data.startswith(OLE2_SIGNATURE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ReadError(_("“%(name)s” is protected with a password. Open it, remove the password "
                              "(File > Info > Protect), save it and upload it again.") % {"name": name})
        raise ReadError(_("“%(name)s” is in the old Office 97–2003 format. Save it as .xlsx or .docx and try "
                          "again.") % {"name": name})
    if extension == ".xlsx":
        return read_xlsx(name, data, limits)
    if extension == ".docx":
        return read_docx(name, data, limits)
    if extension == ".csv":
        return [read_csv(name, data, limits)]
    raise ReadError(_("“%(name)s” is not an XLSX, CSV or DOCX file. Save the plan in one of those formats.")
                    % {"name": name})


def _zip_with(name: str, data: bytes, part: str, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        if data.startswith(b"PK"):
            raise ReadError(_("“%(name)s” is damaged and cannot be opened as %(kind)s. Save it again and retry.")
                            % {"name": name, "kind": _kind(kind)}) from None
        raise ReadError(_not_really(name, kind)) from None
    if not any(item.startswith(part) for item in archive.namelist()):
        raise ReadError(_not_really(name, kind))
    return archive


def _unpacked(name: str, data: bytes, part: str, kind: str, limits: Limits) -> bytes:
    """The package of ``data`` written again with every part stored as it is unpacked, each read
    with a hard cap, so that whatever reads it next unpacks nothing."""
    archive = _zip_with(name, data, part, kind)
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_PARTS:
        raise ReadError(_("“%(name)s” holds %(count)s parts; a real %(kind)s has tens. Open it in Office, save it "
                          "as %(kind)s and upload it again.") % {"name": name, "count": f"{len(members):,}",
                                                                  "kind": _kind(kind)})
    for info in members:  # what the zip's directory declares, before unpacking anything
        _check_part_size(name, info.filename, info.file_size, limits)
    _check_total_size(name, sum(info.file_size for info in members), limits)
    out = io.BytesIO()
    total = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        for info in members:
            content = _read_capped(name, archive, info, limits, already=total)
            total += len(content)
            if info.filename.lower().endswith((".xml", ".rels")) and any(mark in content for mark in _DOCTYPE):
                raise ReadError(_("“%(name)s” holds XML that Excel and Word never write (a document type "
                                  "declaration, in %(part)s), so it was not read. Open it in Office, save it as "
                                  "%(kind)s and upload it again.")
                                % {"name": name, "part": info.filename, "kind": _kind(kind)})
            package.writestr(info.filename, content)
    return out.getvalue()


def _read_capped(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, *, already: int) -> bytes:
    """One part, unpacked a chunk at a time and stopped past the limits whatever its header says."""
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                _check_part_size(name, info.filename, size, limits)
                _check_total_size(name, already + size, limits)
                chunks.append(chunk)
    except ReadError:
        raise
    except Exception as error:  # a bad CRC, zlib.error, an encrypted or unknown compression method...
        raise ReadError(_("“%(name)s” is damaged and cannot be opened (%(part)s: %(error)s). Save it again and "
                          "retry.") % {"name": name, "part": info.filename, "error": error}) from None
    return b"".join(chunks)


def _check_part_size(name: str, part: str, size: int, limits: Limits) -> None:
    if size > limits.part_bytes:
        raise ReadError(_("“%(name)s” unpacks to more than %(limit)s in one part (%(part)s); an import reads at "
                          "most %(limit)s of a part. A sheet usually gets this big from formatting or formulas "
                          "copied down to the end of the sheet: delete the rows and columns after the plan, save it "
                          "and upload it again.")
                        % {"name": name, "limit": _megabytes(limits.part_bytes), "part": part[:100]})


def _check_total_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.unpacked_bytes:
        raise ReadError(_("“%(name)s” unpacks to more than %(limit)s; an import reads at most %(limit)s. Delete "
                          "the sheets, images and rows that are not part of the plan, save it and upload it again.")
                        % {"name": name, "limit": _megabytes(limits.unpacked_bytes)})


def _kind(kind: str) -> str:
    """A kind of file as the messages name it ("an Excel workbook (.xlsx)"), in the reader's language."""
    return _("a Word document (.docx)") if kind.endswith("(.docx)") else _("an Excel workbook (.xlsx)")


def _not_really(name: str, kind: str) -> str:
    return _("“%(name)s” is not really %(kind)s, whatever its name says. Save it as %(kind)s and retry.") % {
        "name": name, "kind": _kind(kind)}


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": f"{size / 1024 / 1024:,.0f}"}
    return _("%(size)s bytes") % {"size": f"{size:,}"}


def read_xlsx(name: str, data: bytes, limits: Limits | None = None) -> list[Sheet]:
    import openpyxl

    limits = limits or Limits.from_settings()
    package = _unpacked(name, data, "xl/", "an Excel workbook (.xlsx)", limits)
    try:
        # Cached values, never formulas to evaluate; the formulas themselves are read alongside, in a
        # second pass that only a workbook with formulas needs (most plans have none).
        values = openpyxl.load_workbook(io.BytesIO(package), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(package), read_only=True, data_only=False) \
            if _has_formulas(package) else None
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise ReadError(_("“%(name)s” is damaged and cannot be opened as an Excel workbook (%(error)s).")
                        % {"name": name, "error": error}) from None
    sheets = []
    counter = _Counter(name, limits)
    try:
        if len(values.worksheets) > limits.sheets:
            raise ReadError(_too_many_sheets(name, len(values.worksheets), "sheets", limits))
        fills = _Fills(values)
        for number, sheet_values in enumerate(values.worksheets):
            sheet = Sheet(sheet_values.title, merged=_merged_header_cells(package, sheet_values))
            formula_rows = iter(formulas.worksheets[number].iter_rows(values_only=True)) if formulas else None
            for row_number, row in enumerate(sheet_values.iter_rows(), start=1):
                counter.row(sheet.name, row_number, len(row))
                raw = next(formula_rows, ()) if formula_rows is not None else ()
                cells = []
                for index, read in enumerate(row):
                    value = read.value
                    formula = raw[index] if index < len(raw) else None
                    is_formula = isinstance(formula, str) and formula.startswith("=")
                    if _is_percentage(read, value):
                        # Excel holds 52.3% as 0.523 and shows it as a percentage: read what it shows.
                        value = _percentage_text(value)
                    cells.append(Cell(_text(value), is_formula=is_formula and value is None, value=value,
                                      fill=fills.of(read)))
                sheet.rows.append(cells)
            sheets.append(sheet)
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(_("“%(name)s” is damaged and cannot be read (%(error)s).") % {"name": name, "error": error}) \
            from None
    finally:
        values.close()
        if formulas:
            formulas.close()
    return sheets


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)\"")


def _merged_header_cells(package: bytes, worksheet) -> list[tuple[int, int, int, int]]:
    """The merged cells that start in the header area, from the sheet's XML: openpyxl's read-only
    mode, which keeps a large sheet's memory small, does not read them."""
    from openpyxl.utils import column_index_from_string

    path = (getattr(worksheet, "_worksheet_path", "") or "").lstrip("/")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        try:
            xml = archive.read(path)
        except KeyError:
            return []
    start = xml.rfind(b"<mergeCells")
    if start < 0:
        start = xml.find(b"mergeCells")  # with a namespace prefix
    if start < 0:
        return []
    areas = []
    for first_column, first_row, last_column, last_row in _MERGE_CELL.findall(xml, start):
        top = int(first_row) - 1
        if top < HEADER_AREA_ROWS:
            areas.append((top, column_index_from_string(first_column.decode()) - 1, int(last_row) - 1,
                          column_index_from_string(last_column.decode()) - 1))
    return sorted(areas)


class _Fills:
    """The fill colour of a spreadsheet cell by name (FILL_COLOURS), worked out once per style:
    a solid fill given as RGB, as a theme colour with its tint, or as an old indexed colour, read
    as the nearest of red, amber, green, blue and grey; white, black, pale and other fills are ""."""

    def __init__(self, workbook):
        self.styles = getattr(workbook, "_cell_styles", None)
        self.fills = getattr(workbook, "_fills", None)
        self.theme = _theme_colours(getattr(workbook, "loaded_theme", None))
        self.known: dict = {}

    def of(self, cell) -> str:
        style = getattr(cell, "_style_id", 0)
        if not style or self.styles is None:
            return ""
        if style not in self.known:
            try:
                self.known[style] = self._name(self.fills[self.styles[style].fillId])
            except Exception:  # a style the workbook does not define is no colour
                self.known[style] = ""
        return self.known[style]

    def _name(self, fill) -> str:
        if getattr(fill, "patternType", None) != "solid":
            return ""
        return colour_name(self._rgb(fill.fgColor))

    def _rgb(self, colour) -> str | None:
        from openpyxl.styles.colors import COLOR_INDEX

        kind = getattr(colour, "type", None)
        if kind == "rgb" and isinstance(colour.rgb, str):
            return colour.rgb[-6:]
        if kind == "indexed" and isinstance(colour.indexed, int) and colour.indexed < len(COLOR_INDEX):
            return COLOR_INDEX[colour.indexed][-6:]
        if kind == "theme" and isinstance(colour.theme, int) and colour.theme < len(self.theme):
            return _tinted(self.theme[colour.theme], colour.tint or 0.0)
        return None


# A theme's colours in the order fills count them: light 1, dark 1, light 2, dark 2, then accents.
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")


def _theme_colours(xml) -> list[str]:
    if not xml:
        return []
    text = xml.decode("utf-8", errors="replace") if isinstance(xml, bytes) else str(xml)
    colours = {}
    for name in _THEME_ORDER:
        match = re.search(rf"<a:{name}>.*?(?:srgbClr val|lastClr)=\"([0-9A-Fa-f]{{6}})\"", text, re.S)
        if match:
            colours[name] = match[1]
    return [colours.get(name, "FFFFFF") for name in _THEME_ORDER]


def _tinted(rgb: str, tint: float) -> str:
    import colorsys

    red, green, blue = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "".join(f"{round(part * 255):02X}" for part in colorsys.hls_to_rgb(hue, lightness, saturation))


def colour_name(rgb: str | None) -> str:
    """The nearest of FILL_COLOURS to an RGB colour ("FFC000" is amber), or "" for white, black,
    pale banding and colours that are none of them (purple)."""
    import colorsys

    if not rgb or not re.fullmatch(r"[0-9A-Fa-f]{6}", rgb):
        return ""
    red, green, blue = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if lightness > 0.9 or lightness < 0.15:
        return ""
    if saturation < 0.2:
        return "grey"
    degrees = hue * 360
    if degrees < 15 or degrees >= 340:
        return "red"
    if degrees < 65:
        return "amber"
    if degrees < 170:
        return "green"
    if degrees < 260:
        return "blue"
    return ""


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(package: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return any(_FORMULA_TAG.search(archive.read(info)) for info in archive.infolist()
                   if info.filename.startswith("xl/worksheets/"))


def _is_percentage(cell, value) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            and "%" in (getattr(cell, "number_format", None) or ""))


def _percentage_text(value) -> str:
    from decimal import Decimal

    return f"{(Decimal(repr(value)) * 100).quantize(Decimal('0.0001')).normalize():f}%"


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


def _too_many_rows(name, sheet, limits: Limits) -> str:
    return (_("Sheet “%(sheet)s” of “%(name)s” has more than %(limit)s rows. A plan has hundreds of actions at "
              "most: remove the rows that are not actions, or split the file, and try again.")
            % {"sheet": sheet, "name": name, "limit": f"{limits.rows:,}"})


def _too_many_columns(where: str, count: int, limits: Limits) -> str:
    return (_("%(where)s has %(count)s columns; an import reads at most %(limit)s. Delete the empty columns and "
              "upload it again.") % {"where": where, "count": f"{count:,}", "limit": f"{limits.columns:,}"})


def _too_many_sheets(name, count: int, kind: str, limits: Limits) -> str:
    values = {"name": name, "count": f"{count:,}", "limit": f"{limits.sheets:,}"}
    if kind == "tables":
        return _("“%(name)s” has %(count)s tables; an import reads at most %(limit)s. Delete the tables that are not "
                 "part of the plan, or split the file, and upload it again.") % values
    return _("“%(name)s” has %(count)s sheets; an import reads at most %(limit)s. Delete the sheets that are not "
             "part of the plan, or split the file, and upload it again.") % values


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


def read_csv(name: str, data: bytes, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits.from_settings()
    text = decode_text(data)
    if "\x00" in text:
        raise ReadError(_("“%(name)s” is not a text (CSV) file, whatever its name says. Save the plan as CSV.")
                        % {"name": name})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = Sheet(PurePath(name).stem or "CSV")
    counter = _Counter(name, limits)
    lines = _measured_lines(name, io.StringIO(text), dialect, limits)
    try:
        for row_number, row in enumerate(csv.reader(lines, dialect), start=1):
            counter.row(sheet.name, row_number, len(row),
                        where=_("Row %(number)s of “%(name)s”") % {"number": f"{row_number:,}", "name": name})
            sheet.rows.append([Cell(unquote_cell(value)) for value in row])
    except csv.Error as error:
        raise ReadError(_("“%(name)s” cannot be read as CSV (%(error)s). Open it in Excel, save it as CSV and try "
                          "again.") % {"name": name, "error": error}) from None
    return sheet


def _measured_lines(name: str, lines, dialect, limits: Limits):
    """The lines of a CSV, each refused before the csv module splits it if it holds more cells than
    a row may: a line of a million commas would otherwise become a list of a million cells first.
    Delimiters inside quotes are not counted; a line that starts inside a quoted cell (one cell
    written over several lines) is left to the count of the whole row."""
    delimiter, quote = dialect.delimiter, dialect.quotechar or '"'
    quoted = re.compile(re.escape(quote) + "[^" + re.escape(quote) + "]*" + re.escape(quote))
    inside = False
    for number, line in enumerate(lines, start=1):
        if not inside and line.count(delimiter) >= limits.columns:
            unclosed = line.count(quote) % 2
            counted = quoted.sub("", line[:line.rindex(quote)] if unclosed else line)
            if counted.count(delimiter) >= limits.columns:
                raise ReadError(_too_many_columns(_("Line %(number)s of “%(name)s”")
                                                  % {"number": f"{number:,}", "name": name},
                                                  counted.count(delimiter) + 1, limits))
        if line.count(quote) % 2:
            inside = not inside
        yield line


def read_docx(name: str, data: bytes, limits: Limits | None = None) -> list[Sheet]:
    """Every table of the document, in order. Merged cells are read once (python-docx repeats
    a merged cell in each grid position it covers); a table that continues on the next page as
    another table with the same header row is joined to the one before it."""
    import docx

    limits = limits or Limits.from_settings()
    package = _unpacked(name, data, "word/", "a Word document (.docx)", limits)
    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as error:
        raise ReadError(_("“%(name)s” is damaged and cannot be opened as a Word document (%(error)s).")
                        % {"name": name, "error": error}) from None
    sheets: list[Sheet] = []
    tables = document.tables
    if len(tables) > limits.sheets:
        raise ReadError(_too_many_sheets(name, len(tables), "tables", limits))
    headings = _headings_before_tables(document)
    counter = _Counter(name, limits)
    rows_read = 0
    for number, table in enumerate(tables, start=1):
        rows, merged = [], []
        for row in table.rows:
            rows_read += 1
            # Measured on the XML before python-docx makes an object of each cell.
            width = sum(tc.grid_span for tc in row._tr.tc_lst)
            counter.row(f"Table {number}", rows_read, width,
                        where=_("Table %(number)s of “%(name)s”") % {"number": number, "name": name})
            cells, seen = [], {}
            for column, cell in enumerate(row.cells):
                if id(cell._tc) in seen:
                    cells.append(Cell(""))  # the rest of a merged cell
                    if len(rows) < HEADER_AREA_ROWS:
                        merged.append((len(rows), seen[id(cell._tc)], len(rows), column))
                    continue
                seen[id(cell._tc)] = column
                cells.append(Cell("\n".join(p.text for p in cell.paragraphs).strip()))
            rows.append(cells)
        if not rows:
            continue
        before = headings.get(number - 1, [])
        previous = sheets[-1] if sheets else None
        if previous and previous.rows and _same_header(previous.rows[0], rows[0]):
            # A continuation: drop its repeated header row; headings between the two parts are rows.
            previous.rows.extend([[Cell(text)] for text in before] + rows[1:])
        else:
            sheets.append(Sheet(f"Table {number}", rows, preamble=before, merged=_joined(merged)))
    if not sheets:
        raise ReadError(_("“%(name)s” has no tables. The importer reads the plan from the document's tables.")
                        % {"name": name})
    return sheets


_PARAGRAPH_HEADING_MAX_LENGTH = 120
_TITLE_STYLES = ("title", "subtitle", "toc")


def _headings_before_tables(document) -> dict[int, list[str]]:
    """{table index: the headings written as paragraphs between the table before it and it}.

    A heading is a short paragraph in a Heading style, or all in bold; the document's title
    (Title or Subtitle style), prose and empty paragraphs are not headings.
    """
    from docx.text.paragraph import Paragraph

    result: dict[int, list[str]] = {}
    pending: list[str] = []
    table_number = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            if pending:
                result[table_number] = pending
            pending, table_number = [], table_number + 1
        elif tag == "p":
            paragraph = Paragraph(element, document)
            if _is_heading_paragraph(paragraph):
                pending.append(" ".join(paragraph.text.split()))
    return result


def _is_heading_paragraph(paragraph) -> bool:
    text = " ".join(paragraph.text.split())
    if not text or len(text) > _PARAGRAPH_HEADING_MAX_LENGTH:
        return False
    try:
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    except Exception:  # a style the document does not define
        style = ""
    if style.startswith(_TITLE_STYLES):
        return False
    if style.startswith("heading"):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


def _joined(merged: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Grid positions of one merged cell, one per position, as one area from its first to last column."""
    areas: dict = {}
    for row, first, _row, column in merged:
        top, left, bottom, right = areas.get((row, first), (row, first, row, first))
        areas[(row, first)] = (top, left, bottom, max(right, column))
    return sorted(areas.values())


def _same_header(first: list[Cell], second: list[Cell]) -> bool:
    a = [c.text.strip().lower() for c in first]
    b = [c.text.strip().lower() for c in second]
    return len(a) == len(b) and any(a) and a == b
