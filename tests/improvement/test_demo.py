import io

import pytest
from django.core.management import CommandError, call_command

from boards.models import Board, Meeting, ScrutinyReview, UpdateRound
from improvement.models import Action, Plan, Update, User


def run_demo(**options):
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_demo_loads_the_three_seed_plans_and_the_accounts(db, debug):
    output = run_demo()

    assert set(Plan.objects.values_list("slug", flat=True)) == {
        "walsall-sip-2012", "wiltshire-sip-2012", "southampton-qip-2012"}
    walsall = Plan.objects.get(slug="walsall-sip-2012")
    assert walsall.actions.count() == 58
    assert walsall.themes.count() == 3
    assert Plan.objects.get(slug="southampton-qip-2012").sources.get().recommendations.count() == 17
    assert set(User.objects.filter(username__in=["lead", "lead2", "manager", "chair", "member", "scrutiny",
                                                 "viewer"]).values_list("username", flat=True)) == {
        "lead", "lead2", "manager", "chair", "member", "scrutiny", "viewer"}
    assert "improvement-demo-2012" in output
    # The December 2012 statuses are the seed's; November is marked illustrative.
    assert not Update.objects.filter(action__plan=walsall, period="2012-12-01", is_illustrative=True).exists()
    assert Update.objects.filter(action__plan=walsall, period="2012-11-01", is_illustrative=False).count() == 0
    assert Action.objects.get(plan=walsall, number="3.10").current_status.code == "B"


def test_demo_is_safe_to_run_twice(db, debug):
    run_demo()
    counts = (Action.objects.count(), Update.objects.count(), User.objects.count(), Board.objects.count(),
              Meeting.objects.count(), UpdateRound.objects.count())
    run_demo()
    assert counts == (Action.objects.count(), Update.objects.count(), User.objects.count(), Board.objects.count(),
                      Meeting.objects.count(), UpdateRound.objects.count())


def test_demo_password_comes_from_the_environment(db, debug, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password")
    run_demo()
    assert User.objects.get(username="lead").check_password("a-long-demo-password")


def test_demo_refuses_to_run_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="this-is-a-demo-site"):
        run_demo()
    assert not Plan.objects.exists()
    run_demo(this_is_a_demo_site=True)
    assert Plan.objects.count() == 3


def test_demo_boards_hold_the_wiltshire_review_as_written(db, debug):
    run_demo()
    review = ScrutinyReview.objects.get()
    assessments = review.assessments.all()
    assert assessments.filter(number__regex=r"^\d+$").count() == 25
    assert {value: count for value, _, count in review.summary()} == {
        "complete": 6, "partially_complete": 9, "not_complete": 0, "unknown": 11}  # 10, and 15a
    first = assessments.get(number="1")
    assert first.recommendation.reference == "1"
    assert [a.number for a in first.actions.all()] == ["PA1"]
    walsall_board = Board.objects.get(kind="improvement_board")
    assert walsall_board.members.filter(role="observer").count() == 2
    assert UpdateRound.objects.filter(closed_at__isnull=False).count() == 1


def test_each_demo_account_lands_where_their_work_is(db, debug, client, frozen_today):
    from django.urls import reverse

    run_demo()
    walsall = Plan.objects.get(slug="walsall-sip-2012")
    wiltshire = Plan.objects.get(slug="wiltshire-sip-2012")
    december = Meeting.objects.get(plan=walsall, date="2012-12-17")  # the latest: none is ahead of the clock
    expected = {
        "lead": reverse("improvement:my_actions"),
        "lead2": reverse("improvement:my_actions"),
        "chair": december.get_absolute_url(),
        "member": december.get_absolute_url(),
        "scrutiny": reverse("boards:review_list", args=[wiltshire.pk]),
        "manager": reverse("improvement:plan_list"),  # manages all three
        "viewer": reverse("improvement:plan_list"),
        "reviewer": reverse("boards:assurance", args=[walsall.pk]),
    }
    for username, url in expected.items():
        response = client.post(reverse("login"), {"username": username, "password": "improvement-demo-2012"})
        assert (username, response.url) == (username, url)
        client.logout()


