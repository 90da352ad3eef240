"""Reading an inspection report's recommendations (improvement/importing/report.py), from reports
rendered in the layouts inspectorates publish (tests/importing/reports.py) and from lines of text."""

import datetime

import pytest

from improvement.importing import report
from improvement.importing.readers import ReadError
from improvement.importing.report import Line
from improvement.models import Recommendation, Source
from tests.importing import reports

U = Recommendation.Urgency


def read(name, data):
    return report.find_recommendations(report.read_report(name, data))


def lines(text: str, page=1):
    return [Line(row.strip(), page) for row in text.strip("\n").splitlines()]


def found(text: str):
    return [(item.reference, item.text, item.urgency) for item in report.find_recommendations(lines(text)).items]


# --- rendered reports --------------------------------------------------------------------------------

def test_an_ilacs_report_gives_its_numbered_list_with_wrapped_items_joined():
    reading = read("exampleshire.pdf", reports.ilacs_pdf())
    assert [(item.reference, item.text) for item in reading.items] == [
        (str(n), text) for n, text in enumerate(reports.WHAT_NEEDS_TO_IMPROVE, start=1)]
    assert {item.urgency for item in reading.items} == {U.OTHER}
    assert any("no urgency" in note for note in reading.notes)


def test_an_item_that_runs_over_a_page_break_is_whole_and_holds_no_header_or_footer():
    reading = read("exampleshire.pdf", reports.ilacs_pdf())
    third = reading.items[2]
    assert third.page == 2 and reading.items[3].page == 3  # the third item starts on page 2 and ends on page 3
    assert third.text == reports.WHAT_NEEDS_TO_IMPROVE[2]
    for item in reading.items:
        assert "Inspection of Exampleshire" not in item.text and "Page" not in item.text
        assert "Exampleshire County Council" not in item.text


def test_headers_footers_and_page_numbers_are_left_out_of_the_text():
    text = [line.text for line in report.read_report("exampleshire.pdf", reports.ilacs_pdf())]
    assert not any(line.startswith("Page ") for line in text)
    assert "Inspection of Exampleshire children's social care services" not in text
    assert "What needs to improve in this local authority?" in text


def test_a_report_gives_its_title_and_publication_date():
    reading = read("exampleshire.pdf", reports.ilacs_pdf())
    assert reading.title == "Inspection of children's social care services"
    assert (reading.published, reading.year) == (datetime.date(2026, 3, 6), 2026)
    assert report.default_key(Source.Kind.OFSTED_INSPECTION, reading, datetime.date(2027, 1, 1)) == "Ofsted 2026"


def test_an_older_report_gives_both_sections_grouped_by_urgency_without_their_introductions():
    reading = read("safeguarding.pdf", reports.grouped_pdf())
    expected = [(text, urgency) for groups in (reports.GROUPED, reports.GROUPED_LOOKED_AFTER)
                for heading, texts in groups.items() for text in texts
                for urgency in [{"Immediately": U.IMMEDIATELY, "Within three months": U.WITHIN_3_MONTHS,
                                 "Within six months": U.WITHIN_6_MONTHS}[heading]]]
    assert [(item.text, item.urgency) for item in reading.items] == expected
    assert [item.reference for item in reading.items] == [str(n) for n in range(1, 8)]
    assert any("numbered 1 to 7 in the order of the report" in note for note in reading.notes)
    assert any("2 recommendations sections" in note for note in reading.notes)
    assert not any("following action" in item.text or "Leaders have" in item.text for item in reading.items)
    assert reading.title == "Inspection of safeguarding and looked after children services"
    assert reading.published == datetime.date(2012, 7, 6)


