"""The cell parsers of the import: dates, statuses, section headings and clean text. Pure functions, no database."""

import calendar
import datetime
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from improvement.importing.parsers import (
    DateResult,
    Heading,
    StatusResult,
    Timescale,
    clean_text,
    find_dates,
    parse_date,
    parse_section_heading,
    parse_status,
    read_timescale,
)

EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2100, 12, 31)


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    colour: str
    is_complete: bool = False


# The presets of improvement.rag, in their order.
BLUE = Status("B", "Blue", "blue", is_complete=True)
GREEN = Status("G", "Green", "green")
AMBER = Status("A", "Amber", "amber")
RED = Status("R", "Red", "red")
GREY = Status("Gr", "Grey", "grey")
FIVE_STATE = [BLUE, GREEN, AMBER, RED, GREY]
THREE_STATE = [Status("G", "Green", "green"), Status("A", "Amber", "amber"), Status("R", "Red", "red")]
ACHIEVED = Status("ACH", "Achieved", "blue", is_complete=True)
ON_TARGET = Status("OT", "On target", "green")
NOT_ON_TARGET = Status("NOT", "Not on target", "red")
ACHIEVED_SCHEME = [ACHIEVED, ON_TARGET, NOT_ON_TARGET]

# Whatever openpyxl or python-docx may hand over for a cell.
cell_values = st.one_of(st.text(), st.none(), st.integers(), st.floats(allow_nan=True), st.datetimes())
dates_in_range = st.dates(min_value=EARLIEST, max_value=LATEST)


def is_sound_date_result(result) -> bool:
    """A date is real and in range, or there is none; a failure is a message, never both."""
    if not isinstance(result, DateResult):
        return False
    if result.date is None:
        return result.is_date is False and (result.problem is None or isinstance(result.problem, str))
    return (type(result.date) is datetime.date and EARLIEST <= result.date <= LATEST
            and result.is_date is True and result.problem is None)


# --- Dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31 Jan 2013", datetime.date(2013, 1, 31)),
        ("30 Apr 2013", datetime.date(2013, 4, 30)),
        ("31st Dec 2012", datetime.date(2012, 12, 31)),
        ("28 March 2013", datetime.date(2013, 3, 28)),
        ("31/03/2013", datetime.date(2013, 3, 31)),
        ("31-03-2013", datetime.date(2013, 3, 31)),
        ("2013-03-31", datetime.date(2013, 3, 31)),
        ("31-Jan-13", datetime.date(2013, 1, 31)),
        ("<b>31 Jan 2013</b>", datetime.date(2013, 1, 31)),
    ],
)
def test_day_first_dates_are_read_as_written_in_the_uk(text, expected):
    assert parse_date(text) == DateResult(expected, None, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.3.07", datetime.date(2007, 3, 31)),
        ("1.1.69", datetime.date(2069, 1, 1)),
        ("1.1.00", datetime.date(2000, 1, 1)),
        ("1.1.99", datetime.date(1999, 1, 1)),
    ],
)
def test_two_digit_years_below_70_are_in_the_2000s_and_the_rest_in_the_1900s(text, expected):
    assert parse_date(text).date == expected


def test_a_two_digit_year_in_the_1970s_is_outside_the_years_allowed():
    assert parse_date("1.1.70").problem == "“1.1.70” is outside the years 1990 to 2100"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Feb 2013", datetime.date(2013, 2, 28)),
        ("Feb 2012", datetime.date(2012, 2, 29)),
        ("March 2013", datetime.date(2013, 3, 31)),
        ("Sept 2013", datetime.date(2013, 9, 30)),
        ("June 2013", datetime.date(2013, 6, 30)),
        ("end of March 2013", datetime.date(2013, 3, 31)),
        ("end March 2013", datetime.date(2013, 3, 31)),
        ("Mar-13", datetime.date(2013, 3, 31)),  # Excel's mmm-yy, saved as text
        ("Sep '13", datetime.date(2013, 9, 30)),
        ("Within three months (September 2012)", datetime.date(2012, 9, 30)),
    ],
)
def test_month_only_means_the_last_day_of_the_month(text, expected):
    assert parse_date(text) == DateResult(expected, None, True)


