"""Read what councils type into spreadsheet cells and Word tables: dates, RAG statuses and section headings.

Every function here takes whatever a cell holds (text, a number, a date from openpyxl, None) and never
raises. What cannot be understood comes back as a problem in plain English, for the import preview to
show beside the row, so that one odd cell never stops a whole plan from being read.
"""

import calendar
import datetime
import html
import re
import unicodedata
from dataclasses import dataclass

from improvement.lib.text import normalise_text

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

# Longer than this, a one-cell row is a note or an action written across merged cells, not a heading.
HEADING_MAX_LENGTH = 120


@dataclass(frozen=True)
class DateResult:
    """A due date read from a timescale cell.

    ``is_date`` is true only when ``date`` is set. When it is false and ``problem`` is None, the cell is
    a written timescale ("Immediate and ongoing", "To be agreed by WSCB") to keep as it is.
    """

    date: datetime.date | None
    problem: str | None
    is_date: bool


@dataclass(frozen=True)
class StatusResult:
    status: object | None
    problem: str | None


@dataclass(frozen=True)
class Heading:
    """A row that starts a section rather than holding an action.

    ``kind`` is "theme", "urgency" or "skip" (page furniture such as "DRAFT"). ``urgency`` is one of
    "immediately", "within_3_months", "within_6_months" or "other" for urgency headings; ``theme`` is
    the part before the colon of headings like "Safeguarding: within three months".
    """

    text: str
    kind: str
    urgency: str | None = None
    theme: str | None = None


# --- Text ---------------------------------------------------------------------------------------

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
# These tags start a new line in the source document, so the text after them keeps its own line.
_LINE_BREAK_TAGS = {"br", "p", "li", "div", "tr"}
# Line and paragraph separators that Word, Excel and PDF conversions leave in cells.
_LINE_SEPARATORS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
# Invisible characters that would stop "Red\u200b" from matching "Red".
_INVISIBLE = str.maketrans("", "", "\u200b\u2060\ufeff\xad")


