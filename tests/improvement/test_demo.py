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
    }
    for username, url in expected.items():
        response = client.post(reverse("login"), {"username": username, "password": "improvement-demo-2012"})
        assert (username, response.url) == (username, url)
        client.logout()