def test_a_word_report_numbered_by_word_is_numbered_in_order_with_its_sub_list_kept():
    reading = read("exampleshire.docx", reports.report_docx())
    assert [(item.reference, item.urgency) for item in reading.items] == [
        ("1", U.IMMEDIATELY), ("2", U.WITHIN_3_MONTHS), ("3", U.WITHIN_3_MONTHS), ("4", U.WITHIN_6_MONTHS)]
    assert reading.items[2].text == ("Strengthen the oversight of children placed in unregistered children's homes, "
                                     "including:\n– the checks made before a child is placed\n– visits by "
                                     "independent reviewing officers")
    assert reading.items[3].text == "Develop a sufficiency strategy with partners."
    assert reading.year == 2026 and reading.published is None


# --- bad input -----------------------------------------------------------------------------------------

def test_a_scanned_pdf_is_refused_as_having_no_text_layer():
    with pytest.raises(ReadError, match="has no text layer: it is probably a scan. Ask the inspectorate for the "
                                        "text version, or upload the Word document"):
        report.read_report("scan.pdf", reports.scanned_pdf())


def test_a_pdf_of_500_pages_is_refused_with_its_count_and_the_limit():
    with pytest.raises(ReadError, match="has 500 pages; a report import reads at most 200"):
        report.read_report("long.pdf", reports.long_pdf(500))


def test_the_page_limit_is_a_setting(settings):
    settings.IMPORT_MAX_PDF_PAGES = 2
    with pytest.raises(ReadError, match="has 3 pages; a report import reads at most 2"):
        report.read_report("exampleshire.pdf", reports.ilacs_pdf())


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ReadError, match="is protected with a password"):
        report.read_report("locked.pdf", reports.encrypted_pdf())


def test_a_damaged_pdf_is_refused():
    with pytest.raises(ReadError, match="is damaged"):
        report.read_report("broken.pdf", reports.damaged_pdf())


def test_a_report_with_no_recommendations_section_is_refused_with_the_headings_looked_for():
    with pytest.raises(ReadError, match="No section headed “Recommendations”, “What needs to improve” or “Areas "
                                        "for improvement” was found"):
        read("annual.pdf", reports.no_section_pdf())


@pytest.mark.parametrize(("name", "data", "message"), [
    ("report.pdf", b"Just some text", "is not really a PDF"),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Word 97–2003 format"),
    ("report.txt", b"Recommendations\n1. Do it.", "is not a PDF or a Word document"),
    ("report.pdf", b"", "The file is empty"),
    ("report.docx", b"PK\x03\x04broken", "is damaged"),
])
def test_files_that_are_not_reports_are_refused_with_what_to_do(name, data, message):
    with pytest.raises(ReadError, match=message):
        report.read_report(name, data)


# --- the list's shapes -----------------------------------------------------------------------------

def test_numbers_in_brackets_and_roman_numerals_are_kept_as_written():
    assert [ref for ref, _text, _u in found("""
Recommendations
(a) Improve supervision.
(b) Improve audits.
""")] == ["a", "b"]
    assert [ref for ref, _text, _u in found("""
Recommendations
i. Improve supervision.
ii. Improve audits.
iii. Improve plans.
""")] == ["i", "ii", "iii"]
    assert [ref for ref, _text, _u in found("""
Areas for improvement
1) Improve supervision.
2) Improve audits.
""")] == ["1", "2"]


def test_letters_run_on_past_h_as_letters_not_roman_numerals():
    text = "Recommendations\n" + "\n".join(f"{letter}. Item {letter}." for letter in "abcdefghij")
    assert [ref for ref, _text, _u in found(text)] == list("abcdefghij")


def test_dash_bullets_are_numbered_in_order():
    assert found("""
What needs to improve
- Improve supervision.
– Improve audits.
""") == [("1", "Improve supervision.", U.OTHER), ("2", "Improve audits.", U.OTHER)]


def test_wrapped_lines_are_joined_and_a_hyphen_at_a_line_end_is_kept():
    assert found("""
Recommendations
1. Improve the quality of multi-
agency strategy discussions so that
all agencies take part.
2. Improve audits.
""")[0][1] == "Improve the quality of multi-agency strategy discussions so that all agencies take part."


