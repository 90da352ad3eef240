"""Read the recommendations of an inspection report (a text-based PDF or a Word document) into
a source's recommendations, previewed before anything is written.

``read_report(name, data)`` turns the file into lines of text, page by page, refusing with a
``ReadError`` that says what to do: a PDF with more pages than ``IMPORT_MAX_PDF_PAGES``, with no
text layer (a scan), encrypted or damaged; a Word document as ``readers`` refuses one. Nothing in
the file is executed or fetched: a PDF is read with pypdf for its text only (no images are
decoded, no external decoder is called, every stream is unpacked under a cap), its page count is
checked before any page is read and each page's text is capped; a DOCX is unpacked under the
same caps as a plan.

``find_recommendations(lines)`` finds the section headed "What needs to improve", "Areas for
improvement", "Recommendations"... (every such section: old reports have one for safeguarding
and one for children looked after) and reads its list: items numbered "1.", "1)", "1.2", "(a)",
"i." or bulleted ("•", "-", "–"), each possibly wrapping over several lines and pages (joined),
grouped or not under urgency headings ("Immediately", "Within three months", "The local
authority should, within six months:"). It stops at the next section's heading. Page headers and
footers that repeat on every page, and page numbers, are left out before anything is read.
Numbers are kept as written; a bulleted list, or Word's automatic numbering (which is not in the
text), is numbered 1, 2, 3... in the order of the report, and the preview says so.

``compare(reading, plan, key)`` says what confirming would do to the plan's source ``key``:
new recommendations, changed ones (matched by reference) and unchanged ones; ``apply`` writes
it in one transaction.
"""

import contextlib
import datetime
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Recommendation, Source
from .readers import OLE2_SIGNATURE, Limits, ReadError, _unpacked

# Text kept of one page: a report's page holds 3,000 to 5,000 characters; more is not prose.
MAX_PAGE_CHARS = 20_000
# Recommendations in one report: tens at most; hundreds means the list was not a list of them.
MAX_RECOMMENDATIONS = 300
# Lines of a Word document read (paragraphs and table cells' paragraphs).
MAX_DOCX_LINES = 50_000
# Stricter than pypdf's own defaults (75 MB): a 5 MB report never unpacks a stream past this.
_PDF_STREAM_BYTES = 30_000_000

TEXT, HEADING, ITEM, SUBITEM = "text", "heading", "item", "subitem"


@dataclass
class Line:
    text: str
    page: int = 1
    kind: str = TEXT  # HEADING, ITEM (a Word list paragraph: numbered or bulleted by Word) or SUBITEM


def lines_to_json(lines: list[Line]) -> list:
    return [[line.page, line.kind, line.text] for line in lines]


def lines_from_json(data: list) -> list[Line]:
    return [Line(text, page, kind) for page, kind, text in data]


# --- reading the file --------------------------------------------------------------------------------

def read_report(name: str, data: bytes) -> list[Line]:
    """The lines of a PDF or DOCX report, or ReadError saying what is wrong and what to do."""
    if _kind_of(name, data) == "pdf":
        return read_pdf(name, data)
    return read_docx_report(name, data)


def check_report(name: str, data: bytes) -> None:
    """Raise the ReadError that ``read_report`` would before it reads any page (not a report, a
    Word 97–2003 file, a PDF that is damaged, locked, empty or too long): quick enough for the
    upload's request, which leaves reading the pages to the task worker."""
    if _kind_of(name, data) == "pdf":
        with _pdf_reading():
            _open_pdf(name, data)


def _kind_of(name: str, data: bytes) -> str:
    """"pdf" or "docx", or ReadError."""
    if not data:
        raise ReadError(_("The file is empty. Choose the inspection report (PDF or Word)."))
    extension = PurePath(name).suffix.lower()
    if data[:1024].lstrip().startswith(b"%PDF") or (extension == ".pdf" and b"%PDF" in data[:1024]):
        return "pdf"
    if data.startswith(OLE2_SIGNATURE):
        raise ReadError(_("“%(name)s” is in the old Word 97–2003 format. Open it in Word, save it as a Word "
                          "document (.docx) and upload it again.") % {"name": name})
    if extension == ".docx" or data.startswith(b"PK"):
        return "docx"
    if extension == ".pdf":
        raise ReadError(_("“%(name)s” is not really a PDF, whatever its name says. Download the report again "
                          "from the inspectorate's website and upload that file.") % {"name": name})
    raise ReadError(_("“%(name)s” is not a PDF or a Word document (.docx). Upload the report as the "
                      "inspectorate published it, or as a Word document.") % {"name": name})


