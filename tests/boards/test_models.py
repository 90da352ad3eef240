import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from boards.models import (
    Assessment,
    AttentionItem,
    Meeting,
    ReviewNote,
    ScrutinyReview,
    Submission,
    UpdateRound,
)
from improvement.models import Update
from tests.conftest import PERIOD, make_action, status

NOV = datetime.date(2012, 11, 1)


def _at(day, hour=12):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_opening_a_round_makes_its_period_the_plans_current_period(plan, manager):
    round_ = UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 15),
                                    deadline=datetime.date(2013, 1, 10), by=manager)
    plan.refresh_from_db()
    assert round_.period == datetime.date(2013, 1, 1)
    assert plan.current_period == datetime.date(2013, 1, 1)


def test_deadline_before_the_period_starts_is_refused(plan, manager):
    with pytest.raises(ValidationError, match="on or after the first day"):
        UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1),
                               deadline=datetime.date(2012, 12, 31), by=manager)
    assert not UpdateRound.objects.exists()


def test_only_one_round_is_open_per_plan(plan, manager, open_round):
    with pytest.raises(ValidationError, match="Close the open round"):
        UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1),
                               deadline=datetime.date(2013, 1, 10), by=manager)
    with pytest.raises(IntegrityError):
        UpdateRound.objects.create(plan=plan, period=datetime.date(2013, 2, 1), deadline=datetime.date(2013, 2, 10))


def test_submissions_say_who_submitted_on_time_late_or_not_at_all(theme, lead, lead_post, scheme, open_round):
    on_time = make_action(theme, "1", leads=[lead_post])
    on_time.record_update(status=status(scheme, "G"), note="ok", by=lead, written_at=_at(datetime.date(2012, 12, 10), 23))
    late = make_action(theme, "2", leads=[lead_post])
    late.record_update(status=status(scheme, "G"), note="ok", by=lead, written_at=_at(datetime.date(2012, 12, 11), 9))
    missing = make_action(theme, "3", leads=[lead_post])
    done = make_action(theme, "4", leads=[lead_post])
    done.record_update(status=status(scheme, "B"), note="done", by=lead, period=NOV)

    before = {s.action: s.state for s in open_round.submissions(as_of=datetime.date(2012, 12, 10))}
    after = {s.action: s.state for s in open_round.submissions(as_of=datetime.date(2012, 12, 11))}

    assert done not in before  # complete actions need no update
    assert before[on_time] == Submission.SUBMITTED
    assert before[late] == Submission.SUBMITTED_LATE
    assert before[missing] == Submission.AWAITED
    assert after[missing] == Submission.LATE
    leads = open_round.by_lead(open_round.submissions(as_of=datetime.date(2012, 12, 11)))
    assert [(summary.user, summary.outstanding, summary.late) for summary in leads] == [(lead, 1, 2)]


def test_vacant_posts_show_in_the_lead_summary(theme, council, open_round):
    from improvement.models import Post

    vacant = Post.objects.create(organisation=council, title="Head of Corporate Parenting (to be appointed)")
    make_action(theme, "1", leads=[vacant])
    leads = open_round.by_lead(open_round.submissions(as_of=datetime.date(2012, 12, 1)))
    assert [summary.name for summary in leads] == ["Head of Corporate Parenting (to be appointed) (vacant)"]


def test_closing_a_round_fixes_which_update_counts(action, lead, scheme, open_round, manager):
    action.record_update(status=status(scheme, "G"), note="first", by=lead)
    counted = action.record_update(status=status(scheme, "A"), note="second", by=lead)
    open_round.close(by=manager)
    action.record_update(status=status(scheme, "R"), note="after closing", by=lead)

    assert open_round.counted.get().update == counted
    view = open_round.period_view(as_of=PERIOD)
    assert view.by_action()[action.pk].status.code == "A"
    assert view.by_action()[action.pk].update == counted
    assert Update.objects.filter(action=action).count() == 3  # nothing is lost
    with pytest.raises(ValidationError, match="already closed"):
        open_round.close(by=manager)


def test_attention_list_follows_the_rules(plan, theme, lead, scheme, meeting, member):
    red = make_action(theme, "1")
    red.record_update(status=status(scheme, "R"), note="stuck", by=lead)
    overdue = make_action(theme, "2", due_date=datetime.date(2012, 12, 1))
    overdue.record_update(status=status(scheme, "G"), note="late", by=lead)
    missing = make_action(theme, "3")
    missing.record_update(status=status(scheme, "G"), note="old", by=lead, period=NOV)
    declined = make_action(theme, "4")
    declined.record_update(status=status(scheme, "G"), note="was fine", by=lead, period=NOV)
    declined.record_update(status=status(scheme, "A"), note="slipping", by=lead)
    fine = make_action(theme, "5", due_date=datetime.date(2013, 6, 30))
    fine.record_update(status=status(scheme, "G"), note="fine", by=lead)
    added = make_action(theme, "6")
    added.record_update(status=status(scheme, "G"), note="fine", by=lead)
    AttentionItem.objects.create(meeting=meeting, action=added, reason="Deep dive", added_by=member)

    entries = {entry.action.number: entry.reasons for entry in meeting.attention_list()}

    assert set(entries) == {"1", "2", "3", "4", "6"}
    assert entries["1"][0].startswith("Red: ")
    assert entries["2"] == ["Overdue: due 1 December 2012"]
    assert entries["3"] == ["No update for December 2012"]
    assert entries["4"] == ["Declined since last period (Green to Amber)"]
    assert entries["6"] == [f"Added by {member}: Deep dive"]


