"""The period view (improvement.reporting): its answers, its stored rows and how they stay right."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import transaction

from boards.models import Meeting, RoundEntry, UpdateRound
from improvement.models import Action, Plan, ReportedAction, ReportedActionQuerySet, Update, UpdateEntry, record_updates
from improvement.reporting import PeriodView, rebuild
from reports.packs import pack_context
from tests.conftest import PERIOD, make_action, status

OCT, NOV, JAN = datetime.date(2012, 10, 1), datetime.date(2012, 11, 1), datetime.date(2013, 1, 1)
ROW = ("action_id", "period", "status_id", "previous_status_id", "update_id", "first_update_at", "revised_due_date")
ENTRY = ("action_id", "status_id", "previous_status_id", "update_id", "first_update_at", "revised_due_date")


def stored(plan):
    return sorted(ReportedAction.objects.filter(plan=plan).values_list(*ROW))


def round_rows(round_):
    return sorted(RoundEntry.objects.filter(round=round_).values_list(*ENTRY))


def test_an_action_completed_after_its_round_closed_is_overdue_in_the_pack_summary_and_the_attention_list_alike(
        plan, theme, lead, scheme, manager, board):
    late = make_action(theme, "1", due_date=datetime.date(2012, 11, 30))
    round_ = UpdateRound.open_round(plan=plan, period=PERIOD, deadline=datetime.date(2012, 12, 10), by=manager)
    late.record_update(status=status(scheme, "A"), note="Behind", by=lead)
    round_.close(by=manager)
    late.record_update(status=status(scheme, "B"), note="Done after the round closed", by=lead)
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))

    context = pack_context(meeting)
    [entry] = [entry for entry in context["attention"] if entry.action == late]
    assert late in context["overdue"]
    assert context["sections"][0].rows[0].overdue is True
    assert "overdue" in entry.kinds
    assert entry.status.code == context["sections"][0].rows[0].status.code == "A"  # what the round fixed
    late.refresh_from_db()
    assert late.current_status.code == "B"  # the live status moved on; the round's view did not


def test_the_view_answers_status_movement_overdue_and_missing_for_a_period(plan, theme, lead, scheme):
    improved = make_action(theme, "1", due_date=datetime.date(2012, 12, 1))
    improved.record_update(status=status(scheme, "R"), note="Stuck", by=lead, period=NOV)
    improved.record_update(status=status(scheme, "A"), note="Better", by=lead)
    carried = make_action(theme, "2", due_date=datetime.date(2013, 3, 1))
    carried.record_update(status=status(scheme, "G"), note="Fine", by=lead, period=NOV)
    make_action(theme, "3")

    view = PeriodView.of_plan(plan, PERIOD, as_of=datetime.date(2012, 12, 17))
    rows = view.by_action()
    assert (rows[improved.pk].status.code, rows[improved.pk].movement, rows[improved.pk].overdue) == ("A", "improved", True)
    assert (rows[carried.pk].status.code, rows[carried.pk].movement, rows[carried.pk].is_missing_update) == (
        "G", "unchanged", True)
    assert view.movement == {"improved": 1, "declined": 0, "unchanged": 1, "new": 0}
    assert (view.overdue_count, view.missing_count) == (1, 2)
    assert {c.status.code if c.status else None: c.count for c in view.summary.counts if c.count} == {
        "A": 1, "G": 1, None: 1}
    november = PeriodView.of_plan(plan, NOV, as_of=datetime.date(2012, 11, 20))
    assert november.movement["new"] == 2 and november.overdue_count == 0


def test_a_revised_date_counts_from_the_period_it_was_given_in(plan, theme, lead, scheme):
    action = make_action(theme, "1", due_date=datetime.date(2012, 10, 31))
    action.record_update(status=status(scheme, "A"), note="Late", by=lead, period=NOV)
    action.record_update(status=status(scheme, "A"), note="New date", by=lead,
                         revised_due_date=datetime.date(2013, 3, 31), revised_date_reason="Recruitment")
    as_of = datetime.date(2012, 12, 17)
    assert PeriodView.of_plan(plan, NOV, as_of).by_action()[action.pk].overdue is True
    assert PeriodView.of_plan(plan, PERIOD, as_of).by_action()[action.pk].overdue is False


def test_a_period_before_anything_was_reported_has_no_statuses_and_a_later_one_carries_the_last(plan, theme, lead,
                                                                                                 scheme):
    action = make_action(theme, "1")
    action.record_update(status=status(scheme, "G"), note="Fine", by=lead)
    assert PeriodView.of_plan(plan, OCT).by_action()[action.pk].status is None
    later = PeriodView.of_plan(plan, JAN).by_action()[action.pk]
    assert (later.status.code, later.has_update, later.movement) == ("G", False, "unchanged")
    assert ReportedAction.objects.span(plan) == (PERIOD, PERIOD)  # reading wrote nothing


def test_pages_rebuild_a_plan_whose_rows_are_missing_rather_than_show_wrong_counts(plan, theme, lead, scheme, viewer):
    from tests.conftest import client_for

    for number, code in [("1", "G"), ("2", "R"), ("3", "R")]:
        make_action(theme, number).record_update(status=status(scheme, code), note="n", by=lead)
    maintained = stored(plan)
    ReportedAction.objects.filter(plan=plan).delete()  # as after restoring a backup without them
    response = client_for(viewer).get(plan.get_absolute_url())
    assert {c.status.code: c.count for c in response.context["summary"].counts if c.count} == {"G": 1, "R": 2}
    assert stored(plan) == maintained
    ReportedAction.objects.filter(plan=plan, action__number="2").delete()
    assert PeriodView.of_plan(plan).summary.total == 3
    assert stored(plan) == maintained


def test_a_new_action_gets_rows_for_every_period_of_the_plan(plan, theme, lead, scheme):
    make_action(theme, "1").record_update(status=status(scheme, "G"), note="n", by=lead, period=NOV)
    new = make_action(theme, "2")
    assert list(ReportedAction.objects.filter(action=new).values_list("period", "status")) == [
        (NOV, None), (PERIOD, None)]


def test_a_failure_inside_record_update_leaves_history_and_rows_as_they_were(plan, theme, lead, scheme, monkeypatch):
    action = make_action(theme, "1")
    action.record_update(status=status(scheme, "G"), note="n", by=lead)
    before = stored(plan)

    def fail(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ReportedActionQuerySet, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        action.record_update(status=status(scheme, "R"), note="Worse", by=lead)
    assert Update.objects.filter(action=action).count() == 1
    assert stored(plan) == before
    assert Action.objects.get(pk=action.pk).current_status.code == "G"


def test_a_failure_while_closing_a_round_leaves_it_open_with_nothing_fixed(plan, theme, lead, scheme, manager,
                                                                           open_round, monkeypatch):
    make_action(theme, "1").record_update(status=status(scheme, "G"), note="n", by=lead)

    def fail(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(type(RoundEntry.objects.all()), "bulk_create", fail)
    with pytest.raises(RuntimeError):
        open_round.close(by=manager)
    open_round.refresh_from_db()
    assert open_round.is_open
    assert not open_round.counted.exists() and not RoundEntry.objects.filter(round=open_round).exists()


def test_the_rebuild_command_is_idempotent_and_check_finds_tampered_rows(plan, theme, lead, scheme, manager):
    import io

    from django.core.management.base import CommandError

    action = make_action(theme, "1")
    action.record_update(status=status(scheme, "G"), note="n", by=lead, period=NOV)
    action.record_update(status=status(scheme, "A"), note="n", by=lead)
    maintained = stored(plan)
    call_command("rebuild_period_view", stdout=io.StringIO())
    call_command("rebuild_period_view", plan=[plan.slug], stdout=io.StringIO())
    assert stored(plan) == maintained
    call_command("rebuild_period_view", check=True, stdout=io.StringIO())
    ReportedAction.objects.filter(action=action, period=PERIOD).update(status=status(scheme, "R"))
    with pytest.raises(CommandError, match="1 plan"):
        call_command("rebuild_period_view", check=True, stdout=io.StringIO())
    call_command("rebuild_period_view", plan=[str(plan.pk)], stdout=io.StringIO())
    assert stored(plan) == maintained
    with pytest.raises(CommandError, match="no-such-plan"):
        call_command("rebuild_period_view", plan=["no-such-plan"], stdout=io.StringIO())


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_rows_kept_by_every_write_equal_rows_rebuilt_from_the_history(seed, plan, theme, lead, scheme, manager):
    """A random month of a plan's life: updates (some backdated, some with revised dates, some
    after the round closed, some several at once), rounds opened and closed, actions added. After every step the
    maintained rows equal a rebuild from the history, and each closed round's rows equal a
    rewrite from what it counted."""
    rng = random.Random(seed)
    codes = ["B", "G", "A", "R", "Gr"]
    actions = [make_action(theme, str(n), due_date=datetime.date(2012, 12, rng.randint(1, 28))) for n in range(4)]
    Plan.objects.filter(pk=plan.pk).update(current_period=OCT)
    plan.refresh_from_db()
    rebuild(plan)
    rounds = []
    for step in range(40):
        choice = rng.random()
        if choice < 0.6:
            code = rng.choice(codes)
            period = rng.choice([plan.current_period, plan.current_period, plan.previous_period])
            revised = datetime.date(2013, rng.randint(1, 12), 1) if rng.random() < 0.2 else None
            if rng.random() < 0.3:  # several at once, as an import or an offline workbook records them
                record_updates([UpdateEntry(rng.choice(actions), status=status(scheme, rng.choice(codes)), note="n",
                                            period=rng.choice([plan.current_period, plan.previous_period]))
                                for _ in range(rng.randint(2, 4))], by=lead)
            else:
                rng.choice(actions).record_update(status=status(scheme, code), note="note", by=lead, period=period,
                                                  revised_due_date=revised, revised_date_reason="why" if revised else "")
        elif choice < 0.75:
            open_ = UpdateRound.objects.filter(plan=plan).open().first()
            if open_:
                open_.close(by=manager)
            else:
                period = plan.current_period if not UpdateRound.objects.filter(
                    plan=plan, period=plan.current_period).exists() else plan.current_period.replace(
                    month=plan.current_period.month % 12 + 1,
                    year=plan.current_period.year + (plan.current_period.month == 12))
                rounds.append(UpdateRound.open_round(plan=plan, period=period, deadline=period + datetime.timedelta(9),
                                                     by=manager))
        elif choice < 0.85:
            actions.append(make_action(theme, f"n{step}"))
        else:
            plan.start_period(plan.current_period.replace(day=1))  # starting the same period again changes nothing
        maintained = stored(plan)
        closed = {round_.pk: round_rows(round_) for round_ in UpdateRound.objects.filter(plan=plan).exclude(
            closed_at=None)}
        with transaction.atomic():
            rebuild(plan)
            assert stored(plan) == maintained, f"step {step}"
            for round_ in UpdateRound.objects.filter(plan=plan).exclude(closed_at=None):
                assert round_rows(round_) == closed[round_.pk], f"step {step}, round {round_}"
            transaction.set_rollback(True)
    assert Update.objects.filter(action__plan=plan).exists()