@pytest.mark.parametrize(
    "value",
    [datetime.date(2013, 3, 31), datetime.datetime(2013, 3, 31, 0, 0), datetime.datetime(2013, 3, 31, 17, 45)],
)
def test_dates_from_a_spreadsheet_are_taken_as_they_are(value):
    assert parse_date(value) == DateResult(datetime.date(2013, 3, 31), None, True)


def test_a_spreadsheet_date_outside_the_years_allowed_is_a_problem():
    assert parse_date(datetime.date(1900, 1, 1)).problem == "“1 Jan 1900” is outside the years 1990 to 2100"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WSCB to consider – 31 Jan 2013  Plan for WSCB work – 31 Mar 2013  Following timescale to be set by WSCB",
         datetime.date(2013, 3, 31)),
        ("Rushall: 31 Jan 2013; Others: 30 Jun 2013", datetime.date(2013, 6, 30)),
        ("3 months by end July 2012; 6 months by end October 2012; 1 year to end March 2013",
         datetime.date(2013, 3, 31)),
        ("31 Jan 2013\n31 Mar 2013", datetime.date(2013, 3, 31)),
    ],
)
def test_a_cell_of_several_dated_steps_is_due_on_its_last_date(text, expected):
    assert parse_date(text) == DateResult(expected, None, True)


def test_find_dates_lists_every_date_in_the_order_written():
    text = "WSCB to consider – 31 Jan 2013  Plan for WSCB work – 31 Mar 2013  Following timescale to be set by WSCB"
    assert find_dates(text) == [datetime.date(2013, 1, 31), datetime.date(2013, 3, 31)]


def test_find_dates_leaves_out_a_month_of_ongoing_work():
    assert find_dates("Dec 2012 and ongoing; review 30 Jun 2013") == [datetime.date(2013, 6, 30)]


def test_find_dates_of_a_spreadsheet_date_is_that_date():
    assert find_dates(datetime.datetime(2013, 3, 31, 9, 0)) == [datetime.date(2013, 3, 31)]


@pytest.mark.parametrize(
    "text",
    [
        "Immediate and ongoing",
        "Immediate",
        "To be determined by Ofsted",
        "To be agreed by WSCB",
        "Ongoing",
        "",
        "   ",
        "December 2012 onwards",
        "Jan 2013 and ongoing",
        "May 2013 and then ongoing.",
        "Jan 31 2013",
        "Jan 13",  # the 13th of January or January 2013: not guessed
        "Dec-12 onwards",
        "Monthly from Feb 2024",
        "From April 2013",
        "Quarterly",
        None,
    ],
)
def test_written_timescales_are_kept_with_no_due_date_and_no_problem(text):
    assert parse_date(text) == DateResult(None, None, False)


@pytest.mark.parametrize(
    ("text", "kind", "reading"),
    [
        ("Monthly from Feb 2024", "recurrence", "no due date: recurrence (kept as written)"),
        ("every six weeks", "recurrence", "no due date: recurrence (kept as written)"),
        ("Dec 2012 onwards", "ongoing", "no due date: work from Dec 2012 with no end (kept as written)"),
        ("From April 2013", "ongoing", "no due date: work from April 2013 with no end (kept as written)"),
        ("ongoing", "ongoing", "no due date: ongoing (kept as written)"),
        ("Immediate", "text", "no due date: no date in the text (kept as written)"),
        ("", "empty", ""),
    ],
)
def test_a_recurrence_or_open_ended_work_has_no_due_date_and_says_why(text, kind, reading):
    assert read_timescale(text) == Timescale(None, kind, reading)


