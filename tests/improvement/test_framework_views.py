"""Framework criteria on the pages: tagging a recommendation (plan managers only), the action
table's filter, the "By criterion" report and re-mapping tags through a crosswalk."""

import pytest
from django.urls import reverse

from improvement.criteria import Outcome, load_frameworks, remap_preview, set_tags
from improvement.models import (
    Action,
    CriterionTag,
    Crosswalk,
    FrameworkCriterion,
    Recommendation,
)
from tests.conftest import client_for, count_queries, make_action, make_many_actions


@pytest.fixture
def frameworks(db):
    load_frameworks()


def criterion(key, version, code):
    return FrameworkCriterion.objects.get(framework__key=key, framework__version=version, code=code)


def edit_url(recommendation):
    return reverse("improvement:recommendation_edit",
                   args=[recommendation.source.plan_id, recommendation.source_id, recommendation.pk])


def edit_data(recommendation, *criteria):
    return {"reference": recommendation.reference, "text": recommendation.text, "urgency": recommendation.urgency,
            "criteria-criteria": [c.pk for c in criteria]}


# --- tagging ---------------------------------------------------------------------------------


def test_manager_sees_the_criteria_grouped_by_framework_on_the_recommendation_page(frameworks, recommendation,
                                                                                   manager):
    page = client_for(manager).get(edit_url(recommendation)).content.decode()
    assert "Framework criteria it addresses" in page
    assert "Inspection of local authority children&#x27;s services (ILACS), version 2023" in page
    assert "Theme 1: Working with people" in page  # a CQC theme as a group, its statements inside
    assert "version 2018" not in page  # an earlier version only while the recommendation uses it


def test_manager_tags_a_recommendation_and_the_tags_are_saved_with_it(frameworks, recommendation, manager):
    leaders, care_leavers = criterion("ofsted-ilacs", "2023", "leaders"), criterion("ofsted-ilacs", "2023", "care-leavers")
    response = client_for(manager).post(edit_url(recommendation), edit_data(recommendation, leaders, care_leavers))
    assert response.status_code == 302
    assert set(recommendation.criterion_tags.values_list("criterion__code", flat=True)) == {"leaders", "care-leavers"}
    tag = recommendation.criterion_tags.get(criterion=leaders)
    assert tag.history.get().history_user == manager


def test_unticking_a_criterion_removes_the_tag_and_keeps_it_in_the_history(frameworks, recommendation, manager):
    leaders = criterion("ofsted-ilacs", "2023", "leaders")
    set_tags(recommendation, [leaders], by=manager)
    client_for(manager).post(edit_url(recommendation), edit_data(recommendation))
    assert not recommendation.criterion_tags.exists()
    kinds = list(CriterionTag.history.filter(recommendation=recommendation).order_by("history_date")
                 .values_list("history_type", "history_change_reason"))
    assert kinds == [("+", "Tagged by hand"), ("-", "Untagged by hand")]


def test_a_criterion_not_offered_is_refused_and_nothing_is_saved(frameworks, recommendation, manager):
    old = criterion("ofsted-ilacs", "2018", "leaders")  # an earlier version the recommendation does not use
    data = edit_data(recommendation, old)
    data["text"] = "Changed"
    response = client_for(manager).post(edit_url(recommendation), data)
    assert response.status_code == 400
    assert "Select criteria from the list" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.text != "Changed" and not recommendation.criterion_tags.exists()


