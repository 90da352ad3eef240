"""What each event sends, and the receivers that turn the apps' signals into deliveries.

A payload carries only what every reader of the plan sees on its pages, and less: names and
numbers, statuses, dates and links, never free text that people wrote in the plan (an update's
review note, a challenge, an answer, a resolution) nor who wrote it. A Teams channel or another
system is not governed by the plan's access rules, so what it is told stays a prompt to open
the plan, where the reader signs in and the plan's rules apply (docs/webhooks.md lists each
event's fields; decision "webhooks carry links, not the plan's words").

The deliveries are written in the transaction of the event (none for an event rolled back) and
queued for the task worker once it commits.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from boards import signals as board_signals
from improvement.lib.text import shorten
from improvement.models import Action, RagStatus, Update, period_label
from improvement.signals import updates_recorded
from reports import signals as report_signals

from .models import Delivery, Event, Subscription
from .tasks import queue

DESCRIPTION_LIMIT = 140


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _plan(plan) -> dict:
    return {"id": plan.pk, "name": plan.name, "url": absolute(plan.get_absolute_url())}


def _action(action) -> dict:
    return {"id": action.pk, "number": action.number, "description": shorten(action.description, DESCRIPTION_LIMIT),
            "url": absolute(action.get_absolute_url())}


def _status(status) -> dict | None:
    if status is None:
        return None
    return {"code": status.code, "label": status.label, "colour": status.colour,
            "needs_board_attention": status.needs_board_attention}


def _meeting(meeting) -> dict:
    return {"id": meeting.pk, "date": meeting.date.isoformat(), "board": meeting.board.name,
            "url": absolute(meeting.get_absolute_url())}


def record(plan, events, *, subscriptions=None) -> list[Delivery]:
    """A delivery of each event, ``(event, key, summary, body)``, to each of the plan's
    subscriptions that follows it, sent by the task worker once the transaction commits. An
    event already delivered to a subscription under its ``key`` is not sent again. A fixed
    number of queries however many events (a whole import's updates come at once)."""
    if subscriptions is None:
        subscriptions = list(Subscription.objects.filter(plan_id=plan.pk).only("pk", "events"))
    wanted = [(subscription, event) for event in events for subscription in subscriptions
              if subscription.follows(event[0])]
    if not wanted:
        return []
    taken = set(Delivery.objects.filter(subscription__in={subscription.pk for subscription, _event in wanted},
                                        key__in={event[1] for _subscription, event in wanted})
                .values_list("subscription_id", "key"))
    now = timezone.now().isoformat()
    plan_part = _plan(plan)
    deliveries = Delivery.objects.bulk_create(
        Delivery(subscription=subscription, event=name, key=key, summary=shorten(summary, 300),
                 payload={"event": name, "occurred_at": now, "summary": summary, "plan": plan_part, **body})
        for subscription, (name, key, summary, body) in wanted if (subscription.pk, key) not in taken)
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: queue(ids))
    return deliveries


@receiver(updates_recorded, dispatch_uid="notifications:updates_recorded")
def updates_were_recorded(sender, plan, updates, **kwargs):
    """Each update recorded, and each that turns its action's status to one needing the board's
    attention (Red) from one that did not. The status before is the one of the action's update
    before it in the RAG history (read in one query for all of them)."""
    subscriptions = list(Subscription.objects.filter(plan_id=plan.pk).only("pk", "events"))
    if not any(subscription.follows(Event.UPDATE_RECORDED) or subscription.follows(Event.STATUS_RED)
               for subscription in subscriptions):
        return
    first = min(update.pk for update in updates)
    earlier = Update.objects.filter(action_id=OuterRef("pk"), pk__lt=first).order_by("-pk").values("status_id")[:1]
    before = dict(Action.objects.filter(pk__in={update.action_id for update in updates})
                  .annotate(before=Subquery(earlier)).values_list("pk", "before"))
    statuses = {status.pk: status for status in RagStatus.objects.filter(scheme_id=plan.rag_scheme_id)}
    events = []
    for update in updates:
        status, previous = update.status, statuses.get(before.get(update.action_id))
        before[update.action_id] = update.status_id  # the next update of the action in this batch follows it
        action, label = update.action, period_label(update.period)
        body = {
            "action": _action(action),
            "update": {"period": update.period.strftime("%Y-%m"), "period_label": label,
                       "status": _status(status), "previous_status": _status(previous),
                       "revised_due_date": update.revised_due_date.isoformat() if update.revised_due_date else None,
                       "recorded_at": update.created_at.isoformat()},
        }
        events.append((Event.UPDATE_RECORDED, f"update:{update.pk}", f"Action {action.number}: {status.label} for "
                                                                      f"{label}", body))
        if status.needs_board_attention and not (previous and previous.needs_board_attention):
            events.append((Event.STATUS_RED, f"red:{update.pk}", f"Action {action.number} turned {status.label} "
                                                                 f"for {label}", body))
    record(plan, events, subscriptions=subscriptions)


