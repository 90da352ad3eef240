"""The Walsall demo's measures: the seed's figures, marked apart from the illustrative history,
linked to their actions, and showing each state of a measure's RAG."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from improvement import measures as rules
from improvement.fixtures import load_plan_file
from improvement.models import MeasureValue, RagScheme, RagStatus
from improvement.rag import create_presets
from improvement.reporting import PeriodView

pytestmark = pytest.mark.django_db


@pytest.fixture
def walsall():
    create_presets(RagScheme, RagStatus)
    plan, _ = load_plan_file(settings.BASE_DIR / "fixtures" / "walsall.json")
    return plan


def test_the_seeds_training_figures_for_november_are_there_and_not_marked_illustrative(walsall):
    november = MeasureValue.objects.filter(measure__plan=walsall, period=datetime.date(2012, 11, 1),
                                           measure__reference__startswith="2.1-")
    assert sorted(v.value for v in november) == [Decimal("36"), Decimal("39"), Decimal("95")]
    assert not any(v.is_illustrative for v in november)
    earlier = MeasureValue.objects.filter(measure__plan=walsall, period__lt=datetime.date(2012, 11, 1))
    assert earlier.exists() and all(v.is_illustrative for v in earlier)


def test_the_demo_measures_are_linked_to_their_actions(walsall):
    supervision = walsall.measures.get(reference="2.8-SUP")
    assert sorted(supervision.actions.values_list("number", flat=True)) == ["2.13", "2.8"]
    core_groups = walsall.measures.get(reference="3.8-CG")
    assert core_groups.baseline_note.startswith("Identify baseline and target to be set Jan 2013")


def test_the_demo_shows_each_state_of_a_measures_rag(walsall):
    readings = {r.measure.reference: r for r in PeriodView.of_plan(walsall, as_of=datetime.date(2012, 12, 10))
                .measure_readings()}
    assert readings["2.1-L1"].rag == rules.ON_TARGET
    states = {r.rag for r in readings.values()}
    assert {rules.ON_TARGET, rules.WITHIN_TOLERANCE, rules.OFF_TARGET, rules.NO_TARGET} <= states
    assert readings["2.8-SUP"].rag == rules.WITHIN_TOLERANCE
    assert readings["3.8-CG"].rag == rules.NO_TARGET and readings["3.8-CG"].is_missing


def test_the_demo_lead_owns_measures_still_to_be_given_this_periods_value(walsall):
    from improvement.models import Measure

    owned = Measure.objects.filter(plan=walsall, owner__title="Interim Assistant Director for Specialist Services")
    missing = PeriodView.of_plan(walsall, as_of=datetime.date(2012, 12, 10)).missing_measure_values(owned)
    assert {reading.measure.reference for reading in missing} == {"2.8-SUP", "2.8-SAT"}