@pytest.mark.parametrize(
    ("text", "due", "reading"),
    [
        ("Q3 2013", datetime.date(2013, 9, 30), "due 30 Sep 2013: the end of Q3 2013 (a calendar quarter)"),
        ("Q1 2013", datetime.date(2013, 3, 31), "due 31 Mar 2013: the end of Q1 2013 (a calendar quarter)"),
        ("Q3 2013/14", datetime.date(2013, 12, 31),
         "due 31 Dec 2013: the end of Q3 of the financial year 2013/14 (April to March)"),
        ("Quarter 4 2013/2014", datetime.date(2014, 3, 31),
         "due 31 Mar 2014: the end of Q4 of the financial year 2013/14 (April to March)"),
        ("by end of 2013/14", datetime.date(2014, 3, 31),
         "due 31 Mar 2014: the end of the financial year 2013/14 (April to March)"),
        ("2013-14", datetime.date(2014, 3, 31),
         "due 31 Mar 2014: the end of the financial year 2013-14 (April to March)"),
        ("Jan–Mar 2013", datetime.date(2013, 3, 31), "due 31 Mar 2013: the end of the range Jan–Mar 2013"),
        ("1 Jan 2013 - 31 Mar 2013", datetime.date(2013, 3, 31),
         "due 31 Mar 2013: the end of the range 1 Jan 2013 - 31 Mar 2013"),
        ("from Jan 2013 to June 2013", datetime.date(2013, 6, 30),
         "due 30 Jun 2013: the end of the range Jan 2013 to June 2013"),
        ("by the end of 2013", datetime.date(2013, 12, 31), "due 31 Dec 2013: the end of 2013"),
        ("Quarterly until March 2014", datetime.date(2014, 3, 31), "due 31 Mar 2014: the end of a recurring task"),
    ],
)
def test_a_range_is_due_at_its_end_and_is_one_step_not_two(text, due, reading):
    timescale = read_timescale(text)
    assert (timescale.due_date, timescale.reading, timescale.problem) == (due, reading, None)
    assert find_dates(text) == [due]


def test_a_quarter_of_a_year_that_is_not_a_financial_year_is_a_problem():
    assert read_timescale("Q2 2013/15").problem == "“Q2 2013/15” is not a financial year"


def test_several_dated_steps_say_how_many_milestones_they_make():
    timescale = read_timescale("Rushall: 31 Jan 2013; Others: 30 Jun 2013")
    assert timescale.kind == "steps" and timescale.steps == (datetime.date(2013, 1, 31), datetime.date(2013, 6, 30))
    assert timescale.reading == "due 30 Jun 2013, the last of 2 dated steps (each a milestone)"


def test_a_day_followed_by_ongoing_is_still_due_on_that_day():
    assert parse_date("31 Jan 2013 and ongoing,").date == datetime.date(2013, 1, 31)


@pytest.mark.parametrize("text", ["31 Feb 2013", "32.1.13", "31 June 2013", "29/02/2013", "2013-13-01"])
def test_an_impossible_date_is_a_problem_not_a_date(text):
    assert parse_date(text) == DateResult(None, f"“{text}” is not a real date", False)


@pytest.mark.parametrize("text", ["1 Jan 1989", "31 Dec 2101", "March 1989", "2150-01-01"])
def test_a_date_outside_1990_to_2100_is_a_problem(text):
    assert parse_date(text) == DateResult(None, f"“{text}” is outside the years 1990 to 2100", False)


def test_one_impossible_step_makes_the_whole_cell_a_problem_rather_than_a_guess():
    result = parse_date("Plan – 31 Jan 2013; Review – 31 Feb 2013")
    assert result == DateResult(None, "“31 Feb 2013” is not a real date", False)


def test_a_day_and_month_without_a_year_are_read_only_from_a_given_today():
    assert parse_date("31 March") == DateResult(None, None, False)
    assert parse_date("31 March", today=datetime.date(2012, 12, 20)).date == datetime.date(2013, 3, 31)
    assert parse_date("31 Dec", today=datetime.date(2012, 12, 20)).date == datetime.date(2012, 12, 31)


# --- Statuses -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("G", GREEN), ("Gr", GREY), ("B", BLUE), ("A", AMBER), ("R", RED),
        ("g", GREEN), ("GR", GREY), ("gr", GREY), (" r. ", RED), ("Α", AMBER),  # a Greek Alpha from a PDF
    ],
)
def test_a_status_code_names_its_status(text, expected):
    assert parse_status(text, FIVE_STATE) == StatusResult(expected, None)


