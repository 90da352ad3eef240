"""The demo's plan manager adds a webhook subscription to the Walsall plan (refused first for an
address that is not HTTPS, with the GOV.UK error summary), sends a test notification to a real
HTTPS receiver on loopback and sees it delivered in the subscription's log; axe and the Nu HTML
checker on every page."""

import pytest

from tests.notifications.conftest import certificate, receiver  # noqa: F401 - the receiver's fixtures

pytestmark = pytest.mark.browser

WALSALL = "Walsall Children's Services Strategic Improvement Plan 2012"


def test_the_demo_manager_adds_a_subscription_and_sees_the_test_delivered_in_its_log(
        sign_in, assert_page_ok, receiver):  # noqa: F811 - the fixture imported above
    page = sign_in("manager")
    page.goto("/")
    page.get_by_role("link", name=WALSALL).click()
    page.get_by_role("link", name="Manage this plan").click()
    page.get_by_role("link", name="Notifications to Teams and other systems").click()
    assert "This plan has no subscriptions yet." in page.locator("main").inner_text()
    assert_page_ok(page)

    page.get_by_role("link", name="Add a subscription").click()
    assert_page_ok(page)
    page.get_by_label("Name").fill("Improvement Board channel")
    page.get_by_label("Any HTTPS endpoint (posts signed JSON)").check()
    page.get_by_label("Webhook address").fill(receiver.url.replace("https://", "http://"))
    page.get_by_label("A board pack is issued").check()
    page.get_by_role("button", name="Add the subscription").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter an address that starts with https://" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_page_ok(page)

    page.get_by_label("Webhook address").fill(receiver.url)
    page.get_by_label("An action’s status turns Red").check()
    page.get_by_role("button", name="Add the subscription").click()
    main = page.locator("main")
    assert "Improvement Board channel" in main.locator("h1").inner_text()
    assert "whsec_" in main.inner_text() and "Nothing has been sent to this subscription yet." in main.inner_text()
    assert_page_ok(page)

    page.get_by_role("button", name="Send a test notification").click()
    log = page.get_by_role("table")
    assert "Delivered" in log.inner_text() and "Answer 200" in log.inner_text()
    assert "A test notification for “Improvement Board channel”" in log.inner_text()
    assert_page_ok(page)
    assert [request.json()["event"] for request in receiver.requests] == ["test"]
