import io

import pytest
from django.core.management import CommandError, call_command

from boards.models import Meeting, ReviewNote, UpdateRound
from improvement.models import Action, Plan, Update


def generate(**options):
    call_command("generate_sample_data", stdout=io.StringIO(), **{"councils": 2, "plans_per_council": 2,
                                                                  "actions": 15, "months": 6, **options})


def test_sample_data_has_the_size_asked_for(scheme):
    generate()
    assert Plan.objects.filter(slug__startswith="sample-").count() == 4
    assert Action.objects.filter(plan__slug__startswith="sample-").count() == 60
    updates = Update.objects.filter(action__plan__slug__startswith="sample-")
    assert 60 * 2 <= updates.count() <= 60 * 6
    assert UpdateRound.objects.filter(closed_at__isnull=False).count() == 4
    assert Meeting.objects.count() == 8 and ReviewNote.objects.count() == 16  # one per 30 actions, at least two
    # The denormalised current status agrees with the history.
    for action in Action.objects.filter(plan__slug__startswith="sample-").select_related("current_status")[:20]:
        assert action.current_status == action.updates.order_by("-period", "-pk").first().status


def test_sample_data_is_deterministic_for_a_seed(scheme):
    generate(prefix="One")
    generate(prefix="Two")
    one = list(Update.objects.filter(action__plan__slug__startswith="one-").order_by("pk")
               .values_list("status__code", "period", "note"))
    two = list(Update.objects.filter(action__plan__slug__startswith="two-").order_by("pk")
               .values_list("status__code", "period", "note"))
    assert one == two


def test_sample_data_refuses_to_build_twice_with_one_name_or_bad_sizes(scheme):
    generate()
    with pytest.raises(CommandError, match="exists already"):
        generate()
    with pytest.raises(CommandError, match="at least 1"):
        generate(prefix="Other", actions=0)


def test_sample_data_gives_each_plan_measures_with_a_value_a_month_within_the_rules(scheme):
    from improvement import measures as rules
    from improvement.models import Measure, MeasureValue
    from improvement.reporting import PeriodView

    generate(measures=7)
    plan = Plan.objects.filter(slug__startswith="sample-").first()
    assert Measure.objects.filter(plan=plan).count() == 7
    values = MeasureValue.objects.filter(measure__plan=plan)
    monthly = Measure.objects.filter(plan=plan, frequency="monthly").count()
    assert monthly * 6 <= values.reporting().count() <= 7 * 6
    for value in values.select_related("measure"):
        rules.check_value(value.value, value.measure.unit)
        assert value.measure.baseline_date <= value.period <= plan.current_period
    readings = PeriodView.of_plan(plan).measure_readings()
    assert all(reading.target is not None for reading in readings)
    assert all(reading.measure.actions.exists() for reading in readings)
    one = list(MeasureValue.objects.filter(measure__plan__slug__startswith="sample-").order_by("pk")
               .values_list("period", "value")[:50])
    generate(prefix="Again", measures=7)
    again = list(MeasureValue.objects.filter(measure__plan__slug__startswith="again-").order_by("pk")
                 .values_list("period", "value")[:50])
    assert one == again
