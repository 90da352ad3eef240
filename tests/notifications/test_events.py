"""Which events make deliveries, to which subscriptions, and what each carries: only what any
reader of the plan sees, and none of the words people wrote in it (review notes, challenges,
answers) nor their names. Built when the event happens, in its transaction (tasks run in the
test's process: the suite's immediate backend, so each delivery goes to the receiver at once)."""

import datetime
import json

import pytest
from django.core.management import call_command

from boards.models import ReviewNote, UpdateRound
from improvement.models import Plan
from notifications.models import Delivery, Event, Subscription
from reports.models import BoardPack
from tests.conftest import client_for, make_action, status

SECRET_WORDS = "Stalled: the social worker on the Smith case is off sick"


def payloads(receiver):
    return [request.json() for request in receiver.requests]


def test_an_update_sends_the_action_status_and_period_and_not_the_review_note(
        action, lead, scheme, subscription, receiver, on_commit):
    with on_commit():
        action.record_update(status=status(scheme, "A"), note=SECRET_WORDS, by=lead,
                             revised_due_date=datetime.date(2013, 3, 31), revised_date_reason="Waiting on audit")
    (payload,) = payloads(receiver)
    assert payload["event"] == "update.recorded"
    assert payload["summary"] == "Action 1.1: Amber for December 2012"
    assert payload["plan"] == {"id": action.plan.pk, "name": "Strategic Improvement Plan",
                               "url": f"http://127.0.0.1:8000/plans/{action.plan.pk}/"}
    assert payload["action"]["number"] == "1.1" and payload["action"]["url"].endswith(f"/actions/{action.pk}/")
    update = payload["update"]
    assert update["period"] == "2012-12" and update["status"]["label"] == "Amber"
    assert update["previous_status"] is None and update["revised_due_date"] == "2013-03-31"
    body = receiver.requests[0].body.decode()
    for private in ("Smith", "off sick", "Waiting on audit", "Lead", lead.username):
        assert private not in body


def test_a_status_turning_red_is_sent_once_and_not_again_while_it_stays_red(
        action, lead, scheme, plan, receiver, on_commit):
    Subscription.objects.create(plan=plan, name="Red only", kind="json", url=receiver.url, events=[Event.STATUS_RED])
    with on_commit():
        action.record_update(status=status(scheme, "G"), note="On track", by=lead)
        action.record_update(status=status(scheme, "R"), note="Stalled", by=lead)
        action.record_update(status=status(scheme, "R"), note="Still stalled", by=lead)
    (payload,) = payloads(receiver)
    assert payload["event"] == "status.red"
    assert payload["update"]["previous_status"]["label"] == "Green"
    assert payload["summary"] == "Action 1.1 turned Red for December 2012"


def test_a_subscription_is_sent_only_the_events_it_follows_and_only_of_its_own_plan(
        action, lead, scheme, plan, receiver, on_commit, council):
    Subscription.objects.create(plan=plan, name="Rounds", kind="json", url=receiver.url,
                                events=[Event.ROUND_OPENED])
    other_plan = Plan.objects.create(organisation=council, name="Other plan", slug="other", rag_scheme=scheme,
                                     current_period=plan.current_period)
    other_theme = other_plan.themes.create(code="1", title="Other theme", position=1)
    other_action = make_action(other_theme, "1.1")
    with on_commit():
        action.record_update(status=status(scheme, "R"), note="x", by=lead)  # not followed
        other_action.record_update(status=status(scheme, "R"), note="x", by=lead)
        UpdateRound.open_round(plan=other_plan, period=datetime.date(2013, 1, 1),
                               deadline=datetime.date(2013, 1, 10), by=lead)
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_a_review_note_posted_sends_its_kind_and_link_not_its_text(
        meeting, chair, action, subscription, receiver, on_commit):
    with on_commit():
        response = client_for(chair).post(f"/meetings/{meeting.pk}/notes/new/",
                                          {"action": action.pk, "kind": "challenge", "text": SECRET_WORDS})
    assert response.status_code == 302, response.content.decode()[:2000]
    note = ReviewNote.objects.get()
    (payload,) = payloads(receiver)
    assert payload["event"] == "challenge.posted"
    assert payload["note"]["kind"] == "challenge" and payload["note"]["url"].endswith(f"/notes/{note.pk}/")
    assert payload["meeting"]["board"] == "Improvement Board" and payload["meeting"]["date"] == "2012-12-17"
    assert payload["summary"] == "Challenge posted on action 1.1 for the meeting of 17 December 2012"
    body = receiver.requests[0].body.decode()
    assert "Smith" not in body and "Chair" not in body


