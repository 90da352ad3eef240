"""Plan managers define a plan's measures of impact (issue #13): the definition, baseline,
tolerance, dated targets and links are saved together or not at all, every refusal says what to
fix, and comparator values are typed by hand. Nobody else may."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from improvement.models import ComparatorValue, Measure, MeasureTarget
from tests.conftest import client_for, make_action


@pytest.fixture
def long_action(theme, lead_post):
    """Makes the plan run to 31 March 2014 (its latest action date)."""
    return make_action(theme, "2.1", leads=[lead_post], due_date=datetime.date(2014, 3, 31))


def measure_data(lead_post=None, *, targets=(), **changes):
    data = {"name": "Children seen within timescale", "reference": "CS12", "definition": "Visits on time",
            "numerator": "", "denominator": "", "unit": "percentage", "polarity": "higher", "frequency": "monthly",
            "data_source": "Care First", "owner": lead_post.pk if lead_post else "", "baseline_value": "36%",
            "baseline_date_0": "30", "baseline_date_1": "9", "baseline_date_2": "2012", "baseline_note": "",
            "tolerance": "5", "position": "1", "read_version": "",
            "targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "0", "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "50"}
    for i, (day, value, note) in enumerate(targets):
        data.update({f"targets-{i}-date_0": str(day.day), f"targets-{i}-date_1": str(day.month),
                     f"targets-{i}-date_2": str(day.year), f"targets-{i}-value": value, f"targets-{i}-note": note})
    data.update(changes)
    return data


def create_url(plan):
    return reverse("improvement:measure_create", args=[plan.pk])


def rows():
    return Measure.objects.count(), MeasureTarget.objects.count(), Measure.themes.through.objects.count()


def test_a_manager_creates_a_measure_with_two_targets_and_links(plan, theme, action, long_action, recommendation,
                                                                  lead_post, manager):
    data = measure_data(lead_post, themes=[theme.pk], actions=[action.pk, long_action.pk],
                        recommendations=[recommendation.pk],
                        targets=[(datetime.date(2013, 3, 31), "60%", "Improvement Notice"),
                                 (datetime.date(2014, 3, 31), "95", "End of plan")])
    response = client_for(manager).post(create_url(plan), data)
    measure = Measure.objects.get()
    assert response.status_code == 302 and response.url == measure.get_absolute_url()
    assert (measure.owner, measure.baseline_value, measure.baseline_date) == (
        lead_post, Decimal("36"), datetime.date(2012, 9, 30))
    assert measure.trajectory() == [(datetime.date(2013, 3, 31), Decimal("60")),
                                    (datetime.date(2014, 3, 31), Decimal("95"))]
    assert list(measure.themes.all()) == [theme]
    assert set(measure.actions.all()) == {action, long_action}
    assert list(measure.recommendations.all()) == [recommendation]
    assert measure.history.first().history_user == manager


def test_the_add_a_measure_page_offers_the_plans_posts_and_blank_target_rows(plan, theme, lead_post, manager):
    page = client_for(manager).get(create_url(plan))
    assert page.status_code == 200
    text = page.content.decode()
    assert lead_post.title in text and theme.title in text
    assert 'name="targets-TOTAL_FORMS" value="3"' in text


def test_add_more_rows_shows_what_was_typed_with_three_more_rows_and_saves_nothing(plan, long_action, manager):
    data = measure_data(targets=[(datetime.date(2013, 3, 31), "60", "")], add_rows="1")
    page = client_for(manager).post(create_url(plan), data)
    text = page.content.decode()
    assert page.status_code == 200 and Measure.objects.count() == 0
    assert 'name="targets-TOTAL_FORMS" value="6"' in text and 'value="60"' in text
    assert "There is a problem" not in text


@pytest.mark.parametrize(("changes", "targets", "message"), [
    ({"tolerance": "-1"}, [], "The tolerance is below zero"),
    ({"baseline_value": "120"}, [], "The baseline “120” is more than 100"),
    ({}, [(datetime.date(2015, 3, 31), "95", "")], "31 March 2015 is outside the plan"),
    ({}, [(datetime.date(2013, 3, 31), "14 days", "")], "The target “14 days” is a number of days"),
], ids=["negative tolerance", "percentage baseline 120", "target date outside plan", "target in the wrong unit"])
def test_a_refused_measure_says_what_to_fix_and_saves_nothing(plan, theme, long_action, lead_post, manager,
                                                              changes, targets, message):
    good = [(datetime.date(2013, 3, 31), "60", "")]
    data = measure_data(lead_post, themes=[theme.pk], targets=good + targets, **changes)
    response = client_for(manager).post(create_url(plan), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text and message in text
    assert "govuk-error-message" in text
    assert rows() == (0, 0, 0)
    assert 'value="Children seen within timescale"' in text  # what they typed is kept


def test_a_target_refused_after_the_measure_is_checked_leaves_an_edit_unsaved(measure, theme, long_action, manager):
    data = measure_data(measure.owner, name="Renamed", themes=[theme.pk], read_version=measure.version,
                        targets=[(datetime.date(2015, 3, 31), "95", "")])
    response = client_for(manager).post(reverse("improvement:measure_edit", args=[measure.pk]), data)
    assert response.status_code == 400
    measure.refresh_from_db()
    assert measure.name == "Children seen within timescale" and measure.version == 1
    assert list(measure.themes.all()) == []
    assert measure.trajectory() == [(datetime.date(2013, 3, 31), Decimal("95"))]
    assert f'name="read_version" value="{measure.version}"' in response.content.decode()


def test_a_manager_edits_a_measure_and_its_targets_replace_the_old_ones(measure, long_action, manager):
    url = reverse("improvement:measure_edit", args=[measure.pk])
    page = client_for(manager).get(url).content.decode()
    assert 'value="36%"' in page and 'value="95%"' in page
    data = measure_data(measure.owner, name="Visits on time", read_version=measure.version,
                        targets=[(datetime.date(2014, 3, 31), "90", "")])
    assert client_for(manager).post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.name == "Visits on time" and measure.version == 2
    assert measure.trajectory() == [(datetime.date(2014, 3, 31), Decimal("90"))]


def test_an_edit_over_a_newer_version_is_refused(measure, long_action, manager):
    url = reverse("improvement:measure_edit", args=[measure.pk])
    client = client_for(manager)
    assert client.post(url, measure_data(measure.owner, name="Theirs", read_version=1)).status_code == 302
    response = client.post(url, measure_data(measure.owner, name="Mine", read_version=1))
    assert response.status_code == 409
    assert "since you opened it" in response.content.decode()
    measure.refresh_from_db()
    assert measure.name == "Theirs"


@pytest.mark.parametrize("url_name", ["measure_edit", "measure_delete", "measure_comparators"])
def test_only_managers_change_a_measure(measure, lead, viewer, outsider, url_name):
    url = reverse(f"improvement:{url_name}", args=[measure.pk])
    assert client_for(lead).get(url).status_code == 403  # its owner records values, but does not define it
    assert client_for(viewer).post(url, {}).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_only_managers_add_a_measure(plan, action, lead, viewer, outsider):
    assert client_for(viewer).post(create_url(plan), measure_data()).status_code == 403
    assert client_for(lead).get(create_url(plan)).status_code == 403
    assert client_for(outsider).get(create_url(plan)).status_code == 404
    assert Measure.objects.count() == 0


def test_a_measure_without_values_is_deleted_with_its_targets(measure, manager):
    url = reverse("improvement:measure_delete", args=[measure.pk])
    assert "Are you sure" in client_for(manager).get(url).content.decode()
    response = client_for(manager).post(url)
    assert response.status_code == 302
    assert Measure.objects.count() == 0 and MeasureTarget.objects.count() == 0


def test_a_measure_with_values_cannot_be_deleted_and_says_why(measure, plan, lead, manager):
    measure.record_value(period=plan.current_period, value="50", by=lead)
    url = reverse("improvement:measure_delete", args=[measure.pk])
    page = client_for(manager).get(url).content.decode()
    assert "You cannot delete" in page and "It has 1 recorded value" in page
    assert client_for(manager).post(url).status_code == 409
    assert Measure.objects.count() == 1


def test_the_unit_of_a_measure_with_values_cannot_change(measure, plan, lead, long_action, manager):
    measure.record_value(period=plan.current_period, value="50", by=lead)
    url = reverse("improvement:measure_edit", args=[measure.pk])
    data = measure_data(measure.owner, unit="days", read_version=measure.version, baseline_value="36")
    assert client_for(manager).post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.unit == "percentage"


def comparators_url(measure):
    return reverse("improvement:measure_comparators", args=[measure.pk])


def test_a_manager_enters_comparators_for_a_period_and_a_later_figure_replaces_it(measure, manager):
    client = client_for(manager)
    data = {"period": "2012-09-01", "england": "72%", "region": "70", "region_area": "West Midlands",
            "statistical_neighbours": "", "source": "DfE CIN 2012"}
    assert client.post(comparators_url(measure), data).status_code == 302
    held = {c.comparator: c for c in ComparatorValue.objects.all()}
    assert set(held) == {"england", "region"}
    assert held["region"].area == "West Midlands" and held["england"].value == Decimal("72")
    assert client.post(comparators_url(measure), {**data, "england": "73", "region": ""}).status_code == 302
    assert ComparatorValue.objects.get(comparator="england").value == Decimal("73")
    assert ComparatorValue.objects.count() == 2
    page = client.get(comparators_url(measure) + "?period=2012-09-01").content.decode()
    assert 'value="73%"' in page and "West Midlands" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"england": "120"}, "more than 100"),
    ({"england": "14 days"}, "The England value “14 days” is a number of days"),
    ({"region": "70"}, "Enter which region the value is for"),
    ({}, "Enter at least one comparator value"),
])
def test_a_refused_comparator_says_what_to_fix_and_saves_nothing(measure, manager, data, message):
    response = client_for(manager).post(comparators_url(measure), {"period": "2012-09-01", **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert ComparatorValue.objects.count() == 0


def test_the_manage_page_links_to_the_measures(plan, manager):
    page = client_for(manager).get(reverse("improvement:plan_manage", args=[plan.pk])).content.decode()
    assert reverse("improvement:measure_list", args=[plan.pk]) in page
    assert reverse("improvement:measure_create", args=[plan.pk]) in page


def test_an_administrator_sees_measures_in_the_admin_but_cannot_change_a_recorded_value(measure, plan, lead):
    from improvement.models import MeasureValue
    from tests.conftest import make_user

    value = measure.record_value(period=plan.current_period, value="50", by=lead)
    client = client_for(make_user("administrator", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:improvement_measure_change", args=[measure.pk]))
    assert page.status_code == 200 and "95.0000" in page.content.decode()  # its target, inline
    assert client.get(reverse("admin:improvement_measurevalue_change", args=[value.pk])).status_code == 200
    client.post(reverse("admin:improvement_measurevalue_change", args=[value.pk]), {"value": "60"})
    assert client.post(reverse("admin:improvement_measurevalue_delete", args=[value.pk]), {"post": "yes"}
                       ).status_code == 403
    assert client.get(reverse("admin:improvement_measurevalue_add")).status_code == 403
    assert MeasureValue.objects.get().value == Decimal("50")


def test_the_measure_page_links_a_manager_to_changing_it(measure, manager):
    page = client_for(manager).get(measure.get_absolute_url()).content.decode()
    for name in ("measure_edit", "measure_comparators", "measure_delete"):
        assert reverse(f"improvement:{name}", args=[measure.pk]) in page