def clean_text(value: object) -> str:
    """The text of a cell without HTML, with spaces collapsed and line breaks kept, each line trimmed."""
    try:
        text = _as_text(value)
    except Exception:  # an object whose str() fails is still only one bad cell, not a failed import
        return ""
    text = _TAG.sub(_replace_tag, text)
    # Unescaped after the tags are gone, so "&lt;b&gt;" written as text stays as text.
    text = html.unescape(text)
    text = text.replace("\r\n", "\n").translate(_LINE_SEPARATORS).translate(_INVISIBLE)
    text = normalise_text(text)  # the rest of the control characters, as for text typed in a form
    text = re.sub(r"[^\S\n]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _replace_tag(match: re.Match) -> str:
    closing, name = match.group(1), match.group(2).lower()
    if name == "br" or (name in _LINE_BREAK_TAGS and not closing):
        return "\n"
    return ""


def _one_line(value: object) -> str:
    return " ".join(clean_text(value).split())


# --- Dates --------------------------------------------------------------------------------------

_MONTH_NUMBERS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def _month(group: str) -> str:
    return (rf"(?P<{group}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            rf"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")


# Between day, month and year: "31 Jan 2013", "31-Jan-13" (Excel), "31st Dec, 2012". A month with a
# two-digit year needs Excel's "Mar-13" or "Mar '13", as "Jan 13" may as well be the 13th of January.
_GAP = r"[\s,./-]*"
_ORDINAL = r"(?:st|nd|rd|th)?"

# One pattern, so that a cell is read left to right and each piece of text counts as one date only
# ("31 Jan 2013" is a day, not also the month "Jan 2013"). Numbers use [0-9] and the flags include
# ASCII so that other scripts' digits and case-folded letters (the long s, the Kelvin sign) never
# make a match that int() or the month table cannot read.
_DATE = re.compile(
    rf"""
    (?<![0-9])(?P<iso_y>[0-9]{{4}})(?P<iso_sep>[-/.])(?P<iso_m>[0-9]{{1,2}})(?P=iso_sep)(?P<iso_d>[0-9]{{1,2}})
        (?![0-9])
    | (?<![0-9])(?<![0-9][./-])
        (?P<num_d>[0-9]{{1,2}})(?P<num_sep>[./-])(?P<num_m>[0-9]{{1,2}})(?P=num_sep)(?P<num_y>[0-9]{{4}}|[0-9]{{2}})
        (?![0-9])(?![./-][0-9])
    | (?<![0-9])(?P<txt_d>[0-9]{{1,2}}){_ORDINAL}{_GAP}(?:of\s+)?{_month("txt_m")}{_GAP}(?P<txt_y>[0-9]{{4}}|[0-9]{{2}})
        (?![0-9])
    | \b{_month("mon_m")}(?:{_GAP}(?P<mon_y>[0-9]{{4}})|(?:-|\s*')(?P<mon_yy>[0-9]{{2}}))(?![0-9])
    | (?<![0-9])(?P<yl_d>[0-9]{{1,2}}){_ORDINAL}[\s-]*(?:of\s+)?{_month("yl_m")}
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
# "December 2012 onwards" is when work starts, not when it is due.
_ONWARDS = re.compile(r"[\s,;:–—-]*(?:and\s+(?:then\s+)?)?(?:onwards?|on-?going)\b", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class _Found:
    date: datetime.date | None
    problem: str | None


def parse_date(text: object, *, today: datetime.date | None = None) -> DateResult:
    """The due date in a timescale cell: the last date it names, as an action's final step comes last.

    Day first, as written in the UK. A month on its own ("March 2013", "end of March 2013") means the
    last day of that month. A day and month without a year ("31 March") is read only when ``today`` is
    given, as the first such day on or after it: pass the plan's reporting date, not the day of import.
    """
    if isinstance(text, datetime.datetime):
        return _date_result(_check_range(text.date(), _show_date(text.date())))
    if isinstance(text, datetime.date):
        return _date_result(_check_range(text, _show_date(text)))
    found = _scan_dates(clean_text(text), _as_today(today))
    for item in found:
        # A cell with an impossible date is not trusted for the others either: the bad one may be the last step.
        if item.problem:
            return DateResult(None, item.problem, False)
    if found:
        return _date_result(found[-1])
    return DateResult(None, None, False)


def find_dates(text: object, *, today: datetime.date | None = None) -> list[datetime.date]:
    """Every real date in a cell, in the order written: the milestones of a multi-step timescale."""
    if isinstance(text, datetime.date):
        result = parse_date(text)
        return [result.date] if result.date else []
    return [item.date for item in _scan_dates(clean_text(text), _as_today(today)) if item.date]


def _date_result(found: _Found) -> DateResult:
    return DateResult(found.date, found.problem, found.date is not None)


def _as_today(today: object) -> datetime.date | None:
    if isinstance(today, datetime.datetime):
        return today.date()
    return today if isinstance(today, datetime.date) else None


def _scan_dates(text: str, today: datetime.date | None) -> list[_Found]:
    found = []
    for match in _DATE.finditer(text):
        item = _read_date(match, today)
        if item is not None:
            found.append(item)
    return found


def _read_date(match: re.Match, today: datetime.date | None) -> _Found | None:
    """The date one match names, a problem, or None when the match is not a due date after all."""
    part = match.groupdict()
    written = match.group(0).strip()
    if part["iso_y"]:
        return _day_date(int(part["iso_y"]), int(part["iso_m"]), int(part["iso_d"]), written)
    if part["num_d"]:
        return _day_date(_full_year(part["num_y"]), int(part["num_m"]), int(part["num_d"]), written)
    if part["txt_d"]:
        return _day_date(_full_year(part["txt_y"]), _month_number(part["txt_m"]), int(part["txt_d"]), written)
    if part["mon_m"]:
        if _ONWARDS.match(match.string, match.end()):
            return None
        year, month = _full_year(part["mon_y"] or part["mon_yy"]), _month_number(part["mon_m"])
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return _Found(None, _outside_years(written))
        return _Found(datetime.date(year, month, calendar.monthrange(year, month)[1]), None)
    if today is None:
        return None
    return _next_day_date(today, _month_number(part["yl_m"]), int(part["yl_d"]), written)


def _day_date(year: int, month: int, day: int, written: str) -> _Found:
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return _Found(None, f"“{written}” is not a real date")
    return _check_range(date, written)


def _next_day_date(today: datetime.date, month: int, day: int, written: str) -> _Found:
    # Eight years always reach a 29 February.
    for year in range(today.year, today.year + 9):
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            continue
        if date >= today:
            return _check_range(date, written)
    return _Found(None, f"“{written}” is not a real date")


def _check_range(date: datetime.date, written: str) -> _Found:
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        return _Found(None, _outside_years(written))
    return _Found(date, None)


def _outside_years(written: str) -> str:
    return f"“{written}” is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}"


def _show_date(date: datetime.date) -> str:
    return f"{date.day} {date:%b} {date.year}"


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        # "31.3.07": plans written around 2012 reach back to the 1970s at most.
        return 2000 + year if year < 70 else 1900 + year
    return year


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name[:3].lower()]


# --- Statuses -----------------------------------------------------------------------------------

_COLOUR_WORDS = {"green": "green", "amber": "amber", "orange": "amber", "red": "red", "grey": "grey", "gray": "grey",
                 "blue": "blue", "yellow": "yellow", "purple": "purple"}
_COMPLETE_WORDS = {"✓", "✔", "√", "☑", "✅", "yes", "y", "done", "complete", "completed", "achieved"}
# A cross or "No" says something is not done, but not whether it is on track, late or not started.
_NO_WORDS = {"no", "n", "✗", "✘", "x", "×", "❌", "☒"}
# PDF and Word conversions sometimes put a Greek or Cyrillic capital where a status code was typed
# (the Walsall plan's "Α" is a Greek Alpha): read these look-alikes as the Latin letters they show.
_LOOKALIKES = str.maketrans("ΑΒΕΗΙΚΜΝΟΡΤΧАВЕКМНОРСТХаеорсху", "ABEHIKMNOPTXABEKMHOPCTXaeopcxy")
_RAG_PREFIX = re.compile(r"^(?:rag(?:\s+(?:status|rating))?|status|rating)\s*[:=–—-]\s*", re.IGNORECASE)
# "Red (R)", "Green [G]": two ways of writing the same status.
_BRACKETED = re.compile(r"^(?P<outer>[^()\[\]]*?)\s*[(\[](?P<inner>[^()\[\]]*)[)\]]$")
_SHOWN_MAX_LENGTH = 60


def parse_status(text: object, statuses: list) -> StatusResult:
    """The status of ``statuses`` (a plan's RAG scheme, in its order) that a status cell names.

    Tried in turn: the code ("G"; if two codes differ only by case, the one typed exactly), the label
    ("On target"), the colour ("orange" is amber), then ticks and "Yes" for the first complete status.
    Case, spaces and surrounding punctuation do not matter.
    """
    try:
        statuses = list(statuses or [])
    except TypeError:
        statuses = []
    line = _one_line(text)
    # A whole paragraph typed into the status column would drown the message, so show its start.
    shown = line if len(line) <= _SHOWN_MAX_LENGTH else line[: _SHOWN_MAX_LENGTH - 1] + "…"
    # NFKC reads full-width letters as plain ones; U+FE0F is the emoji selector in "✔️".
    body = unicodedata.normalize("NFKC", line).replace("\ufe0f", "").translate(_LOOKALIKES)
    body = _RAG_PREFIX.sub("", body).rstrip(" .,;:!*")
    bracketed = _BRACKETED.match(body)
    if not bracketed:
        return _match_status(body, statuses, shown)
    outer = _match_status(bracketed["outer"], statuses, shown)
    inner = _match_status(bracketed["inner"], statuses, shown)
    named = [result.status for result in (outer, inner) if result.status is not None]
    if len(named) == 2 and named[0] is not named[1]:
        both = f"{_attribute(named[0], 'label')} and {_attribute(named[1], 'label')}"
        return StatusResult(None, f"“{shown}” names two different statuses ({both})")
    if named:
        return StatusResult(named[0], None)
    return outer if outer.problem else inner


def _match_status(word: str, statuses: list, shown: str) -> StatusResult:
    word = _strip_punctuation(word)
    if not word:
        return StatusResult(None, None)
    squeezed = "".join(word.split())
    folded = squeezed.casefold()
    for status in statuses:
        if _squeezed(status, "code") == squeezed:
            return StatusResult(status, None)
    same_code = [status for status in statuses if _squeezed(status, "code").casefold() == folded]
    # Two codes that differ only by case, neither typed exactly: which one was meant is a guess.
    if len(same_code) == 1:
        return StatusResult(same_code[0], None)
    for status in statuses:
        if _squeezed(status, "label").casefold() == folded:
            return StatusResult(status, None)
    colour = _COLOUR_WORDS.get(folded)
    if colour:
        for status in statuses:
            if _COLOUR_WORDS.get(_squeezed(status, "colour").casefold()) == colour:
                return StatusResult(status, None)
    if folded in _COMPLETE_WORDS:
        for status in statuses:
            if getattr(status, "is_complete", False) is True:
                return StatusResult(status, None)
        return StatusResult(None, f"“{shown}” means complete, but this plan’s scheme has no complete status "
                                  f"({_expected(statuses)})")
    if folded in _NO_WORDS:
        return StatusResult(None, f"“{shown}” does not say which status: use a status of the plan’s scheme")
    return StatusResult(None, f"“{shown}” is not a status in this plan’s scheme ({_expected(statuses)})")


def _expected(statuses: list) -> str:
    labels = [label for label in (_attribute(status, "label") for status in statuses) if label]
    if not labels:
        return "the scheme has no statuses"
    return "expected one of: " + ", ".join(labels)


def _attribute(status: object, name: str) -> str:
    return _one_line(getattr(status, name, ""))


def _squeezed(status: object, name: str) -> str:
    return "".join(_attribute(status, name).split())


def _strip_punctuation(text: str) -> str:
    """Without spaces and punctuation at either end ("G.", "*Red*"); ticks and crosses are symbols, so stay."""
    def is_edge(char: str) -> bool:
        return char.isspace() or unicodedata.category(char).startswith("P")

    start, end = 0, len(text)
    while start < end and is_edge(text[start]):
        start += 1
    while end > start and is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


# --- Section headings ---------------------------------------------------------------------------

# "1.1", "3.14", "IP1.1": the row is an action even if only its first cell has text.
_ACTION_NUMBER = re.compile(r"(?:[A-Za-z]{1,3}\s?)?[0-9]+\.[0-9]+")
# Words and page numbers that a Word or PDF conversion leaves between table rows.
_FURNITURE_WORD = (r"(?:draft|confidential|official|sensitive|restricted|not\s+protectively\s+marked"
                   r"|page\s+[0-9]+(?:\s+of\s+[0-9]+)?|[0-9]+)")
_PAGE_FURNITURE = re.compile(rf"{_FURNITURE_WORD}(?:[\W_]+{_FURNITURE_WORD})*", re.IGNORECASE)

_URGENCIES = [
    ("immediately", r"immediate(?:ly)?|with\s+immediate\s+effect|for\s+immediate\s+(?:action|implementation)"),
    ("within_3_months", r"(?:(?:within|in|by)\s+)?(?:three|3)\s*months?"),
    ("within_6_months", r"(?:(?:within|in|by)\s+)?(?:six|6)\s*months?"),
    ("other", r"(?:short|medium|long)[\s-]*term"
              r"|(?:within|in)\s+(?:a|an|one|two|four|five|nine|twelve|eighteen|[0-9]+)\s+(?:days?|weeks?|months?|years?)"),
]
# "To be completed within three months", "Immediate actions", "Within three months (September 2012)".
_URGENCY_BEFORE = r"(?:(?:to\s+be\s+)?(?:completed|addressed|implemented|actioned)\s+|for\s+completion\s+)?"
_URGENCY_AFTER = (r"(?:\s+(?:actions?|targets?|priorities|recommendations?|objectives?|goals?|improvements?))?"
                  r"(?:\s*\([^()]*\))?")
_URGENCY_PATTERNS = [(urgency, re.compile(rf"{_URGENCY_BEFORE}(?:{core}){_URGENCY_AFTER}", re.IGNORECASE))
                     for urgency, core in _URGENCIES]
# "Safeguarding: within three months" names the theme that the urgency belongs to.
_THEME_SEPARATORS = [":", " – ", " — ", " - "]


def parse_section_heading(cells: list[str]) -> Heading | None:
    """The heading a row holds, or None when the row is an action (or empty).

    A heading is short text in one cell, or the same text in every non-empty cell (merged cells repeat
    their text), that does not start with an action number.
    """
    texts = {_one_line(cell) for cell in _as_cells(cells)} - {""}
    if len(texts) != 1:
        return None
    text = texts.pop()
    if len(text) > HEADING_MAX_LENGTH or _ACTION_NUMBER.match(text):
        return None
    if _PAGE_FURNITURE.fullmatch(_strip_punctuation(text)):
        return Heading(text, "skip")
    urgency = _urgency(text)
    if urgency:
        return Heading(text, "urgency", urgency)
    for separator in _THEME_SEPARATORS:
        theme, found, rest = text.partition(separator)
        urgency = _urgency(rest) if found else None
        if urgency:
            return Heading(text, "urgency", urgency, theme.strip() or None)
    return Heading(text, "theme")


def _as_cells(cells: object) -> list:
    if cells is None:
        return []
    if isinstance(cells, str | bytes | bytearray):
        return [cells]
    try:
        return list(cells)
    except TypeError:  # a single value passed instead of a row
        return [cells]


def _urgency(text: str) -> str | None:
    text = text.strip(" .:;,*–—-")
    for urgency, pattern in _URGENCY_PATTERNS:
        if pattern.fullmatch(text):
            return urgency
    return None
