"""Test files for the importer, built from the plans in fixtures/ (themselves transcribed from the
seed documents), returned as bytes.

- ``southampton_docx()``: the Southampton plan as Word tables, as the council wrote it: merged
  section-heading rows, recommendation rows followed by continuation rows whose first cell is
  empty, and each table continued on the next "page" as a new table under the same header row.
- ``walsall_xlsx()``: the Walsall plan as the spreadsheet it was kept in, with theme heading rows
  and the December 2012 review notes and RAG codes; ``walsall_xlsx_with_formulas()`` adds two
  formulas that have no cached value.
- ``wiltshire_csv(encoding)``: the Wiltshire objectives as a CSV in UTF-8, UTF-8 with a BOM or
  Windows-1252.
- Bad files, each as (filename, bytes): empty, misnamed, truncated, password-protected, HTML
  saved as .xls, too long, duplicate action numbers, no action column.

Every builder is deterministic: the same bytes on every call (ZIP entries and document
properties carry fixed dates, never the clock). The large ones are cached; bytes are immutable.
"""

import csv
import datetime
import functools
import io
import json
import re
import struct
import zipfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@functools.cache
def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def _stable_zip(data: bytes, when: datetime.datetime) -> bytes:
    """The same OOXML package with every entry dated ``when`` and the document's created/modified
    properties set to ``when``, so that the bytes do not depend on the clock."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            info = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()


# --- Southampton: Word tables ---------------------------------------------------------------------

SOUTHAMPTON_HEADER = ("Area for development - Ofsted report", "Activity to be delivered", "Outcome measure",
                      "Cost (if app.)", "Lead agency")

SOUTHAMPTON_URGENCY_LABELS = {
    "immediately": "Immediately",
    "within_3_months": "within three months",
    "within_6_months": "within six months",
}

# Where the printed tables run on to the next page: a new table (the header row repeated, after a
# "DRAFT" paragraph) starts at the row of these activities, or at the section heading just above
# one. 1.6 and CLA 1.4/CLA 9.3 put continuation rows (empty first cell) at the top of a table,
# 3.1 a section heading, as on the seed's pages.
SOUTHAMPTON_PAGE_BREAKS = frozenset({"1.6", "3.1", "CLA 1.4", "CLA 9.3"})

# (recommendation reference as in fixtures/southampton.json, urgency, number of activity rows).
SOUTHAMPTON_EXPECTED = [
    ("1", "immediately", 9),
    ("2", "immediately", 3),
    ("3", "within_3_months", 4),
    ("4", "within_3_months", 2),
    ("5", "within_3_months", 1),
    ("6", "within_3_months", 3),
    ("7", "within_6_months", 2),
    ("CLA 1", "immediately", 4),
    ("CLA 2", "within_3_months", 6),
    ("CLA 3", "within_3_months", 4),
    ("CLA 4", "within_3_months", 5),
    ("CLA 5", "within_3_months", 2),
    ("CLA 6", "within_3_months", 3),
    ("CLA 7", "within_3_months", 2),
    ("CLA 8", "within_6_months", 3),
    ("CLA 9", "within_6_months", 4),
    ("CLA 10", "within_6_months", 1),
]


def _cell_text(cell, text: str, *, bold: bool = False) -> None:
    """Put ``text`` in a table cell, one paragraph per line."""
    lines = text.split("\n") if text else [""]
    first, *rest = lines
    if first:
        cell.paragraphs[0].add_run(first).bold = bold
    for line in rest:
        cell.add_paragraph().add_run(line).bold = bold


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _southampton_table(document):
    table = document.add_table(rows=1, cols=len(SOUTHAMPTON_HEADER))
    table.style = "Table Grid"
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # "repeat as header row"
    for cell, text in zip(header.cells, SOUTHAMPTON_HEADER, strict=True):
        _cell_text(cell, text, bold=True)
        _shade(cell, "D9D9D9")
    return table


def _southampton_rows(theme: dict, urgencies: dict) -> list[tuple]:
    """The rows of one printed table: ("heading", text) and ("activity", number, five cell texts)."""
    rows: list[tuple] = []
    urgency = None
    for objective in theme["objectives"]:
        if urgencies[objective["code"]] != urgency:
            urgency = urgencies[objective["code"]]
            rows.append(("heading", f"{theme['title']}: {SOUTHAMPTON_URGENCY_LABELS[urgency]}"))
        # Table 2 restarts its numbering at 1: "CLA 3" is printed as "3."
        recommendation = f"{objective['code'].split()[-1]}. {objective['title']}"
        for index, action in enumerate(objective["actions"]):
            first = recommendation if index == 0 else ""
            rows.append(("activity", action["number"],
                         (first, action["description"], action["measures"], action["cost"], action["lead_agency"])))
    return rows


def _draft(document, *, page_break: bool = True) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.page_break_before = page_break
    paragraph.add_run("DRAFT").bold = True


@functools.cache
def southampton_docx() -> bytes:
    """Appendix 2 of Southampton's 2012 Quality Improvement Plan: "TABLE 1: SAFEGUARDING" and
    "TABLE 2: CHILDREN LOOKED AFTER", each printed as three tables under the same header row."""
    plan = _fixture("southampton")
    urgencies = {item["reference"]: item["urgency"] for item in plan["recommendations"]}
    document = docx.Document()
    properties = document.core_properties
    created = datetime.datetime(2012, 6, 30, 9, 0)
    properties.author = properties.last_modified_by = "Southampton City Council"
    properties.title = "Quality Improvement Plan in response to OfSTED Announced Inspection 2012"
    properties.created = properties.modified = created
    properties.revision = 1
    properties.comments = ""  # not "generated by python-docx"

    _draft(document, page_break=False)
    document.add_paragraph().add_run(
        "Appendix 2: Quality Improvement Plan in response to OfSTED Announced Inspection 2012").bold = True
    document.add_paragraph(plan["plan"]["description"])
    for line in ("Column one contains the recommendation", "Column two activity to take place",
                 "Column three outcome measure", "Column four costs associated to activity",
                 "Column five lead agency"):
        document.add_paragraph(line, style="List Bullet")

    for theme_number, theme in enumerate(plan["themes"]):
        heading = document.add_paragraph()
        heading.paragraph_format.page_break_before = theme_number > 0
        heading.add_run(f"TABLE {theme['code']}: {theme['title'].upper()}").bold = True
        rows = _southampton_rows(theme, urgencies)
        # A page starts at a listed activity, or at the section heading just above it.
        breaks = {position - (rows[position - 1][0] == "heading")
                  for position, row in enumerate(rows) if row[0] == "activity" and row[1] in SOUTHAMPTON_PAGE_BREAKS}
        table = _southampton_table(document)
        for position, row in enumerate(rows):
            if position in breaks:
                _draft(document)
                table = _southampton_table(document)
            cells = table.add_row().cells
            if row[0] == "heading":
                merged = cells[0].merge(cells[len(SOUTHAMPTON_HEADER) - 1])
                _cell_text(merged, row[1], bold=True)
                _shade(merged, "F2F2F2")
            else:
                for cell, text in zip(cells, row[2], strict=True):
                    _cell_text(cell, text)
    _draft(document)

    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue(), created)


# --- Walsall: a spreadsheet with theme heading rows ----------------------------------------------------

WALSALL_HEADER = ("Action No.", "Reference to:", "Action", "Timescale", "Lead Person(s)", "Measures",
                  "Review note for this period", "RAG")
WALSALL_SHEET = "SIP Dec 2012"
WALSALL_PERIOD = "2012-12"
WALSALL_RAG_FILLS = {"Gr": "BFBFBF", "B": "0070C0", "G": "00B050", "A": "FFC000", "R": "FF0000"}

# walsall_xlsx_with_formulas(): the cells that hold a formula, as action number -> column header.
WALSALL_FORMULAS = {
    "1.7": ("Review note for this period", '=HYPERLINK("http://example.org","x")'),
    "3.3": ("Timescale", "=DATE(2013,3,31)"),
}


def _walsall_status(action: dict) -> tuple[str | None, str | None]:
    """The action's December 2012 (status code, review note), or (None, None)."""
    for update in action["updates"]:
        if update["period"] == WALSALL_PERIOD:
            return update["status"], update["note"]
    return None, None


