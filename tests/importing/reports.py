"""Inspection reports for the report importer, written for these tests in the layouts that
inspectorates publish, returned as bytes.

- ``ilacs_pdf()``: an Ofsted ILACS-style report rendered with WeasyPrint: a title page, a running
  header and "Page n of m" footer on every page, a "What needs to improve in this local
  authority?" numbered list whose items wrap over several lines (one across a page break), then
  "Summary for children and young people".
- ``grouped_pdf()``: an older safeguarding and looked after children report: numbered
  paragraphs, an "Areas for improvement" section introduced by "15. In order to improve ... should
  take the following action", with bulleted items under "Immediately:", "Within three months:"
  and "Within six months:", and a second such section for children looked after.
- ``report_docx()``: a Word report whose recommendations are paragraphs with Word's automatic
  numbering (the numbers are not in the text), under urgency headings, with a sub-list.
- ``scanned_pdf()``: a page that is only an image, as a scanner makes it.
- ``long_pdf(pages)``: blank pages, cheaply (pypdf).
- ``no_section_pdf()``, ``encrypted_pdf()``, ``damaged_pdf()``.

PDFs and DOCX are built the same on every call and cached; bytes are immutable.
"""

import functools
import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

_STYLE = """
@page { size: A4; margin: 28mm 22mm 25mm;
  @top-center { content: "Inspection of Exampleshire children's social care services"; font-size: 9pt; }
  @bottom-left { content: "Exampleshire County Council"; font-size: 9pt; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
@page :first { @top-center { content: none; } }
body { font-family: sans-serif; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 24pt; } h2 { font-size: 16pt; margin-top: 18pt; } h3 { font-size: 12pt; }
.title { page-break-after: always; }
.item { margin: 0 0 8pt 8mm; text-indent: -8mm; orphans: 1; widows: 1; }
.bullet { margin: 0 0 6pt 8mm; text-indent: -6mm; }
.para { margin: 0 0 8pt 10mm; text-indent: -10mm; }
"""

WHAT_NEEDS_TO_IMPROVE = [
    "The quality and timeliness of assessments and plans for children in need of help and protection, so "
    "that they reflect the child's lived experience, are written with families and lead to timely change "
    "for children.",
    "Management oversight and supervision of frontline practice, including the recording of the reasons "
    "for decisions.",
    "The response to children who go missing from home or care, including the quality of return home "
    "interviews and how the information from them is used to reduce risk.",
    "The sufficiency of placements for children in care, so that more children live close to their "
    "families, schools and communities.",
    "The support for care leavers aged 18 to 25 to find suitable accommodation, employment, education or "
    "training.",
]

_FILLER = ("Leaders have a clear understanding of the strengths and weaknesses of services and have "
           "taken action to improve them. Social workers told inspectors that they feel supported by "
           "managers and that caseloads are manageable. ")


@functools.cache
def ilacs_pdf() -> bytes:
    items = "".join(f'<p class="item">{n}.&#x2003;{text}</p>' for n, text in
                    enumerate(WHAT_NEEDS_TO_IMPROVE, start=1))
    html = f"""<html lang="en"><head><title>Inspection report</title><style>{_STYLE}</style></head><body>
<div class="title"><h1>Exampleshire County Council</h1>
<p>Inspection of children's social care services</p>
<p>Inspection dates: 12 January 2026 to 23 January 2026</p>
<p>Lead inspector: Alex Example, His Majesty's Inspector</p>
<p>Publication date: 6 March 2026</p></div>
<h2>Judgement</h2><p>Overall effectiveness: Requires improvement to be good</p>
<p>{_FILLER * 9}</p>
<h2>What needs to improve in this local authority?</h2>
{items}
<h2>Summary for children and young people</h2>
<p>Inspectors found that most children are helped when they need it.</p>
<ul><li>Social workers know you well.</li><li>Some of you waited too long for a plan.</li></ul>
<h2>Main findings</h2><p>{_FILLER * 8}</p>
</body></html>"""
    return _render(html)


GROUPED = {
    "Immediately": [
        "ensure that the quality of social work to safeguard children is of a consistently high standard and "
        "that this is supported by regular high quality supervision by managers",
        "ensure that core groups are held regularly and implement the child protection plan.",
    ],
    "Within three months": [
        "increase staffing stability, in particular in the protection and court teams, so that sufficient "
        "social workers are in place who are suitably qualified and experienced",
        "ensure that the needs of homeless children and young people are fully assessed and that "
        "sufficient suitable accommodation is available for them, including emergency provision.",
    ],
    "Within six months": [
        "ensure that there are sufficient experienced social work staff and managers to carry out the "
        "council's safeguarding responsibilities.",
    ],
}
GROUPED_LOOKED_AFTER = {
    "Immediately": ["ensure that statutory visits to children looked after are undertaken within the required "
                    "timescales."],
    "Within three months": ["ensure that high quality personal education plans are in place for all relevant "
                            "children looked after."],
}


