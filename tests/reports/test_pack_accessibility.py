"""The PDF board pack passes the machine-checkable rules of WCAG as well as PDF/UA-1: what a
screen reader reads is the text, never decoration; every tagged element has content; headings
and captions stay with what they introduce."""

import io
import re

import pytest
from pypdf import PdfReader

from improvement.models import Theme
from reports.packs import render_pack_pdf
from tests.conftest import make_action, status
from tests.reports.conftest import empty_spans


@pytest.fixture
def summary_meeting(pack_meeting, plan, scheme, lead):
    """The pack meeting with six more themes: its summary table is long enough that the trend
    data's table starts near the foot of a page (as the Walsall demo's did)."""
    for code in range(2, 8):
        theme = Theme.objects.create(plan=plan, code=str(code), position=code, title="Short")
        action = make_action(theme, f"{code}.1")
        action.record_update(status=status(scheme, "G"), note="On track", by=lead)
    return pack_meeting


def test_the_contents_page_has_page_numbers_but_no_dot_leaders_in_its_text(pack_meeting):
    pdf, _ = render_pack_pdf(pack_meeting)
    contents = PdfReader(io.BytesIO(pdf)).pages[1]
    assert "Contents" in contents.extract_text()
    assert not re.search(r"\.{10,}", contents.extract_text())
    listed = re.findall(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", contents.extract_text(extraction_mode="layout"),
                        flags=re.MULTILINE)
    assert [label for label, _page in listed][:3] == ["Summary", "For the board’s attention", "The plan by theme"]


def test_the_pack_has_no_empty_span_elements(pack_meeting):
    pdf, _ = render_pack_pdf(pack_meeting)
    assert empty_spans(pdf) == []


def test_the_trend_data_caption_and_its_whole_table_are_on_one_page(summary_meeting):
    pdf, _ = render_pack_pdf(summary_meeting)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    (page,) = [text for text in texts if "RAG trend data" in text]
    assert re.search(r"^January 2012 \d", page, flags=re.MULTILINE)
    assert re.search(r"^December 2012 \d", page, flags=re.MULTILINE)


def test_the_pack_chart_has_a_legend_with_each_status_name(pack_meeting, scheme):
    from reports.packs import render_pack_html

    html = render_pack_html(pack_meeting, for_pdf=True)
    legend = re.search(r'<g class="app-chart__legend">(.*?)</g>', html, flags=re.DOTALL).group(1)
    assert re.findall(r"<text [^>]*>([^<]+)</text>", legend) == [
        status.label for status in scheme.statuses.order_by("position")]
