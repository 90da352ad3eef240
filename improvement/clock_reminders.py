"""Reminders of a plan's statutory deadlines: each plan manager is emailed once about each date
on the plan's clock, ``CLOCK_REMINDER_WORKING_DAYS`` working days ahead of it (or on the first
run after that, up to the date itself). Every attempt is recorded (``ClockReminder``); a failed
one is tried again on the next run and never reported as sent.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from .lib.dates import working_days_before
from .mail import recipient_language, templated_email
from .models import ClockReminder, Plan

logger = logging.getLogger(__name__)


@dataclass
class Result:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # sent on an earlier run
    dates: list = field(default_factory=list)  # the deadlines reminded of now


def due_for_reminder(clock, as_of: datetime.date, *, lead: int) -> list:
    """The dates of ``clock`` whose reminder is due on ``as_of``: within ``lead`` working days
    ahead of them, and not yet passed (a window is reminded of before it opens)."""
    return [deadline for deadline in clock.deadlines
            if working_days_before(deadline.date, lead) <= as_of <= deadline.date]


def _message(plan, deadline, clock, manager, base_url):
    """The reminder to one manager, in the language they chose (User.language)."""
    with translation.override(recipient_language(manager)):
        # The clock's words (how each date is worked out) are made again in their language.
        clock = plan.clock() or clock
        deadline = next((d for d in clock.deadlines if (d.key, d.date) == (deadline.key, deadline.date)), deadline)
        return _render(plan, deadline, clock, manager, base_url)


def _render(plan, deadline, clock, manager, base_url):
    return templated_email("improvement/emails/clock_reminder.txt", {
        "plan": plan, "deadline": deadline, "clock": clock,
        "name": manager.get_full_name() or manager.username,
        "plan_url": f"{base_url.rstrip('/')}{reverse('improvement:plan_detail', args=[plan.pk])}#statutory-deadlines",
    }, [manager.email])


def send_plan_clock_reminders(plan, *, as_of: datetime.date, base_url: str | None = None) -> Result:
    result = Result()
    clock = plan.clock()
    if clock is None:
        return result
    due = due_for_reminder(clock, as_of, lead=settings.CLOCK_REMINDER_WORKING_DAYS)
    if not due:
        return result
    base_url = base_url or settings.SITE_URL
    with transaction.atomic():
        # One sender at a time per plan, so two runs at once cannot both send.
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        sent = set(ClockReminder.objects.filter(plan=plan, status=ClockReminder.Status.SENT)
                   .values_list("deadline", "due_date", "user_id"))
        managers = list(plan.managers())
        for deadline in due:
            reminded = False
            for manager in managers:
                if (deadline.key, deadline.date, manager.pk) in sent:
                    result.skipped += 1
                    continue
                error = "" if manager.email else "No email address recorded"  # a record for administrators
                if not error:
                    try:
                        _message(plan, deadline, clock, manager, base_url).send()
                    except Exception as failure:  # noqa: BLE001 - any mail failure is recorded and retried
                        logger.warning("Clock reminder to %s failed: %s", manager, failure)
                        error = str(failure)[:2000]
                ClockReminder.objects.create(
                    plan=plan, user=manager, deadline=deadline.key, due_date=deadline.date, error=error,
                    status=ClockReminder.Status.FAILED if error else ClockReminder.Status.SENT)
                if error:
                    result.failed += 1
                else:
                    result.sent += 1
                    reminded = True
            if reminded:
                result.dates.append(deadline)
    return result