def _note(note) -> dict:
    return {"id": note.pk, "kind": note.kind, "kind_label": note.get_kind_display(),
            "posted_at": note.created_at.isoformat(),
            "url": absolute(reverse("boards:note_detail", args=[note.pk]))}


@receiver(board_signals.review_note_posted, dispatch_uid="notifications:review_note_posted")
def review_note_was_posted(sender, note, **kwargs):
    meeting = note.meeting
    record(meeting.plan, [(Event.CHALLENGE_POSTED, f"note:{note.pk}",
                           f"{note.get_kind_display()} posted on action {note.action.number} for the meeting of "
                           f"{meeting.date:%-d %B %Y}",
                           {"action": _action(note.action), "note": _note(note), "meeting": _meeting(meeting)})])


@receiver(board_signals.review_note_answered, dispatch_uid="notifications:review_note_answered")
def review_note_was_answered(sender, note, response, **kwargs):
    meeting = note.meeting
    record(meeting.plan, [(Event.CHALLENGE_ANSWERED, f"answer:{response.pk}",
                           f"{note.get_kind_display()} on action {note.action.number} answered",
                           {"action": _action(note.action), "meeting": _meeting(meeting),
                            "note": {**_note(note), "answered_at": response.created_at.isoformat()}})])


def _round(round_) -> dict:
    return {"id": round_.pk, "period": round_.period.strftime("%Y-%m"), "period_label": round_.period_label,
            "deadline": round_.deadline.isoformat(), "url": absolute(round_.get_absolute_url())}


@receiver(board_signals.round_opened, dispatch_uid="notifications:round_opened")
def round_was_opened(sender, round, **kwargs):
    record(round.plan, [(Event.ROUND_OPENED, f"round:{round.pk}",
                         f"Update round opened for {round.period_label}: updates are due by {round.deadline:%-d %B %Y}",
                         {"round": _round(round)})])


@receiver(board_signals.round_closing_soon, dispatch_uid="notifications:round_closing_soon")
def round_is_closing_soon(sender, round, as_of, **kwargs):
    days = (round.deadline - as_of).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    record(round.plan, [(Event.ROUND_CLOSING_SOON, f"round-closing:{round.pk}",
                         f"Updates for {round.period_label} are due {when} ({round.deadline:%-d %B %Y})",
                         {"round": {**_round(round), "days_left": days}})])


@receiver(report_signals.pack_issued, dispatch_uid="notifications:pack_issued")
def pack_was_issued(sender, pack, **kwargs):
    meeting = pack.meeting
    record(meeting.plan, [(Event.PACK_ISSUED, f"pack:{pack.pk}",
                           f"Board pack version {pack.version} issued for the meeting of {meeting.date:%-d %B %Y}",
                           {"meeting": _meeting(meeting),
                            "pack": {"id": pack.pk, "version": pack.version, "pages": pack.pages,
                                     "issued_at": pack.issued_at.isoformat(),
                                     "url": absolute(reverse("reports:pack_page", args=[meeting.pk]))}})])


def test_payload(subscription) -> tuple[str, dict]:
    summary = f"A test notification for “{subscription.name}” from {subscription.plan.name}"
    return summary, {"event": Event.TEST, "occurred_at": timezone.now().isoformat(), "summary": summary,
                     "plan": _plan(subscription.plan)}