def _walsall_expected() -> dict[str, tuple[str, str | None]]:
    return {action["number"]: (theme["code"], _walsall_status(action)[0])
            for theme in _fixture("walsall")["themes"] for action in theme["actions"]}


# Action number -> (theme number "1"/"2"/"3", December 2012 RAG code or None when there is no update).
WALSALL_EXPECTED = _walsall_expected()


def _walsall_workbook(*, formulas: bool) -> bytes:
    plan = _fixture("walsall")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = WALSALL_SHEET
    created = datetime.datetime(2012, 12, 10, 9, 0)
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Walsall Council"
    workbook.properties.title = "Strategic Improvement Plan 2012"
    workbook.properties.created = workbook.properties.modified = created

    sheet.append(WALSALL_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (9, 16, 60, 20, 28, 40, 60, 6), strict=True):
        sheet.column_dimensions[letter].width = width

    columns = {name: index for index, name in enumerate(WALSALL_HEADER)}
    wrap = Alignment(wrap_text=True, vertical="top")
    for theme in plan["themes"]:
        sheet.append([f"THEME {theme['code']} - {theme['title'].upper()}"])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WALSALL_HEADER))
        sheet.cell(row, 1).font = Font(bold=True)
        sheet.cell(row, 1).fill = PatternFill("solid", fgColor="DCE6F1")
        for action in theme["actions"]:
            status, note = _walsall_status(action)
            values = [
                action["number"],  # text, so that 1.10 stays 1.10
                ", ".join(action["recommendations"]),
                action["description"],
                action["timescale"],
                " and ".join(action["leads"]),
                action["measures"],
                note,
                status,
            ]
            if formulas and action["number"] in WALSALL_FORMULAS:
                column, formula = WALSALL_FORMULAS[action["number"]]
                values[columns[column]] = formula
            sheet.append([value or None for value in values])  # an empty cell, as Excel stores it
            row = sheet.max_row
            for cell in sheet[row]:
                cell.alignment = wrap
            if status:
                rag = sheet.cell(row, len(WALSALL_HEADER))
                rag.fill = PatternFill("solid", fgColor=WALSALL_RAG_FILLS[status])
                rag.alignment = Alignment(horizontal="center", vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable_zip(buffer.getvalue(), created)


@functools.cache
def walsall_xlsx() -> bytes:
    """Walsall's Strategic Improvement Plan (December 2012) as a one-sheet workbook: header row,
    then each theme's heading row (one merged cell) followed by its actions."""
    return _walsall_workbook(formulas=False)


@functools.cache
def walsall_xlsx_with_formulas() -> bytes:
    """As walsall_xlsx(), but with the formulas of WALSALL_FORMULAS in place of two cells. openpyxl
    stores no cached value for them, so the importer has nothing to show but the formula."""
    return _walsall_workbook(formulas=True)


# --- Wiltshire: a CSV --------------------------------------------------------------------------------

WILTSHIRE_HEADER = ("Priority", "Action No.", "Objective", "Ofsted")
WILTSHIRE_SKIPPED_THEMES = frozenset({"SG"})  # the strategic goals are not objectives


def _wiltshire_themes() -> list[dict]:
    return [theme for theme in _fixture("wiltshire")["themes"] if theme["code"] not in WILTSHIRE_SKIPPED_THEMES]


def _is_ofsted(action: dict) -> bool:
    return any(reference.startswith("Ofsted 2012") for reference in action["recommendations"])


# Action number -> (theme code such as "PA" or "IP1", whether it answers an Ofsted 2012 recommendation).
WILTSHIRE_EXPECTED = {action["number"]: (theme["code"], _is_ofsted(action))
                      for theme in _wiltshire_themes() for action in theme["actions"]}


def wiltshire_csv(encoding: str = "utf-8") -> bytes:
    """Wiltshire's Safeguarding Improvement Plan objectives (PA1-PA16, IP1.1-IP5.6). ``encoding`` is
    "utf-8", "utf-8-sig" (with a byte-order mark) or "cp1252"; PA5's bullets (•) are 0x95 in
    Windows-1252, so a reader that guesses Latin-1 gets them wrong."""
    if encoding.lower().replace("_", "-") not in {"utf-8", "utf8", "utf-8-sig", "cp1252", "windows-1252"}:
        raise ValueError(f"Unexpected encoding {encoding!r}: use utf-8, utf-8-sig or cp1252")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # Excel's dialect: commas, quotes where needed, CRLF line ends
    writer.writerow(WILTSHIRE_HEADER)
    for theme in _wiltshire_themes():
        for index, action in enumerate(theme["actions"]):
            priority = f"{theme['code']} {theme['title']}" if index == 0 else ""
            writer.writerow((priority, action["number"], action["description"], "Yes" if _is_ofsted(action) else ""))
    return buffer.getvalue().encode(encoding)


# --- Bad files ---------------------------------------------------------------------------------------


def empty_file() -> tuple[str, bytes]:
    return "plan.xlsx", b""


def _minimal_pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def not_what_the_name_says() -> tuple[str, bytes]:
    """A PDF (one blank page) uploaded under a spreadsheet's name."""
    return "plan.xlsx", _minimal_pdf()


def corrupt_xlsx() -> tuple[str, bytes]:
    """A real workbook cut off half way, as an interrupted download leaves it."""
    data = walsall_xlsx()
    return "plan.xlsx", data[: len(data) // 2]


def corrupt_docx() -> tuple[str, bytes]:
    """A real Word document cut off half way."""
    data = southampton_docx()
    return "plan.docx", data[: len(data) // 2]


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _ole_entry(name: str, kind: int, *, left: int = _NOSTREAM, right: int = _NOSTREAM,
               child: int = _NOSTREAM) -> bytes:
    """A 128-byte directory entry (kind 1 storage, 2 stream, 5 root), black, empty, undated."""
    encoded = (name + "\x00").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, left, right, child,
                       b"\x00" * 16, 0, 0, 0, _ENDOFCHAIN, 0)


def password_protected_xlsx() -> tuple[str, bytes]:
    """What Excel saves when a workbook has a password: not a ZIP but an OLE2 compound file
    holding the streams EncryptionInfo and EncryptedPackage. A minimal, well-formed one: header,
    one FAT sector and one directory sector (the streams are empty)."""
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        OLE2_SIGNATURE, b"\x00" * 16,
        0x003E, 0x0003, 0xFFFE, 9, 6, b"\x00" * 6,
        0,  # directory sectors (0 for version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,  # transaction signature
        4096,  # mini stream cutoff
        _ENDOFCHAIN, 0,  # mini FAT: none
        _ENDOFCHAIN, 0,  # DIFAT sectors: none
    )
    difat = struct.pack("<I", 0) + struct.pack("<I", _FREESECT) * 108  # the FAT is sector 0
    header += difat
    fat = struct.pack("<II", _FATSECT, _ENDOFCHAIN) + struct.pack("<I", _FREESECT) * 126
    # Red-black tree of the root's children, ordered by name length: \x06DataSpaces < EncryptionInfo
    # < EncryptedPackage. All black, which is valid for a tree this small.
    directory = b"".join((
        _ole_entry("Root Entry", 5, child=1),
        _ole_entry("EncryptionInfo", 2, left=3, right=2),
        _ole_entry("EncryptedPackage", 2),
        _ole_entry("\x06DataSpaces", 1),
    ))
    return "plan.xlsx", header + fat + directory


def html_as_xls() -> tuple[str, bytes]:
    """An HTML table saved with an Excel name, as some case-management systems export."""
    return "plan.xls", b"<html><body><table><tr><td>1.1</td></tr></table></body></html>"


def huge_csv(rows: int = 100_000) -> tuple[str, bytes]:
    """A CSV with ``rows`` actions (numbered 1.1, 1.2 … 2.1 …, all different) after its header."""
    lines = "".join(f"{n // 1000 + 1}.{n % 1000 + 1},Action {n + 1}\r\n" for n in range(rows))
    return "plan.csv", ("Action No.,Action\r\n" + lines).encode("ascii")


def duplicate_numbers_csv() -> tuple[str, bytes]:
    """Two different actions numbered 1.1."""
    text = ("Action No.,Action\r\n"
            "1.1,Review the multi-agency threshold document\r\n"
            "1.2,Audit core group attendance\r\n"
            "1.1,Recruit a permanent LADO\r\n"
            "1.3,Publish the complaints leaflet\r\n")
    return "plan.csv", text.encode("utf-8")


def no_action_column_csv() -> tuple[str, bytes]:
    """A CSV with nothing the importer can take for an action column."""
    text = ("Colour,Notes\r\n"
            "Red,Overdue\r\n"
            "Amber,At risk\r\n"
            "Green,On track\r\n")
    return "plan.csv", text.encode("utf-8")


# --- Files that cost out of proportion to their size ----------------------------------------------------
# Each is a few kilobytes that a reader without limits would unpack or split into far more.

_SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _replaced_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The zip ``data`` with the named parts' content replaced (deflated) and the rest as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2012, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, parts.get(item.filename, source.read(item.filename)))
    return out.getvalue()


def _small_workbook(sheets: int = 1) -> bytes:
    workbook = Workbook()
    workbook.active.title = "Plan"
    workbook.active.append(["Action No.", "Action"])
    workbook.active.append(["1.1", "Review the thresholds"])
    for number in range(2, sheets + 1):
        workbook.create_sheet(f"Sheet {number}").append(["Action No.", "Action"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet_xml(sheet_data: bytes, *, dimension: str = "A1:B2") -> tuple[str, bytes]:
    """A workbook whose one sheet holds ``sheet_data`` (the inside of <sheetData>)."""
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _SHEET_NS + b'><dimension ref="'
           + dimension.encode() + b'"/><sheetData>' + sheet_data + b"</sheetData></worksheet>")
    return "plan.xlsx", _replaced_parts(_small_workbook(), {"xl/worksheets/sheet1.xml": xml})


def inflating_xlsx(megabytes: int = 30) -> tuple[str, bytes]:
    """A sheet of two rows padded with ``megabytes`` MB of spaces: about 30 KB that unpacks to 30 MB."""
    rows = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Action</t></is></c></row>'
    return xlsx_with_sheet_xml(rows + b" " * (megabytes * 1024 * 1024))


def many_cells_xlsx(rows: int = 2000, columns: int = 200) -> tuple[str, bytes]:
    """400,000 cells (with the defaults) in about 20 KB: the reproduced finding."""
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    return xlsx_with_sheet_xml(row * rows, dimension=f"A1:{_column_letter(columns)}{rows}")


def wide_xlsx(columns: int = 16_384) -> tuple[str, bytes]:
    """A sheet that reaches the last column Excel has (XFD), as a sheet formatted to its edge does."""
    workbook = Workbook()
    workbook.active.title = "Plan"
    workbook.active.append(["Action No.", "Action"])
    workbook.active.cell(row=2, column=columns, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return "plan.xlsx", buffer.getvalue()


def many_sheets_xlsx(sheets: int) -> tuple[str, bytes]:
    return "plan.xlsx", _small_workbook(sheets)


def _column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def commas_csv(megabytes: int = 2) -> tuple[str, bytes]:
    """A header row, then one line of ``megabytes`` MB of commas: two million empty cells."""
    return "plan.csv", b"Action No.,Action\r\n" + b"," * (megabytes * 1024 * 1024) + b"\r\n"


def _small_document() -> docx.Document:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells,
                          ["Action No.", "Action", "1.1", "Review the thresholds"], strict=True):
        cell.text = text
    return document


def _document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_document_xml(xml: bytes) -> tuple[str, bytes]:
    return "plan.docx", _replaced_parts(_document_bytes(_small_document()), {"word/document.xml": xml})


_WORD_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def billion_laughs_docx() -> tuple[str, bytes]:
    """A table cell holding an entity that would expand to a thousand million "lol"s (3 GB)."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b"<!ENTITY lol%d \"" % n + (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10 + b'">' for n in range(1, 10))
    return docx_with_document_xml(
        b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]><w:document " + _WORD_NS + b"><w:body><w:tbl>"
        b"<w:tr><w:tc><w:p><w:r><w:t>Action</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Timescale</w:t></w:r></w:p>"
        b"</w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
        b"</w:tbl></w:body></w:document>")


def external_entity_docx(path: str) -> tuple[str, bytes]:
    """A table cell holding an entity that names a file on the server (``path``)."""
    return docx_with_document_xml(
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY secret SYSTEM "file://' + path.encode() + b'">]><w:document '
        + _WORD_NS + b"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Action</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r>"
        b"<w:t>Timescale</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:tc>"
        b"<w:tc><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>")


def wide_docx(columns: int = 250) -> tuple[str, bytes]:
    document = docx.Document()
    document.add_table(rows=2, cols=columns).rows[0].cells[0].text = "Action"
    return "plan.docx", _document_bytes(document)


def lying_docx(megabytes: int = 100) -> tuple[str, bytes]:
    """A document whose zip directory says word/document.xml is 1 KB; it unpacks to ``megabytes`` MB."""
    name, data = docx_with_document_xml(b" " * (megabytes * 1024 * 1024))
    return name, _with_declared_size(data, "word/document.xml", 1024)


def _with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size rewritten to ``size`` in its local header and in the
    central directory; its content and CRC are left as they were."""
    data = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)  # local file header
    directory = data.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<I", data, directory + 16)[0]
    while data[offset:offset + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46:offset + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, offset + 24, size)
        offset += 46 + name_length + extra_length + comment_length
    return bytes(data)


def many_parts_xlsx(parts: int = 1001) -> tuple[str, bytes]:
    data = _small_workbook()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        for number in range(parts):
            archive.writestr(f"xl/media/part{number}.bin", b"")
    return "plan.xlsx", out.getvalue()
