"""Board journeys in a real browser, with the axe check on every boards page."""

import re

import pytest

from boards.models import Board, Meeting, ReviewNote, ScrutinyReview, UpdateRound
from improvement.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def test_chair_challenges_lead_answers_and_chair_resolves(page, sign_in, assert_accessible):
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("chair")
    page.goto(f"/meetings/{meeting.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Post a note on action 2\.13")).click()
    page.get_by_label("Challenge").check()
    page.get_by_label("Review note", exact=True).fill("Show the Board the workforce development plans under the 8 key standards.")
    page.get_by_role("button", name="Post the note").click()
    page.get_by_text("Review note posted").wait_for()
    note = ReviewNote.objects.get(text__startswith="Show the Board the workforce")
    assert (note.kind, note.action.number) == ("challenge", "2.13")
    sign_out(page)

    sign_in("lead")
    page.get_by_role("link", name="My actions").click()
    page.get_by_text("Show the Board the workforce development plans").wait_for()
    page.get_by_role("link", name=re.compile(r"Open the thread for the challenge on action 2\.13")).click()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Two posts were filled in January; the team is fully staffed from 1 March.")
    page.get_by_role("button", name="Post the answer").click()
    page.get_by_text("Answer posted").wait_for()
    assert_accessible(page)
    sign_out(page)

    sign_in("chair")
    page.goto(f"/notes/{note.pk}/")
    assert "fully staffed from 1 March" in page.locator(".moj-timeline").inner_text()
    page.get_by_role("link", name="Mark resolved").click()
    page.get_by_role("heading", name="Resolve the challenge on action 2.13").wait_for()
    page.get_by_role("button", name="Mark resolved").click()
    page.get_by_text("Enter why the note is resolved").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Why is it resolved?").fill("The staffing figures from 1 March satisfy the Board.")
    page.get_by_role("button", name="Mark resolved").click()
    page.get_by_text("Marked resolved").wait_for()
    headers = page.locator(".moj-timeline__header").all_text_contents()
    assert headers[0] == "Challenge by Demo Chair" and headers[-1] == "Resolved by Demo Chair"
    assert "The staffing figures from 1 March satisfy the Board." in page.locator(".moj-timeline").inner_text()
    page.get_by_role("heading", name="Reopen the thread").wait_for()
    note.refresh_from_db()
    assert note.status == "resolved" and note.resolution.startswith("The staffing figures")


def test_manager_runs_a_round(page, sign_in, assert_accessible):
    plan = Plan.objects.get(slug="walsall-sip-2012")
    sign_in("manager")
    page.goto(f"/plans/{plan.pk}/rounds/")
    assert_accessible(page)
    december = UpdateRound.objects.get(plan=plan, period="2012-12-01")
    page.goto(f"/rounds/{december.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Send reminders now").click()
    page.get_by_text(re.compile("Reminders sent to")).wait_for()
    page.get_by_role("link", name="Close the round").click()
    page.get_by_role("heading", name="Close the December 2012 update round?").wait_for()
    page.get_by_role("button", name="Close the round").click()
    page.get_by_text("Round closed").wait_for()
    assert_accessible(page)

    page.goto(f"/plans/{plan.pk}/rounds/")
    page.get_by_label("Reporting period").select_option(label="January 2013")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2012")
    page.get_by_role("button", name="Open the round").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label("Day").fill("10")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2013")
    page.get_by_role("button", name="Open the round").click()
    page.get_by_role("heading", name="January 2013 update round").wait_for()


def test_boards_pages_pass_the_accessibility_check(page, sign_in, assert_accessible):
    plan = Plan.objects.get(slug="walsall-sip-2012")
    board = Board.objects.get(kind="improvement_board")
    review = ScrutinyReview.objects.get()
    sign_in("manager")
    for path in ["/boards/", f"/boards/{board.pk}/", f"/boards/{board.pk}/meetings/new/",
                 f"/plans/{plan.pk}/dashboard/", f"/plans/{plan.pk}/scrutiny/"]:
        page.goto(path)
        assert_accessible(page)
    page.goto(f"/boards/{board.pk}/meetings/new/")
    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)
    sign_out(page)

    sign_in("scrutiny")
    for path in [f"/scrutiny/{review.pk}/", f"/scrutiny/{review.pk}/items/new/",
                 f"/plans/{review.plan_id}/scrutiny/new/"]:
        page.goto(path)
        assert_accessible(page)
    page.goto(f"/scrutiny/{review.pk}/items/new/")
    page.get_by_label("Item number").fill("26")
    page.get_by_label("Requirement examined").fill("A new requirement")
    page.get_by_label("Unknown (no evidence received)").check()
    page.get_by_role("button", name="Save the conclusion").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)


def test_scrutiny_officer_ticks_actions_found_with_the_filter(page, sign_in, assert_page_ok):
    from boards.models import Assessment

    review = ScrutinyReview.objects.get()
    sign_in("scrutiny")
    page.goto(f"/scrutiny/{review.pk}/items/new/")
    boxes = page.locator('input[name="actions"]')
    total = boxes.count()
    assert total == review.plan.actions.count() and total > 20
    groups = page.locator("[data-filter-group]")
    assert groups.count() > 1
    assert_page_ok(page)

    action = review.plan.actions.order_by("number_sort").last()
    page.get_by_label("Filter actions").fill(f"{action.number} {action.description.split()[-1]}")
    page.get_by_text(f"1 of {total} shown").wait_for()
    visible = page.locator('input[name="actions"]:visible')
    assert visible.count() == 1
    assert sum(1 for index in range(groups.count()) if groups.nth(index).is_visible()) == 1
    visible.first.check()
    assert_page_ok(page)

    page.get_by_label("Filter actions").fill("")
    assert page.locator('input[name="actions"]:visible').count() == total
    page.get_by_label("Item number").fill("26")
    page.get_by_label("Requirement examined").fill("A new requirement")
    page.get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Save the conclusion").click()
    page.get_by_text("Conclusion recorded for item 26").wait_for()
    assert list(Assessment.objects.get(review=review, number="26").actions.all()) == [action]
