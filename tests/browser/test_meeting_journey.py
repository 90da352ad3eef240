"""The meeting journey in a real browser, with axe and the Nu HTML checker on every page: the
chair filters the attention list, posts a note on its own page and is returned to the meeting;
the manager records a decision and a follow-up, and closes the round through its confirmation
page."""

import re

import pytest

from boards.models import Decision, Meeting, ReviewNote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def test_chair_filters_the_attention_list_and_posts_a_note_on_its_own_page(page, sign_in, assert_page_ok):
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("chair")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("heading", name=re.compile(r"For the board’s attention \(\d+\)")).wait_for()
    assert_page_ok(page)  # one page, no forms: no duplicate ids

    page.get_by_role("link", name=re.compile(r"^Show all \d+")).click()  # the demo's list is longer than 10
    page.wait_for_url(re.compile(r"\?show=all#attention$"))
    assert_page_ok(page)
    page.get_by_role("link", name="Declined since last period", exact=True).click()
    page.wait_for_url(re.compile(r"\?reason=declined#attention$"))
    caption = page.locator("[aria-label='For the board’s attention'] caption").first.inner_text()
    assert caption.startswith("Declined since last period: ")
    assert page.locator("[aria-label='For the board’s attention'] tbody tr").count() == int(
        re.search(r"Declined since last period \((\d+)\)", page.locator("main").inner_text())[1])
    assert_page_ok(page)

    first_row = page.locator("[aria-label='For the board’s attention'] tbody tr").first
    number = first_row.locator("td").first.inner_text()
    first_row.get_by_role("link", name=re.compile("Post a note")).click()
    page.get_by_role("heading", name="Post a review note").wait_for()
    assert_page_ok(page)
    page.get_by_role("button", name="Post the note").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error: ")
    assert_page_ok(page)
    page.get_by_label("Question").check()
    page.get_by_label("Review note", exact=True).fill("When will this action be back on track?")
    page.get_by_role("button", name="Post the note").click()
    page.get_by_text("Review note posted").wait_for()
    assert re.search(rf"/meetings/{meeting.pk}/#notes$", page.url)
    note = ReviewNote.objects.get(text="When will this action be back on track?")
    assert note.action.number == number and note.author.username == "chair"
    assert_page_ok(page)

    page.get_by_role("link", name="When will this action be back on track?").click()
    page.get_by_role("heading", name=f"Question on action {number}").wait_for()
    # The title and byline are inline: their text runs together unless the page keeps a space.
    assert page.locator(".moj-timeline__header").first.text_content() == "Question by Demo Chair"
    assert_page_ok(page)
    page.get_by_role("link", name="Mark resolved").click()
    page.get_by_role("heading", name=f"Resolve the question on action {number}").wait_for()
    assert_page_ok(page)


def test_manager_records_a_decision_and_closes_the_round_through_its_confirmation(page, sign_in, assert_page_ok):
    meeting = Meeting.objects.get(date="2012-12-17")
    sign_in("manager")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_role("heading", name="Record a decision").wait_for()
    assert_page_ok(page)
    page.get_by_label("Decision").fill("The Board asked for a deep dive into the overdue actions in January.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Decision recorded").wait_for()
    assert Decision.objects.filter(meeting=meeting, recorded_by__username="manager").exists()
    page.get_by_text(re.compile("Recorded by .+ on ")).last.wait_for()

    for link, heading in [("Record a follow-up action", "Record a follow-up action"),
                          ("Add an action to this list", "Add an action to the board’s attention list")]:
        page.goto(f"/meetings/{meeting.pk}/")
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading).wait_for()
        assert_page_ok(page)

    page.goto(meeting.round.get_absolute_url())
    page.get_by_role("link", name="Close the round").click()
    page.get_by_role("heading", name=f"Close the {meeting.round.period_label} update round?").wait_for()
    assert_page_ok(page)
    page.get_by_role("button", name="Close the round").click()
    page.get_by_text("Round closed").wait_for()
    assert_page_ok(page)
    meeting.round.refresh_from_db()
    assert meeting.round.closed_by.username == "manager"