def test_demo_measures_hold_the_seed_figures_marked_as_the_seeds(db, debug):
    from decimal import Decimal

    from improvement.models import Measure, MeasureValue

    run_demo()
    walsall = Plan.objects.get(slug="walsall-sip-2012")
    seed = {(v.measure.name, v.period.isoformat()): v.value for v in MeasureValue.objects.filter(
        measure__plan=walsall, is_illustrative=False).select_related("measure")}
    assert seed == {
        ("Child protection training compliance, level one", "2012-11-01"): Decimal("95"),
        ("Child protection training compliance, level two", "2012-11-01"): Decimal("36"),
        ("Child protection training compliance, level three", "2012-11-01"): Decimal("39"),
        ("Social workers who received formal supervision at least once a month", "2012-12-01"): Decimal("66.3"),
        ("Social workers satisfied or very satisfied with supervision", "2012-12-01"): Decimal("83"),
        ("Social workers who view caseloads as manageable", "2012-12-01"): Decimal("77.5"),
        ("Respondents satisfied or very satisfied with support from their line managers",
         "2012-12-01"): Decimal("91.8"),
        ("Social Work Health Check response rate", "2012-12-01"): Decimal("49.4"),
    }
    # History before November 2012 is illustrative, so is every value of an invented measure.
    assert MeasureValue.objects.filter(measure__plan=walsall, period__lt="2012-11-01", is_illustrative=False) \
        .count() == 0
    invented = Measure.objects.get(plan=walsall, is_illustrative=True)
    assert not invented.values.filter(is_illustrative=False).exists()
    assert Measure.objects.filter(plan=walsall, is_illustrative=False).count() == 10
    assert set(MeasureValue.objects.filter(measure__plan=walsall).values_list("via", flat=True)) == {"demo"}
    core = Measure.objects.get(plan=walsall, name__startswith="% children subject of CP Plan")
    assert (core.polarity, core.baseline, core.targets.count(), core.values.count()) == ("lower", None, 0, 0)
    assert core.baseline_note == "Identify baseline and target to be set Jan 2013; first target set Mar 2013"
    assert all("Illustrative" in c.source for c in invented.comparator_values.all())


def test_demo_measures_link_to_the_actions_their_owners_lead(db, debug):
    from improvement.models import Measure

    run_demo()
    walsall = Plan.objects.get(slug="walsall-sip-2012")
    links = {m.name: sorted(a.number for a in m.actions.all())
             for m in Measure.objects.filter(plan=walsall).prefetch_related("actions")}
    assert links["Child protection training compliance, level two"] == ["2.1"]
    assert links["Social workers who received formal supervision at least once a month"] == ["2.13", "2.8"]
    assert links["% children subject of CP Plan who did not have core group meetings to timescale"] == ["3.8"]
    for measure in Measure.objects.filter(plan=walsall).select_related("owner").prefetch_related("actions", "themes"):
        assert measure.actions.exists() and measure.themes.exists()
        assert all(measure.owner in action.lead_posts.all() for action in measure.actions.all()), measure.name
        assert {a.theme_id for a in measure.actions.all()} == {t.pk for t in measure.themes.all()}
    lead = User.objects.get(username="lead")
    assert Measure.objects.filter(plan=walsall, owner__holders=lead).count() >= 1


def test_the_demo_lead_sees_a_measure_value_to_record_in_my_actions(db, debug, client, frozen_today):
    from django.urls import reverse

    from improvement.models import Measure

    run_demo()
    client.force_login(User.objects.get(username="lead"))
    page = client.get(reverse("improvement:my_actions")).content.decode()
    measure = Measure.objects.get(name="% assessments where child is seen")
    assert reverse("improvement:measure_record_value", args=[measure.pk]) in page
    assert "Record the December 2012 value" in page


def test_demo_measures_show_every_state_in_the_current_period(db, debug, frozen_today):
    from improvement.measures import NO_TARGET, OFF_TARGET, ON_TARGET, WITHIN_TOLERANCE
    from improvement.reporting import PeriodView

    run_demo()
    walsall = Plan.objects.get(slug="walsall-sip-2012")
    readings = {r.measure.name: r for r in PeriodView.of_plan(walsall).measure_readings()}
    assert readings["Child protection training compliance, level one"].rag == ON_TARGET
    assert readings["Child protection training compliance, level two"].rag == OFF_TARGET
    assert readings["Social workers who received formal supervision at least once a month"].rag == WITHIN_TOLERANCE
    assert readings["% children subject of CP Plan who did not have core group meetings to timescale"].rag == NO_TARGET
    assert readings["Child protection training compliance, level one"].is_missing  # November's is the latest
    assert {r.rag for r in readings.values()} >= {ON_TARGET, WITHIN_TOLERANCE, OFF_TARGET, NO_TARGET}
    assert readings["% assessments where child is seen"].comparators["england"].value == 89


def test_demo_adds_its_measures_to_a_plan_loaded_before_them_once(db, debug):
    from improvement.models import ComparatorValue, Measure, MeasureTarget, MeasureValue

    run_demo()
    counts = (Measure.objects.count(), MeasureTarget.objects.count(), MeasureValue.objects.count(),
              ComparatorValue.objects.count())
    assert counts[0] == 11
    run_demo()
    assert counts == (Measure.objects.count(), MeasureTarget.objects.count(), MeasureValue.objects.count(),
                      ComparatorValue.objects.count())
    Measure.objects.filter(name__startswith="% children subject of CP Plan").delete()
    run_demo()
    assert Measure.objects.count() == 11