@contextlib.contextmanager
def _pdf_reading():
    """pypdf within caps (no external JBIG2 decoder is ever run, and no stream unpacks past the
    cap), counting what it reports while it reads around damage."""
    import pypdf

    caps = {"jbig2dec_binary": None, "zlib_maximum_output_length": _PDF_STREAM_BYTES,
            "lzw_maximum_output_length": _PDF_STREAM_BYTES,
            "run_length_maximum_output_length": _PDF_STREAM_BYTES,
            "array_based_stream_maximum_output_length": _PDF_STREAM_BYTES,
            "maximum_declared_stream_length": _PDF_STREAM_BYTES}
    damage = _Damage()
    logger = logging.getLogger("pypdf")
    logger.addHandler(damage)
    try:
        with pypdf.apply_configuration(**caps):
            yield damage
    finally:
        logger.removeHandler(damage)


def read_pdf(name: str, data: bytes) -> list[Line]:
    with _pdf_reading() as damage:
        lines, count, with_text = _pdf_lines(name, data)
    if with_text == 0:
        if damage.count:  # pypdf read around broken objects and found nothing
            raise ReadError(_("“%(name)s” is damaged and its text cannot be read. Download it again and upload "
                              "that file.") % {"name": name})
        raise ReadError(_("“%(name)s” has no text layer: it is probably a scan. Ask the inspectorate for the text "
                          "version, or upload the Word document.") % {"name": name})
    return _drop_headers_and_footers(lines, count)


class _Damage(logging.Handler):
    """Counts what pypdf reports while it reads around a damaged file (it logs rather than raises)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _locked(name: str) -> ReadError:
    return ReadError(_("“%(name)s” is protected with a password, so its text cannot be read. Upload the version "
                       "the inspectorate published, or the Word document.") % {"name": name})


def _open_pdf(name: str, data: bytes):
    """(pypdf reader, page count), or ReadError: damaged, locked, no pages or over the limit."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    limit = settings.IMPORT_MAX_PDF_PAGES
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many published PDFs are "encrypted" only to forbid editing, with an empty password.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError, PdfReadError):
                opened = pypdf.PasswordType.NOT_DECRYPTED
            if opened == pypdf.PasswordType.NOT_DECRYPTED:
                raise _locked(name)
        count = len(reader.pages)
    except ReadError:
        raise
    except FileNotDecryptedError:
        raise _locked(name) from None
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise ReadError(_("“%(name)s” is damaged and cannot be opened as a PDF (%(error)s). Download it again and "
                          "upload that file.") % {"name": name, "error": _short(error)}) from None
    if count > limit:
        raise ReadError(_("“%(name)s” has %(count)s pages; a report import reads at most %(limit)s. An inspection "
                          "report has tens of pages: upload the report itself, or only the pages with its "
                          "recommendations.") % {"name": name, "count": f"{count:,}", "limit": f"{limit:,}"})
    if count == 0:
        raise ReadError(_("“%(name)s” has no pages. Download the report again and upload that file.")
                        % {"name": name})
    return reader, count


def _pdf_lines(name: str, data: bytes) -> tuple[list[Line], int, int]:
    """(lines, pages, pages with text): the page count is checked before any page is read."""
    reader, count = _open_pdf(name, data)
    texts = [_page_text(name, number, page) for number, page in enumerate(reader.pages, start=1)]
    with_text = sum(sum(not char.isspace() for char in text) >= 20 for text in texts)
    # The pages of a recommendations section, and the two after it, again in layout mode (slower):
    # it keeps each list number on its line, where the plain mode may put it after the page's text.
    sections = {number for number, text in enumerate(texts, start=1)
                if any(_SECTION.fullmatch(_normal(row)) for row in text.splitlines() if len(row) <= 120)}
    for number in sorted({page for first in sections for page in range(first, min(first + 3, count + 1))}):
        texts[number - 1] = _page_text(name, number, reader.pages[number - 1], layout=True)
    lines = [Line(_clean(row), number) for number, text in enumerate(texts, start=1) for row in text.splitlines()]
    return lines, count, with_text


