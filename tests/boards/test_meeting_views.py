import datetime

import pytest
from django.core import mail
from django.urls import reverse

from boards.models import AttentionItem, Decision, FollowUp, Meeting, ReviewNote, ReviewResponse
from tests.conftest import client_for, make_action, make_many_actions, status

NOV = datetime.date(2012, 11, 1)


def test_officer_arranges_a_meeting(board, plan, open_round, officer):
    url = reverse("boards:meeting_create", args=[board.pk])
    assert client_for(officer).get(url).status_code == 200
    response = client_for(officer).post(url, {"plan": plan.pk, "round": open_round.pk, "date_0": "17",
                                              "date_1": "12", "date_2": "2012", "agenda": "1. Minutes"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()


def test_a_meeting_without_a_round_is_refused(board, plan, open_round, officer):
    response = client_for(officer).post(reverse("boards:meeting_create", args=[board.pk]),
                                        {"plan": plan.pk, "date_0": "17", "date_1": "12", "date_2": "2012"})
    assert response.status_code == 400
    assert "Select the update round this meeting reviews" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_members_and_viewers_cannot_arrange_meetings(request, board, persona):
    response = client_for(request.getfixturevalue(persona)).get(reverse("boards:meeting_create", args=[board.pk]))
    assert response.status_code in (403, 404)


def test_meeting_page_shows_the_attention_list(meeting, action, lead, scheme, chair):
    action.record_update(status=status(scheme, "R"), note="stuck", by=lead)
    page = client_for(chair).get(meeting.get_absolute_url()).content.decode()
    assert "For the board’s attention (1)" in page
    assert "Work is not progressing as expected" in page
    assert "Post a review note" in page


def test_viewer_reads_the_meeting_but_cannot_post(meeting, viewer):
    page = client_for(viewer).get(meeting.get_absolute_url()).content.decode()
    assert "Post a review note" not in page
    assert "Add an action to this list" not in page and "Record a decision" not in page


def _attention_mix(theme, scheme, lead, meeting, member):
    """Two Red actions, one overdue, one missing its update and one added by hand."""
    for number in ("1", "2"):
        make_action(theme, number).record_update(status=status(scheme, "R"), note="stuck", by=lead)
    make_action(theme, "3", due_date=datetime.date(2012, 12, 1)).record_update(
        status=status(scheme, "G"), note="late", by=lead)
    make_action(theme, "4").record_update(status=status(scheme, "G"), note="old", by=lead, period=NOV)
    added = make_action(theme, "5")
    added.record_update(status=status(scheme, "G"), note="fine", by=lead)
    AttentionItem.objects.create(meeting=meeting, action=added, reason="Deep dive", added_by=member)


def _attention_numbers(page):
    import re

    table = page[page.index("For the board’s attention ("):page.index('id="notes"')]
    return re.findall(r'<td class="govuk-table__cell"><a class="govuk-link" href="/actions/\d+/">([\d.]+)</a>', table)


def test_the_attention_list_has_a_summary_by_reason_with_counts_and_filter_links(
        theme, scheme, lead, meeting, member, chair):
    _attention_mix(theme, scheme, lead, meeting, member)
    page = client_for(chair).get(meeting.get_absolute_url()).content.decode()
    assert "For the board’s attention (5)" in page
    assert "<strong>All reasons (5)</strong>" in page
    assert '<a class="govuk-link" href="?reason=status#attention">Red</a> (2)' in page
    assert '<a class="govuk-link" href="?reason=overdue#attention">Overdue</a> (1)' in page
    assert '<a class="govuk-link" href="?reason=missing#attention">Missing update</a> (1)' in page
    assert '<a class="govuk-link" href="?reason=added#attention">Added by hand</a> (1)' in page
    assert "Declined since last period (0)" in page


def test_a_reason_filter_shows_only_its_actions(theme, scheme, lead, meeting, member, chair):
    _attention_mix(theme, scheme, lead, meeting, member)
    client = client_for(chair)
    assert _attention_numbers(client.get(meeting.get_absolute_url() + "?reason=status").content.decode()) == ["1", "2"]
    page = client.get(meeting.get_absolute_url() + "?reason=added").content.decode()
    assert _attention_numbers(page) == ["5"]
    assert "<strong>Added by hand (1)</strong>" in page
    assert '<a class="govuk-link" href="?#attention">All reasons</a> (5)' in page
    unknown = client.get(meeting.get_absolute_url() + "?reason=nonsense").content.decode()
    assert _attention_numbers(unknown) == ["1", "2", "3", "5", "4"]


def test_the_attention_list_shows_the_most_serious_ten_and_the_rest_on_request(theme, scheme, lead, meeting, chair):
    make_action(theme, "1").record_update(status=status(scheme, "G"), note="old", by=lead, period=NOV)
    make_many_actions(theme, 11, status_code="R")
    client = client_for(chair)
    page = client.get(meeting.get_absolute_url()).content.decode()
    shown = _attention_numbers(page)
    assert len(shown) == 10 and "1" not in shown  # missing an update ranks below Red
    assert "the 10 most serious of 12" in page
    assert '<a class="govuk-link" href="?show=all#attention">Show all 12' in page
    everything = _attention_numbers(client.get(meeting.get_absolute_url() + "?show=all").content.decode())
    assert len(everything) == 12 and everything[-1] == "1"
    filtered = client.get(meeting.get_absolute_url() + "?reason=status").content.decode()
    assert '<a class="govuk-link" href="?reason=status&amp;show=all#attention">Show all 11' in filtered


def test_the_meeting_page_holds_no_forms_but_links_to_a_page_for_each(meeting, action, lead, scheme, officer):
    action.record_update(status=status(scheme, "R"), note="stuck", by=lead)
    page = client_for(officer).get(meeting.get_absolute_url()).content.decode()
    assert 'id="id_action"' not in page and 'id="id_text"' not in page
    for name in ("note_create", "attention_add", "decision_create", "follow_up_create"):
        assert f'href="{reverse(f"boards:{name}", args=[meeting.pk])}' in page
    assert f'href="{reverse("boards:note_create", args=[meeting.pk])}?action={action.pk}">Post a note' in page


def test_posting_a_note_has_its_own_page_with_the_action_chosen(meeting, action, member):
    url = reverse("boards:note_create", args=[meeting.pk])
    page = client_for(member).get(f"{url}?action={action.pk}").content.decode()
    assert "<h1 class=\"govuk-heading-xl\">Post a review note</h1>" in page
    assert f'<option value="{action.pk}" selected>' in page
    assert f'href="{meeting.get_absolute_url()}#notes" class="govuk-back-link"' in page


@pytest.mark.parametrize(("name", "data", "section", "error"), [
    ("note_create", {"kind": "comment", "text": "x"}, "notes", "Select the action the note is about"),
    ("attention_add", {"reason": "Deep dive"}, "attention", "Select an action"),
    ("decision_create", {"text": ""}, "decisions", "Enter the decision"),
    ("follow_up_create", {"description": "Report back"}, "follow-ups", "Enter the due date"),
])
def test_an_error_shows_that_forms_own_page_again_not_the_meeting(meeting, officer, name, data, section, error):
    response = client_for(officer).post(reverse(f"boards:{name}", args=[meeting.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page and error in page
    assert "For the board’s attention" not in page
    assert page.count("<form") == 3  # sign out, the language switch, and this form
    assert f'href="{meeting.get_absolute_url()}#{section}" class="govuk-back-link"' in page


@pytest.mark.parametrize(("name", "data", "section"), [
    ("attention_add", {"reason": "Deep dive"}, "attention"),
    ("decision_create", {"text": "Agreed"}, "decisions"),
])
def test_a_saved_form_returns_to_its_section_of_the_meeting(meeting, action, officer, name, data, section):
    response = client_for(officer).post(reverse(f"boards:{name}", args=[meeting.pk]), {"action": action.pk, **data})
    assert response.status_code == 302 and response.url == f"{meeting.get_absolute_url()}#{section}"


def test_decisions_show_who_recorded_them_and_when(meeting, officer, frozen_today):
    client_for(officer).post(reverse("boards:decision_create", args=[meeting.pk]), {"text": "Agreed the key"})
    page = client_for(officer).get(meeting.get_absolute_url()).content.decode()
    assert f"Recorded by {officer} on" in page and "20 December 2012" in page


def test_meeting_is_404_for_an_outsider(meeting, outsider):
    assert client_for(outsider).get(meeting.get_absolute_url()).status_code == 404


def test_meeting_page_refuses_post(meeting, chair):
    assert client_for(chair).post(meeting.get_absolute_url()).status_code == 405


def test_member_posts_a_challenge_and_the_leads_are_told(meeting, action, member, lead):
    lead.email = "lead@example.org"
    lead.save()
    with_callbacks = client_for(member)
    response = with_callbacks.post(reverse("boards:note_create", args=[meeting.pk]),
                                   {"action": action.pk, "kind": "challenge", "text": "Where is the audit?"})
    assert response.status_code == 302
    note = ReviewNote.objects.get()
    assert (note.author, note.kind, note.status) == (member, "challenge", "open")


@pytest.mark.django_db(transaction=True)
def test_leads_get_an_email_about_a_new_note(board, plan, theme, lead, lead_post, scheme, member):
    import datetime as dt

    from boards.models import UpdateRound
    from tests.conftest import make_action

    lead.email = "lead@example.org"
    lead.save()
    action = make_action(theme, "1.1", leads=[lead_post])
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=dt.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=dt.date(2012, 12, 17))
    client_for(member).post(reverse("boards:note_create", args=[meeting.pk]),
                            {"action": action.pk, "kind": "question", "text": "When?"})
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    assert "/notes/" in mail.outbox[0].body


def test_posting_a_note_says_which_leads_were_told(meeting, action, member, lead, on_commit):
    lead.email = "lead@example.org"
    lead.save()
    with on_commit():
        response = client_for(member).post(reverse("boards:note_create", args=[meeting.pk]),
                                           {"action": action.pk, "kind": "challenge", "text": "Where is the audit?"},
                                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Review note posted. Told by email: Lead."]
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]


def test_a_note_on_an_action_no_one_leads_tells_the_plans_managers_instead(
        meeting, theme, council, member, manager, on_commit):
    from improvement.models import Post
    from tests.conftest import make_action

    manager.email = "manager@example.org"
    manager.save()
    post = Post.objects.create(organisation=council, title="Head of Service")
    action = make_action(theme, "2.1", leads=[post])
    with on_commit():
        response = client_for(member).post(reverse("boards:note_create", args=[meeting.pk]),
                                           {"action": action.pk, "kind": "question", "text": "Who leads this now?"},
                                           follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Review note posted. No lead was told: no one holds the action’s lead posts (“Head of Service”); "
        "the plan’s managers were told instead: Manager."]
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    notice = mail.outbox[0]
    assert "No one leads action 2.1" in notice.subject
    assert "Who leads this now?" in notice.body and "Head of Service:" in notice.body
    assert "/notes/" in notice.body


def test_a_note_on_an_action_without_a_lead_post_says_so(meeting, theme, member, manager, on_commit):
    from tests.conftest import make_action

    manager.email = "manager@example.org"
    manager.save()
    action = make_action(theme, "2.2")
    with on_commit():
        response = client_for(member).post(reverse("boards:note_create", args=[meeting.pk]),
                                           {"action": action.pk, "kind": "comment", "text": "Noted."}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Review note posted. No lead was told: the action has no lead post; the plan’s managers were told "
        "instead: Manager."]
    assert f"Choose a lead: http://testserver/actions/{action.pk}/edit/" in mail.outbox[0].body


def test_an_empty_review_note_is_refused(meeting, action, member):
    response = client_for(member).post(reverse("boards:note_create", args=[meeting.pk]),
                                       {"action": action.pk, "kind": "comment", "text": "   "})
    assert response.status_code == 400
    assert "Enter the review note" in response.content.decode()
    assert not ReviewNote.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "lead", "scrutiny"])
def test_only_board_members_post_review_notes(request, meeting, action, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("boards:note_create", args=[meeting.pk])).status_code == 403
    response = client.post(reverse("boards:note_create", args=[meeting.pk]),
                           {"action": action.pk, "kind": "comment", "text": "Hello"})
    assert response.status_code == 403
    assert not ReviewNote.objects.exists()


def test_member_adds_an_action_to_the_attention_list(meeting, action, member):
    url = reverse("boards:attention_add", args=[meeting.pk])
    assert client_for(member).post(url, {"action": action.pk, "reason": "Deep dive"}).status_code == 302
    assert AttentionItem.objects.get().added_by == member
    again = client_for(member).post(url, {"action": action.pk, "reason": "Again"})
    assert again.status_code == 400 and "already on the list" in again.content.decode()
    missing_reason = client_for(member).post(url, {"action": action.pk, "reason": ""})
    assert "Enter why the board should look at this action" in missing_reason.content.decode()


def test_officer_records_decisions_and_follow_ups(meeting, action, officer, lead):
    client = client_for(officer)
    assert client.post(reverse("boards:decision_create", args=[meeting.pk]),
                       {"text": "Agreed the five-state key", "action": ""}).status_code == 302
    response = client.post(reverse("boards:follow_up_create", args=[meeting.pk]),
                           {"description": "Report back", "owner": lead.pk, "due_date_0": "14", "due_date_1": "1",
                            "due_date_2": "2013"})
    assert response.status_code == 302
    assert Decision.objects.get().text == "Agreed the five-state key"
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_date) == (lead, datetime.date(2013, 1, 14))


def test_members_cannot_record_decisions_or_follow_ups(meeting, member):
    for name in ("decision_create", "follow_up_create"):
        url = reverse(f"boards:{name}", args=[meeting.pk])
        assert client_for(member).get(url).status_code == 403
        assert client_for(member).post(url, {"text": "x"}).status_code == 403
    assert not Decision.objects.exists()


def test_follow_up_owner_marks_it_done(meeting, action, lead, viewer):
    follow_up = FollowUp.objects.create(meeting=meeting, owner=lead, description="x", due_date=datetime.date(2013, 1, 1))
    url = reverse("boards:follow_up_done", args=[follow_up.pk])
    assert client_for(viewer).post(url).status_code == 403
    assert client_for(lead).post(url).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done


def _note(meeting, action, chair):
    return ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="challenge",
                                     text="Not assured")