@pytest.mark.parametrize("persona", ["viewer", "scrutiny", "lead", "chair"])
def test_only_managers_tag(frameworks, recommendation, action, request, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(edit_url(recommendation),
                                     edit_data(recommendation, criterion("best-value", "2024", "culture")))
    assert response.status_code == 403
    assert not CriterionTag.objects.exists()


def test_outsider_gets_404_for_the_recommendation_page(frameworks, recommendation, outsider):
    assert client_for(outsider).get(edit_url(recommendation)).status_code == 404


# --- the action table's filter ----------------------------------------------------------------


def test_action_table_filters_by_framework_criterion(frameworks, theme, recommendation, viewer, manager):
    tagged = make_action(theme, "1.1", description="Answers the recommendation")
    tagged.recommendations.add(recommendation)
    make_action(theme, "1.2", description="Answers nothing tagged")
    leaders = criterion("ofsted-ilacs", "2023", "leaders")
    set_tags(recommendation, [leaders], by=manager)
    url = reverse("improvement:action_table", args=[theme.plan_id])
    page = client_for(viewer).get(url).content.decode()
    assert "Framework criterion" in page and "ILACS 2023: The impact of leaders" in page
    assert "Care leavers" not in page  # only criteria the plan uses are offered
    filtered = client_for(viewer).get(f"{url}?criterion={leaders.pk}").content.decode()
    assert "Answers the recommendation" in filtered and "Answers nothing tagged" not in filtered


# --- the report -------------------------------------------------------------------------------


def report_url(plan):
    return reverse("improvement:criteria_report", args=[plan.pk])


def test_report_lists_each_criterion_with_its_recommendations_actions_and_status(frameworks, plan, theme, recommendation,
                                                                                  manager, viewer, lead_post,
                                                                                  frozen_today):
    action = make_action(theme, "2.4", leads=[lead_post])
    action.recommendations.add(recommendation)
    action.record_update(status=plan.rag_scheme.statuses.get(code="A"), note="Behind", by=manager)
    set_tags(recommendation, [criterion("ofsted-ilacs", "2023", "help-and-protection")], by=manager)
    page = client_for(viewer).get(report_url(plan)).content.decode()
    assert "The experiences and progress of children who need help and protection" in page
    assert "OIS 2012 1.2" in page and ">2.4</a>" in page and "Amber" in page
    assert page.count("No recommendation is tagged with it") == 4  # the other ILACS 2023 judgements: gaps
    assert "Best Value" not in page  # frameworks the plan does not use are left out


def test_report_without_tags_says_so(frameworks, plan, viewer):
    assert "No recommendation of this plan is tagged" in client_for(viewer).get(report_url(plan)).content.decode()


def test_outsider_gets_404_for_the_report(frameworks, plan, outsider):
    assert client_for(outsider).get(report_url(plan)).status_code == 404


def test_report_refuses_post(frameworks, plan, viewer):
    assert client_for(viewer).post(report_url(plan)).status_code == 405


def many_tagged_recommendations(plan, theme, lead_post, count, criteria):
    source = plan.sources.get_or_create(key="IN", defaults={"kind": "improvement_notice", "title": "Notice"})[0]
    start = Recommendation.objects.filter(source=source).count()
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(source=source, reference=f"{start + n}", reference_sort=f"{start + n:08d}")
        for n in range(count))
    for recommendation in recommendations:
        make_many_actions(theme, 1, leads=[lead_post], recommendation=recommendation)
    CriterionTag.objects.bulk_create(CriterionTag(recommendation=r, criterion=criteria[n % len(criteria)])
                                     for n, r in enumerate(recommendations))


def test_report_uses_the_same_queries_for_10_and_500_recommendations(frameworks, plan, theme, lead_post, viewer):
    criteria = list(FrameworkCriterion.objects.filter(framework__key="ofsted-ilacs", framework__version="2023"))
    client = client_for(viewer)
    many_tagged_recommendations(plan, theme, lead_post, 10, criteria)
    with_10 = count_queries(client, report_url(plan))
    many_tagged_recommendations(plan, theme, lead_post, 490, criteria)
    assert Action.objects.filter(plan=plan).count() == 500
    assert count_queries(client, report_url(plan)) == with_10


# --- re-mapping ---------------------------------------------------------------------------------


@pytest.fixture
def crosswalk(frameworks):
    return Crosswalk.objects.get(from_framework__version="2018", to_framework__version="2023")


def remap_url(plan, crosswalk):
    return reverse("improvement:criteria_remap", args=[plan.pk, crosswalk.pk])


def test_preview_shows_what_will_change_and_changes_nothing(crosswalk, plan, recommendation, manager):
    set_tags(recommendation, [criterion("ofsted-ilacs", "2018", "children-in-care-and-care-leavers")], by=manager)
    page = client_for(manager).get(remap_url(plan, crosswalk)).content.decode()
    assert "The experiences and progress of children in care and care leavers" in page
    assert "The experiences and progress of care leavers" in page
    assert "Re-map 1 tag" in page
    assert list(recommendation.criterion_tags.values_list("criterion__framework__version", flat=True)) == ["2018"]


