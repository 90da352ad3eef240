"""The action table reads at a laptop's width and at a phone's (WCAG 1.4.10 reflow)."""

import pytest

from improvement.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_table(page, sign_in, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("viewer")
    plan = Plan.objects.get(slug="walsall-sip-2012")
    page.goto(f"/plans/{plan.pk}/actions/")
    page.get_by_role("heading", name="58 actions").wait_for()
    return page


def test_at_1280_pixels_every_column_of_the_table_is_in_view_and_rows_are_compact(page, sign_in, assert_page_ok):
    open_table(page, sign_in, 1280)
    table = page.locator("table.app-table")
    last_header = table.locator("thead th").last
    assert last_header.inner_text().strip() == "This period"
    box = last_header.bounding_box()
    assert box["x"] + box["width"] <= 1280
    # The table has the page's width, not two thirds of it.
    assert table.bounding_box()["width"] >= 1100
    assert table.bounding_box()["height"] < 5000, "50 rows should not need 13,000 px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_page_ok(page)


def test_at_320_pixels_the_page_never_scrolls_sideways(page, sign_in, assert_page_ok):
    open_table(page, sign_in, 320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The table scrolls inside its own labelled region, which the keyboard can reach.
    region = page.get_by_role("region", name="Actions")
    assert region.get_attribute("tabindex") == "0"
    assert page.evaluate("document.querySelector('.app-table-scroll').scrollWidth") > 320
    assert_page_ok(page)


@pytest.mark.parametrize("path", ["posts", "people", "meeting", "members", "theme"])
def test_at_320_pixels_the_manage_and_meeting_pages_do_not_scroll_sideways(page, sign_in, path):
    """Wide tables scroll inside their own region, visually hidden text included (WCAG reflow)."""
    from boards.models import Meeting

    plan = Plan.objects.get(slug="walsall-sip-2012")
    meeting = Meeting.objects.filter(plan=plan).first()
    url = {"posts": f"/plans/{plan.pk}/posts/", "people": f"/plans/{plan.pk}/people/",
           "meeting": meeting.get_absolute_url(), "members": f"/boards/{meeting.board_id}/members/",
           "theme": f"/plans/{plan.pk}/themes/{plan.themes.order_by('position').last().pk}/"}[path]
    sign_in("manager")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
