"""The pages that show measures and record their values (improvement/measure_views.py), and the
scorecards on the plan page, the dashboard, the action page and "My actions"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from improvement.models import MeasureValue
from tests.conftest import client_for, make_measure

NOV = datetime.date(2012, 11, 1)
DEC = datetime.date(2012, 12, 1)
MEASURE_PAGE_QUERIES = 16  # the measure page, whatever the number of the plan's measures


def record_url(measure):
    return reverse("improvement:measure_record_value", args=[measure.pk])


def detail_url(measure):
    return reverse("improvement:measure_detail", args=[measure.pk])


# --- the measure page ---------------------------------------------------------------------------

def test_the_measure_page_shows_its_definition_trajectory_and_latest_reading(plan, measure, lead, manager,
                                                                              frozen_today):
    measure.definition = "Children seen within 10 working days of referral"
    measure.numerator = "Children seen in time"
    measure.denominator = "All referrals"
    measure.data_source = "Care First"
    measure.save()
    measure.record_value(period=NOV, value="52", by=lead)
    measure.record_value(period=DEC, value="67", by=lead, commentary="Two new social workers started")
    page = client_for(manager).get(detail_url(measure)).content.decode()
    for text in ("Children seen within 10 working days", "Children seen in time", "All referrals", "Care First",
                 "Higher is better", "Assistant Director Specialist Services", "36% (September 2012)", "95% by 31 March 2013",
                 "5 percentage points", "Two new social workers started"):
        assert text in page, text
    assert re.search(r"app-rag--amber\">Within tolerance<", page)  # coloured and written
    assert "Improving: 52% to 67% since November 2012" in page


def test_the_measure_page_draws_an_accessible_chart_with_its_figures_in_a_table(measure, lead, viewer, frozen_today):
    measure.record_value(period=NOV, value="52", by=lead)
    measure.record_value(period=DEC, value="80", by=lead)
    page = client_for(viewer).get(detail_url(measure)).content.decode()
    svg = re.search(r'<svg class="chart app-chart__svg" role="img"[^>]*>', page).group(0)
    assert 'aria-labelledby="measure-chart-title measure-chart-desc"' in svg
    assert '<title id="measure-chart-title">' in page and '<desc id="measure-chart-desc">' in page
    table = re.search(r"Values, targets and comparators by period.*?</table>", page, flags=re.DOTALL).group(0)
    assert "November 2012" in table and "80%" in table and "On target" in table
    assert "England" in table and "Statistical neighbours" in table


def test_a_superseded_value_stays_in_the_history_marked_superseded(measure, lead, manager, frozen_today):
    measure.record_value(period=DEC, value="40", by=lead)
    measure.record_value(period=DEC, value="60", by=manager, commentary="Corrected after audit")
    page = client_for(lead).get(detail_url(measure)).content.decode()
    history = page[page.index('id="history"'):]
    assert history.index("December 2012: 60%") < history.index("December 2012: 40%")
    assert history.count("Superseded") == 1
    assert history.index("Superseded") > history.index("December 2012: 40%")
    assert "Corrected after audit" in history and "by Manager" in history
    import re
    header = re.search(r'<div class="moj-timeline__header">(.*?)</div>', history, re.S)[1]
    assert " ".join(re.sub(r"<[^>]+>", "", header).split()) == "December 2012: 60% by Manager"  # not "60%by"


def test_without_a_baseline_the_page_shows_its_note(plan, manager):
    measure = make_measure(plan, "Re-referrals", baseline=None, baseline_note="Baseline to be set January 2013")
    page = client_for(manager).get(detail_url(measure)).content.decode()
    assert "Baseline to be set January 2013" in page
    assert "No values recorded yet" in page


def test_the_measure_page_lists_the_themes_actions_and_recommendations_it_evidences(measure, theme, action,
                                                                                    recommendation, viewer):
    measure.themes.add(theme)
    measure.actions.add(action)
    measure.recommendations.add(recommendation)
    page = client_for(viewer).get(detail_url(measure)).content.decode()
    assert theme.get_absolute_url() in page and action.get_absolute_url() in page
    assert str(recommendation) in page


def test_read_only_people_see_no_record_button(measure, chair, viewer, lead, manager):
    assert "Record a value" not in client_for(chair).get(detail_url(measure)).content.decode()
    assert "Record a value" not in client_for(viewer).get(detail_url(measure)).content.decode()
    assert "Record a value" in client_for(lead).get(detail_url(measure)).content.decode()
    assert "Record a value" in client_for(manager).get(detail_url(measure)).content.decode()


def test_an_outsider_gets_404_for_the_measure_page(measure, outsider):
    assert client_for(outsider).get(detail_url(measure)).status_code == 404


# --- recording a value --------------------------------------------------------------------------

def test_the_owner_records_a_value_and_is_sent_to_the_measure_page(measure, lead, frozen_today):
    response = client_for(lead).post(record_url(measure), {"period": "2012-12-01", "value": "67.5%",
                                                           "commentary": "Better"}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(measure)
    value = MeasureValue.objects.get(measure=measure)
    assert (value.period, value.value, value.recorded_by, value.commentary) == (DEC, Decimal("67.5"), lead, "Better")
    assert "67.5% recorded for December 2012." in response.content.decode()


def test_a_plan_manager_records_a_value_for_any_measure(measure, manager, frozen_today):
    response = client_for(manager).post(record_url(measure), {"period": "2012-11-01", "value": "50"})
    assert response.status_code == 302
    assert MeasureValue.objects.get(measure=measure).period == NOV


def test_the_message_says_when_a_value_supersedes_an_earlier_one(measure, lead, frozen_today):
    measure.record_value(period=DEC, value="40", by=lead)
    client = client_for(lead)
    assert "already has a value for December 2012" in client.get(record_url(measure)).content.decode()
    response = client.post(record_url(measure), {"period": "2012-12-01", "value": "45"}, follow=True)
    assert "It supersedes the value recorded earlier for December 2012 (40%)" in response.content.decode()
    assert MeasureValue.objects.filter(measure=measure).count() == 2


def test_the_form_offers_periods_from_the_baseline_to_the_current_period_defaulting_to_current(measure, lead):
    page = client_for(lead).get(record_url(measure)).content.decode()
    options = re.findall(r'<option value="(\d{4}-\d\d-01)"( selected)?', page)
    assert [value for value, _ in options] == ["2012-12-01", "2012-11-01", "2012-10-01", "2012-09-01"]
    assert options[0][1] == " selected"


def test_without_a_baseline_the_form_offers_twelve_periods_back(plan, lead_post, lead):
    measure = make_measure(plan, "Re-referrals", owner=lead_post, baseline=None)
    page = client_for(lead).get(record_url(measure)).content.decode()
    options = re.findall(r'<option value="(\d{4}-\d\d-01)"', page)
    assert options[0] == "2012-12-01" and options[-1] == "2011-12-01" and len(options) == 13


@pytest.mark.parametrize(("data", "message"), [
    ({"period": "2012-12-01", "value": ""}, "Enter a value"),
    ({"period": "2012-12-01", "value": "lots"}, "is not a percentage"),
    ({"period": "2012-12-01", "value": "14 days"}, "but this measure is counted as a percentage"),
    ({"period": "2012-12-01", "value": "120"}, "is more than 100"),
    ({"period": "2013-01-01", "value": "50"}, "Select one of the reporting periods listed"),
    ({"period": "2012-08-01", "value": "50"}, "Select one of the reporting periods listed"),
])
def test_bad_input_is_refused_with_a_message_saying_what_to_fix(measure, lead, data, message):
    response = client_for(lead).post(record_url(measure), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not MeasureValue.objects.filter(measure=measure).exists()


@pytest.mark.parametrize("persona", ["chair", "viewer", "scrutiny", "member"])
def test_read_only_roles_get_403_on_the_record_form(request, measure, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(detail_url(measure)).status_code == 200
    assert client.get(record_url(measure)).status_code == 403
    assert client.post(record_url(measure), {"period": "2012-12-01", "value": "50"}).status_code == 403
    assert not MeasureValue.objects.exists()


def test_an_outsider_gets_404_on_the_record_form(measure, outsider):
    assert client_for(outsider).post(record_url(measure), {"period": "2012-12-01", "value": "50"}).status_code == 404


def test_the_record_form_refuses_other_methods(measure, lead):
    assert client_for(lead).put(record_url(measure)).status_code == 405


# --- the scorecard page -------------------------------------------------------------------------

def scorecard(plan):
    return reverse("improvement:measure_list", args=[plan.pk])


def test_the_scorecard_has_a_row_per_measure_with_value_target_rag_direction_and_trend(plan, measure, lead,
                                                                                      viewer, frozen_today):
    measure.record_value(period=NOV, value="52", by=lead)
    measure.record_value(period=DEC, value="67", by=lead)
    make_measure(plan, "Re-referrals", baseline=None, targets=())
    page = client_for(viewer).get(scorecard(plan)).content.decode()
    row = re.search(r"Children seen within timescale</a>.*?</tr>", page, flags=re.DOTALL).group(0)
    assert "67%" in row and "December 2012" in row and "70%" in row and "Within tolerance" in row
    assert "Improving" in row and "<polyline" in row
    assert "Values: November 2012: 52%; December 2012: 67%" in row  # the trend line in words
    other = re.search(r"Re-referrals</a>.*?</tr>", page, flags=re.DOTALL).group(0)
    assert "No value yet" in other and "No target set" in other
    assert f'aria-current="page" href="{scorecard(plan)}">Measures<' in page


def test_a_scorecard_row_writes_its_reference_escapes_the_name_and_words_a_trend_of_one_value(plan, lead, viewer,
                                                                                           frozen_today):
    single = make_measure(plan, "Visits <on time> & recorded", reference="M1.2")
    single.record_value(period=DEC, value="40", by=lead)
    make_measure(plan, "Core groups held", reference="M2")
    page = client_for(viewer).get(scorecard(plan)).content.decode()
    row = re.search(r"M1\.2 Visits &lt;on time&gt; &amp; recorded</a>.*?</tr>", page, flags=re.DOTALL).group(0)
    assert '<td class="govuk-table__cell">December 2012: 40%</td></tr>' in row  # one value: no line to draw
    assert "<svg" not in row and "Values:" not in row
    empty = re.search(r"M2 Core groups held</a>.*?</tr>", page, flags=re.DOTALL).group(0)
    assert '<td class="govuk-table__cell">No values yet</td></tr>' in empty
    assert 'role="region" aria-label="Measures of the plan" tabindex="0"' in page


def test_the_scorecard_filters_by_theme(plan, theme, measure, viewer):
    make_measure(plan, "Re-referrals").themes.add(theme)
    page = client_for(viewer).get(scorecard(plan), {"theme": theme.pk}).content.decode()
    assert "Re-referrals" in page and "Children seen within timescale" not in page
    assert f'<option value="{theme.pk}" selected>' in page
    everything = client_for(viewer).get(scorecard(plan), {"theme": "nonsense"}).content.decode()
    assert "Re-referrals" in everything and "Children seen within timescale" in everything


def test_only_managers_see_add_a_measure_when_that_page_exists(plan, measure, manager, viewer):
    from django.urls import NoReverseMatch

    try:
        reverse("improvement:measure_create", args=[plan.pk])
    except NoReverseMatch:
        pytest.skip("improvement:measure_create is not built yet")
    assert "Add a measure" in client_for(manager).get(scorecard(plan)).content.decode()
    assert "Add a measure" not in client_for(viewer).get(scorecard(plan)).content.decode()


def test_an_outsider_gets_404_for_the_scorecard(plan, outsider):
    assert client_for(outsider).get(scorecard(plan)).status_code == 404


def _measures_with_values(plan, count, lead):
    """``count`` measures with two targets and a value for November and December each (written in
    bulk: 500 measures one by one would take most of a minute)."""
    from improvement.models import Measure, MeasureTarget, MeasureValue

    measures = Measure.objects.bulk_create(
        Measure(plan=plan, name=f"Measure {n}", unit="percentage", polarity="higher", tolerance=5,
                baseline_date=datetime.date(2012, 9, 1), baseline_value=36, position=n) for n in range(count))
    MeasureTarget.objects.bulk_create(MeasureTarget(measure=m, date=day, value=value) for m in measures
                                      for day, value in ((datetime.date(2013, 3, 31), 90),
                                                         (datetime.date(2013, 1, 31), 80)))
    MeasureValue.objects.bulk_create(MeasureValue(measure=m, period=period, value=value + n % 50, recorded_by=lead)
                                     for n, m in enumerate(measures) for period, value in ((NOV, 40), (DEC, 45)))
    return measures


@pytest.mark.parametrize("count", [10, 500])
def test_the_scorecard_costs_the_same_queries_for_10_and_500_measures(plan, theme, lead, viewer, count,
                                                                      django_assert_num_queries, frozen_today):
    _measures_with_values(plan, count, lead)
    client = client_for(viewer)
    client.get(scorecard(plan))  # the session, once
    with django_assert_num_queries(13):  # measures only: the actions' stored rows are not counted
        assert client.get(scorecard(plan)).status_code == 200


@pytest.mark.parametrize("count", [10, 500])
def test_the_measure_page_costs_the_same_queries_for_10_and_500_measures(plan, theme, lead, viewer, count,
                                                                         django_assert_num_queries, frozen_today):
    measures = _measures_with_values(plan, count, lead)
    url = reverse("improvement:measure_detail", args=[measures[0].pk])
    client = client_for(viewer)
    client.get(url)  # the session, once
    with django_assert_num_queries(MEASURE_PAGE_QUERIES):
        assert client.get(url).status_code == 200


# --- scorecards elsewhere -----------------------------------------------------------------------

def test_the_plan_page_counts_measures_by_rag_and_links_to_the_scorecard(plan, measure, lead, viewer, frozen_today):
    measure.record_value(period=DEC, value="67", by=lead)
    make_measure(plan, "Re-referrals").record_value(period=DEC, value="20", by=lead)
    page = client_for(viewer).get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    section = page[page.index('id="measures"'):]
    assert re.search(r"Within tolerance</strong>\s*1", section) and re.search(r"Off target</strong>\s*1", section)
    assert scorecard(plan) in section


def test_the_dashboard_shows_the_scorecard(plan, measure, lead, chair, frozen_today):
    measure.record_value(period=DEC, value="67", by=lead)
    page = client_for(chair).get(reverse("boards:dashboard", args=[plan.pk])).content.decode()
    row = re.search(r"Children seen within timescale</a>.*?</tr>", page, flags=re.DOTALL).group(0)
    assert "67%" in row and "Within tolerance" in row


def test_the_action_page_lists_the_measures_that_evidence_it(measure, action, lead, viewer, frozen_today):
    measure.actions.add(action)
    measure.record_value(period=DEC, value="96", by=lead)
    page = client_for(viewer).get(action.get_absolute_url()).content.decode()
    section = page[page.index('id="impact-measures"'):]
    assert detail_url(measure) in section and "96%" in section and "On target" in section


def test_my_actions_lists_my_measures_missing_this_periods_value(plan, measure, lead, lead_post, frozen_today):
    done = make_measure(plan, "Re-referrals", owner=lead_post)
    done.record_value(period=DEC, value="20", by=lead)
    page = client_for(lead).get(reverse("improvement:my_actions")).content.decode()
    section = page[page.index('id="measures-missing"'):]
    assert "Children seen within timescale" in section and record_url(measure) in section
    assert "Re-referrals" not in section


def test_a_value_recorded_on_a_demo_site_shows_at_once(settings, plan, measure, lead, viewer):
    """The demo reads as at a date in 2012 (SITE_AS_AT) while values carry their real timestamps."""
    settings.SITE_AS_AT = datetime.date(2012, 12, 10)
    client_for(lead).post(record_url(measure), {"period": "2012-12-01", "value": "67"})
    page = client_for(viewer).get(scorecard(plan)).content.decode()
    assert "67%" in page


# --- any input -----------------------------------------------------------------------------------

def test_the_record_form_survives_any_input_saves_whole_values_only_and_escapes_what_was_typed(measure, lead,
                                                                                               frozen_today):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)
    nasty = st.sampled_from(["<script>alert(1)</script>", "52%<b>", "1e999", "NaN", "-0", "٥٢", "52,5", "{{ 7*7 }}"])
    client = client_for(lead)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=st.one_of(text, nasty), commentary=st.one_of(text, nasty))
    def attempt(value, commentary):
        before = MeasureValue.objects.count()
        response = client.post(record_url(measure), {"period": "2012-12-01", "value": value, "commentary": commentary})
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert MeasureValue.objects.count() == before
            assert "<script>alert(1)" not in response.content.decode()
        else:
            assert MeasureValue.objects.count() == before + 1
            assert 0 <= MeasureValue.objects.order_by("-pk").first().value <= 100

    attempt()


def test_the_figures_table_puts_comparators_beside_the_councils_own_values(measure, lead, viewer, frozen_today):
    from improvement.models import ComparatorValue

    measure.record_value(period=DEC, value="67", by=lead)
    ComparatorValue.objects.create(measure=measure, period=DEC, comparator="england", value=Decimal("72.4"))
    ComparatorValue.objects.create(measure=measure, period=DEC, comparator="region", area="West Midlands",
                                   value=Decimal("70"))
    page = client_for(viewer).get(detail_url(measure)).content.decode()
    table = re.search(r"Values, targets and comparators by period.*?</table>", page, flags=re.DOTALL).group(0)
    row = re.search(r"December 2012</th>.*?</tr>", table, flags=re.DOTALL).group(0)
    assert re.findall(r"(67%|72\.4%|70%|West Midlands)", row) == ["67%", "70%", "72.4%", "70%",
                                                                           "West Midlands"]