def test_attention_list_puts_the_most_serious_first(theme, lead, scheme, meeting, member):
    missing = make_action(theme, "1")
    missing.record_update(status=status(scheme, "G"), note="old", by=lead, period=NOV)
    added = make_action(theme, "2")
    added.record_update(status=status(scheme, "G"), note="fine", by=lead)
    AttentionItem.objects.create(meeting=meeting, action=added, reason="Deep dive", added_by=member)
    declined = make_action(theme, "3")
    declined.record_update(status=status(scheme, "G"), note="was fine", by=lead, period=NOV)
    declined.record_update(status=status(scheme, "A"), note="slipping", by=lead)
    overdue = make_action(theme, "4", due_date=datetime.date(2012, 12, 1))
    overdue.record_update(status=status(scheme, "G"), note="late", by=lead)
    overdue_and_missing = make_action(theme, "5", due_date=datetime.date(2012, 12, 1))
    overdue_and_missing.record_update(status=status(scheme, "G"), note="old", by=lead, period=NOV)
    red = make_action(theme, "6")
    red.record_update(status=status(scheme, "R"), note="stuck", by=lead)

    entries = meeting.attention_list()

    # Red first; then overdue, with two reasons before one; declined; added by hand; missing update.
    assert [entry.action.number for entry in entries] == ["6", "5", "4", "3", "2", "1"]
    assert [sorted(entry.kinds) for entry in entries] == [
        ["status"], ["missing", "overdue"], ["overdue"], ["declined"], ["added"], ["missing"]]


def test_a_meeting_needs_a_round_of_its_own_plan(board, plan, open_round, council, scheme):
    from improvement.models import Plan

    other = Plan.objects.create(organisation=council, name="Other", slug="other", rag_scheme=scheme, current_period=PERIOD)
    board.plans.add(other)
    meeting = Meeting(board=board, plan=other, round=open_round, date=datetime.date(2012, 12, 17))
    with pytest.raises(ValidationError, match="another plan"):
        meeting.full_clean()
    with pytest.raises(ValidationError):
        Meeting(board=board, plan=plan, date=datetime.date(2012, 12, 17)).full_clean()


def test_earlier_open_notes_and_follow_ups_are_carried_into_the_next_meeting(board, plan, open_round, action, chair, manager):
    from boards.models import FollowUp

    first = Meeting.objects.create(board=board, plan=plan, round=open_round, date=datetime.date(2012, 11, 19))
    second = Meeting.objects.create(board=board, plan=plan, round=open_round, date=datetime.date(2012, 12, 17))
    carried = ReviewNote.objects.create(meeting=first, action=action, author=chair, kind="challenge", text="Why?",
                                        status=ReviewNote.Status.CARRIED_FORWARD)
    ReviewNote.objects.create(meeting=first, action=action, author=chair, kind="comment", text="Noted",
                              status=ReviewNote.Status.RESOLVED)
    unfinished = FollowUp.objects.create(meeting=first, owner=manager, description="Report back",
                                         due_date=datetime.date(2012, 12, 10))
    FollowUp.objects.create(meeting=first, owner=manager, description="Done already", due_date=datetime.date(2012, 12, 1),
                            done=True)
    assert list(second.open_notes_carried_in()) == [carried]
    assert list(second.follow_ups_carried_in()) == [unfinished]
    assert not first.open_notes_carried_in().exists()


@pytest.fixture
def review(plan, board):
    return ScrutinyReview.objects.create(board=board, plan=plan, title="3-month actions", date=datetime.date(2012, 10, 1),
                                         scope="Ofsted immediate and 3-month actions")


@pytest.mark.parametrize("conclusion", [Assessment.Conclusion.PARTIALLY_COMPLETE, Assessment.Conclusion.UNKNOWN])
def test_some_conclusions_need_a_comment(review, conclusion):
    with pytest.raises(ValidationError, match="needs one"):
        Assessment(review=review, number="1", requirement="x", conclusion=conclusion, comment=" ").full_clean()


def test_review_summary_counts_every_conclusion(review):
    for number, conclusion in [("1", "complete"), ("2", "complete"), ("3", "unknown")]:
        Assessment.objects.create(review=review, number=number, requirement="r", conclusion=conclusion, comment="c")
    assert review.summary() == [("complete", "Complete", 2), ("partially_complete", "Partially complete", 0),
                                ("not_complete", "Not complete", 0), ("unknown", "Unknown (no evidence received)", 1)]


def test_a_conclusion_never_changes_the_leads_status(review, action, lead, scheme):
    action.record_update(status=status(scheme, "B"), note="Done", by=lead)
    assessment = Assessment.objects.create(review=review, number="1", requirement="r",
                                           conclusion="partially_complete", comment="Not yet evidenced")
    assessment.actions.add(action)
    action.refresh_from_db()
    assert action.current_status.code == "B"
    assert assessment.disagrees_with(action.current_status)
    assert not Assessment(conclusion="complete").disagrees_with(action.current_status)
    assert Assessment(conclusion="complete").disagrees_with(status(scheme, "G"))
    assert not Assessment(conclusion="partially_complete").disagrees_with(status(scheme, "A"))
