"""``manage.py send_clock_reminders``: each plan manager is emailed once about each date on the
plan's statutory clock, CLOCK_REMINDER_WORKING_DAYS working days ahead of it (frozen clock)."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command

from improvement.models import ClockReminder, Plan, PlanRole
from tests.conftest import make_user

D = datetime.date
# The plan counts from 31 July 2012: report published by 12 September, action plan due
# Wednesday 7 November 2012 (70 working days), first six-monthly report 7 May 2013.
ACTION_PLAN_DUE = D(2012, 11, 7)
TEN_WORKING_DAYS_BEFORE = D(2012, 10, 24)


def run_on(day):
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8)), tick=False):
        call_command("send_clock_reminders", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def clocked(plan, manager, settings):
    settings.CLOCK_REMINDER_WORKING_DAYS = 10
    manager.email = "manager@example.org"
    manager.save()
    Plan.objects.filter(pk=plan.pk).update(regime="ofsted-inadequate", clock_trigger=D(2012, 7, 31))
    plan.refresh_from_db()
    return plan


def test_nothing_is_sent_before_the_reminder_is_due(clocked):
    run_on(TEN_WORKING_DAYS_BEFORE - datetime.timedelta(days=1))
    assert mail.outbox == []
    assert not ClockReminder.objects.exists()


def test_the_manager_is_reminded_ten_working_days_ahead_with_the_date_and_its_source(clocked):
    out, _ = run_on(TEN_WORKING_DAYS_BEFORE)
    [message] = mail.outbox
    assert message.to == ["manager@example.org"]
    assert message.subject == ("Strategic Improvement Plan: Action plan (written statement of action) due, "
                               "7 November 2012")
    assert "Action plan (written statement of action) due: Wednesday 7 November 2012." in message.body
    assert "The date is 70 working days after the trigger date, under Ofsted" in message.body
    assert "https://www.legislation.gov.uk/uksi/2007/462/made" in message.body
    assert f"/plans/{clocked.pk}/#statutory-deadlines" in message.body
    assert "Strategic Improvement Plan: 1 sent, 0 failed, 0 already sent" in out
    assert ClockReminder.objects.get().deadline == "action-plan"


def test_running_again_sends_nothing_twice(clocked):
    run_on(TEN_WORKING_DAYS_BEFORE)
    out, _ = run_on(TEN_WORKING_DAYS_BEFORE + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1
    assert "0 sent, 0 failed, 1 already sent" in out


def test_a_missed_day_is_made_up_on_the_next_run_until_the_date_itself(clocked):
    run_on(ACTION_PLAN_DUE)
    assert len(mail.outbox) == 1


def test_a_date_that_has_passed_is_not_reminded_of(clocked):
    run_on(ACTION_PLAN_DUE + datetime.timedelta(days=1))
    assert mail.outbox == []


def test_every_manager_of_the_plan_is_reminded_and_no_one_else(clocked, viewer, lead):
    other = make_user("manager2", clocked.organisation, email="manager2@example.org")
    PlanRole.objects.create(plan=clocked, user=other, role=PlanRole.Role.MANAGER)
    viewer.email = lead.email = "not-a-manager@example.org"
    viewer.save()
    lead.save()
    run_on(TEN_WORKING_DAYS_BEFORE)
    assert sorted(message.to[0] for message in mail.outbox) == ["manager2@example.org", "manager@example.org"]


def test_a_manager_without_an_email_address_is_recorded_as_failed_and_tried_again(clocked, manager):
    manager.email = ""
    manager.save()
    _, err = run_on(TEN_WORKING_DAYS_BEFORE)
    assert mail.outbox == []
    assert ClockReminder.objects.get().error == "No email address recorded"
    assert "1 email(s) failed; they will be retried on the next run." in err
    manager.email = "manager@example.org"
    manager.save()
    run_on(TEN_WORKING_DAYS_BEFORE + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1
    assert ClockReminder.objects.filter(status="sent").count() == 1


def test_a_mail_failure_is_recorded_and_not_reported_as_sent(clocked, monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError("Connection refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    out, err = run_on(TEN_WORKING_DAYS_BEFORE)
    assert "0 sent, 1 failed" in out and "retried" in err
    failed = ClockReminder.objects.get()
    assert (failed.status, failed.error) == ("failed", "Connection refused")


def test_a_changed_trigger_date_reminds_of_the_new_date(clocked):
    run_on(TEN_WORKING_DAYS_BEFORE)
    Plan.objects.filter(pk=clocked.pk).update(clock_trigger=D(2012, 8, 1))  # action plan now due 8 November
    run_on(TEN_WORKING_DAYS_BEFORE + datetime.timedelta(days=1))
    assert [message.subject.rsplit(" ", 3)[-3:] for message in mail.outbox] == [["7", "November", "2012"],
                                                                                 ["8", "November", "2012"]]


def test_the_lead_follows_the_setting(clocked, settings):
    settings.CLOCK_REMINDER_WORKING_DAYS = 3  # 2 November 2012 is three working days before the 7th
    run_on(D(2012, 11, 1))
    assert mail.outbox == []
    run_on(D(2012, 11, 2))
    assert len(mail.outbox) == 1


def test_a_window_is_reminded_of_before_it_opens(plan, manager, settings):
    settings.CLOCK_REMINDER_WORKING_DAYS = 10
    manager.email = "manager@example.org"
    manager.save()
    # An ILACS inadequate judgement received 3 November 2025: action plan due 12 February 2026,
    # and the first monitoring visit expected from then.
    Plan.objects.filter(pk=plan.pk).update(regime="ofsted-inadequate", clock_trigger=D(2025, 11, 3))
    run_on(D(2026, 1, 29))  # ten working days before 12 February
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["Strategic Improvement Plan: Action plan due to Ofsted, 12 February 2026",
                        "Strategic Improvement Plan: First monitoring visit expected, 12 February 2026 to 12 March 2026"]


def test_plans_without_a_clock_are_left_alone(plan, manager):
    manager.email = "manager@example.org"
    manager.save()
    out, _ = run_on(TEN_WORKING_DAYS_BEFORE)
    assert (mail.outbox, out) == ([], "")