def _page_text(name: str, number: int, page, *, layout: bool = False) -> str:
    """The page's text (capped), one printed line a line; in layout mode, in the order of the page."""
    try:
        if layout:
            with contextlib.suppress(Exception):  # the layout mode gives up on some pages the plain mode reads
                return page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)[:MAX_PAGE_CHARS]
        return page.extract_text()[:MAX_PAGE_CHARS]
    except Exception as error:
        raise ReadError(_("Page %(number)s of “%(name)s” is damaged and cannot be read (%(error)s). Download the "
                          "report again and upload that file.")
                        % {"number": number, "name": name, "error": _short(error)}) from None


def _short(error: Exception) -> str:
    return (str(error) or type(error).__name__)[:120]


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def _clean(text: str) -> str:
    text = "".join(char for char in _SPACES.sub(" ", text) if char.isprintable())
    return text.strip()


_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|-\s*\d{1,4}\s*-"
                          r"|\d{1,4}\s*\|.*|.*\|\s*\d{1,4}", re.IGNORECASE)
_EDGE = 3  # lines at the top and bottom of a page where headers and footers are


def _drop_headers_and_footers(lines: list[Line], pages: int) -> list[Line]:
    """The lines without the page headers and footers: a line near the top or bottom of a page
    that repeats, numbers aside, near the top or bottom of other pages, and a page number there."""
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.text:
            by_page.setdefault(line.page, []).append(index)
    edges = {page: set(indexes[:_EDGE] + indexes[-_EDGE:]) for page, indexes in by_page.items()}
    seen: dict[str, set[int]] = {}
    for page, indexes in edges.items():
        for index in indexes:
            seen.setdefault(_shape(lines[index].text), set()).add(page)
    repeated = {shape for shape, on in seen.items() if len(on) >= max(2, pages // 2)}
    dropped = set()
    for indexes in edges.values():
        for index in indexes:
            text = lines[index].text
            if _shape(text) in repeated or _PAGE_NUMBER.fullmatch(text):
                dropped.add(index)
    return [line for index, line in enumerate(lines) if index not in dropped]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def read_docx_report(name: str, data: bytes) -> list[Line]:
    """The paragraphs of a Word report in order (those in tables too). Word's automatic numbering
    is not in a paragraph's text: a numbered or bulleted paragraph is an ITEM (a SUBITEM below the
    list's first level), numbered later in the order of the report."""
    import docx
    from docx.table import Table

    package = _unpacked(name, data, "word/", "a Word document (.docx)", Limits.from_settings())
    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as error:
        raise ReadError(_("“%(name)s” is damaged and cannot be opened as a Word document (%(error)s).")
                        % {"name": name, "error": _short(error)}) from None
    lines: list[Line] = []

    def add(paragraph):
        if len(lines) >= MAX_DOCX_LINES:
            raise ReadError(_("“%(name)s” has more than %(limit)s paragraphs; an inspection report has a few "
                              "hundred. Upload the report itself.") % {"name": name, "limit": f"{MAX_DOCX_LINES:,}"})
        text = _clean(paragraph.text)[:MAX_PAGE_CHARS]
        lines.append(Line(text, 1, _docx_kind(paragraph, text)))

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        add(paragraph)
        else:
            add(block)
    if not any(line.text for line in lines):
        raise ReadError(_("“%(name)s” has no text. Upload the inspection report with its text.") % {"name": name})
    return lines


def _docx_kind(paragraph, text: str) -> str:
    style = paragraph.style
    style_name = (style.name or "").lower() if style is not None else ""
    if style_name.startswith(("heading", "title")):
        return HEADING
    level = _list_level(paragraph, style)
    if level is not None and not _item_start(text):
        return ITEM if level == 0 else SUBITEM
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and len(text) <= 100 and all(run.bold for run in runs) and not text.endswith("."):
        return HEADING  # a heading written in bold rather than in a heading style
    return TEXT


def _list_level(paragraph, style) -> int | None:
    """The list level of a numbered or bulleted paragraph (0 for the first), or None."""
    from docx.oxml.ns import qn

    def numbering(element):
        ppr = element.find(qn("w:pPr")) if element is not None else None
        return ppr.find(qn("w:numPr")) if ppr is not None else None

    num_pr = numbering(paragraph._p)
    if num_pr is None and style is not None:
        num_pr = numbering(style.element)
    if num_pr is not None:
        num_id = num_pr.find(qn("w:numId"))
        if num_id is not None and num_id.get(qn("w:val")) == "0":
            return None  # numbering switched off
        ilvl = num_pr.find(qn("w:ilvl"))
        return int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
    name = (style.name or "").lower() if style is not None else ""
    if match := re.fullmatch(r"list (?:number|bullet)(?: (\d))?", name):
        return int(match[1] or 1) - 1
    return None


# --- finding the recommendations ---------------------------------------------------------------------

@dataclass
class Item:
    reference: str
    text: str
    urgency: str = Recommendation.Urgency.OTHER
    page: int = 1

    @property
    def urgency_label(self) -> str:
        return Recommendation.Urgency(self.urgency).label


@dataclass
class Reading:
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = ""
    published: datetime.date | None = None
    year: int | None = None


def _normal(text: str) -> str:
    text = text.lower().replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"^(?:section\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s+", "", text)  # a numbered heading
    return re.sub(r"[\s*_]+", " ", text).strip(" :?.!-–")


_SECTION = re.compile(
    r"(?:what (?:needs|does the local authority need|the local authority needs) to (?:do to )?improve(?: (?:in|at) "
    r"(?:this|the) (?:local authority|council|service|partnership))?|what needs to be improved"
    r"|areas? for (?:improvement|development)(?: and recommendations)?|recommendations(?: for improvement)?"
    r"|recommendations and areas for improvement|priority areas for improvement|what should improve)")
_STOP = re.compile(
    r"(?:summary for children|information about (?:this|the) inspection|(?:the )?inspection judgements|"
    r"about this inspection|overall effectiveness|local authority information|service information|main findings|"
    r"key findings|capacity (?:for|to) improve|the experiences and progress|record of main findings|annex|"
    r"appendix|contents|next steps|what happens next|the inspection team|inspection team|glossary|"
    r"(?:services for )?(?:looked after children|children looked after)(?: services)?|safeguarding services|"
    r"ofsted|judgements?|the effectiveness of|how effective)\b")
_URGENCY_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12}
_URGENCY = re.compile(r"\b(immediately|within (?:the next )?(\d{1,2}|one|two|three|four|six|nine|twelve) months?)\b")
_INTRO = re.compile(r"(?:take the following actions?|the following (?:actions?|recommendations?|areas?)|"
                    r"should take action|should:$|should ensure that:$|ensure that:$)")

