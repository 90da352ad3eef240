"""A plan manager maintains their plan on the product's own pages (the admin is for
administrators): adds a theme, an action in it, and fills a vacant post, with axe and the Nu
HTML checker on every page."""

import pytest

pytestmark = pytest.mark.browser

WALSALL = "Walsall Children's Services Strategic Improvement Plan 2012"


def open_hub(page):
    page.goto("/")
    page.get_by_role("link", name=WALSALL).click()
    page.get_by_role("link", name="Manage this plan").click()


def test_the_demo_manager_adds_a_theme_an_action_and_a_post_holder(sign_in, assert_page_ok):
    page = sign_in("manager")
    open_hub(page)
    assert_page_ok(page)

    page.get_by_role("link", name="Themes and objectives").click()
    assert_page_ok(page)
    page.get_by_role("link", name="Add a theme").click()
    assert_page_ok(page)
    page.get_by_role("button", name="Save").click()  # nothing filled in: the error summary
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert_page_ok(page)
    page.get_by_label("Code").fill("7")
    page.get_by_label("Title").fill("Voice of the child")
    page.get_by_label("Theme lead").select_option(label="Head of Safeguarding")
    page.get_by_role("button", name="Save").click()
    assert "Voice of the child" in page.locator("main").inner_text()
    assert_page_ok(page)

    open_hub(page)
    page.get_by_role("link", name="Add an action").click()
    assert_page_ok(page)
    page.get_by_label("Theme", exact=True).select_option(label="7 Voice of the child")
    page.get_by_label("Number", exact=True).fill("7.1")
    page.get_by_label("Description", exact=True).fill("Every child's plan records their wishes and feelings.")
    page.get_by_role("group", name="Leads").get_by_label("Head of Safeguarding").check()
    page.get_by_role("button", name="Save").click()
    main = page.locator("main").inner_text()
    assert "Every child's plan records their wishes and feelings." in main
    assert "Head of Safeguarding" in main
    assert_page_ok(page)

    open_hub(page)
    page.get_by_role("link", name="Posts and holders").click()
    assert_page_ok(page)
    page.get_by_role("row").filter(has_text="Head of Safeguarding").first.get_by_role("link", name="Change").click()
    assert_page_ok(page)
    page.get_by_role("group", name="Holders").get_by_label("Demo Viewer").check()
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text="Head of Safeguarding").first
    assert "Demo Viewer" in row.inner_text()
    assert_page_ok(page)