@pytest.mark.parametrize(("text", "expected"), [("ACH", ACHIEVED), ("OT", ON_TARGET), ("not", NOT_ON_TARGET)])
def test_codes_of_the_achieved_scheme_name_their_statuses(text, expected):
    assert parse_status(text, ACHIEVED_SCHEME) == StatusResult(expected, None)


@pytest.mark.parametrize(
    ("text", "scheme", "expected"),
    [
        ("Green", FIVE_STATE, GREEN),
        ("AMBER", FIVE_STATE, AMBER),
        ("Achieved", ACHIEVED_SCHEME, ACHIEVED),
        ("On target", ACHIEVED_SCHEME, ON_TARGET),
        ("on  TARGET", ACHIEVED_SCHEME, ON_TARGET),
        ("Not on target", ACHIEVED_SCHEME, NOT_ON_TARGET),
        ("*Not on target.*", ACHIEVED_SCHEME, NOT_ON_TARGET),
    ],
)
def test_a_status_label_names_its_status_whatever_the_case_and_spacing(text, scheme, expected):
    assert parse_status(text, scheme) == StatusResult(expected, None)


@pytest.mark.parametrize(
    ("text", "scheme", "expected"),
    [
        ("green", ACHIEVED_SCHEME, ON_TARGET),
        ("red", ACHIEVED_SCHEME, NOT_ON_TARGET),
        ("blue", ACHIEVED_SCHEME, ACHIEVED),
        ("amber", FIVE_STATE, AMBER),
        ("orange", FIVE_STATE, AMBER),
        ("grey", FIVE_STATE, GREY),
        ("gray", FIVE_STATE, GREY),
    ],
)
def test_a_colour_word_names_the_status_of_that_colour(text, scheme, expected):
    assert parse_status(text, scheme) == StatusResult(expected, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("RAG: Red", RED), ("rag status - Amber", AMBER), ("Red (R)", RED), ("Green [G]", GREEN), ("(G)", GREEN)],
)
def test_a_status_written_with_a_prefix_or_its_code_in_brackets_is_understood(text, expected):
    assert parse_status(text, FIVE_STATE) == StatusResult(expected, None)


def test_a_label_with_a_different_code_in_brackets_is_a_problem():
    assert parse_status("Red (G)", FIVE_STATE) == StatusResult(None, "“Red (G)” names two different statuses (Red and Green)")


@pytest.mark.parametrize("text", ["✓", "✔", "✔️", "√", "Yes", "Y", "Done", "Complete", "Completed", "Achieved", "yes."])
def test_a_tick_or_yes_means_the_first_complete_status(text):
    assert parse_status(text, FIVE_STATE) == StatusResult(BLUE, None)


def test_a_tick_is_a_problem_when_the_scheme_has_no_complete_status():
    assert parse_status("✓", THREE_STATE) == StatusResult(
        None, "“✓” means complete, but this plan’s scheme has no complete status (expected one of: Green, Amber, Red)")


@pytest.mark.parametrize("text", ["No", "no", "✗", "X", "x"])
def test_a_cross_or_no_does_not_say_which_status(text):
    assert parse_status(text, FIVE_STATE) == StatusResult(
        None, f"“{text}” does not say which status: use a status of the plan’s scheme")


@pytest.mark.parametrize("text", ["", "   ", None, "-"])
def test_an_empty_status_cell_has_no_status_and_no_problem(text):
    assert parse_status(text, FIVE_STATE) == StatusResult(None, None)


def test_anything_else_is_a_problem_listing_the_schemes_labels_in_order():
    assert parse_status("Purple-ish", FIVE_STATE) == StatusResult(
        None, "“Purple-ish” is not a status in this plan’s scheme (expected one of: Blue, Green, Amber, Red, Grey)")