def _grouped_section(number: int, groups: dict) -> str:
    parts = [f'<p class="para">{number}.&#x2003;In order to improve the quality of provision and services, the '
             "local authority and its partners should take the following action.</p>"]
    for heading, items in groups.items():
        parts.append(f"<p><strong>{heading}:</strong></p>")
        parts += [f'<p class="bullet">•&#x2003;{text}</p>' for text in items]
    return "".join(parts)


@functools.cache
def grouped_pdf() -> bytes:
    html = f"""<html lang="en"><head><title>Inspection report</title><style>{_STYLE}</style></head><body>
<div class="title"><h1>Inspection of safeguarding and looked after children services</h1>
<p>Exampleshire County Council</p><p>Inspection dates: 14 May 2012 to 25 May 2012</p>
<p>Reporting inspector: Sam Example HMI</p><p>Age group: All</p><p>Published: 6 July 2012</p></div>
<h2>Contents</h2><p>About this inspection 2</p><p>Areas for improvement 4</p>
<h2>Safeguarding services</h2>
<h3>Overall effectiveness</h3>
<p class="para">12.&#x2003;The overall effectiveness of safeguarding services is adequate. {_FILLER * 3}</p>
<h3>Capacity for improvement</h3>
<p class="para">14.&#x2003;Capacity for improvement is adequate. {_FILLER * 2}</p>
<h3>Areas for improvement</h3>
{_grouped_section(15, GROUPED)}
<h3>Outcomes for children and young people</h3>
<p class="para">16.&#x2003;{_FILLER * 5}</p>
<h2>Looked after children services</h2>
<h3>Areas for improvement</h3>
{_grouped_section(40, GROUPED_LOOKED_AFTER)}
<h2>Record of main findings</h2><p>Safeguarding services: adequate.</p>
</body></html>"""
    return _render(html)


@functools.cache
def no_section_pdf() -> bytes:
    html = f"""<html lang="en"><head><title>Annual report</title><style>{_STYLE}</style></head><body>
<h1>Exampleshire Safeguarding Partnership annual report 2025</h1><p>{_FILLER * 10}</p>
<h2>Our priorities</h2><p>{_FILLER * 3}</p></body></html>"""
    return _render(html)


def _render(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


@functools.cache
def scanned_pdf() -> bytes:
    """Two pages that are only pictures of text, as a scanner makes them."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 760, 24):
        draw.line((40, row, 560, row), fill=40, width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    import base64

    picture = base64.b64encode(out.getvalue()).decode()
    page = f'<img src="data:image/png;base64,{picture}" alt="" style="width: 160mm">'
    return _render(f"<html><body>{page}<div style='page-break-before: always'>{page}</div></body></html>")


@functools.cache
def long_pdf(pages: int = 500) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(ilacs_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def damaged_pdf() -> bytes:
    data = ilacs_pdf()
    return data[:200] + data[len(data) // 2:]


def _numbered(paragraph, num_id: int, level: int = 0) -> None:
    """Number a paragraph with Word's automatic numbering (its number is not in its text)."""
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(num)
    ppr.append(num_pr)


DOCX_GROUPS = {
    "Immediately": ["Ensure that all children subject to a child protection plan are visited within timescales."],
    "Within three months": [
        "Improve the quality of strategy discussions, so that all relevant agencies take part.",
        "Strengthen the oversight of children placed in unregistered children's homes, including:",
    ],
    "Within six months": ["Develop a sufficiency strategy with partners."],
}


@functools.cache
def report_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Inspection of Exampleshire children's social care services", level=0)
    document.add_paragraph("Inspection dates: 2 to 13 February 2026")
    document.add_heading("What needs to improve in this local authority?", level=1)
    document.add_paragraph("The local authority and its partners should:")
    for heading, items in DOCX_GROUPS.items():
        document.add_heading(heading, level=2)
        for text in items:
            _numbered(document.add_paragraph(text, style="List Paragraph"), 1)
            if text.endswith(":"):
                for sub in ("the checks made before a child is placed", "visits by independent reviewing officers"):
                    _numbered(document.add_paragraph(sub, style="List Paragraph"), 1, level=1)
    document.add_heading("Information about this inspection", level=1)
    document.add_paragraph("This inspection was carried out under the ILACS framework.")
    out = io.BytesIO()
    document.core_properties.author = "Tests"
    document.save(out)
    return out.getvalue()
