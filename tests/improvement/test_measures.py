"""The rules of a measure's impact: target along the trajectory, RAG from target and tolerance
in both polarities, direction of travel, reading values in the measure's unit, supersession and
the refusals that save nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from improvement import measures as rules
from improvement.models import AppendOnlyError, Measure, MeasureTarget, MeasureValue
from improvement.reporting import PeriodView
from tests.conftest import make_action, make_measure

D = Decimal
SEP, OCT, NOV, DEC = (datetime.date(2012, month, 1) for month in (9, 10, 11, 12))


@pytest.mark.parametrize(("value", "expected"), [
    (95, rules.ON_TARGET), (99, rules.ON_TARGET), (90, rules.WITHIN_TOLERANCE), (89.9, rules.OFF_TARGET),
])
def test_higher_is_better_rag_is_on_target_at_or_above_and_amber_within_tolerance(value, expected):
    assert rules.rag_of(D(str(value)), D("95"), tolerance=D("5"), polarity=rules.HIGHER) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (10, rules.ON_TARGET), (4, rules.ON_TARGET), (12, rules.WITHIN_TOLERANCE), (12.5, rules.OFF_TARGET),
])
def test_lower_is_better_rag_is_on_target_at_or_below_and_amber_within_tolerance(value, expected):
    assert rules.rag_of(D(str(value)), D("10"), tolerance=D("2"), polarity=rules.LOWER) == expected


def test_no_target_gives_no_rag_never_green():
    assert rules.rag_of(D("99"), None, tolerance=D("5"), polarity=rules.HIGHER) == rules.NO_TARGET
    assert rules.NO_TARGET.label == "No target set"
    assert not rules.NO_TARGET.is_judged


def test_zero_tolerance_makes_any_shortfall_off_target():
    assert rules.rag_of(D("94.9"), D("95"), tolerance=D("0"), polarity=rules.HIGHER) == rules.OFF_TARGET


def test_target_moves_in_a_straight_line_between_dated_targets():
    targets = [(datetime.date(2013, 1, 1), D("50")), (datetime.date(2013, 1, 31), D("80"))]
    assert rules.target_on(datetime.date(2013, 1, 16), targets) == D("65")
    assert rules.target_on(datetime.date(2013, 1, 1), targets) == D("50")
    assert rules.target_on(datetime.date(2013, 1, 31), targets) == D("80")


def test_target_holds_after_the_last_target():
    targets = [(datetime.date(2013, 3, 31), D("95"))]
    assert rules.target_on(datetime.date(2014, 6, 30), targets) == D("95")


def test_before_the_first_target_the_line_starts_from_the_baseline():
    targets = [(datetime.date(2013, 3, 31), D("95"))]
    baseline = (datetime.date(2012, 9, 30), D("35"))
    # 30 Sep 2012 to 31 Mar 2013 is 182 days; 31 Dec 2012 is 92 days in: 35 + 60 x 92/182 = 65.33,
    # shown and judged as the whole per cent the trajectory is written in.
    assert rules.target_on(datetime.date(2012, 12, 31), targets, baseline) == D("65")


def test_a_target_between_points_is_rounded_to_the_precision_the_trajectory_is_written_in():
    targets = [(datetime.date(2013, 3, 31), D("93.5"))]
    baseline = (datetime.date(2012, 9, 30), D("35.0000"))  # as the database holds it
    # 35 + 58.5 x 92/182 = 64.571...
    assert rules.target_on(datetime.date(2012, 12, 31), targets, baseline) == D("64.6")
    assert rules.target_on(datetime.date(2013, 3, 31), targets, baseline) == D("93.5")


def test_before_the_first_target_with_no_baseline_there_is_no_target_yet():
    targets = [(datetime.date(2013, 3, 31), D("95"))]
    assert rules.target_on(datetime.date(2012, 12, 31), targets) is None
    assert rules.target_on(datetime.date(2012, 12, 31), []) is None


def test_direction_of_travel_says_which_way_in_words():
    direction = rules.direction_of((SEP, D("36")), (NOV, D("52")), polarity=rules.HIGHER, unit=rules.PERCENTAGE)
    assert direction.code == "improving"
    assert direction.words == "improving: 36% to 52% since September 2012"
    worse = rules.direction_of((SEP, D("36")), (NOV, D("52")), polarity=rules.LOWER, unit=rules.PERCENTAGE)
    assert worse.code == "worsening"
    same = rules.direction_of((SEP, D("14")), (NOV, D("14")), polarity=rules.LOWER, unit=rules.DAYS)
    assert same.words == "no change: 14 days since September 2012"
    assert rules.direction_of(None, (NOV, D("1")), polarity=rules.HIGHER, unit=rules.NUMBER).code == "not_enough_data"


@pytest.mark.parametrize(("text", "unit", "expected"), [
    ("52", rules.PERCENTAGE, D("52")), ("52.5%", rules.PERCENTAGE, D("52.5")), ("66.3 per cent", rules.PERCENTAGE,
                                                                                 D("66.3")),
    ("14 days", rules.DAYS, D("14")), ("1,204", rules.NUMBER, D("1204")), ("38.5 per 10,000", rules.RATE, D("38.5")),
])
def test_values_are_read_in_the_measures_unit(text, unit, expected):
    assert rules.parse_value(text, unit) == expected


@pytest.mark.parametrize(("text", "unit", "message"), [
    ("101", rules.PERCENTAGE, "between 0 and 100"),
    ("-3", rules.NUMBER, "cannot be negative"),
    ("52%", rules.DAYS, "is a percentage, but this measure is counted as a number of days"),
    ("14 days", rules.PERCENTAGE, "is a number of days, but this measure is counted as a percentage"),
    ("about half", rules.PERCENTAGE, "is not a percentage"),
    ("", rules.NUMBER, "Enter a value"),
])
def test_a_value_in_the_wrong_unit_or_range_is_refused_with_what_to_fix(text, unit, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_value(text, unit)


def test_values_are_shown_in_their_unit():
    assert rules.format_value(D("66.3000"), rules.PERCENTAGE) == "66.3%"
    assert rules.format_value(D("95"), rules.PERCENTAGE) == "95%"
    assert rules.format_value(D("1"), rules.DAYS) == "1 day"
    assert rules.format_value(D("38.55"), rules.RATE) == "38.55 per 10,000"
    assert rules.format_value(None, rules.NUMBER) == "–"


def test_a_negative_tolerance_is_refused_because_the_bands_would_overlap(plan):
    measure = Measure(plan=plan, name="Core groups to timescale", tolerance=D("-1"))
    with pytest.raises(ValidationError) as caught:
        measure.full_clean()
    assert "overlap" in str(caught.value.message_dict["tolerance"])


def test_a_target_outside_the_plan_is_refused(plan, theme, measure):
    make_action(theme, due_date=datetime.date(2013, 12, 31))
    late = MeasureTarget(measure=measure, date=datetime.date(2014, 6, 30), value=D("95"))
    with pytest.raises(ValidationError) as caught:
        late.full_clean()
    assert "outside the plan" in caught.value.message_dict["date"][0]
    MeasureTarget(measure=measure, date=datetime.date(2013, 12, 31), value=D("96")).full_clean()


def test_a_later_value_for_a_period_supersedes_the_earlier_and_both_stay(measure, lead):
    first = measure.record_value(period=NOV, value="52", by=lead)
    second = measure.record_value(period=NOV, value="54.5", by=lead, commentary="Corrected after data cleanse")
    assert list(MeasureValue.objects.filter(measure=measure).reporting()) == [second]
    assert MeasureValue.objects.filter(pk=first.pk).exists()


def test_the_reporting_list_keeps_what_reporting_keeps_in_measure_and_period_order(measure, lead, plan):
    other = make_measure(plan, name="Core groups held on time")
    for period, value in ((NOV, "52"), (OCT, "40"), (NOV, "54.5"), (OCT, "41"), (NOV, "55")):
        measure.record_value(period=period, value=value, by=lead)
    other.record_value(period=NOV, value="12", by=lead)
    ours = MeasureValue.objects.filter(measure__in=[measure, other])
    expected = sorted(ours.reporting(), key=lambda v: (v.measure_id, v.period))
    assert ours.reporting_list() == [(v.pk, v.measure_id, v.period, v.value) for v in expected]
    assert [(v.period, v.value) for v in ours.reporting_list() if v.measure_id == measure.pk] == [
        (OCT, Decimal("41")), (NOV, Decimal("55"))]


def test_the_reporting_list_as_of_a_day_leaves_out_values_recorded_after_it(measure, lead):
    measure.record_value(period=NOV, value="52", by=lead)
    correction = measure.record_value(period=NOV, value="54.5", by=lead)
    today = timezone.localdate(correction.recorded_at)  # both were recorded today
    values = MeasureValue.objects.filter(measure=measure)
    assert [value.pk for value in values.reporting_list(as_of=today)] == [correction.pk]
    assert list(values.reporting(as_of=today)) == [correction]
    assert values.reporting_list(as_of=today - datetime.timedelta(days=1)) == []


def test_measure_values_cannot_be_changed_or_deleted(measure, lead):
    value = measure.record_value(period=NOV, value="52", by=lead)
    with pytest.raises(AppendOnlyError):
        value.save()
    with pytest.raises(AppendOnlyError):
        value.delete()
    with pytest.raises(AppendOnlyError):
        MeasureValue.objects.filter(pk=value.pk).update(value=1)
    with pytest.raises(AppendOnlyError):
        MeasureValue.objects.filter(pk=value.pk).delete()


@pytest.mark.parametrize(("period", "value", "message"), [
    (datetime.date(2012, 8, 1), "40", "before the baseline"),
    (datetime.date(2013, 1, 1), "40", "after the plan's current period"),
    (NOV, "140", "between 0 and 100"),
    (NOV, "12 days", "counted as a percentage"),
])
def test_a_refused_value_saves_nothing(measure, lead, period, value, message):
    with pytest.raises(ValidationError, match=message):
        measure.record_value(period=period, value=value, by=lead)
    assert not MeasureValue.objects.exists()


def test_the_period_view_reads_each_measure_for_its_period(plan, measure, lead, frozen_today):
    measure.record_value(period=OCT, value="40", by=lead)
    measure.record_value(period=NOV, value="70", by=lead)
    unreported = make_measure(plan, "Core groups to timescale", targets=(), baseline=None,
                              baseline_note="Baseline to be set January 2013")
    readings = {r.measure.pk: r for r in PeriodView.of_plan(plan, NOV).measure_readings()}
    reading = readings[measure.pk]
    assert reading.value.value == D("70")
    assert reading.direction.words == "improving: 40% to 70% since October 2012"
    # The trajectory from 36% (1 Sep 2012) to 95% (31 Mar 2013) passes 61.2% on 30 Nov 2012
    # (90 of its 211 days: 36 + 59 × 90 / 211), a target of 61% in the whole per cents it is set in.
    assert reading.target == D("61")
    assert reading.rag == rules.ON_TARGET
    assert not reading.is_missing
    assert readings[unreported.pk].rag == rules.NO_TARGET
    assert readings[unreported.pk].is_missing

    december = {r.measure.pk: r for r in PeriodView.of_plan(plan, DEC).measure_readings()}[measure.pk]
    assert december.value.period == NOV and december.is_stale and december.is_missing


def test_the_period_view_leaves_out_values_recorded_after_its_date(plan, measure, lead):
    measure.record_value(period=NOV, value="70", by=lead, written_at=datetime.datetime(2012, 12, 5, tzinfo=datetime.UTC))
    measure.record_value(period=NOV, value="20", by=lead, written_at=datetime.datetime(2012, 12, 15, tzinfo=datetime.UTC))
    as_of_meeting = PeriodView.of_plan(plan, NOV, as_of=datetime.date(2012, 12, 10)).measure_readings()[0]
    assert as_of_meeting.value.value == D("70")
    now = PeriodView.of_plan(plan, NOV, as_of=datetime.date(2012, 12, 20)).measure_readings()[0]
    assert now.value.value == D("20") and now.rag == rules.OFF_TARGET


def test_quarterly_measures_expect_values_only_at_quarter_ends(plan):
    quarterly = make_measure(plan, "Re-referrals", frequency=Measure.Frequency.QUARTERLY)
    assert quarterly.expects_value_in(datetime.date(2012, 12, 1))
    assert not quarterly.expects_value_in(NOV)


def test_the_period_view_reads_measures_in_a_fixed_number_of_queries(plan, lead, django_assert_num_queries):
    for number in range(3):
        make_measure(plan, f"Measure {number}").record_value(period=NOV, value="50", by=lead)
    view = PeriodView.of_plan(plan, NOV, as_of=datetime.date(2012, 12, 20))
    view.counts  # noqa: B018 -- the action rows are read (and built) first
    with django_assert_num_queries(4):
        view.measure_readings()
    for number in range(3, 12):
        make_measure(plan, f"Measure {number}").record_value(period=NOV, value="50", by=lead)
    with django_assert_num_queries(4):
        assert len(view.measure_readings()) == 12


def test_missing_values_are_the_measures_expecting_one_for_the_period_that_have_none_by_its_date(
        plan, measure, lead, django_assert_num_queries):
    measure.record_value(period=OCT, value="40", by=lead, written_at=datetime.datetime(2012, 11, 5, tzinfo=datetime.UTC))
    recorded = make_measure(plan, "Recorded in time")
    recorded.record_value(period=DEC, value="50", by=lead, written_at=datetime.datetime(2013, 1, 5, tzinfo=datetime.UTC))
    late = make_measure(plan, "Recorded after the meeting")
    late.record_value(period=DEC, value="50", by=lead, written_at=datetime.datetime(2013, 1, 20, tzinfo=datetime.UTC))
    quarterly = make_measure(plan, "Quarterly", frequency=Measure.Frequency.QUARTERLY)
    view = PeriodView.of_plan(plan, DEC, as_of=datetime.date(2013, 1, 10))
    with django_assert_num_queries(6):  # the expecting, the recorded; then the missing ones' readings
        missing = view.missing_measure_values()
    assert [reading.measure for reading in missing] == [measure, quarterly, late]  # the scorecard's order
    assert missing[0].value.period == OCT and missing[0].value_text == "40%"  # the latest before, shown
    assert missing[2].value is None  # its December value was recorded after the view's date
    assert [r.measure for r in PeriodView.of_plan(plan, NOV, as_of=datetime.date(2013, 1, 10))
            .missing_measure_values()] == [measure, late, recorded]  # not due in November: quarterly
    assert PeriodView.of_plan(plan, DEC, as_of=datetime.date(2013, 1, 10)).missing_measure_values(
        Measure.objects.filter(pk=recorded.pk)) == []


def test_trajectories_attached_to_many_measures_are_read_in_one_query_and_judge_as_the_targets_do(
        plan, django_assert_num_queries):
    first = make_measure(plan, targets=((datetime.date(2013, 3, 31), 95), (datetime.date(2012, 12, 31), 60)))
    second = make_measure(plan, "Core groups held", baseline=None, targets=())
    expected = {measure.pk: (measure.trajectory(), measure.target_for(datetime.date(2013, 1, 1)))
                for measure in (first, second)}
    measures = list(Measure.objects.filter(plan=plan))
    with django_assert_num_queries(1):
        Measure.attach_trajectories(measures)
        got = {measure.pk: (measure.trajectory(), measure.target_for(datetime.date(2013, 1, 1)))
               for measure in measures}
    assert got == expected
    assert got[first.pk][0] == [(datetime.date(2012, 12, 31), 60), (datetime.date(2013, 3, 31), 95)]  # date order
    assert got[second.pk] == ([], None)
    from_models = list(Measure.objects.filter(pk=first.pk))
    targets = list(MeasureTarget.objects.filter(measure=first))
    with django_assert_num_queries(0):  # the targets a page has read already
        Measure.attach_trajectories(from_models, targets)
        assert from_models[0].trajectory() == got[first.pk][0]
