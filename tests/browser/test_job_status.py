"""A background job's page (a board pack render) shows the finished state by itself."""

import pytest

from boards.models import Meeting
from reports.models import PackRender
from reports.tasks import render_pack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_render_page_shows_the_finished_pack_without_a_click(page, sign_in, assert_page_ok):
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("manager")
    render = PackRender.objects.create(meeting=meeting, purpose="draft")  # queued, no worker yet
    page.goto(render.get_absolute_url())
    status = page.locator('[data-module="app-job-status"]')
    assert status.get_attribute("aria-live") == "polite"
    assert "Waiting to start" in status.inner_text()
    assert_page_ok(page)

    assert render_pack.call(render.pk) == "ready"  # the worker finishes while the page is open

    status.get_by_role("link", name="Download the PDF").wait_for()
    assert "Check again" not in status.inner_text()
    assert page.url.endswith(render.get_absolute_url())  # the page was not reloaded
    assert_page_ok(page)
