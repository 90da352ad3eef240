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

from django.utils.formats import date_format
from django.utils.translation import gettext as _

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
_ONWARDS_AFTER = re.compile(r"[\s,;:–—-]*(?:and\s+(?:then\s+)?)?(?:onwards?|on-?going)\b", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class _Found:
    date: datetime.date | None
    problem: str | None


@dataclass(frozen=True)
class Timescale:
    """What a timescale cell says about when an action is due, for the import and its preview.

    ``kind`` is one of: "date" (one date: due then), "steps" (several dated steps: due on the last,
    each a milestone), "range" (a quarter, a financial year, "Jan–Mar 2013": due at its end),
    "recurrence" ("Monthly from Feb 2024": no due date, unless it says when it ends), "ongoing"
    ("Dec 2012 onwards", "ongoing": no due date), "text" (no date in it), "problem" (an impossible
    date) or "empty". ``reading`` says in plain English what the preview shows beside the cell.
    """

    due_date: datetime.date | None
    kind: str
    reading: str
    problem: str | None = None
    steps: tuple = ()


def parse_date(text: object, *, today: datetime.date | None = None) -> DateResult:
    """The due date in a timescale cell: the last date it names, as an action's final step comes last.

    Day first, as written in the UK. A month on its own ("March 2013", "end of March 2013") means the
    last day of that month. A day and month without a year ("31 March") is read only when ``today`` is
    given, as the first such day on or after it: pass the plan's reporting date, not the day of import.
    Recurrences, open-ended work and ranges are read as ``read_timescale`` reads them.
    """
    timescale = read_timescale(text, today=today)
    return DateResult(timescale.due_date, timescale.problem, timescale.due_date is not None)


def find_dates(text: object, *, today: datetime.date | None = None) -> list[datetime.date]:
    """Every dated step in a cell, in the order written: the milestones of a multi-step timescale.
    A range ("Jan–Mar 2013") is one step, at its end; a start ("from Feb 2024") is none."""
    return list(read_timescale(text, today=today).steps)


# "Monthly", "every six weeks", "each term": work that repeats has no one due date.
_RECURRENCE = re.compile(
    r"\b(?:daily|weekly|fortnightly|monthly|bi-?monthly|quarterly|termly|annually|yearly|half-?yearly"
    r"|six-?monthly|bi-?annually|(?:every|each|per)\s+(?:[a-z0-9-]+\s+)?(?:days?|weeks?|fortnights?|months?"
    r"|quarters?|terms?|years?|meetings?))\b", re.IGNORECASE | re.ASCII)
_ONGOING = re.compile(r"\b(?:on-?going|onwards?|continuous(?:ly)?|continuing|open-?ended)\b", re.IGNORECASE | re.ASCII)
# A date straight after these is when work starts, not when it is due.
_START_BEFORE = re.compile(r"\b(?:from|starting|start(?:s|ing)?\s+(?:in|on)?|commencing|beginning|since)\s*(?:in\s+)?$",
                           re.IGNORECASE | re.ASCII)
# A recurrence's end: "monthly until March 2014", "quarterly reports to the board by Dec 2013".
_END_BEFORE = re.compile(r"(?:\b(?:until|till|to|by|ending|through)|[-–—])\s*(?:the\s+)?(?:end\s+(?:of\s+)?)?$",
                         re.IGNORECASE | re.ASCII)
# Between two dates, these make one range of them: "1 Jan 2013 – 31 Mar 2013", "Jan 2013 to Mar 2013".
_RANGE_BETWEEN = re.compile(r"\s*(?:-|–|—|to|until|till|through)\s*", re.IGNORECASE | re.ASCII)
_RANGE_AND = re.compile(r"\s*and\s*", re.IGNORECASE | re.ASCII)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$", re.IGNORECASE | re.ASCII)
_QUARTER = re.compile(
    r"\b(?:Q|quarter\s*)(?P<q>[1-4])\b[\s,]*(?:of\s+)?(?P<y>[0-9]{4})(?:\s*[/-]\s*(?P<y2>[0-9]{4}|[0-9]{2}))?(?![0-9/-])",
    re.IGNORECASE | re.ASCII)
_FINANCIAL_YEAR = re.compile(r"(?<![0-9/.-])(?P<y>[0-9]{4})\s*[/-]\s*(?P<y2>[0-9]{4}|[0-9]{2})(?![0-9/.-])", re.ASCII)
_MONTH_RANGE = re.compile(
    rf"\b{_month('a')}\s*(?:-|–|—|to|until|till)\s*{_month('b')}{_GAP}(?P<y>[0-9]{{4}})(?![0-9])",
    re.IGNORECASE | re.ASCII)
_YEAR_ONLY = re.compile(r"(?:by\s+)?(?:the\s+)?(?:end\s+(?:of\s+)?)?(?:the\s+)?(?:year\s+)?(?P<y>[0-9]{4})",
                        re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class _Piece:
    """One date or range found in a cell, with where it was written."""

    start: int
    end: int
    date: datetime.date | None
    problem: str | None
    written: str
    range_of: str = ""  # for a range: what it is, e.g. "Q3 2013 (a calendar quarter)"
    whole_month: bool = False  # a month, quarter, year or range rather than a day
    joined: bool = False  # a range of two dates or months ("Jan–Mar 2013", "1 Jan 2013 to 31 Mar 2013")


def read_timescale(value: object, *, today: datetime.date | None = None) -> Timescale:
    """How a timescale cell is read: its due date (or why there is none) and its dated steps."""
    if isinstance(value, datetime.datetime | datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        found = _check_range(day, _show_date(day))
        if found.problem:
            return Timescale(None, "problem", _no_due_date(found.problem), found.problem)
        return Timescale(day, "date", _due(day), None, (day,))
    text = clean_text(value)
    if not text:
        return Timescale(None, "empty", "")
    pieces = _pieces(text, _as_today(today))
    for piece in pieces:
        # A cell with an impossible date is not trusted for the others either: the bad one may be the last step.
        if piece.problem:
            return Timescale(None, "problem", _no_due_date(piece.problem), piece.problem)
    pieces = _join_ranges(text, pieces)
    if _RECURRENCE.search(text):
        ends = [p for p in pieces if _END_BEFORE.search(text[:p.start]) or p.range_of]
        if ends:
            due = ends[-1].date
            return Timescale(due, "recurrence",
                             _("due %(day)s: the end of a recurring task") % {"day": _show_date(due)}, None, (due,))
        return Timescale(None, "recurrence", _("no due date: recurrence (kept as written)"))
    due_pieces = [p for p in pieces if not _is_start(text, p)]
    if not due_pieces:
        if pieces:
            return Timescale(None, "ongoing", _("no due date: work from %(start)s with no end (kept as written)")
                             % {"start": pieces[0].written})
        if _ONGOING.search(text):
            return Timescale(None, "ongoing", _("no due date: ongoing (kept as written)"))
        return Timescale(None, "text", _("no due date: no date in the text (kept as written)"))
    steps = tuple(p.date for p in due_pieces)
    due = steps[-1]
    if len(due_pieces) > 1:
        return Timescale(due, "steps", _("due %(day)s, the last of %(count)s dated steps (each a milestone)")
                         % {"day": _show_date(due), "count": len(steps)}, None, steps)
    if due_pieces[0].range_of:
        return Timescale(due, "range", _("due %(day)s: the end of %(range)s")
                         % {"day": _show_date(due), "range": due_pieces[0].range_of}, None, steps)
    return Timescale(due, "date", _due(due), None, steps)


def _pieces(text: str, today: datetime.date | None) -> list[_Piece]:
    """Every date and range in the text, left to right; a range wins over the dates inside it
    (quarters first, then financial years, month ranges, a year alone, then single dates)."""
    pieces: list[_Piece] = []

    def add(piece: _Piece | None) -> None:
        if piece is not None and not any(p.start < piece.end and piece.start < p.end for p in pieces):
            pieces.append(piece)

    for match in _QUARTER.finditer(text):
        add(_quarter(match))
    for match in _FINANCIAL_YEAR.finditer(text):
        add(_financial_year(match))
    for match in _MONTH_RANGE.finditer(text):
        add(_month_end_piece(match, int(match["y"]), _month_number(match["b"]),
                             _("the range %(written)s") % {"written": match.group(0).strip()}, joined=True))
    year_only = _YEAR_ONLY.fullmatch(text.rstrip(" ."))
    if year_only:
        add(_month_end_piece(year_only, int(year_only["y"]), 12, year_only["y"]))
    for match in _DATE.finditer(text):
        item = _read_date(match, today)
        if item is not None:
            add(_Piece(match.start(), match.end(), item.date, item.problem, match.group(0).strip(),
                       whole_month=match["mon_m"] is not None))
    return sorted(pieces, key=lambda p: p.start)


def _dated_piece(match: re.Match, date: datetime.date, written: str, range_of: str, *, joined=False) -> _Piece:
    found = _check_range(date, written)
    return _Piece(match.start(), match.end(), found.date, found.problem, written, range_of, True, joined)


def _month_end_piece(match: re.Match, year: int, month: int, range_of: str, *, joined=False) -> _Piece:
    written = match.group(0).strip()
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return _Piece(match.start(), match.end(), None, _outside_years(written), written)
    return _dated_piece(match, datetime.date(year, month, calendar.monthrange(year, month)[1]), written, range_of,
                        joined=joined)


def _quarter(match: re.Match) -> _Piece:
    """Calendar quarters ("Q3 2013" ends 30 September 2013) unless a financial year is written
    ("Q3 2013/14", from April: ends 31 December 2013)."""
    quarter, year = int(match["q"]), int(match["y"])
    written = match.group(0).strip()
    if match["y2"]:
        if not _next_year(year, match["y2"]):
            return _Piece(match.start(), match.end(), None,
                          _("“%(written)s” is not a financial year") % {"written": written}, written)
        label = _("Q%(quarter)s of the financial year %(year)s (April to March)") % {
            "quarter": quarter, "year": f"{year}/{(year + 1) % 100:02d}"}
        # Q1 ends in June; Q4 ends in March of the second year.
        end_year, end_month = (year, quarter * 3 + 3) if quarter < 4 else (year + 1, 3)
        return _month_end_piece(match, end_year, end_month, label)
    return _month_end_piece(match, year, quarter * 3,
                            _("Q%(quarter)s %(year)s (a calendar quarter)") % {"quarter": quarter, "year": year})


def _financial_year(match: re.Match) -> _Piece | None:
    """"2013/14", "2013-2014": a council's financial year, ending on 31 March of the second year."""
    year = int(match["y"])
    if not _next_year(year, match["y2"]):
        return None
    written = match.group(0).strip()
    return _month_end_piece(match, year + 1, 3,
                            _("the financial year %(written)s (April to March)") % {"written": written})


def _next_year(year: int, second: str) -> bool:
    return int(second) == (year + 1 if len(second) == 4 else (year + 1) % 100)


def _join_ranges(text: str, pieces: list[_Piece]) -> list[_Piece]:
    """Two dates joined by "to", "until" or a dash, or by "between … and …", are one range, due at its end."""
    joined: list[_Piece] = []
    for piece in pieces:
        if joined:
            first = joined[-1]
            gap = text[first.end:piece.start]
            between = _RANGE_AND.fullmatch(gap) and _BETWEEN_BEFORE.search(text[:first.start])
            if _RANGE_BETWEEN.fullmatch(gap) or between:
                written = text[first.start:piece.end].strip()
                joined[-1] = _Piece(first.start, piece.end, piece.date, None, written,
                                    _("the range %(written)s") % {"written": written}, True, True)
                continue
        joined.append(piece)
    return joined


def _is_start(text: str, piece: _Piece) -> bool:
    """"from Feb 2024", "Dec 2012 onwards": when work starts, so not a due date or a step."""
    if piece.joined:
        return False
    # A day ("31 Jan 2013 and ongoing") is still due then; a month followed by "onwards" starts then.
    return bool(_START_BEFORE.search(text[:piece.start])
                or (piece.whole_month and _ONWARDS_AFTER.match(text, piece.end)))


def _date_result(found: _Found) -> DateResult:
    return DateResult(found.date, found.problem, found.date is not None)


def _as_today(today: object) -> datetime.date | None:
    if isinstance(today, datetime.datetime):
        return today.date()
    return today if isinstance(today, datetime.date) else None


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
        return _Found(None, _not_a_real_date(written))
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
    return _Found(None, _not_a_real_date(written))


def _check_range(date: datetime.date, written: str) -> _Found:
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        return _Found(None, _outside_years(written))
    return _Found(date, None)


def _outside_years(written: str) -> str:
    return _("“%(written)s” is outside the years %(earliest)s to %(latest)s") % {
        "written": written, "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}


def _not_a_real_date(written: str) -> str:
    return _("“%(written)s” is not a real date") % {"written": written}


def _no_due_date(problem: str) -> str:
    return _("no due date: %(problem)s") % {"problem": problem}


def _due(day: datetime.date) -> str:
    return _("due %(day)s") % {"day": _show_date(day)}


def _show_date(date: datetime.date) -> str:
    """"3 Dec 2026", with the month's short name in the reader's language."""
    return date_format(date, "j M Y")


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
        return StatusResult(None, _("“%(shown)s” names two different statuses (%(first)s and %(second)s)") % {
            "shown": shown, "first": _attribute(named[0], "label"), "second": _attribute(named[1], "label")})
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
        return StatusResult(None, _("“%(shown)s” means complete, but this plan’s scheme has no complete status "
                                    "(%(expected)s)") % {"shown": shown, "expected": _expected(statuses)})
    if folded in _NO_WORDS:
        return StatusResult(None, _("“%(shown)s” does not say which status: use a status of the plan’s scheme")
                            % {"shown": shown})
    return StatusResult(None, _("“%(shown)s” is not a status in this plan’s scheme (%(expected)s)")
                        % {"shown": shown, "expected": _expected(statuses)})


def _expected(statuses: list) -> str:
    labels = [label for label in (_attribute(status, "label") for status in statuses) if label]
    if not labels:
        return _("the scheme has no statuses")
    return _("expected one of: %(labels)s") % {"labels": ", ".join(labels)}


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
