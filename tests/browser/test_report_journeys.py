"""Board pack journeys in a real browser, with the axe check on every reports page."""

import hashlib

import pytest

from boards.models import Meeting
from reports.models import BoardPack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_issues_a_pack_through_its_confirmation_page_and_downloads_it(page, sign_in, assert_accessible,
                                                                              assert_page_ok):
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("manager")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Board pack for this meeting").click()
    page.get_by_role("heading", name="Board pack for 17 December 2012").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Issue the pack").click()
    page.get_by_role("heading", name="Issue version 1 of the board pack for 17 December 2012?").wait_for()
    assert_page_ok(page)
    page.get_by_role("button", name="Issue the pack").click()
    page.get_by_role("heading", name="Version 1 issued").wait_for()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    data = download_info.value.path().read_bytes()
    pack = BoardPack.objects.get()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == pack.checksum

    page.goto(f"/meetings/{meeting.pk}/pack/")
    assert page.get_by_text(pack.checksum).is_visible()
    assert_accessible(page)


def test_the_html_pack_is_accessible(page, sign_in, assert_accessible):
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("chair")
    page.goto(f"/meetings/{meeting.pk}/pack/html/")
    page.get_by_role("heading", name="For the board’s attention").wait_for()
    assert_accessible(page)


def test_at_320_pixels_the_html_pack_scrolls_only_inside_its_tables_regions(page, sign_in, assert_page_ok):
    """The pack's tables and charts are laid out for an A4 page: on a narrow screen the charts
    shrink and each table scrolls in a labelled region that takes the keyboard focus (WCAG reflow)."""
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("chair")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/meetings/{meeting.pk}/pack/html/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    attention = page.get_by_role("region", name="For the board’s attention")
    assert attention.evaluate("region => region.scrollWidth > region.clientWidth")
    attention.focus()
    assert attention.evaluate("region => region === document.activeElement")
    assert page.locator("table").count() == page.locator(".table-scroll > table").count()
    assert_page_ok(page)
