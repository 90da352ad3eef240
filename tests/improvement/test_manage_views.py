"""Plan managers maintain a plan's structure through the product's own pages (issue #12):
the hub, plan details, themes and objectives, actions and milestones, sources and
recommendations. Nothing of another plan or organisation is offered or accepted."""

import datetime

import pytest
from django.urls import reverse

from improvement import panels
from improvement.models import (
    Action,
    Milestone,
    Objective,
    Organisation,
    Plan,
    Post,
    RagScheme,
    Recommendation,
    Source,
    Theme,
)
from tests.conftest import client_for, count_queries, make_action, status


@pytest.fixture
def elsewhere(other_manager):
    """Another council's plan (managed by other_manager), with one of everything."""
    plan = Plan.objects.get(slug="wilts")
    theme = Theme.objects.create(plan=plan, code="W1", title="Wiltshire theme")
    source = Source.objects.create(plan=plan, key="WIN", kind=Source.Kind.IMPROVEMENT_NOTICE, title="Notice")
    return {
        "plan": plan,
        "theme": theme,
        "objective": Objective.objects.create(theme=theme, code="W1.1", title="Wiltshire objective"),
        "post": Post.objects.create(organisation=plan.organisation, title="Wiltshire Director"),
        "recommendation": Recommendation.objects.create(source=source, reference="1"),
    }


def deleted_by(model, pk):
    return model.history.get(id=pk, history_type="-").history_user


# The hub


def test_manager_sees_the_hub_with_what_they_can_maintain(plan, manager):
    page = client_for(manager).get(reverse("improvement:plan_manage", args=[plan.pk])).content.decode()
    assert "<h1 class=\"govuk-heading-xl\">Manage this plan</h1>" in page
    for name in ("plan_edit", "theme_list", "action_create", "source_list"):
        assert reverse(f"improvement:{name}", args=[plan.pk]) in page


def test_plan_page_links_to_the_hub_for_managers_only(plan, manager, viewer):
    hub = reverse("improvement:plan_manage", args=[plan.pk])
    assert hub in client_for(manager).get(plan.get_absolute_url()).content.decode()
    assert hub not in client_for(viewer).get(plan.get_absolute_url()).content.decode()


def test_hub_shows_panels_other_apps_register(plan, manager, monkeypatch):
    monkeypatch.setitem(panels._panels, "plan_manage", [])
    panels.register("plan_manage")(lambda request, obj: ("improvement/includes/rag_tag.html", {"status": None}))
    page = client_for(manager).get(reverse("improvement:plan_manage", args=[plan.pk])).content.decode()
    assert "No update yet" in page


