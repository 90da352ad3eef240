"""Build the corpus of plan layouts that councils publish, each with content of our own, and the
result each should import to with the automatic mapping (NAME.expected.json beside NAME.xlsx,
.docx or .csv). Run it after changing a layout; tests/importing/test_layouts.py checks that the
committed files are what this script builds and that every one imports with no manual fixes.

    .venv/bin/python tests/importing/layouts/build.py

Every file is deterministic (fixed document dates, fixed ZIP entry dates): the same bytes on
every run. The expected results are written here by hand, from what each layout says, never
from what the importer makes of it.

An expected action has: number, description, theme ("code title", or "Imported actions"),
recommendations (as "Source reference", e.g. "Ofsted 1" or "OIS 2012 12"), leads (the posts, as
written), status (the label, or null), status_source (where the preview says it came from),
timescale (as written), due_date (ISO, or null), note (the review note, "" when none), and
optionally revised_date and measures.
"""

import csv
import datetime
import io
import json
import sys
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.importing.builders import _stable_zip  # noqa: E402

WHEN = datetime.datetime(2024, 4, 1, 9, 0)
IMPORTED = "Imported actions"

LAYOUTS: dict = {}


def layout(name: str, filename: str, scheme: str, description: str):
    """Register a builder: it returns the file's bytes and the expected actions."""
    def register(function):
        LAYOUTS[name] = {"filename": filename, "scheme": scheme, "description": description, "build": function}
        return function
    return register


def A(number, description, *, theme=IMPORTED, leads=(), timescale="", due=None, status=None, source="", note="",
      recommendations=(), **extra):
    return {"number": number, "description": description, "theme": theme, "recommendations": sorted(recommendations),
            "leads": list(leads), "status": status, "status_source": source, "timescale": timescale,
            "due_date": due, "note": note, **extra}


# --- Writing files -----------------------------------------------------------------------------------


def _workbook() -> Workbook:
    book = Workbook()
    book.properties.creator = book.properties.lastModifiedBy = "Layout corpus"
    book.properties.created = book.properties.modified = WHEN
    return book


def _xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue(), WHEN)


def _document() -> docx.Document:
    document = docx.Document()
    document.core_properties.author = "Layout corpus"
    document.core_properties.created = document.core_properties.modified = WHEN
    return document


def _docx(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue(), WHEN)


def _table(document, header, rows, *, bold_header=True):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _put(cell, text, bold=bold_header)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _put(cell, text)
    return table


