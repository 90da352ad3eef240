"""The demo viewer creates an API token for Power BI, reads the API with it, and revokes it, in a
real browser, with axe and the Nu HTML checker on every page (issue #15, item 3)."""

import urllib.request

import pytest

pytestmark = pytest.mark.browser

WALSALL = "Walsall Children's Services Strategic Improvement Plan 2012"


def status_of(url, key):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_viewer_creates_a_token_reads_the_api_and_revokes_it(sign_in, live_server, assert_page_ok):
    page = sign_in("viewer")
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("heading", level=1, name="Your account").wait_for()
    assert_page_ok(page)
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", level=1, name="API tokens").wait_for()
    assert "You have no API tokens." in page.locator("main").inner_text()
    assert_page_ok(page)

    page.get_by_role("button", name="Create token").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter a name for the token" in summary and "Select at least one plan for the token to read" in summary
    assert_page_ok(page)

    page.get_by_label("Name").fill("Power BI performance report")
    page.get_by_label(WALSALL, exact=False).first.check()
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("heading", level=1, name="Token created").wait_for()
    key = page.get_by_label("Your token “Power BI performance report”").input_value()
    assert key.startswith("ipt_")
    assert_page_ok(page)
    assert status_of(f"{live_server.url}/api/v1/plans/", key) == 200

    page.goto("/account/api-tokens/")
    assert key not in page.content()
    page.get_by_role("link", name="Revoke Power BI performance report").click()
    page.get_by_role("heading", level=1, name="Revoke the token “Power BI performance report”?").wait_for()
    assert_page_ok(page)
    page.get_by_role("button", name="Revoke token").click()
    page.get_by_text("Token “Power BI performance report” revoked: it no longer works.").wait_for()
    assert "Revoked" in page.locator("table").inner_text()
    assert_page_ok(page)
    assert status_of(f"{live_server.url}/api/v1/plans/", key) == 401