def test_lead_answers_and_chair_resolves_with_a_reason(meeting, action, chair, lead):
    note = _note(meeting, action, chair)
    response = client_for(lead).post(reverse("boards:note_respond", args=[note.pk]), {"text": "Audit attached"})
    assert response.status_code == 302
    assert ReviewResponse.objects.get().author == lead
    resolve = reverse("boards:note_resolve", args=[note.pk])
    assert client_for(lead).post(resolve, {"resolution": "Seen the audit"}).status_code == 403
    response = client_for(chair).post(resolve, {"resolution": "The audit shows the work is done."})
    assert response.status_code == 302 and response.url == reverse("boards:note_detail", args=[note.pk])
    note.refresh_from_db()
    assert (note.status, note.closed_by, note.resolution) == ("resolved", chair, "The audit shows the work is done.")
    assert note.closed_at is not None


def test_resolving_asks_first_and_changes_nothing_until_confirmed(meeting, action, chair):
    note = _note(meeting, action, chair)
    page = client_for(chair).get(reverse("boards:note_resolve", args=[note.pk]))
    assert page.status_code == 200
    assert "Resolve the challenge on action" in page.content.decode()
    assert "Not assured" in page.content.decode()
    note.refresh_from_db()
    assert note.status == "open"


def test_resolving_without_a_reason_is_refused_on_its_own_page(meeting, action, chair):
    note = _note(meeting, action, chair)
    response = client_for(chair).post(reverse("boards:note_resolve", args=[note.pk]), {"resolution": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Resolve the challenge" in page
    assert "Enter why the note is resolved" in page
    note.refresh_from_db()
    assert note.status == "open" and note.closed_by is None


def test_the_old_one_click_resolve_goes_to_the_confirmation_page(meeting, action, chair):
    note = _note(meeting, action, chair)
    response = client_for(chair).post(reverse("boards:note_close", args=[note.pk]), {"status": "resolved"})
    assert response.status_code == 302 and response.url == reverse("boards:note_resolve", args=[note.pk])
    note.refresh_from_db()
    assert note.status == "open"


def test_the_thread_shows_who_resolved_it_when_and_why(meeting, action, chair, frozen_today):
    note = _note(meeting, action, chair)
    note.resolve(by=chair, reason="The audit shows the work is done.")
    page = client_for(chair).get(reverse("boards:note_detail", args=[note.pk])).content.decode()
    assert '<h2 class="moj-timeline__title">Resolved</h2> <p class="moj-timeline__byline">by ' + str(chair) in page
    assert "20 December 2012" in page and "The audit shows the work is done." in page


def test_a_resolved_thread_offers_to_reopen_it_not_to_close_it(meeting, action, chair):
    note = _note(meeting, action, chair)
    note.resolve(by=chair, reason="Assured")
    page = client_for(chair).get(reverse("boards:note_detail", args=[note.pk])).content.decode()
    assert "Close the thread" not in page and "Mark resolved" not in page
    assert "Reopen the thread" in page and ">Reopen</button>" in page
    note.reopen()
    page = client_for(chair).get(reverse("boards:note_detail", args=[note.pk])).content.decode()
    assert "Close the thread" in page and "Reopen the thread" not in page


def test_the_thread_keeps_a_space_between_each_title_and_its_byline(meeting, action, chair, lead):
    note = _note(meeting, action, chair)
    ReviewResponse.objects.create(note=note, author=lead, text="Audit attached")
    page = client_for(chair).get(reverse("boards:note_detail", args=[note.pk])).content.decode()
    assert "</h2><p" not in page
    assert page.count('</h2> <p class="moj-timeline__byline">by ') == 2


def test_chair_carries_a_note_forward(meeting, action, chair):
    note = _note(meeting, action, chair)
    client_for(chair).post(reverse("boards:note_close", args=[note.pk]), {"status": "carried_forward"})
    note.refresh_from_db()
    assert note.status == "carried_forward"


@pytest.mark.parametrize("persona", ["lead2", "member", "viewer"])
def test_only_the_actions_leads_answer(request, meeting, action, chair, persona, shared_action):
    note = _note(meeting, action, chair)
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("boards:note_respond", args=[note.pk]), {"text": "Me too"})
    assert response.status_code == 403
    assert not ReviewResponse.objects.exists()


def test_an_empty_answer_is_refused(meeting, action, chair, lead):
    note = _note(meeting, action, chair)
    response = client_for(lead).post(reverse("boards:note_respond", args=[note.pk]), {"text": ""})
    assert response.status_code == 400
    assert "Enter your answer" in response.content.decode()


def test_open_challenges_show_on_the_action_page_and_my_actions(meeting, action, chair, lead):
    _note(meeting, action, chair)
    assert "Not assured" in client_for(lead).get(action.get_absolute_url()).content.decode()
    assert "Not assured" in client_for(lead).get(reverse("improvement:my_actions")).content.decode()


def test_note_thread_is_404_for_an_outsider_and_refuses_post(meeting, action, chair, outsider):
    note = _note(meeting, action, chair)
    url = reverse("boards:note_detail", args=[note.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(chair).post(url).status_code == 405


def test_marking_a_follow_up_done_never_redirects_elsewhere(meeting, action, lead):
    follow_up = FollowUp.objects.create(meeting=meeting, owner=lead, description="x", due_date=datetime.date(2013, 1, 1))
    response = client_for(lead).post(reverse("boards:follow_up_done", args=[follow_up.pk]),
                                     {"next": "//evil.example/phish"})
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()


def test_thread_times_are_valid_html_datetimes_without_microseconds(meeting, action, chair):
    note = _note(meeting, action, chair)
    ReviewNote.objects.filter(pk=note.pk).update(
        created_at=datetime.datetime(2012, 12, 17, 11, 5, 7, 458111, tzinfo=datetime.UTC))
    page = client_for(chair).get(reverse("boards:note_detail", args=[note.pk])).content.decode()
    assert 'datetime="2012-12-17T11:05:07+0000"' in page
def test_a_meeting_before_its_rounds_period_is_refused(board, plan, open_round, officer):
    response = client_for(officer).post(reverse("boards:meeting_create", args=[board.pk]), {
        "plan": plan.pk, "round": open_round.pk, "date_0": "5", "date_1": "3", "date_2": "2010"})

    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [
        "The meeting must be on or after the start of the round it reviews (1 December 2012), not 5 March 2010"]
    assert not Meeting.objects.exists()


def follow_up(owner, day, month, year, **extra):
    return {"description": "Report back", "owner": owner.pk, "due_date_0": str(day), "due_date_1": str(month),
            "due_date_2": str(year), **extra}


def test_a_follow_up_due_before_its_meeting_is_refused(meeting, action, officer, lead, frozen_today):
    response = client_for(officer).post(reverse("boards:follow_up_create", args=[meeting.pk]),
                                        follow_up(lead, 1, 12, 2012))

    assert response.status_code == 400
    assert response.context["form"].errors["due_date"] == [
        "The follow-up must be due on or after its meeting (17 December 2012), not 1 December 2012"]
    assert not FollowUp.objects.exists()


def test_a_follow_up_due_years_ahead_is_recorded_only_once_confirmed(meeting, action, officer, lead, frozen_today):
    client = client_for(officer)
    url = reverse("boards:follow_up_create", args=[meeting.pk])
    response = client.post(url, follow_up(lead, 14, 1, 2031))

    assert response.status_code == 400
    assert "The due date is more than 5 years ahead (14 January 2031)" in response.content.decode()
    assert not FollowUp.objects.exists()
    assert client.post(url, follow_up(lead, 14, 1, 2031, confirm_unusual="on")).status_code == 302
    assert FollowUp.objects.get().due_date == datetime.date(2031, 1, 14)