def test_viewer_gets_403_and_outsider_404_on_the_hub(plan, viewer, outsider):
    url = reverse("improvement:plan_manage", args=[plan.pk])
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_manager_of_another_plan_cannot_reach_ours(plan, theme, recommendation, other_manager):
    client = client_for(other_manager)
    urls = [reverse("improvement:plan_manage", args=[plan.pk]), reverse("improvement:plan_edit", args=[plan.pk]),
            reverse("improvement:theme_edit", args=[plan.pk, theme.pk]),
            reverse("improvement:action_create", args=[plan.pk]),
            reverse("improvement:source_edit", args=[plan.pk, recommendation.source.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[1:]:  # the hub only reads
        assert client.post(url, {"name": "Taken over", "title": "x", "key": "x"}).status_code == 404, url
    plan.refresh_from_db()
    assert plan.name == "Strategic Improvement Plan"


# Plan details


def plan_data(plan, **changes):
    data = {"name": plan.name, "description": plan.description, "rag_scheme": plan.rag_scheme_id,
            "abbreviations": "", "read_version": plan.version}
    data.update(changes)
    return data


def plan_edit(plan):
    return reverse("improvement:plan_edit", args=[plan.pk])


def test_manager_changes_the_plan_details_and_the_audit_trail_records_who(plan, manager):
    response = client_for(manager).post(plan_edit(plan), plan_data(
        plan, name="Safeguarding Improvement Plan 2012", abbreviations="LSCB = Local Safeguarding Children Board\n\n"
                                                                      "CIN = Child in need"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.name == "Safeguarding Improvement Plan 2012"
    assert plan.abbreviations == [{"abbreviation": "LSCB", "meaning": "Local Safeguarding Children Board"},
                                  {"abbreviation": "CIN", "meaning": "Child in need"}]
    assert plan.version == 2
    assert plan.history.first().history_user == manager


def test_abbreviations_are_shown_one_per_line_for_editing(plan, manager):
    plan.abbreviations = [{"abbreviation": "DfE", "meaning": "Department for Education"}]
    plan.save()
    page = client_for(manager).get(plan_edit(plan)).content.decode()
    assert "DfE = Department for Education" in page


def test_an_abbreviation_line_that_cannot_be_read_is_refused_naming_the_line(plan, manager):
    response = client_for(manager).post(plan_edit(plan), plan_data(plan, abbreviations="LSCB = Board\nOfsted"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2 (“Ofsted”) cannot be read: write it as ABBR = meaning" in page
    assert "<title>Error: " in page
    plan.refresh_from_db()
    assert plan.abbreviations == []


def test_the_organisation_and_period_cannot_be_changed_by_a_manager(plan, manager):
    other = Organisation.objects.create(name="Another Council")
    response = client_for(manager).post(plan_edit(plan), plan_data(
        plan, organisation=other.pk, current_period="2013-05-01"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.organisation.name == "Walsall Council"
    assert plan.current_period == datetime.date(2012, 12, 1)


def test_rag_scheme_can_be_changed_while_no_action_has_an_update(plan, theme, manager):
    make_action(theme)
    three = RagScheme.objects.get(slug="three-state")
    assert client_for(manager).post(plan_edit(plan), plan_data(plan, rag_scheme=three.pk)).status_code == 302
    plan.refresh_from_db()
    assert plan.rag_scheme == three


def test_rag_scheme_is_fixed_once_an_action_has_an_update(plan, action, lead, scheme, manager):
    action.record_update(status=status(scheme, "G"), note="On track", by=lead)
    client = client_for(manager)
    page = client.get(plan_edit(plan)).content.decode()
    assert 'name="rag_scheme"' not in page
    assert "It cannot be changed: actions already have updates" in page
    three = RagScheme.objects.get(slug="three-state")
    assert client.post(plan_edit(plan), plan_data(plan, rag_scheme=three.pk)).status_code == 302
    plan.refresh_from_db()
    assert plan.rag_scheme == scheme


def test_stale_edit_of_the_plan_gives_409(plan, manager):
    client = client_for(manager)
    stale = plan_data(plan, name="Mine")
    client.post(plan_edit(plan), plan_data(plan, name="Theirs"))
    response = client.post(plan_edit(plan), stale)
    assert response.status_code == 409
    assert "since you opened it" in response.content.decode()
    plan.refresh_from_db()
    assert plan.name == "Theirs"


def test_viewer_gets_403_and_outsider_404_on_plan_details(plan, viewer, outsider):
    assert client_for(viewer).post(plan_edit(plan), plan_data(plan, name="x")).status_code == 403
    assert client_for(outsider).post(plan_edit(plan), plan_data(plan, name="x")).status_code == 404
    plan.refresh_from_db()
    assert plan.name == "Strategic Improvement Plan"


# Themes and objectives


def theme_data(theme=None, **changes):
    data = {"code": "", "title": "Knowing how well we are doing", "lead": "", "outcomes": "", "position": "2",
            "read_version": theme.version if theme else ""}
    if theme:
        data.update(code=theme.code, title=theme.title, lead=theme.lead_id or "", position=theme.position)
    data.update(changes)
    return data


def test_theme_list_shows_themes_with_their_objectives(plan, theme, manager):
    Objective.objects.create(theme=theme, code="1.3", title="To ensure partners share information")
    page = client_for(manager).get(reverse("improvement:theme_list", args=[plan.pk])).content.decode()
    assert "Partnership and governance" in page
    assert "To ensure partners share information" in page
    assert f'Change<span class="govuk-visually-hidden"> theme {theme}</span>' in page


def test_theme_list_query_count_does_not_grow_with_themes(plan, theme, manager, lead_post):
    client = client_for(manager)
    url = reverse("improvement:theme_list", args=[plan.pk])
    Objective.objects.create(theme=theme, title="First")
    make_action(theme)
    with_1 = count_queries(client, url)
    for n in range(2, 11):
        other = Theme.objects.create(plan=plan, code=str(n), title=f"Theme {n}", lead=lead_post, position=n)
        Objective.objects.create(theme=other, title=f"Objective {n}")
        make_action(other)
    assert Theme.objects.filter(plan=plan).count() == 10
    assert count_queries(client, url) == with_1


def test_manager_adds_a_theme_led_by_a_post_of_the_council(plan, manager, lead_post):
    response = client_for(manager).post(reverse("improvement:theme_create", args=[plan.pk]),
                                        theme_data(code="IP3", lead=lead_post.pk, outcomes="Better data"))
    assert response.status_code == 302
    theme = Theme.objects.get(plan=plan, code="IP3")
    assert (theme.lead, theme.outcomes, theme.position) == (lead_post, "Better data", 2)
    assert theme.history.first().history_user == manager


def test_a_partner_post_already_leading_an_action_may_lead_a_theme(plan, theme, manager):
    police = Post.objects.create(organisation=Organisation.objects.create(name="West Midlands Police"),
                                 title="Detective Superintendent")
    make_action(theme, leads=[police])
    response = client_for(manager).post(reverse("improvement:theme_edit", args=[plan.pk, theme.pk]),
                                        theme_data(theme, lead=police.pk))
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.lead == police


def test_a_partner_post_leading_a_theme_stays_on_offer_when_the_theme_is_changed(plan, theme, manager):
    police = Post.objects.create(organisation=Organisation.objects.create(name="West Midlands Police"),
                                 title="Detective Superintendent")
    theme.lead = police
    theme.save()
    page = client_for(manager).get(reverse("improvement:theme_edit", args=[plan.pk, theme.pk])).content.decode()
    assert f'<option value="{police.pk}" selected>Detective Superintendent</option>' in page


def test_a_lead_post_of_another_organisation_is_refused(plan, theme, manager, elsewhere):
    client = client_for(manager)
    page = client.get(reverse("improvement:theme_edit", args=[plan.pk, theme.pk])).content.decode()
    assert "Wiltshire Director" not in page
    response = client.post(reverse("improvement:theme_edit", args=[plan.pk, theme.pk]),
                           theme_data(theme, lead=elsewhere["post"].pk))
    assert response.status_code == 400
    assert "Select a lead from the posts listed" in response.content.decode()
    theme.refresh_from_db()
    assert theme.lead is None and theme.version == 1


def test_stale_edit_of_a_theme_gives_409(plan, theme, manager):
    client = client_for(manager)
    url = reverse("improvement:theme_edit", args=[plan.pk, theme.pk])
    stale = theme_data(theme, title="Mine")
    assert client.post(url, theme_data(theme, title="Theirs")).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by Manager at" in page and "Save my version over theirs" in page
    theme.refresh_from_db()
    assert theme.title == "Theirs"


def test_another_plans_theme_is_404_under_our_plan(plan, manager, elsewhere):
    url = reverse("improvement:theme_edit", args=[plan.pk, elsewhere["theme"].pk])
    assert client_for(manager).post(url, theme_data(title="Taken")).status_code == 404
    assert Theme.objects.get(pk=elsewhere["theme"].pk).title == "Wiltshire theme"


def test_viewer_gets_403_and_outsider_404_on_themes(plan, theme, viewer, outsider):
    for url in (reverse("improvement:theme_list", args=[plan.pk]),
                reverse("improvement:theme_edit", args=[plan.pk, theme.pk])):
        assert client_for(viewer).get(url).status_code == 403
        assert client_for(outsider).get(url).status_code == 404
    response = client_for(viewer).post(reverse("improvement:theme_create", args=[plan.pk]), theme_data())
    assert response.status_code == 403
    assert Theme.objects.filter(plan=plan).count() == 1


def test_manager_deletes_a_theme_without_actions_after_confirming(plan, manager):
    theme = Theme.objects.create(plan=plan, code="X", title="Spare")
    Objective.objects.create(theme=theme, title="Spare objective")
    client = client_for(manager)
    url = reverse("improvement:theme_delete", args=[plan.pk, theme.pk])
    page = client.get(url).content.decode()
    assert "Are you sure you want to delete theme X Spare?" in page
    assert "govuk-button--warning" in page and "Its 1 objective will be deleted too." in page
    assert Theme.objects.filter(pk=theme.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert deleted_by(Theme, theme.pk) == manager


def test_a_theme_with_actions_cannot_be_deleted_and_the_page_says_why(plan, theme, action, manager):
    client = client_for(manager)
    url = reverse("improvement:theme_delete", args=[plan.pk, theme.pk])
    page = client.get(url).content.decode()
    assert "You cannot delete theme" in page and "It has 1 action." in page
    assert "govuk-button--warning" not in page
    assert client.post(url).status_code == 409
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_manager_adds_changes_and_deletes_an_objective(plan, theme, manager):
    client = client_for(manager)
    response = client.post(reverse("improvement:objective_create", args=[plan.pk, theme.pk]),
                           {"code": "IP1.3", "title": "To ensure the LSCB is effective", "position": "1"})
    assert response.status_code == 302
    objective = Objective.objects.get(theme=theme)
    assert objective.history.first().history_user == manager
    client.post(reverse("improvement:objective_edit", args=[plan.pk, theme.pk, objective.pk]),
                {"code": "IP1.4", "title": "Changed", "position": "2"})
    objective.refresh_from_db()
    assert (objective.code, objective.title, objective.theme) == ("IP1.4", "Changed", theme)
    assert client.post(reverse("improvement:objective_delete", args=[plan.pk, theme.pk, objective.pk])).status_code \
        == 302
    assert deleted_by(Objective, objective.pk) == manager


def test_an_objective_with_actions_cannot_be_deleted(plan, theme, action, manager):
    objective = Objective.objects.create(theme=theme, code="1.1", title="Sits over an action")
    action.objective = objective
    action.save()
    response = client_for(manager).post(reverse("improvement:objective_delete", args=[plan.pk, theme.pk, objective.pk]))
    assert response.status_code == 409
    assert "It has 1 action. Move them to another objective first." in response.content.decode()
    assert Objective.objects.filter(pk=objective.pk).exists()


def test_another_plans_objective_is_404_under_our_plan(plan, theme, manager, elsewhere):
    url = reverse("improvement:objective_edit", args=[plan.pk, theme.pk, elsewhere["objective"].pk])
    assert client_for(manager).post(url, {"title": "Taken", "position": "1"}).status_code == 404
    assert Objective.objects.get(pk=elsewhere["objective"].pk).title == "Wiltshire objective"


# Actions


def action_data(theme, /, **changes):
    data = {"theme": theme.pk, "objective": "", "number": "4.1", "description": "Audit child protection plans",
            "lead_posts": [], "recommendations": [], "lead_agency": "Council", "timescale": "By March",
            "due_date_0": "31", "due_date_1": "3", "due_date_2": "2013", "measures": "", "cost": "", "read_version": ""}
    data.update(changes)
    return data


def action_create(plan):
    return reverse("improvement:action_create", args=[plan.pk])


def test_manager_adds_an_action_with_leads_recommendations_and_objective(plan, theme, manager, lead_post,
                                                                         recommendation):
    objective = Objective.objects.create(theme=theme, code="1.1", title="Governance")
    response = client_for(manager).post(action_create(plan), action_data(
        theme, objective=objective.pk, lead_posts=[lead_post.pk], recommendations=[recommendation.pk]))
    assert response.status_code == 302
    action = Action.objects.get(plan=plan, number="4.1")
    assert response.url == action.get_absolute_url()
    assert (action.theme, action.objective, action.due_date) == (theme, objective, datetime.date(2013, 3, 31))
    assert list(action.lead_posts.all()) == [lead_post]
    assert list(action.recommendations.all()) == [recommendation]
    assert action.history.first().history_user == manager


def test_add_an_action_starts_in_the_theme_it_was_opened_from(plan, theme, manager):
    page = client_for(manager).get(action_create(plan) + f"?theme={theme.pk}").content.decode()
    assert f'<option value="{theme.pk}" selected>' in page


def test_an_objective_of_another_theme_is_refused_with_a_clear_error(plan, theme, manager):
    other_theme = Theme.objects.create(plan=plan, code="2", title="Quality")
    objective = Objective.objects.create(theme=other_theme, code="2.1", title="Audits")
    response = client_for(manager).post(action_create(plan), action_data(theme, objective=objective.pk))
    assert response.status_code == 400
    assert "Objective 2.1 is under theme 2 Quality, not 1 Partnership and governance" in response.content.decode()
    assert not Action.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(("field", "error"), [
    ("theme", "Select one of this plan’s themes"),
    ("objective", "Select one of this plan’s objectives"),
    ("lead_posts", "Select leads from the posts listed"),
    ("recommendations", "Select recommendations from those listed"),
])
def test_another_plans_ids_in_a_new_action_are_refused(plan, theme, manager, elsewhere, field, error):
    value = {"theme": elsewhere["theme"].pk, "objective": elsewhere["objective"].pk,
             "lead_posts": [elsewhere["post"].pk], "recommendations": [elsewhere["recommendation"].pk]}[field]
    response = client_for(manager).post(action_create(plan), action_data(theme, **{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and error in page
    assert not Action.objects.exists()


def test_a_duplicate_action_number_is_refused(plan, theme, action, manager):
    response = client_for(manager).post(action_create(plan), action_data(theme, number=action.number))
    assert response.status_code == 400
    assert "Action 1.1 already exists in this plan" in response.content.decode()


def test_viewer_gets_403_and_outsider_404_adding_an_action(plan, theme, viewer, outsider):
    assert client_for(viewer).post(action_create(plan), action_data(theme)).status_code == 403
    assert client_for(outsider).post(action_create(plan), action_data(theme)).status_code == 404
    assert not Action.objects.exists()


def edit_data(action, **changes):
    data = {"theme": action.theme_id, "objective": action.objective_id or "", "number": action.number,
            "description": action.description, "lead_posts": [p.pk for p in action.lead_posts.all()],
            "recommendations": [r.pk for r in action.recommendations.all()], "lead_agency": "", "timescale": "",
            "measures": "", "cost": "", "read_version": action.version}
    data.update(changes)
    return data


def test_manager_moves_an_action_to_another_theme_and_links_a_recommendation(plan, action, manager, recommendation):
    other_theme = Theme.objects.create(plan=plan, code="2", title="Quality")
    objective = Objective.objects.create(theme=other_theme, code="2.1", title="Audits")
    response = client_for(manager).post(reverse("improvement:action_edit", args=[action.pk]), edit_data(
        action, theme=other_theme.pk, objective=objective.pk, recommendations=[recommendation.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.theme, action.objective) == (other_theme, objective)
    assert list(action.recommendations.all()) == [recommendation]
    assert action.history.first().history_user == manager


def test_another_plans_recommendation_is_refused_on_edit(action, manager, elsewhere):
    response = client_for(manager).post(reverse("improvement:action_edit", args=[action.pk]),
                                        edit_data(action, recommendations=[elsewhere["recommendation"].pk]))
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.version == 1 and not action.recommendations.exists()


def test_theme_page_offers_add_an_action_to_managers_only(plan, theme, manager, viewer):
    url = reverse("improvement:theme_detail", args=[plan.pk, theme.pk])
    assert action_create(plan) in client_for(manager).get(url).content.decode()
    assert action_create(plan) not in client_for(viewer).get(url).content.decode()


def test_manager_deletes_an_action_without_rag_history(plan, theme, manager):
    action = make_action(theme, "5.1")
    Milestone.objects.create(action=action, title="3 months")
    client = client_for(manager)
    url = reverse("improvement:action_delete", args=[action.pk])
    assert "Are you sure you want to delete action 5.1?" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == theme.get_absolute_url()
    assert not Action.objects.filter(pk=action.pk).exists()
    assert deleted_by(Action, action.pk) == manager


def test_an_action_with_rag_history_cannot_be_deleted(action, lead, scheme, manager):
    action.record_update(status=status(scheme, "A"), note="Slipping", by=lead)
    response = client_for(manager).post(reverse("improvement:action_delete", args=[action.pk]))
    assert response.status_code == 409
    assert "It has RAG history (1 update), which is never deleted." in response.content.decode()
    assert Action.objects.filter(pk=action.pk).exists()


def test_an_action_a_board_has_challenged_cannot_be_deleted(action, manager, meeting, chair):
    from boards.models import ReviewNote

    ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="challenge", text="Why?")
    response = client_for(manager).post(reverse("improvement:action_delete", args=[action.pk]))
    assert response.status_code == 409
    assert "It has review notes recorded against it." in response.content.decode()
    assert Action.objects.filter(pk=action.pk).exists()


def test_an_action_on_a_meetings_attention_list_cannot_be_deleted(action, manager, meeting):
    from boards.models import AttentionItem

    AttentionItem.objects.create(meeting=meeting, action=action, reason="Slipping")
    response = client_for(manager).post(reverse("improvement:action_delete", args=[action.pk]))
    assert response.status_code == 409
    assert "It has attention items recorded against it." in response.content.decode()
    assert Action.objects.filter(pk=action.pk).exists()


def test_only_managers_delete_actions(action, lead, viewer, outsider):
    url = reverse("improvement:action_delete", args=[action.pk])
    assert client_for(lead).post(url).status_code == 403
    assert client_for(viewer).post(url).status_code == 403
    assert client_for(outsider).post(url).status_code == 404
    assert Action.objects.filter(pk=action.pk).exists()


# Milestones


def test_manager_adds_changes_and_deletes_a_milestone_from_the_action_page(action, manager):
    client = client_for(manager)
    page = client.get(action.get_absolute_url()).content.decode()
    assert reverse("improvement:milestone_create", args=[action.pk]) in page
    response = client.post(reverse("improvement:milestone_create", args=[action.pk]), {
        "title": "3 months by end July 2012", "due_date_0": "31", "due_date_1": "7", "due_date_2": "2012",
        "position": "1"})
    assert response.status_code == 302 and response.url == action.get_absolute_url()
    milestone = action.milestones.get()
    assert milestone.due_date == datetime.date(2012, 7, 31)
    assert milestone.history.first().history_user == manager
    client.post(reverse("improvement:milestone_edit", args=[action.pk, milestone.pk]),
                {"title": "6 months", "position": "2"})
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_date) == ("6 months", None)
    assert client.post(reverse("improvement:milestone_delete", args=[action.pk, milestone.pk])).status_code == 302
    assert not action.milestones.exists()
    assert deleted_by(Milestone, milestone.pk) == manager


def test_action_page_offers_milestone_changes_to_managers_only(action, viewer):
    page = client_for(viewer).get(action.get_absolute_url()).content.decode()
    assert reverse("improvement:milestone_create", args=[action.pk]) not in page


def test_a_milestone_of_another_action_is_404(theme, action, manager):
    other = Milestone.objects.create(action=make_action(theme, "6.1"), title="Other")
    url = reverse("improvement:milestone_edit", args=[action.pk, other.pk])
    assert client_for(manager).post(url, {"title": "Taken", "position": "0"}).status_code == 404
    assert Milestone.objects.get(pk=other.pk).title == "Other"


def test_viewer_gets_403_and_outsider_404_on_milestones(action, viewer, outsider):
    url = reverse("improvement:milestone_create", args=[action.pk])
    assert client_for(viewer).post(url, {"title": "x", "position": "0"}).status_code == 403
    assert client_for(outsider).post(url, {"title": "x", "position": "0"}).status_code == 404
    assert not Milestone.objects.exists()


# Sources and recommendations


def source_data(**changes):
    data = {"key": "IN 2012", "kind": Source.Kind.IMPROVEMENT_NOTICE, "title": "DfE Improvement Notice",
            "published_0": "1", "published_1": "10", "published_2": "2012"}
    data.update(changes)
    return data


def recommendation_data(**changes):
    data = {"reference": "3.1", "text": "Review thresholds", "urgency": Recommendation.Urgency.WITHIN_3_MONTHS}
    data.update(changes)
    return data


def test_source_list_shows_sources_with_their_recommendations(plan, recommendation, manager):
    page = client_for(manager).get(reverse("improvement:source_list", args=[plan.pk])).content.decode()
    assert "OIS 2012: Ofsted Inspection Safeguarding Report" in page
    assert "Ensure that child protection plans are focused on risk." in page
    assert 'Change<span class="govuk-visually-hidden"> recommendation OIS 2012 1.2</span>' in page


def test_source_list_query_count_does_not_grow_with_sources(plan, theme, recommendation, manager):
    client = client_for(manager)
    url = reverse("improvement:source_list", args=[plan.pk])
    make_action(theme).recommendations.add(recommendation)
    with_1 = count_queries(client, url)
    for n in range(2, 11):
        source = Source.objects.create(plan=plan, key=f"S{n}", kind=Source.Kind.OTHER, title=f"Source {n}")
        make_action(theme).recommendations.add(Recommendation.objects.create(source=source, reference="1"))
    assert plan.sources.count() == 10
    assert count_queries(client, url) == with_1


def test_manager_adds_a_source_and_a_recommendation_under_it(plan, manager):
    client = client_for(manager)
    assert client.post(reverse("improvement:source_create", args=[plan.pk]), source_data()).status_code == 302
    source = Source.objects.get(plan=plan, key="IN 2012")
    assert source.published == datetime.date(2012, 10, 1)
    assert source.history.first().history_user == manager
    response = client.post(reverse("improvement:recommendation_create", args=[plan.pk, source.pk]),
                           recommendation_data())
    assert response.status_code == 302
    recommendation = source.recommendations.get()
    assert recommendation.due == datetime.date(2013, 1, 1)
    assert recommendation.history.first().history_user == manager


def test_a_duplicate_source_key_is_refused(plan, recommendation, manager):
    response = client_for(manager).post(reverse("improvement:source_create", args=[plan.pk]),
                                        source_data(key="OIS 2012"))
    assert response.status_code == 400
    assert "This plan already has a source OIS 2012: choose another key" in response.content.decode()
    assert plan.sources.count() == 1


def test_a_duplicate_recommendation_reference_is_refused(plan, recommendation, manager):
    source = recommendation.source
    response = client_for(manager).post(reverse("improvement:recommendation_create", args=[plan.pk, source.pk]),
                                        recommendation_data(reference="1.2"))
    assert response.status_code == 400
    assert "OIS 2012 already has a recommendation 1.2" in response.content.decode()


def test_manager_changes_a_source_and_a_recommendation(plan, recommendation, manager):
    client = client_for(manager)
    source = recommendation.source
    client.post(reverse("improvement:source_edit", args=[plan.pk, source.pk]),
                source_data(key="OIS 2012", title="Renamed", kind=source.kind))
    client.post(reverse("improvement:recommendation_edit", args=[plan.pk, source.pk, recommendation.pk]),
                recommendation_data(reference="1.2", text="Changed"))
    source.refresh_from_db()
    recommendation.refresh_from_db()
    assert (source.title, recommendation.text) == ("Renamed", "Changed")
    assert recommendation.history.first().history_user == manager


def test_a_source_whose_recommendations_actions_answer_cannot_be_deleted(plan, action, recommendation, manager):
    action.recommendations.add(recommendation)
    client = client_for(manager)
    source = recommendation.source
    response = client.post(reverse("improvement:source_delete", args=[plan.pk, source.pk]))
    assert response.status_code == 409
    assert "1 of its recommendations is linked to actions" in response.content.decode()
    response = client.post(reverse("improvement:recommendation_delete", args=[plan.pk, source.pk, recommendation.pk]))
    assert response.status_code == 409
    assert "Action 1.1 answers it. Unlink it from the actions first." in response.content.decode()
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_manager_deletes_a_recommendation_and_a_source_no_action_answers(plan, recommendation, manager):
    client = client_for(manager)
    source = recommendation.source
    url = reverse("improvement:recommendation_delete", args=[plan.pk, source.pk, recommendation.pk])
    assert "Are you sure you want to delete recommendation OIS 2012 1.2?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert deleted_by(Recommendation, recommendation.pk) == manager
    assert client.post(reverse("improvement:source_delete", args=[plan.pk, source.pk])).status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()
    assert deleted_by(Source, source.pk) == manager


def test_another_plans_source_is_404_under_our_plan(plan, manager, elsewhere):
    source = elsewhere["recommendation"].source
    client = client_for(manager)
    assert client.post(reverse("improvement:source_edit", args=[plan.pk, source.pk]), source_data()).status_code == 404
    url = reverse("improvement:recommendation_create", args=[plan.pk, source.pk])
    assert client.post(url, recommendation_data()).status_code == 404
    assert source.recommendations.count() == 1


def test_viewer_gets_403_and_outsider_404_on_sources(plan, recommendation, viewer, outsider):
    for url in (reverse("improvement:source_list", args=[plan.pk]),
                reverse("improvement:recommendation_edit", args=[plan.pk, recommendation.source.pk,
                                                                 recommendation.pk])):
        assert client_for(viewer).get(url).status_code == 403
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(viewer).post(reverse("improvement:source_create", args=[plan.pk]),
                                   source_data()).status_code == 403
    assert plan.sources.count() == 1


def test_a_recommendation_scrutiny_has_assessed_cannot_be_deleted(plan, recommendation, manager, board):
    from boards.models import Assessment, ScrutinyReview

    review = ScrutinyReview.objects.create(board=board, plan=plan, title="Review", scope="All",
                                           date=datetime.date(2012, 10, 1))
    Assessment.objects.create(review=review, number="1", requirement="r", conclusion="complete",
                              recommendation=recommendation)
    client = client_for(manager)
    source = recommendation.source
    response = client.post(reverse("improvement:recommendation_delete", args=[plan.pk, source.pk, recommendation.pk]))
    assert response.status_code == 409
    assert "It has assessments recorded against it." in response.content.decode()
    response = client.post(reverse("improvement:source_delete", args=[plan.pk, source.pk]))
    assert response.status_code == 409
    assert "Recommendation OIS 2012 1.2: it has assessments recorded against it." in response.content.decode()
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_a_new_theme_is_offered_the_position_after_the_plans_last_theme(plan, theme, manager):
    theme.position = 4
    theme.save()
    page = client_for(manager).get(reverse("improvement:theme_create", args=[plan.pk])).content.decode()
    assert 'name="position" value="5"' in page
