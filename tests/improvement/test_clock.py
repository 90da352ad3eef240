"""The site's one "today" (improvement/clock.py): the real date, or a demo's SITE_AS_AT."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from boards.models import Reminder, UpdateRound
from improvement import clock
from improvement.management.commands.demo import DEMO_AS_AT
from tests.conftest import TODAY, client_for, make_action

ROOT = Path(django_settings.BASE_DIR)
AS_AT = datetime.date(2012, 12, 12)

# Ways of asking the real clock for today's date; only improvement/clock.py may use them.
TODAY_READS = re.compile(r"timezone\.localdate\(|date\.today\(|timezone\.now\(\)\.date\(|localtime\(\)\.date\(")


def test_today_is_the_real_date_when_the_site_is_not_shown_as_at_a_date(settings, frozen_today):
    settings.SITE_AS_AT = None
    assert clock.today() == TODAY
    assert clock.as_at() is None


def test_today_is_the_as_at_date_when_the_site_sets_one(settings, frozen_today):
    settings.SITE_AS_AT = AS_AT
    assert clock.today() == AS_AT


def test_no_module_but_the_clock_reads_todays_date_for_itself():
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in ("improvement", "boards", "reports")
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != ROOT / "improvement" / "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TODAY_READS.search(line)
    ]
    assert readers == [], "use improvement.clock.today() for today's date"


def test_every_page_shows_the_demo_banner_when_the_site_is_shown_as_at_a_date(settings, plan, viewer):
    settings.SITE_AS_AT = AS_AT
    for url in (reverse("improvement:plan_list"), reverse("improvement:plan_detail", args=[plan.pk]),
                reverse("login")):
        page = client_for(viewer if url != reverse("login") else None).get(url).content.decode()
        assert "Dates are shown as at 12 December 2012" in page, url


def test_no_banner_on_a_site_that_runs_on_the_real_clock(settings, plan, viewer):
    settings.SITE_AS_AT = None
    page = client_for(viewer).get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    assert "Dates are shown as at" not in page


def test_overdue_is_judged_on_the_as_at_date(settings, plan, theme, viewer, frozen_today):
    make_action(theme, "1.1", due_date=datetime.date(2012, 12, 15))
    url = reverse("improvement:plan_detail", args=[plan.pk])

    settings.SITE_AS_AT = None
    assert client_for(viewer).get(url).context["overdue_count"] == 1  # due 15 December, today is the 20th

    settings.SITE_AS_AT = AS_AT
    assert client_for(viewer).get(url).context["overdue_count"] == 0


def test_send_reminders_chases_by_the_as_at_date(settings, plan, action, lead, manager, frozen_today):
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period,
                                        deadline=datetime.date(2012, 12, 14), opened_by=manager)
    settings.SITE_AS_AT = AS_AT  # two days before the deadline: a reminder, not a chaser
    call_command("send_reminders", stdout=io.StringIO())
    assert list(round_.reminders.values_list("kind", flat=True)) == [Reminder.Kind.REMINDER]


def _settings_error(**env):
    environment = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 50, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run([sys.executable, "-c", "import config.settings"], cwd=ROOT, env=environment,
                         capture_output=True, text=True, check=False)
    return run.stderr


def test_a_real_site_refuses_to_run_as_at_a_date():
    assert "SITE_AS_AT is set but DEBUG is off" in _settings_error(SITE_AS_AT="2012-12-12")
    assert _settings_error(SITE_AS_AT="2012-12-12", THIS_IS_A_DEMO_SITE="true") == ""
    assert "SITE_AS_AT must be a date" in _settings_error(SITE_AS_AT="12/12/2012", DEBUG="true")


def test_make_run_shows_the_demo_as_at_the_demo_commands_date():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"DEMO_AS_AT ?= {DEMO_AS_AT.isoformat()}" in makefile
    assert "export SITE_AS_AT=$(DEMO_AS_AT)" in makefile
