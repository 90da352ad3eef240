import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from improvement.models import (
    Action,
    AppendOnlyError,
    Movement,
    Recommendation,
    ReportedAction,
    Update,
    UpdateEntry,
    number_sort_key,
    record_updates,
)
from improvement.reporting import PeriodView, rebuild
from improvement.signals import updates_recorded
from tests.conftest import PERIOD, make_action, status

NOV = datetime.date(2012, 11, 1)


def reported_status(action, period):
    return PeriodView.of_plan(action.plan, period).by_action()[action.pk].status


def test_record_update_appends_history_and_sets_current_status(action, lead, scheme):
    action.record_update(status=status(scheme, "G"), note="Going well", by=lead)

    action.refresh_from_db()
    assert action.current_status.code == "G"
    assert list(action.updates.values_list("period", "note")) == [(PERIOD, "Going well")]


def test_second_update_in_a_period_supersedes_the_first_for_reporting(action, lead, scheme):
    first = action.record_update(status=status(scheme, "G"), note="First", by=lead)
    second = action.record_update(status=status(scheme, "A"), note="Second", by=lead)

    assert action.updates.count() == 2
    assert list(Update.objects.in_period(PERIOD).reporting()) == [second]
    assert first in action.updates.all()
    assert reported_status(action, PERIOD).code == "A"


def test_completed_status_needs_a_review_note(action, lead, scheme):
    with pytest.raises(ValidationError, match="review note"):
        action.record_update(status=status(scheme, "B"), note="  ", by=lead)
    assert not action.updates.exists()


def test_revised_date_needs_a_reason(action, lead, scheme):
    with pytest.raises(ValidationError, match="reason"):
        action.record_update(status=status(scheme, "A"), note="Late", by=lead,
                             revised_due_date=datetime.date(2013, 6, 30))
    assert not action.updates.exists()


def test_status_from_another_scheme_is_refused(action, lead):
    from improvement.models import RagScheme

    other = RagScheme.objects.get(slug="three-state").statuses.first()
    with pytest.raises(ValidationError):
        action.record_update(status=other, note="x", by=lead)


def test_revised_date_moves_the_effective_due_date(action, lead, scheme):
    action.record_update(status=status(scheme, "A"), note="Late", by=lead,
                         revised_due_date=datetime.date(2013, 6, 30),
                         revised_date_reason="Recruitment delayed")
    action.refresh_from_db()
    assert action.due_date == datetime.date(2013, 1, 31)
    assert action.effective_due_date == datetime.date(2013, 6, 30)


def test_updates_cannot_be_changed_or_deleted(action, lead, scheme):
    update = action.record_update(status=status(scheme, "G"), note="Fine", by=lead)

    update.note = "Rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        Update.objects.filter(pk=update.pk).update(note="Rewritten")
    with pytest.raises(AppendOnlyError):
        Update.objects.all().delete()
    assert Update.objects.get(pk=update.pk).note == "Fine"


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (None, "G", Movement.NEW),
        ("A", "G", Movement.IMPROVED),
        ("G", "B", Movement.IMPROVED),
        ("G", "R", Movement.DECLINED),
        ("G", "G", Movement.UNCHANGED),
        ("Gr", "G", Movement.UNCHANGED),
        ("G", None, None),
    ],
)
def test_movement_compares_severity(scheme, previous, current, expected):
    before = status(scheme, previous) if previous else None
    after = status(scheme, current) if current else None
    assert Movement.between(before, after) == expected


def test_status_as_of_a_period_carries_the_latest_earlier_update_forward(action, lead, scheme):
    action.record_update(status=status(scheme, "R"), note="Stuck", by=lead, period=NOV)
    assert reported_status(action, PERIOD).code == "R"
    assert reported_status(action, datetime.date(2012, 10, 1)) is None