def test_a_code_match_comes_before_a_label_or_colour():
    # "B" is Blue's code; a scheme whose "Brown" status had code "B" would still win over the colour blue.
    brown = Status("B", "Brown", "purple")
    scheme = [Status("BL", "Blue", "blue"), brown]
    assert parse_status("B", scheme).status is brown
    assert parse_status("blue", scheme).status is scheme[0]


def test_codes_that_differ_only_by_case_are_told_apart_by_exact_case():
    lower, upper = Status("a", "Alpha", "green"), Status("A", "Amber", "amber")
    scheme = [lower, upper]
    assert parse_status("a", scheme).status is lower
    assert parse_status("A", scheme).status is upper


def test_a_long_unknown_status_is_shortened_in_the_problem():
    problem = parse_status("word " * 40, FIVE_STATE).problem
    assert problem.startswith("“word word") and "…”" in problem and len(problem) < 200


# --- Section headings ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cells", "text"),
    [
        (["THEME 2 - CAPACITY, CAPABILITY AND CULTURE", "", ""], "THEME 2 - CAPACITY, CAPABILITY AND CULTURE"),
        (["Theme 1 – Improving the quality of partnership and governance"],
         "Theme 1 – Improving the quality of partnership and governance"),
        (["", "IP3 Knowing how well we are doing", None], "IP3 Knowing how well we are doing"),
        (["PA Priority actions"], "PA Priority actions"),
        (["<b>Looked After  Children</b>", ""], "Looked After Children"),
        (["Ensuring good governance"] * 4, "Ensuring good governance"),  # merged cells repeat their text
    ],
)
def test_a_short_row_of_one_text_is_a_theme_heading(cells, text):
    assert parse_section_heading(cells) == Heading(text, "theme", None, None)


@pytest.mark.parametrize(
    ("cells", "urgency", "theme"),
    [
        (["<b>Safeguarding: Immediately</b>", "", "", ""], "immediately", "Safeguarding"),
        (["Safeguarding: within three months"], "within_3_months", "Safeguarding"),
        (["Children looked after: within six months"], "within_6_months", "Children looked after"),
        (["within 3 months"], "within_3_months", None),
        (["Within six months (December 2012)"], "within_6_months", None),
        (["6 months"], "within_6_months", None),
        (["Immediately"], "immediately", None),
        (["MEDIUM TERM TARGETS"], "other", None),
        (["LONG TERM"], "other", None),
        (["SHORT TERM TARGETS"], "other", None),
    ],
)
def test_an_urgency_heading_says_when_and_which_theme(cells, urgency, theme):
    heading = parse_section_heading(cells)
    assert (heading.kind, heading.urgency, heading.theme) == ("urgency", urgency, theme)


@pytest.mark.parametrize("text", ["DRAFT", "CONFIDENTIAL", "Page 3", "Page 3 of 10", "- 4 -", "OFFICIAL-SENSITIVE"])
def test_page_furniture_is_skipped(text):
    assert parse_section_heading([text, ""]) == Heading(text, "skip")


@pytest.mark.parametrize(
    "cells",
    [
        ["1.1", "Develop a workforce strategy", "31 Jan 2013"],
        ["3.14 Review the front door", "", ""],
        ["IP1.1 To ensure children in need plans are drawn up"],
        ["Looked After Children", "Another text"],
        ["", "", ""],
        [],
        ["x" * 121],
    ],
)
def test_action_rows_empty_rows_and_long_text_are_not_headings(cells):
    assert parse_section_heading(cells) is None


# --- Clean text ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (3, "3"),
        ("  <b>Safeguarding:</b>   Immediately  ", "Safeguarding: Immediately"),
        ("Social workers<sup>1</sup>", "Social workers1"),
        ("Health &amp; Wellbeing&nbsp;Board", "Health & Wellbeing Board"),
        ("&lt;b&gt; is written, not a tag", "<b> is written, not a tag"),
        ("line one \r\n   line two\rline three", "line one\nline two\nline three"),
        ('<p>Partially complete</p> <ul style="list-style-type: none"> <li>Officers advised</li> <li>Later</li></ul>',
         "Partially complete\nOfficers advised\nLater"),
        ("a\tb\u00a0\u00a0c", "a b c"),
        ("Red\u200b", "Red"),
    ],
)
def test_clean_text_removes_markup_and_extra_space_but_keeps_line_breaks(value, expected):
    assert clean_text(value) == expected


