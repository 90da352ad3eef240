"""A plan's statutory clock (issue #16, item 2): its manager sets the regime and trigger date on
the plan details page, and the plan page shows the dates that follow as a timeline."""

import datetime
import re

import pytest
from django.urls import reverse

from improvement.models import Plan
from tests.conftest import client_for, count_queries

D = datetime.date
WALSALL_REPORT = D(2012, 7, 31)


def plan_edit(plan):
    return reverse("improvement:plan_edit", args=[plan.pk])


def plan_url(plan):
    return reverse("improvement:plan_detail", args=[plan.pk])


def clock_data(plan, regime="ofsted-inadequate", trigger=WALSALL_REPORT, **changes):
    data = {"name": plan.name, "description": plan.description, "rag_scheme": plan.rag_scheme_id,
            "abbreviations": "", "read_version": plan.version, "regime": regime}
    if trigger:
        data.update({"clock_trigger_0": str(trigger.day), "clock_trigger_1": str(trigger.month),
                     "clock_trigger_2": str(trigger.year)})
    data.update(changes)
    return data


def with_clock(plan, regime="ofsted-inadequate", trigger=WALSALL_REPORT):
    Plan.objects.filter(pk=plan.pk).update(regime=regime, clock_trigger=trigger)
    plan.refresh_from_db()
    return plan


# Setting the clock


def test_manager_sets_the_regime_and_trigger_date_and_the_audit_trail_records_who(plan, manager, frozen_today):
    response = client_for(manager).post(plan_edit(plan), clock_data(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.regime, plan.clock_trigger) == ("ofsted-inadequate", D(2012, 7, 31))
    assert plan.history.order_by("-history_id").first().history_user == manager


def test_the_plan_details_page_offers_the_regimes_by_title(plan, manager):
    page = client_for(manager).get(plan_edit(plan)).content.decode()
    assert "Regime the plan answers to" in page
    assert '<option value="ofsted-inadequate">Ofsted: children&#x27;s services judged inadequate</option>' in page
    assert "Trigger date" in page


def test_manager_removes_the_clock(plan, manager, frozen_today):
    with_clock(plan)
    response = client_for(manager).post(plan_edit(plan), clock_data(plan, regime="", trigger=None))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.regime, plan.clock_trigger) == ("", None)


def test_a_trigger_date_more_than_a_year_ahead_is_refused_and_nothing_is_saved(plan, manager, frozen_today):
    # frozen_today is 20 December 2012: a year ahead is 20 December 2013.
    response = client_for(manager).post(plan_edit(plan), clock_data(plan, trigger=D(2013, 12, 21), name="Changed"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Trigger date must be no later than 20 December 2013, a year from today: check the year" in page
    assert 'class="govuk-error-summary"' in page
    plan.refresh_from_db()
    assert (plan.regime, plan.name) == ("", "Strategic Improvement Plan")


def test_a_trigger_date_up_to_a_year_ahead_is_accepted(plan, manager, frozen_today):
    assert client_for(manager).post(plan_edit(plan), clock_data(plan, trigger=D(2013, 12, 20))).status_code == 302


def test_a_regime_without_a_trigger_date_is_refused(plan, manager, frozen_today):
    response = client_for(manager).post(plan_edit(plan), clock_data(plan, trigger=None))
    assert response.status_code == 400
    assert "Enter the trigger date: the date the council received the inspection report" in response.content.decode()


def test_a_trigger_date_without_a_regime_is_refused(plan, manager, frozen_today):
    response = client_for(manager).post(plan_edit(plan), clock_data(plan, regime=""))
    assert response.status_code == 400
    assert "Select the regime the trigger date belongs to, or remove the date" in response.content.decode()


def test_a_trigger_date_no_version_of_the_regime_covers_is_refused(plan, manager, frozen_today):
    response = client_for(manager).post(plan_edit(plan), clock_data(plan, regime="ofsted-priority-action"))
    assert response.status_code == 400
    assert ("No version of “Ofsted: focused visit naming areas for priority action” is in force on 31 July 2012: "
            "its rules cover dates from 1 September 2018 onwards") in response.content.decode()


def test_an_unknown_regime_is_refused(plan, manager, frozen_today):
    response = client_for(manager).post(plan_edit(plan), clock_data(plan, regime="made-up"))
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.regime == ""


def test_a_read_only_role_and_an_outsider_cannot_set_the_clock(plan, viewer, outsider, frozen_today):
    assert client_for(viewer).post(plan_edit(plan), clock_data(plan)).status_code == 403
    assert client_for(outsider).post(plan_edit(plan), clock_data(plan)).status_code == 404
    plan.refresh_from_db()
    assert plan.regime == ""


# The timeline on the plan page


def timeline(page):
    return page.split('<ol class="moj-timeline app-clock-timeline">')[1].split("</ol>")[0]


def test_plan_page_shows_the_dates_in_order_as_past_due_soon_and_upcoming(plan, viewer, settings):
    settings.SITE_AS_AT = D(2012, 11, 1)  # the action plan is due on 7 November 2012
    with_clock(plan)
    page = client_for(viewer).get(plan_url(plan)).content.decode()
    items = re.findall(r'<h3 class="moj-timeline__title">(.*?)</h3>\s*<strong class="govuk-tag[^"]*">(.*?)</strong>',
                       timeline(page))
    assert items[:3] == [("Inspection report published by the council", "Past"),
                         ("Action plan (written statement of action) due", "Due soon"),
                         ("Six-monthly progress report (1st)", "Upcoming")]
    assert '<time datetime="2012-11-07">Wednesday 7 November 2012</time>' in page
    assert "70 working days after the trigger date." in page
    assert "counting from the date the council received the inspection report, <strong>Tuesday 31 July 2012" in page


def test_plan_page_marks_example_rules_and_links_each_source(plan, viewer, frozen_today):
    with_clock(plan)
    items = timeline(client_for(viewer).get(plan_url(plan)).content.decode()).split('<li class="moj-timeline__item">')
    action_plan = next(item for item in items if "Action plan (written statement" in item)
    report = next(item for item in items if "Six-monthly progress report (1st)" in item)
    assert 'href="https://www.legislation.gov.uk/uksi/2007/462/made"' in action_plan
    assert "Example, check against the current guidance" not in action_plan
    assert "Example, check against the current guidance" in report


def test_plan_page_shows_a_window_with_both_dates(plan, viewer, frozen_today):
    with_clock(plan, trigger=D(2019, 3, 1))
    page = client_for(viewer).get(plan_url(plan)).content.decode()
    assert re.search(r"First monitoring visit expected.*?Expected between <time datetime=\"\d{4}-\d\d-\d\d\">", page,
                     re.S)


def test_plan_page_invites_the_manager_to_set_a_clock_and_says_nothing_to_others(plan, manager, viewer):
    assert "Set the regime it answers to and its trigger date" in client_for(manager).get(plan_url(plan)).content.decode()
    assert "Statutory deadlines" not in client_for(viewer).get(plan_url(plan)).content.decode()


@pytest.mark.parametrize("with_regime", [False, True])
def test_the_clock_adds_no_queries_to_the_plan_page(plan, viewer, with_regime):
    client = client_for(viewer)
    without = count_queries(client, plan_url(plan))
    if with_regime:
        with_clock(plan)
    assert count_queries(client, plan_url(plan)) == without