_BULLETS = "•●▪◦·‣∙■□➢➤✓*\uf0b7\uf0a7\uf076\uf0d8-–—"
_MARKERS = [
    ("paren-number", re.compile(r"\((\d{1,3})\)\s+(.*)")),
    ("paren-roman", re.compile(r"\(([ivxlc]{1,7})\)\s+(.*)")),
    ("paren-letter", re.compile(r"\(([a-z])\)\s+(.*)")),
    ("number", re.compile(r"(\d{1,3}(?:\.\d{1,3}){0,3})[.)](?:\s+|(?=[A-Z“\"']))(.*)")),
    ("number", re.compile(r"(\d{1,3}(?:\.\d{1,3}){1,3})\s+(.*)")),
    ("roman", re.compile(r"([ivxlc]{1,7})[.)](?:\s+|(?=[A-Z]))(.*)")),
    ("letter", re.compile(r"([a-z])[.)](?:\s+|(?=[A-Z]))(.*)")),
    ("bullet", re.compile(f"[{re.escape(_BULLETS)}]\\s*(.*)")),
]
_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")


def _item_start(text: str, previous: tuple[str, str] | None = None) -> tuple[str, str, str] | None:
    """(style, marker, rest) when the line starts a list item. ``previous`` is the list's last
    (style, marker), which decides whether "i." is a letter (after "h.") or a roman numeral."""
    for style, pattern in _MARKERS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        if style == "bullet":
            if text[0] in "-–—*" and len(text) > 1 and not text[1].isspace():
                continue  # "-5%" or "*note", not a bullet
            return style, "", match[1]
        marker, rest = match[1], match[2]
        if style.endswith("roman"):
            if not _ROMAN.fullmatch(marker):
                continue
            letter_style = style.replace("roman", "letter")
            if (len(marker) == 1 and previous and previous[0] == letter_style
                    and ord(marker) == ord(previous[1]) + 1):
                return letter_style, marker, rest
        if style == "number" and not rest[:1].isalpha() and rest[:1] not in "“\"'(":
            continue  # "2012. 45" or a figure, not an item
        return style, marker, rest
    return None