def _put(cell, text: str, *, bold=False):
    lines = text.split("\n") if text else [""]
    first, *rest = lines
    if first:
        cell.paragraphs[0].add_run(first).bold = bold
    for line in rest:
        cell.add_paragraph().add_run(line).bold = bold


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _csv(rows, *, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


RED, AMBER, GREEN, BLUE, GREY = "FF0000", "FFC000", "00B050", "0070C0", "A6A6A6"


def _fill(cell, colour):
    cell.fill = PatternFill("solid", fgColor=colour)


def _bold_row(sheet, row: int):
    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- The layouts ---------------------------------------------------------------------------------------


@layout("word-recommendations-ticks", "word-recommendations-ticks.docx", "achieved",
        "Word table of Ofsted recommendations with tick columns for status (Southampton's review template): "
        "no Action column, so each recommendation is the action and the recommendation it answers")
def word_recommendations_ticks():
    document = _document()
    document.add_paragraph("Improvement plan: progress review, March 2024", style="Title")
    document.add_paragraph("Leads record progress against each recommendation and tick one column.")
    header = ("Recommendation", "Responsible Officer", "Update on progress", "Achieved (tick)",
              "On Target to Achieve (tick)", "Give expected new achievement date")
    rows = [
        ("1. Ensure that all children subject to a child protection plan are seen alone at every visit.",
         "Head of Safeguarding", "Audit of 40 cases in February: 38 children seen alone.", "✓", "", ""),
        ("2. Improve the timeliness of initial child protection conferences.", "Head of Assessment and Intervention",
         "Conference chairs added to the rota; 81% within 15 days in March.", "", "✓", "30 June 2024"),
        ("3. Ensure that return home interviews are offered to every child who goes missing.",
         "Missing Children Coordinator", "Commissioned service starts in May.", "", "", "31 July 2024"),
        ("4. Strengthen management oversight of decisions at the front door.", "Service Manager, MASH",
         "Daily huddles now recorded on the child's file.", "", "√", ""),
    ]
    _table(document, header, rows)
    return _docx(document), [
        A("1", "Ensure that all children subject to a child protection plan are seen alone at every visit.",
          leads=["Head of Safeguarding"], status="Achieved", source="column “Achieved (tick)” (ticked)",
          note="Audit of 40 cases in February: 38 children seen alone.", recommendations=["Ofsted 1"]),
        A("2", "Improve the timeliness of initial child protection conferences.",
          leads=["Head of Assessment and Intervention"], status="On target",
          source="column “On Target to Achieve (tick)” (ticked)",
          note="Conference chairs added to the rota; 81% within 15 days in March.", recommendations=["Ofsted 2"],
          revised_date="2024-06-30"),
        A("3", "Ensure that return home interviews are offered to every child who goes missing.",
          leads=["Missing Children Coordinator"], status="Not on target",
          source="no tick in “Achieved (tick)” or “On Target to Achieve (tick)”, and a new achievement date given",
          note="Commissioned service starts in May.", recommendations=["Ofsted 3"], revised_date="2024-07-31"),
        A("4", "Strengthen management oversight of decisions at the front door.", leads=["Service Manager, MASH"],
          status="On target", source="column “On Target to Achieve (tick)” (ticked)",
          note="Daily huddles now recorded on the child's file.", recommendations=["Ofsted 4"]),
    ]


@layout("excel-tracker-rag-text", "excel-tracker-rag-text.xlsx", "five-state",
        "Excel tracker with theme heading rows and RAG codes typed in a column (Walsall's shape)")
def excel_tracker_rag_text():
    book = _workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(["Action No.", "Reference to:", "Action", "Timescale", "Lead Person(s)", "Measures",
                  "Review note for this period", "RAG"])
    _bold_row(sheet, 1)
    sheet.append(["THEME 1 - EARLY HELP"])
    sheet.append(["1.1", "OIS 2023 3", "Publish a single early help assessment for all partners.", "31 May 2024",
                  "Head of Early Help", "Assessment in use by schools and health", "Draft agreed at the partnership.",
                  "G"])
    sheet.append(["1.2", "OIS 2023 3, 4", "Train 200 practitioners in the early help assessment.",
                  datetime.datetime(2024, 9, 30), "Early Help Training Lead", "200 trained",
                  "120 trained so far.", "A"])
    sheet.append(["THEME 2 - CHILDREN IN CARE"])
    sheet.append(["2.1", "OIS 2023 7", "Review every care plan for children placed out of area.", "Ongoing",
                  "Head of Children in Care", "All plans reviewed", "Backlog of 12 reviews.", "R"])
    sheet.append(["2.2", "", "Appoint a virtual school head teacher.", "31 January 2024", "Director of Education",
                  "Appointment made", "Appointed in January.", "B"])
    return _xlsx(book), [
        A("1.1", "Publish a single early help assessment for all partners.", theme="1 Early help",
          leads=["Head of Early Help"], timescale="31 May 2024", due="2024-05-31", status="Green",
          source="column “RAG”", note="Draft agreed at the partnership.", recommendations=["OIS 2023 3"],
          measures="Assessment in use by schools and health"),
        A("1.2", "Train 200 practitioners in the early help assessment.", theme="1 Early help",
          leads=["Early Help Training Lead"], timescale="30 Sep 2024", due="2024-09-30", status="Amber",
          source="column “RAG”", note="120 trained so far.", recommendations=["OIS 2023 3", "OIS 2023 4"]),
        A("2.1", "Review every care plan for children placed out of area.", theme="2 Children in care",
          leads=["Head of Children in Care"], timescale="Ongoing", status="Red", source="column “RAG”",
          note="Backlog of 12 reviews.", recommendations=["OIS 2023 7"]),
        A("2.2", "Appoint a virtual school head teacher.", theme="2 Children in care", leads=["Director of Education"],
          timescale="31 January 2024", due="2024-01-31", status="Blue", source="column “RAG”",
          note="Appointed in January."),
    ]


@layout("excel-fill-rag", "excel-fill-rag.xlsx", "five-state",
        "Excel tracker whose RAG column is only a fill colour (red, amber, green, blue, grey; no text)")
def excel_fill_rag():
    book = _workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Ref", "Action", "Lead", "Due date", "RAG", "Update"])
    _bold_row(sheet, 1)
    rows = [
        ("MASH1", "Co-locate police and health staff in the MASH.", "MASH Manager", "30 April 2024", GREEN,
         "Police sergeant moved in on 4 March."),
        ("MASH2", "Agree MASH thresholds with the partnership.", "Head of Front Door", "31 March 2024", RED,
         "Thresholds not yet agreed by health."),
        ("MASH3", "Report MASH timeliness to the board each month.", "Performance Manager", "Monthly", AMBER,
         "February report late."),
        ("MASH4", "Recruit two advanced practitioners for the MASH.", "MASH Manager", "31 December 2023", BLUE,
         "Both in post."),
        ("MASH5", "Extend the MASH to adult safeguarding referrals.", "Director of Adult Services", "March 2025",
         GREY, ""),
    ]
    for values in rows:
        sheet.append([values[0], values[1], values[2], values[3], None, values[5]])
        _fill(sheet.cell(sheet.max_row, 5), values[4])
    return _xlsx(book), [
        A("MASH1", "Co-locate police and health staff in the MASH.", leads=["MASH Manager"], timescale="30 April 2024",
          due="2024-04-30", status="Green", source="fill colour of “RAG” (green)",
          note="Police sergeant moved in on 4 March."),
        A("MASH2", "Agree MASH thresholds with the partnership.", leads=["Head of Front Door"],
          timescale="31 March 2024", due="2024-03-31", status="Red", source="fill colour of “RAG” (red)",
          note="Thresholds not yet agreed by health."),
        A("MASH3", "Report MASH timeliness to the board each month.", leads=["Performance Manager"],
          timescale="Monthly", status="Amber", source="fill colour of “RAG” (amber)", note="February report late."),
        A("MASH4", "Recruit two advanced practitioners for the MASH.", leads=["MASH Manager"],
          timescale="31 December 2023", due="2023-12-31", status="Blue", source="fill colour of “RAG” (blue)",
          note="Both in post."),
        A("MASH5", "Extend the MASH to adult safeguarding referrals.", leads=["Director of Adult Services"],
          timescale="March 2025", due="2025-03-31", status="Grey", source="fill colour of “RAG” (grey)", note=""),
    ]


@layout("excel-two-row-header-theme-fills", "excel-two-row-header-theme-fills.xlsx", "three-state",
        "Excel tracker with a two-row header (\"Progress\" merged over \"RAG\" and \"Update\") and RAG as fills "
        "in theme and indexed colours")
def excel_two_row_header_theme_fills():
    book = _workbook()
    sheet = book.active
    sheet.title = "Child protection"
    sheet.append(["No.", "Action", "Lead officer", "Timescale", "Progress", None])
    sheet.append([None, None, None, None, "RAG", "Update"])
    sheet.merge_cells("E1:F1")
    for cell in ("A1:A2", "B1:B2", "C1:C2", "D1:D2"):
        sheet.merge_cells(cell)
    _bold_row(sheet, 1)
    _bold_row(sheet, 2)
    rows = [
        ("CP1", "Every child protection plan has outcomes that can be measured.", "Head of Child Protection",
         "30 June 2024", Color(theme=6, tint=0.0), "Template changed; audit due in May."),  # accent3: green
        ("CP2", "Core groups meet within ten working days of every conference.", "Safeguarding Service Manager",
         "31 May 2024", Color(indexed=10), "Only 64% in time in March."),  # indexed 10: red
        ("CP3", "Independent chairs escalate drift through the dispute resolution process.",
         "Conference Chair Manager", "30 September 2024", Color(theme=9, tint=-0.25), "Protocol in draft."),  # accent6
    ]
    for number, action, lead, timescale, colour, update in rows:
        sheet.append([number, action, lead, timescale, None, update])
        sheet.cell(sheet.max_row, 5).fill = PatternFill("solid", fgColor=colour)
    return _xlsx(book), [
        A("CP1", "Every child protection plan has outcomes that can be measured.", leads=["Head of Child Protection"],
          timescale="30 June 2024", due="2024-06-30", status="Green", source="fill colour of “Progress RAG” (green)",
          note="Template changed; audit due in May."),
        A("CP2", "Core groups meet within ten working days of every conference.",
          leads=["Safeguarding Service Manager"], timescale="31 May 2024", due="2024-05-31", status="Red",
          source="fill colour of “Progress RAG” (red)", note="Only 64% in time in March."),
        A("CP3", "Independent chairs escalate drift through the dispute resolution process.",
          leads=["Conference Chair Manager"], timescale="30 September 2024", due="2024-09-30", status="Amber",
          source="fill colour of “Progress RAG” (amber)", note="Protocol in draft."),
    ]


@layout("excel-grouped-header", "excel-grouped-header.xlsx", "three-state",
        "Excel plan whose header has a group row (\"Action\" over \"No\" and \"Description\", \"Delivery\" over "
        "\"Lead\" and \"By when\") above the column headings, merged over the columns it groups")
def excel_grouped_header():
    book = _workbook()
    sheet = book.active
    sheet.title = "Workforce"
    sheet.append(["Workforce improvement plan 2024"])
    sheet.append(["Action", None, "Delivery", None, "Status"])
    sheet.append(["No", "Description", "Lead", "By when", None])
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("E2:E3")
    _bold_row(sheet, 2)
    _bold_row(sheet, 3)
    sheet.append(["W1", "Reduce the use of agency social workers to below 15%.", "Head of Workforce",
                  "31 March 2025", "Amber"])
    sheet.append(["W2", "Launch a social work academy for newly qualified workers.", "Principal Social Worker",
                  "September 2024", "Green"])
    sheet.append(["W3", "Cap caseloads at 18 children for every social worker.", "Assistant Director",
                  "31 December 2024", "Red"])
    return _xlsx(book), [
        A("W1", "Reduce the use of agency social workers to below 15%.", leads=["Head of Workforce"],
          timescale="31 March 2025", due="2025-03-31", status="Amber", source="column “Status”"),
        A("W2", "Launch a social work academy for newly qualified workers.", leads=["Principal Social Worker"],
          timescale="September 2024", due="2024-09-30", status="Green", source="column “Status”"),
        A("W3", "Cap caseloads at 18 children for every social worker.", leads=["Assistant Director"],
          timescale="31 December 2024", due="2024-12-31", status="Red", source="column “Status”"),
    ]


@layout("excel-unheaded-numbers", "excel-unheaded-numbers.xlsx", "five-state",
        "Excel plan whose first column holds numbers such as \"2 (i)\" and \"4 (xxxv)\" under no heading")
def excel_unheaded_numbers():
    book = _workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append([None, "Action", "Lead", "Timescale", "RAG", "Progress"])
    _bold_row(sheet, 1)
    sheet.append(["2 (i)", "Audit the quality of assessments every quarter.", "Head of Quality Assurance",
                  "30 June 2024", "G", "First audit complete."])
    sheet.append(["2 (ii)", "Publish audit findings to all teams within a month.", "Head of Quality Assurance",
                  "31 July 2024", "A", "Findings shared with two of five teams."])
    sheet.append(["2 (iv)", "Introduce practice observations for team managers.", "Principal Social Worker",
                  "31 October 2024", "Gr", ""])
    sheet.append(["4 (xxxv)", "Seek the views of children on their plans at every review.", "Head of IRO Service",
                  "Ongoing", "G", "Survey in use at reviews."])
    sheet.append(["1.2a", "Record the child's lived experience on every case summary.", "Service Manager, CIN",
                  "31 May 2024", "R", "Template not yet changed."])
    return _xlsx(book), [
        A("2 (i)", "Audit the quality of assessments every quarter.", leads=["Head of Quality Assurance"],
          timescale="30 June 2024", due="2024-06-30", status="Green", source="column “RAG”",
          note="First audit complete."),
        A("2 (ii)", "Publish audit findings to all teams within a month.", leads=["Head of Quality Assurance"],
          timescale="31 July 2024", due="2024-07-31", status="Amber", source="column “RAG”",
          note="Findings shared with two of five teams."),
        A("2 (iv)", "Introduce practice observations for team managers.", leads=["Principal Social Worker"],
          timescale="31 October 2024", due="2024-10-31", status="Grey", source="column “RAG”", note=""),
        A("4 (xxxv)", "Seek the views of children on their plans at every review.", leads=["Head of IRO Service"],
          timescale="Ongoing", status="Green", source="column “RAG”", note="Survey in use at reviews."),
        A("1.2a", "Record the child's lived experience on every case summary.", leads=["Service Manager, CIN"],
          timescale="31 May 2024", due="2024-05-31", status="Red", source="column “RAG”",
          note="Template not yet changed."),
    ]


@layout("excel-two-row-items", "excel-two-row-items.xlsx", "three-state",
        "Excel plan where each item takes two rows, the second holding its source and evidence as labels")
def excel_two_row_items():
    book = _workbook()
    sheet = book.active
    sheet.title = "Care leavers"
    sheet.append(["Ref", "Action", "Lead", "Timescale", "RAG"])
    _bold_row(sheet, 1)
    sheet.append(["CL1", "Offer every care leaver a personal adviser until they are 25.", "Head of Care Leavers",
                  "30 September 2024", "G"])
    sheet.append([None, "Source: OIS 2023 para 12"])
    sheet.append(["CL2", "Find suitable accommodation for every care leaver before they turn 18.",
                  "Head of Commissioning", "31 March 2025", "R"])
    sheet.append([None, "Source: OIS 2023 para 14", "Evidence: quarterly sufficiency report"])
    sheet.append(["CL3", "Exempt care leavers from council tax until they are 25.", "Director of Finance",
                  "1 April 2024", "G"])
    return _xlsx(book), [
        A("CL1", "Offer every care leaver a personal adviser until they are 25.", leads=["Head of Care Leavers"],
          timescale="30 September 2024", due="2024-09-30", status="Green", source="column “RAG”",
          recommendations=["OIS 2023 12"]),
        A("CL2", "Find suitable accommodation for every care leaver before they turn 18.",
          leads=["Head of Commissioning"], timescale="31 March 2025", due="2025-03-31", status="Red",
          source="column “RAG”", recommendations=["OIS 2023 14"], measures="quarterly sufficiency report"),
        A("CL3", "Exempt care leavers from council tax until they are 25.", leads=["Director of Finance"],
          timescale="1 April 2024", due="2024-04-01", status="Green", source="column “RAG”"),
    ]


@layout("word-two-row-items", "word-two-row-items.docx", "five-state",
        "Word table where an item's second row holds only its references and evidence, in cells of their own")
def word_two_row_items():
    document = _document()
    header = ("No", "Action", "Reference", "Evidence", "Lead", "Timescale", "RAG")
    rows = [
        ("1.1", "Run a monthly multi-agency audit of neglect cases.", "", "", "LSCP Business Manager",
         "30 June 2024", "G"),
        ("", "", "OIS 2023 5; Peer review 2022 3", "Audit reports to the LSCP", "", "", ""),
        ("1.2", "Roll out the graded care profile to health visitors.", "", "", "Designated Nurse",
         "31 December 2024", "A"),
        ("", "", "OIS 2023 6", "", "", "", ""),
    ]
    _table(document, header, rows)
    return _docx(document), [
        A("1.1", "Run a monthly multi-agency audit of neglect cases.", leads=["LSCP Business Manager"],
          timescale="30 June 2024", due="2024-06-30", status="Green", source="column “RAG”",
          recommendations=["OIS 2023 5", "Peer review 2022 3"], measures="Audit reports to the LSCP"),
        A("1.2", "Roll out the graded care profile to health visitors.", leads=["Designated Nurse"],
          timescale="31 December 2024", due="2024-12-31", status="Amber", source="column “RAG”",
          recommendations=["OIS 2023 6"]),
    ]


@layout("word-theme-headings-outside", "word-theme-headings-outside.docx", "five-state",
        "Word plan whose themes are headings above each table (the tables share a header, as one table continued)")
def word_theme_headings_outside():
    document = _document()
    document.add_paragraph("Children's services improvement plan 2024 to 2025", style="Title")
    document.add_paragraph("This plan responds to the inspection of services for children in need of help and "
                           "protection, children in care and care leavers.")
    header = ("Ref", "What we will do", "Lead", "By when", "RAG", "Progress update")
    document.add_paragraph("Theme 1: Early help", style="Heading 2")
    _table(document, header, [
        ("1.1", "Open four family hubs.", "Head of Early Help", "31 March 2025", "G", "Two hubs open."),
        ("1.2", "Publish the early help offer on the council website.", "Early Help Manager", "30 April 2024", "B",
         "Published."),
    ])
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Theme 2: Quality assurance", style="Heading 2")
    _table(document, header, [
        ("2.1", "Adopt a single quality assurance framework.", "Head of Quality Assurance", "30 June 2024", "A",
         "Framework drafted."),
        ("2.2", "Report audit themes to the improvement board every quarter.", "Head of Quality Assurance",
         "Quarterly", "G", "First report made in March."),
    ])
    theme1, theme2 = "1 Early help", "2 Quality assurance"
    return _docx(document), [
        A("1.1", "Open four family hubs.", theme=theme1, leads=["Head of Early Help"], timescale="31 March 2025",
          due="2025-03-31", status="Green", source="column “RAG”", note="Two hubs open."),
        A("1.2", "Publish the early help offer on the council website.", theme=theme1, leads=["Early Help Manager"],
          timescale="30 April 2024", due="2024-04-30", status="Blue", source="column “RAG”", note="Published."),
        A("2.1", "Adopt a single quality assurance framework.", theme=theme2, leads=["Head of Quality Assurance"],
          timescale="30 June 2024", due="2024-06-30", status="Amber", source="column “RAG”",
          note="Framework drafted."),
        A("2.2", "Report audit themes to the improvement board every quarter.", theme=theme2,
          leads=["Head of Quality Assurance"], timescale="Quarterly", status="Green", source="column “RAG”",
          note="First report made in March."),
    ]


@layout("word-urgency-paragraphs", "word-urgency-paragraphs.docx", "achieved",
        "Word plan in answer to an inspection, its recommendations grouped under urgency paragraphs "
        "(\"Immediately\", \"Within three months\") above separate tables")
def word_urgency_paragraphs():
    document = _document()
    header = ("Recommendation", "Action", "Lead officer", "Timescale", "Status")
    bold = document.add_paragraph()
    bold.add_run("Immediately").bold = True
    _table(document, header, [
        ("1. Ensure that strategy discussions include the police and health in every case.",
         "Invite police and health to every strategy discussion by secure email.", "MASH Manager",
         "30 April 2024", "On target"),
        ("", "Audit attendance at strategy discussions every month.", "Head of Quality Assurance", "31 May 2024",
         "On target"),
    ])
    bold = document.add_paragraph()
    bold.add_run("Within three months").bold = True
    _table(document, header, [
        ("2. Improve the quality of pathway plans for care leavers.",
         "Co-produce a new pathway plan template with care leavers.", "Head of Care Leavers", "30 June 2024",
         "Not on target"),
    ])
    return _docx(document), [
        A("1.1", "Invite police and health to every strategy discussion by secure email.", leads=["MASH Manager"],
          timescale="30 April 2024", due="2024-04-30", status="On target", source="column “Status”",
          recommendations=["Ofsted 1"], urgency="immediately"),
        A("1.2", "Audit attendance at strategy discussions every month.", leads=["Head of Quality Assurance"],
          timescale="31 May 2024", due="2024-05-31", status="On target", source="column “Status”",
          recommendations=["Ofsted 1"], urgency="immediately"),
        A("2.1", "Co-produce a new pathway plan template with care leavers.", leads=["Head of Care Leavers"],
          timescale="30 June 2024", due="2024-06-30", status="Not on target", source="column “Status”",
          recommendations=["Ofsted 2"], urgency="within_3_months"),
    ]


@layout("word-merged-theme-column", "word-merged-theme-column.docx", "three-state",
        "Word table with a theme column merged down over its actions, a merged section row and numbers like 1.2a")
def word_merged_theme_column():
    document = _document()
    header = ("Priority", "Ref", "Action", "Responsible officer", "Target date", "RAG rating")
    table = _table(document, header, [
        ("Children in care", "1.2a", "Hold a placement stability meeting after any second move.",
         "Head of Children in Care", "31 May 2024", "Green"),
        ("", "1.2b", "Track placement moves in the monthly performance report.", "Performance Manager",
         "30 April 2024", "Amber"),
        ("Care leavers", "1.3", "Offer every care leaver a health passport.", "Designated Nurse for Children in Care",
         "30 September 2024", "Red"),
    ])
    top, below = table.cell(1, 0), table.cell(2, 0)
    top.merge(below)
    return _docx(document), [
        A("1.2a", "Hold a placement stability meeting after any second move.", theme="Children in care",
          leads=["Head of Children in Care"], timescale="31 May 2024", due="2024-05-31", status="Green",
          source="column “RAG rating”"),
        A("1.2b", "Track placement moves in the monthly performance report.", theme="Children in care",
          leads=["Performance Manager"], timescale="30 April 2024", due="2024-04-30", status="Amber",
          source="column “RAG rating”"),
        A("1.3", "Offer every care leaver a health passport.", theme="Care leavers",
          leads=["Designated Nurse for Children in Care"], timescale="30 September 2024", due="2024-09-30",
          status="Red", source="column “RAG rating”"),
    ]


@layout("excel-sheet-per-theme", "excel-sheet-per-theme.xlsx", "three-state",
        "Excel workbook with a sheet per theme, numbered IP1.1, IP2.1 and PA3")
def excel_sheet_per_theme():
    book = _workbook()
    first = book.active
    first.title = "IP1 Early help"
    second = book.create_sheet("IP2 Children in care")
    third = book.create_sheet("PA Priority actions")
    for sheet in (first, second, third):
        sheet.append(["Action ref", "Action", "Lead", "Deadline", "RAG status", "Comments"])
        _bold_row(sheet, 1)
    first.append(["IP1.1", "Agree the early help strategy with partners.", "Head of Early Help", "31 July 2024",
                  "Green", "Strategy out for consultation."])
    second.append(["IP2.1", "Increase the number of in-house foster carers by 20.", "Head of Fostering",
                   "31 March 2025", "Amber", "Eight approved so far."])
    second.append(["IP2.2", "Review the allowances paid to kinship carers.", "Head of Fostering", "30 June 2024",
                   "Green", "Review under way."])
    third.append(["PA3", "Clear the backlog of unallocated cases.", "Assistant Director", "30 April 2024", "Red",
                  "31 cases still unallocated."])
    return _xlsx(book), [
        A("IP1.1", "Agree the early help strategy with partners.", theme="IP1 Early help", leads=["Head of Early Help"],
          timescale="31 July 2024", due="2024-07-31", status="Green", source="column “RAG status”",
          note="Strategy out for consultation."),
        A("IP2.1", "Increase the number of in-house foster carers by 20.", theme="IP2 Children in care",
          leads=["Head of Fostering"], timescale="31 March 2025", due="2025-03-31", status="Amber",
          source="column “RAG status”", note="Eight approved so far."),
        A("IP2.2", "Review the allowances paid to kinship carers.", theme="IP2 Children in care",
          leads=["Head of Fostering"], timescale="30 June 2024", due="2024-06-30", status="Green",
          source="column “RAG status”", note="Review under way."),
        A("PA3", "Clear the backlog of unallocated cases.", theme="PA Priority actions", leads=["Assistant Director"],
          timescale="30 April 2024", due="2024-04-30", status="Red", source="column “RAG status”",
          note="31 cases still unallocated."),
    ]


@layout("excel-yes-columns", "excel-yes-columns.xlsx", "achieved",
        "Excel tracker with a \"Yes\" column per status: \"Completed (Y/N)\", \"On track?\", \"Not on track\"")
def excel_yes_columns():
    book = _workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(["Ref", "Action to be taken", "Owner", "Completion date", "Completed (Y/N)", "On track?",
                  "Not on track", "Commentary"])
    _bold_row(sheet, 1)
    sheet.append(["QA1", "Publish a practice standards handbook.", "Principal Social Worker", "31 March 2024", "Y",
                  "", "", "Published on the intranet."])
    sheet.append(["QA2", "Hold practice weeks twice a year.", "Principal Social Worker", "30 November 2024", "N",
                  "Yes", "", "First week held in March."])
    sheet.append(["QA3", "Report supervision compliance to the board.", "Head of Workforce", "30 June 2024", "N", "",
                  "x", "Data not yet reliable."])
    return _xlsx(book), [
        A("QA1", "Publish a practice standards handbook.", leads=["Principal Social Worker"],
          timescale="31 March 2024", due="2024-03-31", status="Achieved", source="column “Completed (Y/N)” (ticked)",
          note="Published on the intranet."),
        A("QA2", "Hold practice weeks twice a year.", leads=["Principal Social Worker"], timescale="30 November 2024",
          due="2024-11-30", status="On target", source="column “On track?” (ticked)",
          note="First week held in March."),
        A("QA3", "Report supervision compliance to the board.", leads=["Head of Workforce"], timescale="30 June 2024",
          due="2024-06-30", status="Not on target", source="column “Not on track” (ticked)",
          note="Data not yet reliable."),
    ]


@layout("csv-objectives", "csv-objectives.csv", "three-state",
        "CSV of objectives with a priority column (Wiltshire's shape): the objectives are the actions")
def csv_objectives():
    data = _csv([
        ("Priority", "Ref", "Objective", "Lead officer", "Target date", "RAG"),
        ("IP3 Knowing how well we are doing", "IP3.1", "Produce a monthly performance scorecard for managers.",
         "Head of Performance", "31 May 2024", "G"),
        ("", "IP3.2", "Hold a quarterly performance clinic with each team manager.", "Head of Performance",
         "30 September 2024", "A"),
        ("IP4 Listening to children", "IP4.1", "Set up a children in care council.", "Participation Lead",
         "31 July 2024", "G"),
    ])
    return data, [
        A("IP3.1", "Produce a monthly performance scorecard for managers.", theme="IP3 Knowing how well we are doing",
          leads=["Head of Performance"], timescale="31 May 2024", due="2024-05-31", status="Green",
          source="column “RAG”"),
        A("IP3.2", "Hold a quarterly performance clinic with each team manager.",
          theme="IP3 Knowing how well we are doing", leads=["Head of Performance"], timescale="30 September 2024",
          due="2024-09-30", status="Amber", source="column “RAG”"),
        A("IP4.1", "Set up a children in care council.", theme="IP4 Listening to children",
          leads=["Participation Lead"], timescale="31 July 2024", due="2024-07-31", status="Green",
          source="column “RAG”"),
    ]


@layout("csv-issues-semicolon-cp1252", "csv-issues-semicolon-cp1252.csv", "three-state",
        "CSV saved by Excel in Windows-1252 with semicolons, listing issues (no Action column) and their leads")
def csv_issues_semicolon():
    data = _csv([
        ("No", "Issue", "Lead", "Timescale", "Status", "Progress"),
        ("1", "Too many re-referrals within 12 months – 28% against 22% nationally.", "Head of Front Door",
         "31 March 2025", "Red", "Deep dive planned for May."),
        ("2", "Return home interviews are not offered within 72 hours.", "Missing Children Coordinator",
         "30 June 2024", "Amber", "Offered in 70% of episodes."),
        ("3", "Pathway plans do not reflect care leavers’ views.", "Head of Care Leavers", "Dec 2024 onwards",
         "Green", "New template in use."),
    ], delimiter=";", encoding="cp1252")
    return data, [
        A("1", "Too many re-referrals within 12 months – 28% against 22% nationally.", leads=["Head of Front Door"],
          timescale="31 March 2025", due="2025-03-31", status="Red", source="column “Status”",
          note="Deep dive planned for May."),
        A("2", "Return home interviews are not offered within 72 hours.", leads=["Missing Children Coordinator"],
          timescale="30 June 2024", due="2024-06-30", status="Amber", source="column “Status”",
          note="Offered in 70% of episodes."),
        A("3", "Pathway plans do not reflect care leavers’ views.", leads=["Head of Care Leavers"],
          timescale="Dec 2024 onwards", status="Green", source="column “Status”", note="New template in use."),
    ]


@layout("word-targets-recurring", "word-targets-recurring.docx", "five-state",
        "Word table of targets (no Action column) with several leads a cell, recurring and range timescales "
        "and a section heading row inside the table")
def word_targets_recurring():
    document = _document()
    header = ("Target", "Lead(s)", "Timescale", "RAG", "Update")
    table = _table(document, header, [
        ("Children in need", "", "", "", ""),
        ("95% of children in need are visited within their plan's timescale.", "Head of Children in Need\n"
         "Performance Manager", "Monthly from Feb 2024", "A", "88% in March."),
        ("All children in need plans are reviewed within 12 weeks.", "Head of Children in Need",
         "Q3 2024", "G", "On course."),
    ])
    heading = table.rows[1].cells
    heading[0].merge(heading[-1])
    return _docx(document), [
        A("CN.1", "95% of children in need are visited within their plan's timescale.", theme="Children in need",
          leads=["Head of Children in Need", "Performance Manager"], timescale="Monthly from Feb 2024",
          status="Amber", source="column “RAG”", note="88% in March."),
        A("CN.2", "All children in need plans are reviewed within 12 weeks.", theme="Children in need",
          leads=["Head of Children in Need"], timescale="Q3 2024", due="2024-09-30", status="Green",
          source="column “RAG”", note="On course."),
    ]


@layout("word-page-continued", "word-page-continued.docx", "five-state",
        "Word plan whose table runs over pages: each page a new table under the same header, a DRAFT mark "
        "between them, and the theme heading row inside the table")
def word_page_continued():
    document = _document()
    header = ("Action No", "Action", "Lead Officer", "Timescale", "RAG", "Review note")
    _table(document, header, [
        ("THEME 3 - LEADERSHIP AND GOVERNANCE", "", "", "", "", ""),
        ("3.1", "Refresh the terms of reference of the improvement board.", "Director of Children's Services",
         "31 March 2024", "B", "Agreed at the February board."),
    ])
    document.add_paragraph().add_run("DRAFT").bold = True
    _table(document, header, [
        ("3.2", "Report the plan's progress to scrutiny every quarter.", "Head of Service, Improvement",
         "Quarterly", "G", "First report in April."),
        ("3.3", "Hold a leadership development programme for team managers.", "Head of Workforce",
         "30 November 2024", "Gr", "Starts in September."),
    ])
    theme = "3 Leadership and governance"
    return _docx(document), [
        A("3.1", "Refresh the terms of reference of the improvement board.", theme=theme,
          leads=["Director of Children's Services"], timescale="31 March 2024", due="2024-03-31", status="Blue",
          source="column “RAG”", note="Agreed at the February board."),
        A("3.2", "Report the plan's progress to scrutiny every quarter.", theme=theme,
          leads=["Head of Service, Improvement"], timescale="Quarterly", status="Green", source="column “RAG”",
          note="First report in April."),
        A("3.3", "Hold a leadership development programme for team managers.", theme=theme,
          leads=["Head of Workforce"], timescale="30 November 2024", due="2024-11-30", status="Grey",
          source="column “RAG”", note="Starts in September."),
    ]


def build(name: str) -> tuple[bytes, dict]:
    spec = LAYOUTS[name]
    data, actions = spec["build"]()
    expected = {"layout": name, "file": spec["filename"], "scheme": spec["scheme"],
                "description": spec["description"], "actions": actions}
    return data, expected


def expected_text(expected: dict) -> str:
    return json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


def main():
    for name, spec in LAYOUTS.items():
        data, expected = build(name)
        (HERE / spec["filename"]).write_bytes(data)
        (HERE / f"{name}.expected.json").write_text(expected_text(expected), encoding="utf-8")
        print(f"{spec['filename']}: {len(expected['actions'])} actions")


if __name__ == "__main__":
    main()
