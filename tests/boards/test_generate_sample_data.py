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


def test_sample_data_has_measures_with_targets_links_and_values_that_keep_the_rules(scheme):
    from improvement.measures import check_value
    from improvement.models import Measure, MeasureValue

    generate(months=12)
    plans = Plan.objects.filter(slug__startswith="sample-")
    measures = Measure.objects.filter(plan__in=plans).select_related("plan").prefetch_related(
        "targets", "actions__lead_posts", "themes")
    assert measures.count() == 4 * 20
    assert len({m.unit for m in measures}) == 4 and len({m.frequency for m in measures}) == 3
    assert {m.polarity for m in measures} == {"higher", "lower"}
    values = MeasureValue.objects.filter(measure__plan__in=plans)
    for measure in measures:
        assert measure.targets.count() == 2 and measure.tolerance > 0
        assert 1 <= measure.actions.count() <= 3
        assert {a.theme_id for a in measure.actions.all()} == {t.pk for t in measure.themes.all()}
        assert measure.owner.organisation_id is not None
        for value in measure.values.all():
            check_value(value.value, measure.unit)
            assert measure.baseline_date <= value.period <= measure.plan.current_period
            assert measure.expects_value_in(value.period) or value.period == measure.baseline_date
    monthly = measures.filter(frequency="monthly").first()
    assert monthly.values.count() >= 12 - 2  # from its baseline (in the first two months) to the current period
    corrected = values.count() - MeasureValue.objects.filter(pk__in=values.reporting()).count()
    assert 1 <= corrected <= 4 * 3
    # The council's lead owns some, so My actions has measures to show.
    assert Measure.objects.filter(plan__in=plans, owner__holders__username__startswith="sample-lead-").exists()


def test_sample_measures_are_deterministic_for_a_seed(scheme):
    from improvement.models import MeasureTarget, MeasureValue

    generate(prefix="One", months=8)
    generate(prefix="Two", months=8)

    def rows(prefix):
        return (list(MeasureValue.objects.filter(measure__plan__slug__startswith=prefix).order_by("pk")
                     .values_list("measure__name", "period", "value", "recorded_at")),
                list(MeasureTarget.objects.filter(measure__plan__slug__startswith=prefix).order_by("pk")
                     .values_list("measure__name", "date", "value")))
    assert rows("one-") == rows("two-")
    assert rows("one-")[0]


def test_sample_data_can_leave_measures_out(scheme):
    from improvement.models import Measure

    generate(measures=0)
    assert not Measure.objects.exists()
