import datetime

import pytest
from django.urls import reverse

from improvement.models import ComparatorValue
from reports.packs import pack_context, pack_html, render_pack_pdf
from tests.conftest import client_for, make_measure
from tests.reports.conftest import pdf_text

NOV, DEC = datetime.date(2012, 11, 1), datetime.date(2012, 12, 1)


def at(day):
    return datetime.datetime(2012, 12, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def measured_meeting(pack_meeting, measure, lead):
    """The pack meeting (17 December 2012) with the measure Off target in December (50% against a
    trajectory near 80%), and a comparator for England."""
    measure.reference = "M1"
    measure.save()
    measure.record_value(period=NOV, value="45", by=lead, written_at=at(3))
    measure.record_value(period=DEC, value="50", by=lead, written_at=at(10))
    ComparatorValue.objects.create(measure=measure, period=DEC, comparator="england", value=88)
    return pack_meeting


def test_the_pack_has_a_performance_scorecard_with_each_measure_and_its_trend_data(measured_meeting):
    html = pack_html(pack_context(measured_meeting), for_pdf=False)
    scorecard = html[html.index('id="scorecard"'):html.index('id="attention"')]
    assert "Performance scorecard" in scorecard
    assert "Children seen within timescale" in scorecard
    assert "50% (December 2012)" in scorecard
    assert "rag rag--red" in scorecard and "Off target" in scorecard
    assert "Improving" in scorecard or "improving" in scorecard
    assert "88%" in scorecard  # England
    assert "values and targets" in scorecard  # the trend chart's data table
    figures = scorecard[scorecard.index("values and targets"):]
    assert '<th scope="col" class="num">Nov 2012</th><th scope="col" class="num">Dec 2012</th>' in figures
    assert '<tr><th scope="row">Value</th><td class="num">45%</td><td class="num">50%</td></tr>' in figures


def test_values_recorded_after_the_meeting_are_not_in_its_pack(measured_meeting, measure, lead):
    measure.record_value(period=DEC, value="99", by=lead, written_at=at(19))
    html = pack_html(pack_context(measured_meeting), for_pdf=False)
    assert "50% (December 2012)" in html and "99%" not in html


def test_a_measure_off_target_is_on_the_attention_list_of_the_pack_and_the_meeting_page(measured_meeting, viewer):
    assert [r.measure.name for r in measured_meeting.attention_measures()] == ["Children seen within timescale"]
    html = pack_html(pack_context(measured_meeting), for_pdf=False)
    attention = html[html.index('id="attention"'):html.index('id="plan"')]
    assert "Measures Off target" in attention and "Children seen within timescale" in attention
    page = client_for(viewer).get(reverse("boards:meeting_detail", args=[measured_meeting.pk]))
    assert "Measures Off target" in page.content.decode()


def test_a_measure_on_target_is_not_on_the_attention_list(pack_meeting, measure, lead):
    measure.record_value(period=DEC, value="90", by=lead, written_at=at(10))
    assert pack_meeting.attention_measures() == []
    assert "Measures Off target" not in pack_html(pack_context(pack_meeting), for_pdf=False)


def test_a_pack_without_measures_has_no_scorecard(pack_meeting):
    html = pack_html(pack_context(pack_meeting), for_pdf=False)
    assert "Performance scorecard" not in html and "Measures Off target" not in html


def test_the_pdf_pack_has_the_scorecard_in_its_contents_and_its_tables(measured_meeting):
    pdf, _pages = render_pack_pdf(measured_meeting)
    text = pdf_text(pdf)
    assert text.count("Performance scorecard") >= 2  # the contents, then the section
    assert "Children seen within timescale" in text and "Off target" in text
    assert "Measures Off target" in text


def test_a_new_value_renders_the_scorecard_part_again(long_pack, measure, lead):
    from reports.models import StoredPackPart

    measure.record_value(period=NOV, value="45", by=lead, written_at=at(3))
    first, _ = render_pack_pdf(long_pack)
    stored = StoredPackPart.objects.count()
    measure.record_value(period=DEC, value="57", by=lead, written_at=at(10))
    second, _ = render_pack_pdf(long_pack)
    assert "57% (December 2012)" in pdf_text(second) and "57%" not in pdf_text(first)
    assert StoredPackPart.objects.count() > stored  # the scorecard part, under a new key


def test_a_long_pdf_pack_is_still_tagged_with_the_scorecard(long_pack, measure, lead):
    import io

    from pypdf import PdfReader

    measure.record_value(period=DEC, value="50", by=lead, written_at=at(10))
    pdf, _ = render_pack_pdf(long_pack)
    reader = PdfReader(io.BytesIO(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Performance scorecard" in pdf_text(pdf)


def test_two_measures_are_in_the_scorecard_in_order(pack_meeting, plan):
    make_measure(plan, "Second measure", position=2)
    make_measure(plan, "First measure", position=1)
    html = pack_html(pack_context(pack_meeting), for_pdf=False)
    assert html.index("First measure") < html.index("Second measure")
    assert "No values yet" in html


def test_the_meeting_page_and_the_pack_ask_the_same_queries_for_10_or_50_measures(measured_meeting, plan, lead,
                                                                                     viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import count_queries

    def counts():
        with CaptureQueriesContext(connection) as pack:
            pack_html(pack_context(measured_meeting), for_pdf=False)
        client = client_for(viewer)
        url = reverse("boards:meeting_detail", args=[measured_meeting.pk])
        client.get(url)
        return len(pack), count_queries(client, url)

    def add_measures(start, end):
        for n in range(start, end):
            added = make_measure(plan, f"Measure {n}", position=10 + n)
            added.record_value(period=DEC, value="20", by=lead, written_at=at(10))

    add_measures(0, 9)
    ten = counts()
    add_measures(9, 49)
    assert counts() == ten


def test_the_rag_summary_workbook_has_a_measures_sheet(measured_meeting, plan, viewer):
    import io
    from decimal import Decimal

    import openpyxl

    from reports.exports import MEASURES_HEADER

    make_measure(plan, "Caseloads", unit="number", position=5)
    response = client_for(viewer).get(reverse("reports:rag_summary", args=[plan.pk]) + "?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Measures"].iter_rows(values_only=True))
    assert rows[0] == tuple(MEASURES_HEADER)
    reference, name, unit, period, value, target, rag, direction, england, region, neighbours = rows[1]
    assert (reference, name, unit, period, rag) == ("M1", "Children seen within timescale", "Percentage",
                                                    "December 2012", "Off target")
    assert Decimal(str(value)) == 50 and target > 50 and Decimal(str(england)) == 88
    assert region is None and neighbours is None and "improving" in direction.lower()
    assert rows[2][:4] == (None, "Caseloads", "Number", None) and rows[2][6] == "No value"


def test_the_scrutiny_summary_lists_each_items_linked_measures_as_of_the_review(pack_meeting, plan, board, measure,
                                                                                recommendation, lead, scrutiny):
    import csv
    import io

    from boards.models import Assessment, ScrutinyReview

    measure.recommendations.add(recommendation)
    measure.record_value(period=DEC, value="50", by=lead, written_at=at(10))
    measure.record_value(period=DEC, value="99", by=lead, written_at=at(19))  # after the review
    impact = make_measure(plan, "Visits on time", position=2)
    action = plan.actions.get(number="1.2")
    impact.actions.add(action)
    review = ScrutinyReview.objects.create(board=board, plan=plan, title="Review", scope="All",
                                           date=datetime.date(2012, 12, 15))
    Assessment.objects.create(review=review, number="1", requirement="r", conclusion="unknown",
                              recommendation=recommendation).actions.add(action)
    Assessment.objects.create(review=review, number="2", requirement="s", conclusion="unknown")
    client = client_for(scrutiny)
    response = client.get(reverse("reports:scrutiny_summary", args=[review.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["Measures"] == ("Children seen within timescale: 50% (December 2012), target "
                                   f"{measure.format(measure.target_for(DEC))}, Off target; "
                                   "Visits on time: No value yet, target "
                                   f"{impact.format(impact.target_for(DEC))}, No value")
    assert rows[1]["Measures"] == ""
    pdf = client.get(reverse("reports:scrutiny_summary", args=[review.pk, "pdf"]))
    text = " ".join(pdf_text(pdf.content).split())
    assert "Measures: Children seen within timescale: 50%" in text and "99%" not in text


def test_the_scorecard_leaves_out_columns_that_no_measure_fills(pack_meeting, measure, lead):
    measure.record_value(period=DEC, value="50", by=lead, written_at=at(10))
    html = pack_html(pack_context(pack_meeting), for_pdf=False)
    header = html[html.index('<table class="scorecard">'):html.index("</thead>", html.index('<table class="scorecard">'))]
    assert "Ref." not in header  # no measure has a reference
    assert "England" not in header and "Region" not in header  # nor any comparator value


def test_the_scorecard_shows_the_comparators_some_measure_has(measured_meeting):
    html = pack_html(pack_context(measured_meeting), for_pdf=False)
    header = html[html.index('<table class="scorecard">'):html.index("</thead>", html.index('<table class="scorecard">'))]
    assert "Ref." in header and "England" in header
    assert "Statistical neighbours" not in header