def test_overdue_means_due_date_passed_and_not_complete(theme, lead, scheme):
    past = make_action(theme, "1", due_date=datetime.date(2012, 11, 30))
    done = make_action(theme, "2", due_date=datetime.date(2012, 11, 30))
    done.record_update(status=status(scheme, "B"), note="Done", by=lead)
    future = make_action(theme, "3", due_date=datetime.date(2013, 1, 31))
    undated = make_action(theme, "4")
    revised = make_action(theme, "5", due_date=datetime.date(2012, 11, 30))
    revised.record_update(status=status(scheme, "A"), note="Late", by=lead,
                          revised_due_date=datetime.date(2013, 3, 31), revised_date_reason="Staff")

    overdue = Action.objects.overdue(as_of=datetime.date(2012, 12, 20))
    assert list(overdue) == [past]
    assert past.is_overdue(datetime.date(2012, 12, 20))
    assert not past.is_overdue(datetime.date(2012, 11, 30))  # due today is not yet overdue
    assert {a.pk for a in Action.objects.with_overdue(datetime.date(2012, 12, 20)) if a.is_overdue} == {past.pk}
    assert not undated.is_overdue(datetime.date(2030, 1, 1))
    assert not future.is_overdue(datetime.date(2012, 12, 20))


def test_missing_update_is_an_open_action_without_an_update_this_period(theme, lead, scheme):
    updated = make_action(theme, "1")
    updated.record_update(status=status(scheme, "G"), note="ok", by=lead)
    stale = make_action(theme, "2")
    stale.record_update(status=status(scheme, "G"), note="ok", by=lead, period=NOV)
    complete = make_action(theme, "3")
    complete.record_update(status=status(scheme, "B"), note="done", by=lead, period=NOV)
    never = make_action(theme, "4")

    missing = Action.objects.missing_update(PERIOD)
    assert set(missing) == {stale, never}


def test_for_lead_finds_actions_through_the_posts_a_user_holds(action, shared_action, lead, lead2):
    assert set(Action.objects.for_lead(lead)) == {action, shared_action}
    assert set(Action.objects.for_lead(lead2)) == {shared_action}


def test_the_period_view_counts_per_theme_and_plan(plan, theme, lead, scheme):
    from improvement.models import Theme

    second = Theme.objects.create(plan=plan, code="2", title="Culture", position=2)
    for number, code in [("1", "G"), ("2", "G"), ("3", "R")]:
        make_action(theme, number).record_update(status=status(scheme, code), note="n", by=lead)
    make_action(second, "4")

    view = PeriodView.of_plan(plan)
    summary, by_theme = view.summary, view.theme_summaries()
    counts = {row.status.code if row.status else None: row.count for row in summary.counts}
    assert counts == {"B": 0, "G": 2, "A": 0, "R": 1, "Gr": 0, None: 1}
    assert summary.total == 4
    green = next(row for row in summary.counts if row.status and row.status.code == "G")
    assert green.percent == 50.0 and green.width == 50
    assert by_theme[second.pk].total == 1


def test_recommendation_due_date_follows_urgency_unless_set(recommendation):
    assert recommendation.due == datetime.date(2012, 10, 31)
    recommendation.urgency = Recommendation.Urgency.IMMEDIATELY
    assert recommendation.due == datetime.date(2012, 7, 31)
    recommendation.urgency = Recommendation.Urgency.OTHER
    assert recommendation.due is None
    recommendation.due_date = datetime.date(2013, 1, 1)
    assert recommendation.due == datetime.date(2013, 1, 1)


def test_action_numbers_sort_as_people_read_them():
    numbers = ["3.1", "1.10", "PA10", "1.2", "PA2", "4 (xxxv)", "10.1"]
    assert sorted(numbers, key=number_sort_key) == ["1.2", "1.10", "3.1", "4 (xxxv)", "10.1", "PA2", "PA10"]


