"""The core journeys as people make them, in a real browser, with the axe check on each page."""

import re

import pytest

from improvement.models import Action, Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_records_an_update_and_sees_it_on_the_timeline(page, sign_in, assert_accessible):
    sign_in("lead")
    assert_accessible(page)

    page.get_by_role("link", name="My actions").click()
    page.get_by_role("heading", name="My actions").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Record an update for action 3\.15")).click()

    page.get_by_role("heading", name="Record an update for action 3.15").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save update").click()
    # Nothing chosen: the error summary says what to fix, and nothing is saved.
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)
    assert page.get_by_role("link", name="Select a status").is_visible()

    page.get_by_label("Amber").check()
    page.get_by_label("Review note for this period").fill(
        "Early help pathway agreed in principle; recruitment to the team is slipping.")
    page.get_by_role("button", name="Save update").click()

    page.get_by_text("Update recorded for action 3.15").wait_for()
    assert_accessible(page)
    timeline = page.locator(".moj-timeline")
    assert "recruitment to the team is slipping" in timeline.inner_text()
    assert "Demo Lead" in timeline.inner_text()
    action = Action.objects.get(plan__slug="walsall-sip-2012", number="3.15")
    assert action.current_status.code == "A"


def test_update_form_works_by_keyboard_alone(page, sign_in):
    sign_in("lead")
    action = Action.objects.get(plan__slug="walsall-sip-2012", number="3.15")
    page.goto(f"/actions/{action.pk}/update/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "status":
            break
    else:
        pytest.fail("could not reach the status radios with the Tab key")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "note"
    page.keyboard.type("Recorded with the keyboard only.")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Save update":
            break
    page.keyboard.press("Enter")
    page.get_by_text("Update recorded for action 3.15").wait_for()
    assert action.updates.filter(note="Recorded with the keyboard only.").exists()


def test_reading_pages_pass_the_accessibility_check(page, sign_in, assert_accessible):
    sign_in("manager")
    plan = Plan.objects.get(slug="walsall-sip-2012")
    action = plan.actions.get(number="1.1")
    theme = action.theme
    for path in [
        "/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/themes/{theme.pk}/",
        f"/actions/{action.pk}/",
        f"/plans/{plan.pk}/actions/",
        f"/plans/{plan.pk}/actions/?status=&overdue=on&sort=-status",
        f"/plans/{plan.pk}/actions/?theme=not-a-theme",
        "/my-actions/",
        "/no-such-page/",
    ]:
        page.goto(path)
        assert_accessible(page)


def test_action_table_filters_in_the_browser_and_keeps_them_in_the_url(page, sign_in):
    sign_in("viewer")
    plan = Plan.objects.get(slug="walsall-sip-2012")
    page.goto(f"/plans/{plan.pk}/actions/")
    page.get_by_label("Status").select_option(label="Red")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"status=\d+"))
    red = plan.actions.filter(current_status__code="R").count()
    assert page.get_by_role("heading", name=re.compile(f"^{red} actions? match")).is_visible()


def test_signed_out_visitor_sees_the_sign_in_page(page, demo, assert_accessible):
    page.goto("/my-actions/")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert_accessible(page)
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)


def test_error_and_lockout_pages_pass_the_accessibility_check(page, sign_in, assert_accessible):
    action = Action.objects.get(plan__slug="walsall-sip-2012", number="3.15")
    sign_in("viewer")
    page.goto(f"/actions/{action.pk}/update/")
    page.get_by_role("heading", name="You do not have permission to see this page").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    for _ in range(5):
        page.goto("/sign-in/")
        page.get_by_label("Username").fill("member")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Too many attempts to sign in").wait_for()
    assert_accessible(page)