def test_a_lead_answering_a_challenge_sends_that_it_was_answered_not_the_answer(
        meeting, chair, lead, action, subscription, receiver, on_commit):
    note = ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="question", text="Why?")
    with on_commit():
        response = client_for(lead).post(f"/notes/{note.pk}/answer/", {"text": SECRET_WORDS})
    assert response.status_code == 302
    (payload,) = payloads(receiver)
    assert payload["event"] == "challenge.answered"
    assert payload["summary"] == "Question on action 1.1 answered"
    assert "answered_at" in payload["note"] and "Smith" not in receiver.requests[0].body.decode()


def test_a_round_opened_sends_its_period_and_deadline(plan, manager, subscription, receiver, on_commit):
    with on_commit():
        UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1), deadline=datetime.date(2013, 1, 10),
                               by=manager)
    (payload,) = payloads(receiver)
    assert payload["event"] == "round.opened"
    assert payload["round"]["period"] == "2013-01" and payload["round"]["deadline"] == "2013-01-10"


def test_a_round_closing_soon_is_sent_once_by_the_daily_reminders_run(
        plan, manager, action, lead, subscription, receiver, on_commit):
    import time_machine

    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 20),
                                        opened_by=manager)
    with time_machine.travel(datetime.datetime(2012, 12, 10, 9, tzinfo=datetime.UTC), tick=False), on_commit():
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115 - ten days ahead: not yet
    assert receiver.requests == []
    for day in (18, 19):
        with time_machine.travel(datetime.datetime(2012, 12, day, 9, tzinfo=datetime.UTC), tick=False), on_commit():
            call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (payload,) = payloads(receiver)
    assert payload["event"] == "round.closing_soon"
    assert payload["round"]["id"] == round_.pk and payload["round"]["days_left"] == 2
    assert payload["summary"] == "Updates for December 2012 are due in 2 days (20 December 2012)"


def test_a_pack_issued_sends_its_version_and_the_pack_page_not_the_pdf(
        meeting, manager, subscription, receiver, on_commit):
    with on_commit():
        pack = BoardPack.issue(meeting=meeting, pdf=b"%PDF-1.7 the pack", pages=12, by=manager)
    (payload,) = payloads(receiver)
    assert payload["event"] == "pack.issued"
    assert payload["pack"] == {"id": pack.pk, "version": 1, "pages": 12, "issued_at": pack.issued_at.isoformat(),
                               "url": f"http://127.0.0.1:8000/meetings/{meeting.pk}/pack/"}
    assert b"%PDF" not in receiver.requests[0].body


def test_an_event_rolled_back_sends_nothing(action, lead, scheme, subscription, receiver, on_commit):
    from django.db import transaction

    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        action.record_update(status=status(scheme, "R"), note="x", by=lead)
        raise RuntimeError("the request failed after recording")
    assert receiver.requests == [] and not Delivery.objects.exists()