def test_clean_text_of_an_object_that_cannot_be_shown_is_empty():
    class Broken:
        def __str__(self):
            raise RuntimeError("no text")

    assert clean_text(Broken()) == ""


# --- Properties ---------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.one_of(cell_values, st.dates()), st.one_of(st.none(), st.dates()))
def test_parse_date_never_raises_and_any_date_it_returns_is_real_and_in_range(value, today):
    assert is_sound_date_result(parse_date(value, today=today))
    assert all(EARLIEST <= date <= LATEST for date in find_dates(value, today=today))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["31", "Feb", "2013", "end of", "Sept", "onwards", ".", "/", "-", " ", "13", "0", "1st"]),
                max_size=12))
def test_parse_date_never_raises_on_text_made_of_date_pieces(pieces):
    assert is_sound_date_result(parse_date("".join(pieces), today=datetime.date(2012, 12, 20)))


@settings(max_examples=300, deadline=None)
@given(dates_in_range)
def test_parse_date_reads_back_any_day_written_day_first(date):
    assert parse_date(date.strftime("%-d %b %Y")) == DateResult(date, None, True)


@settings(max_examples=300, deadline=None)
@given(dates_in_range)
def test_month_only_of_any_date_means_the_last_day_of_its_month(date):
    last_day = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    assert parse_date(date.strftime("%B %Y")) == DateResult(last_day, None, True)


@settings(max_examples=300, deadline=None)
@given(dates_in_range, dates_in_range)
def test_of_two_dated_steps_the_last_written_is_due(first, second):
    text = f"Start – {first:%d/%m/%Y}; finish – {second.day} {second:%B %Y}"
    assert find_dates(text) == [first, second]
    assert parse_date(text).date == second


@settings(max_examples=300, deadline=None)
@given(cell_values)
def test_parse_status_never_raises_and_fails_only_with_a_message(value):
    for scheme in (FIVE_STATE, THREE_STATE, ACHIEVED_SCHEME, []):
        result = parse_status(value, scheme)
        assert isinstance(result, StatusResult)
        assert result.status is None or result.status in scheme
        assert result.problem is None or (isinstance(result.problem, str) and result.status is None)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIVE_STATE + ACHIEVED_SCHEME), st.sampled_from(["code", "label"]),
       st.sampled_from(["", " ", "  ", ".", "*", "!"]), st.booleans())
def test_parse_status_finds_a_code_or_label_whatever_the_case_and_surrounding_punctuation(status, field, edge, upper):
    scheme = FIVE_STATE if status in FIVE_STATE else ACHIEVED_SCHEME
    written = getattr(status, field)
    if field == "label":  # codes keep their case: "G" is Green but "Gr" is Grey
        written = written.upper() if upper else written.lower()
    assert parse_status(f"{edge}{written}{edge}", scheme) == StatusResult(status, None)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(cell_values, max_size=6), cell_values))
def test_parse_section_heading_never_raises(cells):
    heading = parse_section_heading(cells)
    assert heading is None or (
        isinstance(heading, Heading) and heading.kind in {"theme", "urgency", "skip"}
        and heading.text and len(heading.text) <= 120
        and heading.urgency in {None, "immediately", "within_3_months", "within_6_months", "other"}
        and (heading.urgency is None) == (heading.kind != "urgency")
    )


@settings(max_examples=300, deadline=None)
@given(cell_values)
def test_clean_text_never_raises_and_leaves_no_stray_space(value):
    text = clean_text(value)
    assert isinstance(text, str)
    assert text == text.strip() and "\r" not in text and "  " not in text
    assert all(line == line.strip() for line in text.split("\n"))


def test_a_year_alone_outside_the_years_plans_use_is_a_problem_not_an_error():
    result = parse_date("0000")
    assert result.date is None and result.problem