def test_roman_numerals_in_brackets_sort_as_the_numbers_they_are():
    numbers = ["2 (x)", "2 (ix)", "2 (v)", "2 (iv)", "2 (i)", "2", "4 (xl)", "4 (xxxv)", "1.2a", "1.10", "1.2"]
    assert sorted(numbers, key=number_sort_key) == ["1.2", "1.2a", "1.10", "2", "2 (i)", "2 (iv)", "2 (v)", "2 (ix)",
                                                    "2 (x)", "4 (xxxv)", "4 (xl)"]


def test_lettered_items_in_brackets_keep_their_letter_order():
    assert sorted(["3 (b)", "3 (a)", "3 (d)", "3 (c)"], key=number_sort_key) == ["3 (a)", "3 (b)", "3 (c)", "3 (d)"]


@pytest.mark.django_db(transaction=True)
def test_two_leads_saving_at_once_both_land_in_the_history(theme, lead, lead2, lead_post, lead2_post, scheme):
    shared = make_action(theme, "3.15", leads=[lead_post, lead2_post])
    green, amber = status(scheme, "G"), status(scheme, "A")
    start = threading.Barrier(2)
    errors = []

    def save(user, rag):
        try:
            start.wait()
            Action.objects.get(pk=shared.pk).record_update(status=rag, note=user.username, by=user)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in [(lead, green), (lead2, amber)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(shared.updates.values_list("note", flat=True)) == ["lead", "lead2"]
    shared.refresh_from_db()
    latest = shared.updates.order_by("-pk").first()
    assert shared.current_status == latest.status


def test_record_updates_appends_many_in_order_and_the_last_of_an_action_is_current(theme, lead, scheme):
    first, second = make_action(theme, "1"), make_action(theme, "2")
    updates = record_updates([
        UpdateEntry(first, status=status(scheme, "R"), note="Stuck", period=NOV),
        UpdateEntry(second, status=status(scheme, "G"), note="Fine"),
        UpdateEntry(first, status=status(scheme, "A"), note="Better", revised_due_date=datetime.date(2013, 6, 30),
                    revised_date_reason="Waiting for the new audit tool"),
    ], by=lead)

    assert [u.pk for u in updates] == sorted(u.pk for u in updates)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.current_status.code, first.revised_due_date) == ("A", datetime.date(2013, 6, 30))
    assert second.current_status.code == "G"
    assert [u.note for u in first.updates.order_by("pk")] == ["Stuck", "Better"]
    assert reported_status(first, NOV).code == "R" and reported_status(first, PERIOD).code == "A"


def test_record_updates_keeps_the_period_view_equal_to_a_rebuild_from_the_history(plan, theme, lead, scheme):
    actions = [make_action(theme, str(n)) for n in range(12)]
    actions[0].record_update(status=status(scheme, "G"), note="Earlier", by=lead, period=NOV)
    record_updates([UpdateEntry(action, status=status(scheme, "RAG"[n % 3]), note=f"n{n}",
                                period=NOV if n % 4 == 0 else None) for n, action in enumerate(actions)], by=lead)
    row = ("action_id", "period", "status_id", "previous_status_id", "update_id", "first_update_at",
           "revised_due_date")
    maintained = sorted(ReportedAction.objects.filter(plan=plan).values_list(*row))
    rebuild(plan)
    assert sorted(ReportedAction.objects.filter(plan=plan).values_list(*row)) == maintained


def test_record_updates_writes_none_when_any_entry_breaks_a_rule(theme, lead, scheme):
    good, bad = make_action(theme, "1"), make_action(theme, "2")
    with pytest.raises(ValidationError, match="completed action needs a review note"):
        record_updates([UpdateEntry(good, status=status(scheme, "G"), note="Fine"),
                        UpdateEntry(bad, status=status(scheme, "B"), note=" ")], by=lead)
    assert not Update.objects.filter(action__in=[good, bad]).exists()
    good.refresh_from_db()
    assert good.current_status is None


