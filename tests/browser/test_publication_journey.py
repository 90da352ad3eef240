"""The public progress page: the demo manager redrafts a theme's public summary (its reading age
shown), the demo publication approver approves it, and a reader with no account reads the public
page, in English and Welsh, by keyboard; axe and the Nu HTML checker on every page."""

import pytest

pytestmark = pytest.mark.browser

WALSALL = "Walsall Children's Services Strategic Improvement Plan 2012"
NEW_TEXT = "Social workers now see every child within a week. We check this each month."


def test_a_summary_is_drafted_approved_and_read_by_the_public(sign_in, browser, live_server, demo, assert_page_ok):
    page = sign_in("manager")
    page.goto("/")
    page.get_by_role("link", name=WALSALL).click()
    page.get_by_role("link", name="Manage this plan").click()
    page.get_by_role("link", name="Public summaries and publication").click()
    assert_page_ok(page)
    page.get_by_role("link", name="Edit 3 Quality and Effectiveness of Front Line Practice").click()
    assert_page_ok(page)
    page.get_by_label("Summary in English").fill(NEW_TEXT)
    page.get_by_role("button", name="Check reading age").click()
    assert "Reading age about" in page.locator("main").inner_text()
    assert_page_ok(page)
    page.get_by_role("button", name="Save and send for approval").click()
    assert "Awaiting approval" in page.locator("main").inner_text()

    approver = browser.new_context(base_url=live_server.url).new_page()
    approver.goto("/sign-in/")
    approver.get_by_label("Username").fill("approver")
    approver.get_by_label("Password").fill(demo)
    approver.get_by_role("button", name="Sign in").click()
    approver.goto("/publication/approvals/")
    assert_page_ok(approver)
    approver.get_by_role("link", name="3 Quality and Effectiveness of Front Line Practice").click()
    assert_page_ok(approver)
    approver.get_by_role("button", name="Approve and publish").click()
    assert "Approved and published as version" in approver.locator("main").inner_text()

    public = browser.new_context(base_url=live_server.url).new_page()
    response = public.goto("/public/plans/walsall-sip-2012/")
    assert response.status == 200
    assert NEW_TEXT in public.locator("main").inner_text()
    assert "Demo" not in public.locator("main").inner_text()  # no names of people
    assert_page_ok(public)
    # By keyboard: the skip link first, then to main content; the language link to Welsh.
    public.keyboard.press("Tab")
    assert public.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    public.keyboard.press("Enter")
    assert public.evaluate("location.hash") == "#main-content"
    public.get_by_role("link", name="Cymraeg").focus()
    public.keyboard.press("Enter")
    public.wait_for_url("**/cy/")
    assert public.locator("html").get_attribute("lang") == "cy"
    assert "Cynnydd fesul thema" in public.locator("main").inner_text()
    assert_page_ok(public)


def test_the_manager_switches_publication_off_and_the_public_is_told(sign_in, browser, live_server, assert_page_ok):
    page = sign_in("manager")
    page.goto("/")
    page.get_by_role("link", name=WALSALL).click()
    page.get_by_role("link", name="Manage this plan").click()
    page.get_by_role("link", name="Public summaries and publication").click()
    page.get_by_role("link", name="Change publication settings").click()
    assert_page_ok(page)
    page.get_by_role("link", name="Back to public summaries").click()
    page.get_by_role("button", name="Switch off publication now").click()
    assert "Publication switched off" in page.locator("main").inner_text()
    assert_page_ok(page)

    public = browser.new_context(base_url=live_server.url).new_page()
    response = public.goto("/public/plans/walsall-sip-2012/")
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex"
    assert "This plan is not published" in public.locator("h1").inner_text()
    assert_page_ok(public)