def _urgency_of(text: str) -> str | None:
    match = _URGENCY.search(text.lower())
    if not match:
        return None
    if match[1] == "immediately":
        return Recommendation.Urgency.IMMEDIATELY
    months = _URGENCY_WORDS.get(match[2]) or int(match[2])
    return {3: Recommendation.Urgency.WITHIN_3_MONTHS, 6: Recommendation.Urgency.WITHIN_6_MONTHS}.get(
        months, Recommendation.Urgency.OTHER)


def _urgency_heading(line: Line) -> str | None:
    """The urgency a line sets for the items below it: "Immediately", "Within three months:",
    "Immediately, ensure that:", "The local authority should, within six months:"."""
    text = line.text
    if len(text) > 160 or _item_start(text):
        return None
    urgency = _urgency_of(text)
    if urgency is None:
        return None
    bare = _normal(text)
    if _URGENCY.fullmatch(bare) or text.rstrip().endswith(":") or line.kind == HEADING:
        return urgency
    return None


def _is_heading_like(line: Line) -> bool:
    if line.kind == HEADING:
        return True
    text = line.text
    return (0 < len(text) <= 90 and text[0].isupper() and text[-1] not in ".,;:!" and len(text.split()) <= 12
            and not _item_start(text))


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", ".”", '."', ".)", ";"))


def _join(text: str, more: str) -> str:
    """A wrapped line joined to the text before it ("multi-" + "agency" is "multi-agency")."""
    if not text:
        return more
    if text.endswith("-") and len(text) > 1 and text[-2].isalpha():
        return text + more
    return f"{text} {more}"


class _Section:
    """The list of one recommendations section, read line by line."""

    def __init__(self):
        self.items: list[dict] = []
        self.style: str | None = None
        self.last: tuple[str, str] | None = None
        self.urgency: str | None = None
        self.current: dict | None = None
        self.after_blank = False

    def start(self, style, marker, text, page, counted=False):
        self.style = self.style or style
        self.last = (style, marker)
        self.current = {"marker": marker, "text": text, "urgency": self.urgency, "page": page, "counted": counted}
        self.items.append(self.current)

    def drop_intro(self):
        """The item just read was the list's introduction ("15. ... should take the following action:")."""
        if self.current is not None and self.current["marker"] and _INTRO.search(self.current["text"].lower()):
            self.items.remove(self.current)
            self.urgency = _urgency_of(self.current["text"]) or self.urgency
            self.current, self.style = None, None
            return True
        return False


def find_recommendations(lines: list[Line]) -> Reading:
    """The recommendations of the report, or ReadError when it has no recognisable section."""
    reading = Reading()
    _describe(lines, reading)
    sections: list[_Section] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.text and len(line.text) <= 120 and _SECTION.fullmatch(_normal(line.text)):
            section = _Section()
            index = _read_section(lines, index + 1, section)
            if section.items:
                sections.append(section)
            continue
        index += 1
    items = [item for section in sections for item in section.items]
    if not items:
        raise ReadError(_("No section headed “Recommendations”, “What needs to improve” or “Areas for improvement” "
                          "was found, or it holds no numbered or bulleted list. Check that this is the inspection "
                          "report, or add the recommendations by hand on the sources page."))
    if len(items) > MAX_RECOMMENDATIONS:
        raise ReadError(_("The report's recommendations sections hold %(count)s items; an import reads at most "
                          "%(limit)s. Check that this is the inspection report.")
                        % {"count": f"{len(items):,}", "limit": MAX_RECOMMENDATIONS})
    _number(items, reading)
    for item in items:
        text = item["text"].strip()
        urgency = item["urgency"] or _urgency_of(text.split(". ")[0]) or Recommendation.Urgency.OTHER
        reading.items.append(Item(item["reference"], text, urgency, item["page"]))
    if len(sections) > 1:
        reading.notes.append(_("The report has %(count)s recommendations sections; all are read, in order.")
                             % {"count": len(sections)})
    if all(item.urgency == Recommendation.Urgency.OTHER for item in reading.items):
        reading.notes.append(_("The report gives no urgency (“Immediately”, “Within three months”…): the "
                               "recommendations' urgency is “%(other)s”.")
                             % {"other": Recommendation.Urgency.OTHER.label})
    return reading