@pytest.mark.parametrize("event", [value for value, _label in Event.choices])
def test_every_payload_holds_only_the_documented_fields(event, plan, action, lead, manager, chair, meeting, scheme,
                                                        receiver, on_commit):
    """What each event carries is listed in docs/webhooks.md; a field added here without being
    documented (and so without deciding that every reader may see it) fails."""
    from tests.notifications.documented import documented_fields

    subscription = Subscription.objects.create(plan=plan, name="All", kind="json", url=receiver.url, events=[event])
    with on_commit():
        if event in (Event.UPDATE_RECORDED, Event.STATUS_RED):
            action.record_update(status=status(scheme, "R"), note="x", by=lead,
                                 revised_due_date=datetime.date(2013, 3, 1), revised_date_reason="r")
        elif event == Event.CHALLENGE_POSTED:
            client_for(chair).post(f"/meetings/{meeting.pk}/notes/new/", {"action": action.pk, "kind": "challenge",
                                                                         "text": "Why?"})
        elif event == Event.CHALLENGE_ANSWERED:
            note = ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="question", text="?")
            client_for(lead).post(f"/notes/{note.pk}/answer/", {"text": "Because"})
        elif event == Event.ROUND_OPENED:
            meeting.round.close(by=manager)
            UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1), deadline=datetime.date(2013, 1, 10),
                                   by=manager)
        elif event == Event.ROUND_CLOSING_SOON:
            from notifications.events import round_is_closing_soon

            round_is_closing_soon(None, round=meeting.round, as_of=datetime.date(2012, 12, 8))
        elif event == Event.PACK_ISSUED:
            BoardPack.issue(meeting=meeting, pdf=b"%PDF", pages=1, by=manager)
        else:
            client_for(manager).post(f"/notifications/{subscription.pk}/test/")
    (request,) = receiver.requests
    sent, documented = set(flatten(json.loads(request.body))), set(documented_fields(event))
    assert sorted(sent - documented) == []  # nothing undocumented
    # ...and everything documented is there (a null stands for the fields documented under it).
    assert [field for field in sorted(documented)
            if not any(path == field or path.startswith(f"{field}.") or field.startswith(f"{path}.")
                       for path in sent)] == []


def flatten(value, prefix=""):
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def test_a_batch_of_updates_sends_one_each_and_red_only_where_the_status_turned(
        theme, lead_post, lead, scheme, plan, receiver, on_commit):
    from improvement.models import UpdateEntry, record_updates

    Subscription.objects.create(plan=plan, name="Red", kind="json", url=receiver.url, events=[Event.STATUS_RED])
    first, second = make_action(theme, "2.1", leads=[lead_post]), make_action(theme, "2.2", leads=[lead_post])
    second.record_update(status=status(scheme, "R"), note="Red already", by=lead)
    with on_commit():
        record_updates([UpdateEntry(first, status=status(scheme, "G"), note="ok"),
                        UpdateEntry(first, status=status(scheme, "R"), note="then Red"),
                        UpdateEntry(second, status=status(scheme, "R"), note="still Red")], by=lead)
    assert [payload["summary"] for payload in payloads(receiver)] == ["Action 2.1 turned Red for December 2012"]
    assert payloads(receiver)[0]["update"]["previous_status"]["label"] == "Green"


@pytest.mark.parametrize("size", [2, 40])
def test_a_batch_of_updates_is_read_and_written_in_a_fixed_number_of_queries(
        size, theme, lead_post, lead, scheme, plan, subscription, django_assert_num_queries):
    from improvement.models import UpdateEntry, record_updates
    from notifications.events import updates_were_recorded

    actions = [make_action(theme, f"5.{n}", leads=[lead_post]) for n in range(size)]
    updates = record_updates([UpdateEntry(action, status=status(scheme, "R"), note="x") for action in actions],
                             by=lead)
    Delivery.objects.all().delete()
    # Subscriptions, the statuses before, the scheme's statuses, deliveries already made, the insert.
    with django_assert_num_queries(5):
        updates_were_recorded(None, plan=plan, updates=updates)
    assert Delivery.objects.count() == 2 * size  # the update, and its turning Red
