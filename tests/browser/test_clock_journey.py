"""A plan manager gives a plan its statutory clock and reads the deadlines on the plan page, in
a real browser, with axe and the Nu HTML checker on every page (issue #16, item 2)."""

import pytest

pytestmark = pytest.mark.browser

WILTSHIRE = "Wiltshire Safeguarding Improvement Plan 2012"


def test_the_demo_manager_sets_a_regime_and_reads_the_timeline(sign_in, assert_page_ok):
    page = sign_in("manager")
    page.get_by_role("link", name=WILTSHIRE).click()
    assert "Set the regime it answers to and its trigger date" in page.locator("main").inner_text()
    page.get_by_role("link", name="Manage this plan").click()
    page.get_by_role("link", name="Plan details").click()
    assert_page_ok(page)

    page.get_by_label("Regime the plan answers to").select_option(label="Ofsted: children's services judged inadequate")
    page.locator('input[name="clock_trigger_0"]').fill("1")
    page.locator('input[name="clock_trigger_1"]').fill("5")
    page.locator('input[name="clock_trigger_2"]').fill("2014")  # the demo is dated 10 December 2012
    page.get_by_role("button", name="Save").click()
    assert page.title().startswith("Error: ")
    assert "Trigger date must be no later than 10 December 2013" in page.locator(".govuk-error-summary").inner_text()
    assert_page_ok(page)

    page.locator('input[name="clock_trigger_2"]').fill("2012")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Plan details saved.").wait_for()
    page.goto("/")
    page.get_by_role("link", name=WILTSHIRE).click()
    timeline = page.locator("ol.app-clock-timeline")
    assert "Action plan (written statement of action) due" in timeline.inner_text()
    assert timeline.locator("li.moj-timeline__item").count() == 6
    assert_page_ok(page)