def test_confirming_moves_the_tags_to_the_new_version_and_keeps_the_old_in_history(crosswalk, plan, recommendation,
                                                                                    manager):
    old = criterion("ofsted-ilacs", "2018", "children-in-care-and-care-leavers")
    set_tags(recommendation, [old, criterion("ofsted-ilacs", "2018", "leaders")], by=manager)
    client = client_for(manager)
    token = client.get(remap_url(plan, crosswalk)).context["token"]
    response = client.post(remap_url(plan, crosswalk), {"tags": token})
    assert response.status_code == 302
    assert set(recommendation.criterion_tags.values_list("criterion__framework__version", "criterion__code")) == {
        ("2023", "children-in-care"), ("2023", "care-leavers"), ("2023", "leaders")}
    removed = CriterionTag.history.get(criterion_id=old.pk, history_type="-")
    assert removed.history_user == manager and "ILACS 2018 to ILACS 2023" in removed.history_change_reason
    # Done once: nothing is left to re-map, and confirming again changes nothing.
    assert client.get(remap_url(plan, crosswalk)).context["lines"] == []


def test_a_criterion_the_crosswalk_does_not_map_is_left_for_the_manager(crosswalk, plan, recommendation, manager):
    crosswalk.mappings = {"leaders": ["leaders"], "overall-effectiveness": "retired"}
    crosswalk.save()
    set_tags(recommendation, [criterion("ofsted-ilacs", "2018", code)
                              for code in ("leaders", "overall-effectiveness", "help-and-protection")], by=manager)
    outcomes = {line.old.code: line.outcome for line in remap_preview(plan, crosswalk)}
    assert outcomes == {"leaders": Outcome.MAPPED, "overall-effectiveness": Outcome.RETIRED,
                        "help-and-protection": Outcome.UNDECIDED}
    client = client_for(manager)
    page = client.get(remap_url(plan, crosswalk)).content.decode()
    assert "For you to decide" in page
    client.post(remap_url(plan, crosswalk), {"tags": client.get(remap_url(plan, crosswalk)).context["token"]})
    assert set(recommendation.criterion_tags.values_list("criterion__framework__version", "criterion__code")) == {
        ("2023", "leaders"), ("2018", "help-and-protection")}
    # The undecided tag keeps its earlier version on the recommendation's page, for the manager to change.
    assert "version 2018" in client.get(edit_url(recommendation)).content.decode()


def test_confirming_a_preview_that_is_out_of_date_changes_nothing(crosswalk, plan, recommendation, manager):
    set_tags(recommendation, [criterion("ofsted-ilacs", "2018", "leaders")], by=manager)
    client = client_for(manager)
    token = client.get(remap_url(plan, crosswalk)).context["token"]
    set_tags(recommendation, [criterion("ofsted-ilacs", "2018", "leaders"),
                              criterion("ofsted-ilacs", "2018", "help-and-protection")], by=manager)
    response = client.post(remap_url(plan, crosswalk), {"tags": token})
    assert response.status_code == 409
    assert "changed since the preview" in response.content.decode()
    assert recommendation.criterion_tags.filter(criterion__framework__version="2018").count() == 2


def test_remap_list_offers_the_crosswalks_from_versions_the_plan_uses(crosswalk, plan, recommendation, manager):
    url = reverse("improvement:criteria_remap_list", args=[plan.pk])
    assert "Nothing to re-map" in client_for(manager).get(url).content.decode()
    set_tags(recommendation, [criterion("ofsted-ilacs", "2018", "leaders")], by=manager)
    assert "ILACS 2018 to ILACS 2023" in client_for(manager).get(url).content.decode()


@pytest.mark.parametrize("persona", ["viewer", "scrutiny", "lead"])
def test_only_managers_remap(crosswalk, plan, recommendation, action, manager, request, persona):
    set_tags(recommendation, [criterion("ofsted-ilacs", "2018", "leaders")], by=manager)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(remap_url(plan, crosswalk)).status_code == 403
    assert client.post(remap_url(plan, crosswalk), {"tags": "x"}).status_code == 403
    assert recommendation.criterion_tags.get().criterion.framework.version == "2018"


def test_outsider_gets_404_for_remapping(crosswalk, plan, outsider):
    assert client_for(outsider).get(remap_url(plan, crosswalk)).status_code == 404