def test_the_section_stops_at_the_next_section_heading():
    assert found("""
What needs to improve in this local authority?
1. Improve supervision.
2. Improve audits.
Inspection judgements
3. This is not a recommendation.
""") == [("1", "Improve supervision.", U.OTHER), ("2", "Improve audits.", U.OTHER)]


def test_the_section_stops_at_a_heading_it_does_not_know_when_no_list_follows():
    assert [ref for ref, _t, _u in found("""
Recommendations
1. Improve supervision.
The experiences of children in care
Children in care are well supported. Most of them live close to home.
""")] == ["1"]


def test_a_heading_that_groups_the_list_does_not_end_it():
    assert [ref for ref, _t, _u in found("""
Recommendations
Help and protection
1. Improve supervision.
Children in care
2. Improve placements.
""")] == ["1", "2"]


def test_urgency_headings_and_should_phrasing_set_the_urgency_below_them():
    assert [(ref, urgency) for ref, _t, urgency in found("""
Areas for improvement
The local authority and its partners should, immediately:
1. Visit every child on a plan.
Within three months, ensure that:
2. Improve supervision.
Within 6 months:
3. Improve placements.
Within twelve months
4. Develop the workforce.
""")] == [("1", U.IMMEDIATELY), ("2", U.WITHIN_3_MONTHS), ("3", U.WITHIN_6_MONTHS), ("4", U.OTHER)]


def test_an_item_that_says_immediately_is_immediate_when_no_heading_says_otherwise():
    assert found("""
Recommendations
1. The local authority should immediately ensure that every child is visited.
2. Improve audits.
""")[0][2] == U.IMMEDIATELY


def test_sections_numbered_from_1_again_are_numbered_in_the_order_of_the_report():
    reading = report.find_recommendations(lines("""
Areas for improvement
1. Improve supervision.
2. Improve audits.
Areas for improvement
1. Improve placements.
"""))
    assert [item.reference for item in reading.items] == ["1", "2", "3"]
    assert any("from 1 again in each section" in note for note in reading.notes)


def test_a_contents_page_entry_is_not_taken_for_the_section():
    assert [ref for ref, _t, _u in found("""
Contents
Recommendations
Summary for children and young people
Recommendations
1. Improve supervision.
""")] == ["1"]


def test_page_numbers_and_a_repeated_running_header_are_dropped_at_page_edges_only():
    pages = []
    body = ["Leaders know their services well.", "Children are seen alone.", "3 children waited too long."]
    for page, text in enumerate(body, start=1):
        pages += [Line("Inspection of Exampleshire", page), Line(text, page), Line(str(page + 10), page),
                  Line(f"{page} of 3", page)]
    assert [line.text for line in report._drop_headers_and_footers(pages, 3)] == body


def test_a_section_with_hundreds_of_items_is_refused():
    text = "Recommendations\n" + "\n".join(f"{n}. Item {n}." for n in range(1, 400))
    with pytest.raises(ReadError, match="hold 399 items; an import reads at most 300"):
        report.find_recommendations(lines(text))


# --- comparing with the plan ------------------------------------------------------------------------

def test_a_report_compared_with_its_source_is_new_changed_or_unchanged_by_reference(recommendation):
    reading = report.find_recommendations(lines("""
Recommendations
1.1 Ensure that strategy discussions are timely.
1.2 Ensure that child protection plans are focused on risk.
"""))
    comparison = report.compare(reading, recommendation.source.plan, "OIS 2012")
    assert [change.state for change in comparison.changes] == ["new", "changed"]
    assert comparison.changes[1].differences == ["urgency (was Within 3 months)"]
    assert comparison.source == recommendation.source


def test_a_page_that_unpacks_past_the_cap_is_refused_without_unpacking_it_all():
    import io
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    contents = pikepdf.Stream(pdf, zlib.compress(b" " * 40_000_000, 9))  # 40 KB that unpack to 40 MB
    contents.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].Contents = contents
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    with pytest.raises(ReadError, match="no text layer|is damaged"):
        report.read_report("bomb.pdf", out.getvalue())
