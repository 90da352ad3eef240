import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from boards.models import Reminder
from tests.conftest import make_action, status


def run_on(day):
    out = io.StringIO()
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8)), tick=False):
        call_command("send_reminders", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def leads_with_actions(theme, lead, lead2, lead_post, lead2_post, scheme, open_round):
    lead.email, lead2.email = "lead@example.org", "lead2@example.org"
    lead.save()
    lead2.save()
    missing = make_action(theme, "1.1", leads=[lead_post])
    shared = make_action(theme, "1.2", leads=[lead_post, lead2_post])
    updated = make_action(theme, "1.3", leads=[lead2_post])
    updated.record_update(status=status(scheme, "G"), note="ok", by=lead2)
    return missing, shared, updated


def test_nothing_is_sent_well_before_the_deadline(leads_with_actions):
    run_on(datetime.date(2012, 12, 2))
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_reminder_goes_to_each_lead_with_missing_updates_listing_them(leads_with_actions, open_round):
    run_on(datetime.date(2012, 12, 7))  # three days before the deadline

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"lead@example.org", "lead2@example.org"}
    assert "1.1" in by_recipient["lead@example.org"].body and "1.2" in by_recipient["lead@example.org"].body
    assert "1.2" in by_recipient["lead2@example.org"].body
    assert "1.3" not in by_recipient["lead2@example.org"].body
    assert "/update/" in by_recipient["lead@example.org"].body
    assert by_recipient["lead@example.org"].subject.startswith("Reminder:")
    assert Reminder.objects.filter(kind="reminder", status="sent").count() == 2


def test_running_twice_sends_nothing_twice(leads_with_actions):
    run_on(datetime.date(2012, 12, 8))
    run_on(datetime.date(2012, 12, 9))
    assert len(mail.outbox) == 2


def test_chaser_after_the_deadline_is_sent_once_too(leads_with_actions):
    run_on(datetime.date(2012, 12, 8))
    run_on(datetime.date(2012, 12, 11))
    run_on(datetime.date(2012, 12, 12))
    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == ["chaser", "chaser", "reminder", "reminder"]
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].subject.startswith("Overdue:")


def test_a_lead_who_has_updated_gets_no_chaser(leads_with_actions, lead, lead2, scheme):
    missing, shared, _ = leads_with_actions
    missing.record_update(status=status(scheme, "G"), note="ok", by=lead)
    shared.record_update(status=status(scheme, "G"), note="ok", by=lead)
    run_on(datetime.date(2012, 12, 11))
    assert mail.outbox == []


def test_a_failed_email_is_recorded_as_failed_and_retried(leads_with_actions, monkeypatch):
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def broken(self, *args, **kwargs):
        if self.to == ["lead@example.org"]:
            raise ConnectionRefusedError("SMTP server refused the connection")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", broken)
    run_on(datetime.date(2012, 12, 8))
    failed = Reminder.objects.get(user__username="lead")
    assert failed.status == "failed" and "refused" in failed.error
    assert [m.to for m in mail.outbox] == [["lead2@example.org"]]

    monkeypatch.setattr(EmailMessage, "send", original)
    run_on(datetime.date(2012, 12, 9))
    assert sorted(m.to[0] for m in mail.outbox) == ["lead2@example.org", "lead@example.org"]
    assert Reminder.objects.filter(user__username="lead", status="sent").count() == 1


def test_a_closed_round_sends_nothing(leads_with_actions, open_round, manager):
    open_round.close(by=manager)
    run_on(datetime.date(2012, 12, 11))
    assert mail.outbox == []


def test_the_plans_managers_are_told_once_about_actions_no_one_can_be_reminded_of(
        leads_with_actions, theme, council, manager):
    from improvement.models import Post

    manager.email = "manager@example.org"
    manager.save()
    make_action(theme, "2.1", leads=[Post.objects.create(organisation=council, title="Head of Service")])
    make_action(theme, "2.2")  # no lead post at all

    output = run_on(datetime.date(2012, 12, 7))

    notices = [message for message in mail.outbox if message.to == ["manager@example.org"]]
    assert len(notices) == 1
    assert "2.1" in notices[0].body and "No one holds the lead post “Head of Service”" in notices[0].body
    assert "2.2" in notices[0].body and "It has no lead post: choose one at" in notices[0].body
    assert "No one to remind (no one holds their lead posts): 2.1, 2.2; plan managers told: Manager" in output
    assert Reminder.objects.get(user=manager).get_kind_display() == "No one to remind: lead posts to fill"

    run_on(datetime.date(2012, 12, 11))  # the chaser run tells the managers nothing new
    assert len([message for message in mail.outbox if message.to == ["manager@example.org"]]) == 1
def test_a_long_action_is_cut_at_a_word_with_an_ellipsis_in_the_reminder(theme, lead, lead_post, open_round):
    lead.email = "lead@example.org"
    lead.save()
    description = ("Ensure that all child protection plans are outcome focused and that the core group "
                   "monitors the progress of each plan against its outcomes")
    make_action(theme, "2.4", leads=[lead_post], description=description)
    run_on(datetime.date(2012, 12, 7))

    line = next(line for line in mail.outbox[0].body.splitlines() if "2.4" in line)
    shown = line.split("2.4", 1)[1].strip()
    assert shown.endswith("…") and len(shown) <= 90
    assert description.startswith(shown[:-1]) and description[len(shown) - 1] == " "


def test_the_reminder_reads_subject_greeting_each_missing_action_with_its_link_then_all_actions(
        leads_with_actions, lead2):
    run_on(datetime.date(2012, 12, 7))

    message = next(message for message in mail.outbox if message.to == ["lead2@example.org"])
    shared, site = leads_with_actions[1], settings.SITE_URL.rstrip("/")
    assert message.subject == "Reminder: Strategic Improvement Plan updates due 10 December 2012"
    assert message.body == (
        f"Dear {lead2.get_full_name() or lead2.username},\n\n"
        "Updates for December 2012 are due by Monday 10 December 2012. These actions you lead still need one:\n\n"
        f"  1.2  {shared.description}\n  {site}/actions/{shared.pk}/update/\n\n"
        f"All your actions: {site}/my-actions/\n")
