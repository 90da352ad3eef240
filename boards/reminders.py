"""Reminder and chaser emails for an update round, each sent at most once per lead and rule.

A reminder goes a few days before the deadline, a chaser after it, to each lead with open
actions still missing this period's update, listing them with links. An action whose lead
posts no one holds has no one to remind: the plan's managers are told instead (once per
round), with a link to where each post gets a holder. Every attempt is recorded; a failed one
is recorded as failed and tried again on the next run, never reported as sent.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from improvement.lib.text import shorten
from improvement.mail import recipient_language, templated_email
from improvement.models import Action

from .models import Reminder, UpdateRound

logger = logging.getLogger(__name__)


@dataclass
class Result:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    reminded: list = field(default_factory=list)  # leads emailed now
    already_reminded: list = field(default_factory=list)  # leads emailed on an earlier run
    no_one_to_remind: list = field(default_factory=list)  # actions whose lead posts no one holds
    managers_told: list = field(default_factory=list)  # managers emailed about them now
    managers_told_before: list = field(default_factory=list)


def holder_url(action, post=None) -> str:
    """Where a plan manager gives a lead post a holder (the plan's post page, or the action
    while there is none), or chooses a lead for an action that has no lead post."""
    if post is None:
        return reverse("improvement:action_edit", args=[action.pk])
    try:
        return reverse("improvement:post_edit", args=[action.plan_id, post.pk])
    except NoReverseMatch:
        return reverse("improvement:action_detail", args=[action.pk])


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
    with translation.override(recipient_language(user)):
        return _reminder(round_, user, actions, kind, base_url)


def _reminder(round_, user, actions, kind, base_url):
    base = base_url.rstrip("/")
    return templated_email("boards/emails/round_reminder.txt", {
        "round": round_,
        "name": user.get_full_name() or user.username,
        "overdue": kind != Reminder.Kind.REMINDER,
        "actions": [{"number": a.number, "short": shorten(a.description, 90),
                     "url": f"{base}{reverse('improvement:record_update', args=[a.pk])}"} for a in actions],
        "my_actions_url": f"{base}{reverse('improvement:my_actions')}",
    }, [user.email])


def _no_one_message(round_, manager, actions, base_url):
    with translation.override(recipient_language(manager)):
        return _no_one_notice(round_, manager, actions, base_url)


def _no_one_notice(round_, manager, actions, base_url):
    base = base_url.rstrip("/")
    return templated_email("boards/emails/no_one_to_remind.txt", {
        "round": round_,
        "name": manager.get_full_name() or manager.username,
        "actions": [{"number": action.number, "short": _short(action.description),
                     "unheld_posts": [(post, f"{base}{holder_url(action, post)}")
                                      for post in action.unheld_lead_posts()],
                     "choose_url": f"{base}{holder_url(action)}"} for action in actions],
        "round_url": f"{base}{round_.get_absolute_url()}",
    }, [manager.email])


def _short(text, limit=90):
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _tell_managers(round_, actions, base_url, result):
    """Tell each of the plan's managers, once per round, which actions have no one to remind."""
    kind = Reminder.Kind.NO_ONE_TO_REMIND
    told = set(Reminder.objects.filter(round=round_, kind=kind, status=Reminder.Status.SENT)
               .values_list("user_id", flat=True))
    numbers = ", ".join(a.number for a in actions)
    for manager in round_.plan.managers():
        if manager.pk in told:
            result.managers_told_before.append(manager)
            continue
        error = "" if manager.email else "No email address recorded"
        if not error:
            try:
                _no_one_message(round_, manager, actions, base_url).send()
            except Exception as failure:  # noqa: BLE001 - any mail failure is recorded and retried
                logger.warning("Notice to %s failed: %s", manager, failure)
                error = str(failure)[:2000]
        Reminder.objects.create(round=round_, user=manager, kind=kind, action_numbers=numbers, error=error,
                                status=Reminder.Status.FAILED if error else Reminder.Status.SENT)
        if error:
            result.failed += 1
        else:
            result.managers_told.append(manager)


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
        by_user, result.no_one_to_remind = round_.who_to_remind()
        for user, actions in by_user.items():
            if user.pk in already:
                result.skipped += 1
                result.already_reminded.append(user)
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
                result.reminded.append(user)
        if result.no_one_to_remind:
            _tell_managers(round_, result.no_one_to_remind, base_url, result)
    return result


def notify_about_note(note, *, base_url, send) -> str:
    """Email the action's leads about a new review note, or, when no one holds its lead posts,
    the plan's managers (``send(message)`` sends, e.g. once the note is committed). Returns a
    sentence saying who was told."""
    action = Action.objects.prefetch_related("lead_posts__holders").select_related("plan").get(pk=note.action_id)
    base = base_url.rstrip("/")
    link = f"{base}{reverse('boards:note_detail', args=[note.pk])}"
    holders = action.lead_holders()
    leads = [user for user in holders if user.email]
    if leads:
        # One email per language, each in its recipients' own.
        for language, group in _by_language(leads).items():
            with translation.override(language):
                send(templated_email("boards/emails/note_to_leads.txt",
                                     {"note": note, "action": action, "kind": note.get_kind_display().lower(),
                                      "link": link},
                                     [user.email for user in group]))
        no_email = [user for user in holders if not user.email]
        return (_("Told by email: %(names)s.") % {"names": names_of(leads)}
                + (" " + _("Not told (no email address recorded): %(names)s.") % {"names": names_of(no_email)}
                   if no_email else ""))
    if holders:
        return (_("No one was told: the action’s leads have no email address recorded (%(names)s).")
                % {"names": names_of(holders)})
    posts = action.unheld_lead_posts()

    def why():
        if posts:
            return (_("no one holds the action’s lead posts (%(posts)s)")
                    % {"posts": ", ".join(f"“{post}”" for post in posts)})
        return _("the action has no lead post")

    managers = [user for user in action.plan.managers() if user.email]
    if not managers:
        return (_("No lead was told: %(why)s, and the plan has no manager with an email address to tell.")
                % {"why": why()})
    for language, group in _by_language(managers).items():
        with translation.override(language):
            send(templated_email("boards/emails/note_to_managers.txt", {
                "note": note, "action": action, "kind": note.get_kind_display().lower(), "link": link, "why": why(),
                "unheld_posts": [(post, f"{base}{holder_url(action, post)}") for post in posts],
                "choose_url": f"{base}{holder_url(action)}",
            }, [user.email for user in group]))
    return (_("No lead was told: %(why)s; the plan’s managers were told instead: %(names)s.")
            % {"why": why(), "names": names_of(managers)})


def _by_language(users) -> dict:
    """The users grouped by the language their emails are written in, in the order first met."""
    groups: dict = {}
    for user in users:
        groups.setdefault(recipient_language(user), []).append(user)
    return groups


def names_of(users) -> str:
    return ", ".join(str(user) for user in users)
