"""The demo as at its date, unusual dates and reminders that reach no one, in a real browser."""

import re

import pytest

from boards.models import UpdateRound
from improvement.models import Action, Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_the_demo_date_and_who_reminders_cannot_reach(page, sign_in, assert_page_ok):
    plan = Plan.objects.get(slug="walsall-sip-2012")
    december = UpdateRound.objects.get(plan=plan, period="2012-12-01")
    sign_in("manager")
    page.goto(f"/rounds/{december.pk}/")
    page.get_by_text("Dates are shown as at 10 December 2012").wait_for()
    assert "Passed" not in page.inner_text("main")  # the deadline is that very day
    page.get_by_role("heading", name="No one to remind").wait_for()
    page.get_by_role("button", name="Send reminders now").click()
    page.get_by_text(re.compile(r"Reminders sent to \d+ leads?: ")).wait_for()
    page.get_by_text(re.compile(r"No one to remind about \d+ actions? \(")).wait_for()
    assert_page_ok(page)


def test_lead_confirms_a_revised_date_that_has_already_passed(page, sign_in, assert_page_ok):
    action = Action.objects.get(plan__slug="walsall-sip-2012", number="3.15")
    sign_in("lead")
    page.goto(f"/actions/{action.pk}/update/")
    page.get_by_label(re.compile("^Green")).check()
    page.get_by_label("Review note for this period").fill("Pathway agreed with partners.")
    page.get_by_role("group", name="Revised due date").get_by_label("Day").fill("3")
    page.get_by_role("group", name="Revised due date").get_by_label("Month").fill("12")
    page.get_by_role("group", name="Revised due date").get_by_label("Year").fill("2012")
    page.get_by_label("Reason for the revised date").fill("Partners asked for more time.")
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("has already passed: the action will show as overdue at once").wait_for()
    assert_page_ok(page)
    page.get_by_label("Yes, the date is right").check()
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Update recorded for action 3.15").wait_for()
