import datetime

import pytest
from django.core import mail
from django.urls import reverse

from boards.models import AttentionItem, Decision, FollowUp, Meeting, ReviewNote, ReviewResponse
from tests.conftest import client_for, status


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


def test_members_cannot_record_decisions(meeting, member):
    response = client_for(member).post(reverse("boards:decision_create", args=[meeting.pk]), {"text": "x"})
    assert response.status_code == 403


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


def test_lead_answers_and_chair_resolves(meeting, action, chair, lead):
    note = _note(meeting, action, chair)
    response = client_for(lead).post(reverse("boards:note_respond", args=[note.pk]), {"text": "Audit attached"})
    assert response.status_code == 302
    assert ReviewResponse.objects.get().author == lead
    assert client_for(lead).post(reverse("boards:note_close", args=[note.pk]), {"status": "resolved"}).status_code == 403
    assert client_for(chair).post(reverse("boards:note_close", args=[note.pk]), {"status": "resolved"}).status_code == 302
    note.refresh_from_db()
    assert note.status == "resolved" and note.closed_by == chair


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
    assert response.context["follow_up_form"].errors["due_date"] == [
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
