"""Reminder and chaser emails for an update round, each sent at most once per lead and rule.

A reminder goes a few days before the deadline, a chaser after it, to each lead with open
actions still missing this period's update, listing them with links. Every attempt is
recorded; a failed one is recorded as failed and tried again on the next run, never reported
as sent.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from improvement.lib.text import shorten

from .models import Reminder, UpdateRound

logger = logging.getLogger(__name__)


@dataclass
class Result:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def due_kind(round_, as_of, *, manual=False) -> str | None:
    """Which rule applies today: a reminder in the days before the deadline, a chaser after.

    A manager sending by hand gets the rule for the side of the deadline it is."""
    if as_of > round_.deadline:
        return Reminder.Kind.CHASER
    days_left = (round_.deadline - as_of).days
    if manual or days_left <= UpdateRound.REMINDER_DAYS_BEFORE:
        return Reminder.Kind.REMINDER
    return None


def _message(round_, user, actions, kind, base_url):
    base = base_url.rstrip("/")
    lines = [f"  {a.number}  {shorten(a.description, 90)}\n  {base}{reverse('improvement:record_update', args=[a.pk])}"
             for a in actions]
    if kind == Reminder.Kind.REMINDER:
        subject = f"Reminder: {round_.plan.name} updates due {round_.deadline:%-d %B %Y}"
        opening = (f"Updates for {round_.period_label} are due by {round_.deadline:%A %-d %B %Y}. "
                   f"These actions you lead still need one:")
    else:
        subject = f"Overdue: {round_.plan.name} updates for {round_.period_label}"
        opening = (f"The deadline for {round_.period_label} updates was {round_.deadline:%A %-d %B %Y}. "
                   f"These actions you lead still have no update:")
    body = f"Dear {user.get_full_name() or user.username},\n\n{opening}\n\n" + "\n\n".join(lines) + (
        f"\n\nAll your actions: {base}{reverse('improvement:my_actions')}\n")
    return EmailMessage(subject, body, to=[user.email])


def send_round_reminders(round_, *, as_of, manual=False, base_url=None) -> Result:
    result = Result()
    kind = due_kind(round_, as_of, manual=manual)
    if kind is None or not round_.is_open:
        return result
    base_url = base_url or settings.SITE_URL
    with transaction.atomic():
        # One sender at a time per round, so two runs at once cannot both send.
        UpdateRound.objects.select_for_update().filter(pk=round_.pk).first()
        already = set(Reminder.objects.filter(round=round_, kind=kind, status=Reminder.Status.SENT)
                      .values_list("user_id", flat=True))
        for user, actions in round_.leads_missing_updates().items():
            if user.pk in already:
                result.skipped += 1
                continue
            numbers = ", ".join(a.number for a in actions)
            if not user.email:
                Reminder.objects.create(round=round_, user=user, kind=kind, status=Reminder.Status.FAILED,
                                        action_numbers=numbers, error="No email address recorded")
                result.failed += 1
                continue
            try:
                _message(round_, user, actions, kind, base_url).send()
            except Exception as error:  # noqa: BLE001 - any mail failure is recorded and retried
                logger.warning("Reminder to %s failed: %s", user, error)
                Reminder.objects.create(round=round_, user=user, kind=kind, status=Reminder.Status.FAILED,
                                        action_numbers=numbers, error=str(error)[:2000])
                result.failed += 1
            else:
                Reminder.objects.create(round=round_, user=user, kind=kind, status=Reminder.Status.SENT,
                                        action_numbers=numbers)
                result.sent += 1
    return result