def _read_section(lines: list[Line], index: int, section: _Section) -> int:
    """Read the section from ``lines[index]``; the index where it ends."""
    while index < len(lines):
        line = lines[index]
        text = line.text
        if not text:
            section.after_blank = True
            index += 1
            continue
        normal = _normal(text)
        if len(text) <= 120 and (_SECTION.fullmatch(normal)):
            return index  # the next section: read on its own
        if line.kind in (ITEM, SUBITEM):
            if line.kind == SUBITEM and section.current is not None:
                section.current["text"] += "\n– " + text
            else:
                section.start("auto", "", text, line.page, counted=True)
            section.after_blank = False
            index += 1
            continue
        start = _item_start(text, section.last)
        if start:
            style, marker, rest = start
            if section.current is not None and style != section.style and not section.drop_intro():
                section.current["text"] += f"\n{marker and marker + '. '}{rest}" if style != "bullet" \
                    else f"\n– {rest}"
                section.last = (style, marker)
            else:
                if section.current is not None and style == section.style:
                    section.drop_intro()
                section.start(style, marker, rest, line.page, counted=style == "bullet")
            section.after_blank = False
            index += 1
            continue
        urgency = _urgency_heading(line)
        if urgency is not None:
            section.drop_intro()
            section.urgency, section.current = urgency, None
            index += 1
            continue
        if _STOP.match(normal) and _is_heading_like(line):
            return index
        current = section.current
        complete = current is None or _ends_sentence(current["text"])
        if _is_heading_like(line) and complete:
            following = next((later for later in lines[index + 1:index + 6] if later.text), None)
            if following is not None and (
                    following.kind in (ITEM, SUBITEM) or _urgency_heading(following)
                    or ((start := _item_start(following.text, section.last))
                        and section.style in (None, start[0]))):
                section.current = None  # a heading grouping the list ("Help and protection")
                index += 1
                continue
            if section.items or line.kind == HEADING:
                return index
        if current is not None and not (section.after_blank and complete):
            current["text"] = _join(current["text"], text)
        elif current is not None and section.after_blank and complete:
            section.current = None  # a paragraph after the list item, not part of it
            if (urgency := _urgency_of(text)) and text.endswith(":"):
                section.urgency = urgency
        elif current is None and (urgency := _urgency_of(text)) and text.endswith(":"):
            section.urgency = urgency  # "The local authority should, immediately:"
        section.after_blank = False
        index += 1
    return index


def _number(items: list[dict], reading: Reading) -> None:
    """Give every item its reference: its number as written, or its place in the report's order
    when the list is bulleted or numbered by Word, or when numbers written repeat (each section
    numbered from 1)."""
    counted = [item for item in items if item["counted"] or not item["marker"]]
    for item in items:
        item["reference"] = item["marker"].rstrip(".")
    written = [item["reference"] for item in items if item["reference"]]
    if counted or len(set(written)) != len(written):
        if len(set(written)) != len(written):
            reading.notes.append(_("The report numbers its recommendations from 1 again in each section: they are "
                                   "numbered 1 to %(count)s in the order of the report.") % {"count": len(items)})
        elif len(counted) == len(items):
            reading.notes.append(_("The report's list is bulleted, or numbered automatically by Word (which keeps "
                                   "the numbers out of the text): the recommendations are numbered 1 to %(count)s "
                                   "in the order of the report.") % {"count": len(items)})
        else:
            reading.notes.append(_("Some recommendations have no number in the report: all are numbered 1 to "
                                   "%(count)s in the order of the report.") % {"count": len(items)})
        for position, item in enumerate(items, start=1):
            item["reference"] = str(position)
    for item in items:
        item["reference"] = item["reference"][:40]


_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december"]
_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTH_NAMES) + r")\s+(\d{4})", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:publication date|date of publication|published(?: on)?|report published)\s*:?\s*"
                        r"(\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\s+\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")