def test_record_updates_refuses_actions_of_two_plans(theme, lead, scheme, council):
    from improvement.models import Plan, Theme

    other_plan = Plan.objects.create(name="Other", slug="other", organisation=council, rag_scheme=scheme,
                                     current_period=PERIOD)
    other = make_action(Theme.objects.create(plan=other_plan, title="Other theme", position=1), "1")
    with pytest.raises(ValueError, match="one plan at a time"):
        record_updates([UpdateEntry(make_action(theme, "1"), status=status(scheme, "G"), note="x"),
                        UpdateEntry(other, status=status(scheme, "G"), note="x")], by=lead)


def test_record_updates_costs_the_same_queries_for_five_updates_as_for_fifty(theme, lead, scheme):
    from django.test.utils import CaptureQueriesContext

    def queries(count, start):
        entries = [UpdateEntry(make_action(theme, str(start + n)), status=status(scheme, "G"), note="Fine")
                   for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            record_updates(entries, by=lead)
        return len(captured)

    queries(1, 900)  # the plan's period view rows exist from here on
    assert queries(5, 0) == queries(50, 100)


def test_record_updates_stores_text_as_one_update_does_and_tells_other_apps(action, lead, scheme):
    heard = []

    def listener(sender, plan, updates, **kwargs):
        heard.append((plan, [u.pk for u in updates]))

    updates_recorded.connect(listener)
    try:
        [update] = record_updates([UpdateEntry(action, status=status(scheme, "G"), note="Audit\x0bdone\x00")],
                                  by=lead)
    finally:
        updates_recorded.disconnect(listener)
    assert Update.objects.get(pk=update.pk).note == "Audit\ndone"
    assert heard == [(action.plan, [update.pk])]


def test_lead_posts_held_are_attached_in_two_queries_sharing_each_post_and_its_holders(
        theme, lead, lead2, lead_post, lead2_post, council, django_assert_num_queries):
    from improvement.access import leads_action
    from improvement.models import Post
    from tests.conftest import make_action

    vacant = Post.objects.create(organisation=council, title="Vacant post")
    both = make_action(theme, "1.1", leads=[lead2_post, lead_post])
    one = make_action(theme, "1.2", leads=[lead_post, vacant])
    none = make_action(theme, "1.3")
    actions = list(Action.objects.filter(pk__in=[both.pk, one.pk, none.pk]).order_by("number_sort"))
    with django_assert_num_queries(3):  # the links, the posts, their holders
        Action.attach_lead_posts_held(actions)
    with django_assert_num_queries(0):
        held = {action.number: action.lead_posts_held() for action in actions}
        assert leads_action(lead2, actions[0]) and not leads_action(lead2, actions[1])
        assert actions[1].unheld_lead_posts() == [vacant]
        assert actions[0].lead_holders() == [lead, lead2]
    assert [(post.title, holders) for post, holders in held["1.1"]] == [
        ("Assistant Director Specialist Services", [lead]), ("Early Help Lead", [lead2])]  # by title
    assert [(post.title, holders) for post, holders in held["1.2"]] == [
        ("Assistant Director Specialist Services", [lead]), ("Vacant post", [])]
    assert held["1.3"] == []
    assert held["1.1"][0][0] is held["1.2"][0][0]  # one post, shared
    fresh = Action.objects.prefetch_related("lead_posts__holders").get(pk=both.pk)
    assert [(p.pk, [h.pk for h in hs]) for p, hs in fresh.lead_posts_held()] == [
        (p.pk, [h.pk for h in hs]) for p, hs in held["1.1"]]  # as the prefetch gives them


def test_a_periods_label_is_written_in_the_active_language_each_time_it_is_asked():
    from django.utils import translation

    from improvement.models import period_label

    december = datetime.date(2012, 12, 1)
    with translation.override("en-gb"):
        assert period_label(december) == "December 2012"
    with translation.override("cy"):
        assert period_label(december) == "Rhagfyr 2012"
    with translation.override("en-gb"):
        assert period_label(december) == "December 2012"  # remembered per language, never mixed
        assert period_label(None) == "No period"