def _describe(lines: list[Line], reading: Reading) -> None:
    """The report's title, publication date and year, from its first lines."""
    first = [line for line in lines[:200] if line.text]
    head = "\n".join(line.text for line in first)
    if match := _PUBLISHED.search(head):
        reading.published = _date_of(match[1])
    at = next((index for index, line in enumerate(first[:40]) if "inspection" in line.text.lower()
               and 10 <= len(line.text) <= 200 and not _item_start(line.text)), None)
    if at is not None:
        title = first[at].text
        for line in first[at + 1:at + 3]:  # a title wrapped over two lines
            if not line.text[:1].islower():
                break
            title = _join(title, line.text)
        reading.title = title[:300]
    else:
        reading.title = next((line.text for line in first[:10] if len(line.text.split()) >= 3), "")[:300]
    if reading.published:
        reading.year = reading.published.year
    else:
        dated = [line.text for line in first[:60] if re.search(r"inspection dates?|dates? of inspection", line.text,
                                                               re.IGNORECASE)]
        years = _YEAR.findall(" ".join(dated)) or _YEAR.findall(head[:3000])
        reading.year = int(years[-1 if dated else 0]) if years else None


def _date_of(text: str) -> datetime.date | None:
    match = _DATE.search(text)
    if not match:
        return None
    try:
        return datetime.date(int(match[3]), _MONTH_NAMES.index(match[2].lower()) + 1, int(match[1]))
    except ValueError:
        return None


# --- what confirming would do ---------------------------------------------------------------------------

KEY_PREFIXES = {Source.Kind.OFSTED_INSPECTION: "Ofsted", Source.Kind.IMPROVEMENT_NOTICE: "IN",
                Source.Kind.PEER_REVIEW: "Peer review", Source.Kind.INTERNAL_REVIEW: "Review",
                Source.Kind.OTHER: "Report"}


def default_key(kind: str, reading: Reading, today: datetime.date) -> str:
    """"Ofsted 2026": the kind's short name and the year of the report (of its publication, else of
    its inspection dates), else this year."""
    return f"{KEY_PREFIXES.get(kind, 'Report')} {reading.year or today.year}"[:40]


@dataclass
class Change:
    item: Item
    existing: Recommendation | None = None

    @property
    def state(self) -> str:
        if self.existing is None:
            return "new"
        return "unchanged" if not self.differences else "changed"

    @property
    def differences(self) -> list[str]:
        if self.existing is None:
            return []
        found = []
        if self.existing.text.strip() != self.item.text:
            found.append(_("text"))
        if self.existing.urgency != self.item.urgency:
            found.append(_("urgency (was %(urgency)s)") % {"urgency": self.existing.get_urgency_display()})
        return found

    @property
    def differences_text(self) -> str:
        """"text and urgency (was Immediately)", as the preview says what changes."""
        found = self.differences
        if len(found) < 2:
            return "".join(found)
        return _("%(first)s and %(last)s") % {"first": ", ".join(found[:-1]), "last": found[-1]}


@dataclass
class Comparison:
    source: Source | None  # None: a new source
    changes: list[Change]
    kept: list[Recommendation]  # the source's recommendations that the report does not hold

    @property
    def new(self):
        return [change for change in self.changes if change.state == "new"]

    @property
    def changed(self):
        return [change for change in self.changes if change.state == "changed"]

    @property
    def unchanged(self):
        return [change for change in self.changes if change.state == "unchanged"]

    @property
    def has_changes(self) -> bool:
        return bool(self.source is None or self.new or self.changed)


def compare(reading: Reading, plan, key: str) -> Comparison:
    source = Source.objects.filter(plan=plan, key=key).first()
    existing = {rec.reference: rec for rec in source.recommendations.all()} if source else {}
    changes = [Change(item, existing.pop(item.reference, None)) for item in reading.items]
    return Comparison(source, changes, sorted(existing.values(), key=lambda rec: rec.reference_sort))


@transaction.atomic
def apply(comparison: Comparison, *, plan, key: str, kind: str, title: str, published) -> tuple[Source, dict]:
    """Write the comparison: the source (created if new; an existing one is kept as it is) and its
    new and changed recommendations. Returns the source and the counts."""
    counts = {"created": len(comparison.new), "updated": len(comparison.changed),
              "unchanged": len(comparison.unchanged), "source_created": comparison.source is None}
    source = comparison.source
    if source is None:
        source = Source.objects.create(plan=plan, key=key, kind=kind, title=title[:300], published=published)
    for change in list(comparison.new) + list(comparison.changed):
        if change.existing is None:
            Recommendation.objects.create(source=source, reference=change.item.reference, text=change.item.text,
                                          urgency=change.item.urgency)
        else:
            change.existing.text = change.item.text
            change.existing.urgency = change.item.urgency
            change.existing.save()
    return source, counts
