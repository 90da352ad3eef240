import datetime

from django.urls import reverse

from improvement.models import Theme
from tests.conftest import client_for, count_queries, make_action, make_many_actions, status


def plan_url(plan):
    return reverse("improvement:plan_detail", args=[plan.pk])


def test_plan_list_shows_only_plans_the_user_may_see(plan, viewer, outsider):
    response = client_for(viewer).get(reverse("improvement:plan_list"))
    assert response.status_code == 200
    assert plan.name in response.content.decode()

    response = client_for(outsider).get(reverse("improvement:plan_list"))
    assert plan.name not in response.content.decode()
    assert "You have no plans to see yet" in response.content.decode()


def test_signed_out_user_is_sent_to_sign_in(plan):
    response = client_for(None).get(plan_url(plan))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_plan_page_shows_rag_counts_per_theme_and_for_the_plan(plan, theme, viewer, lead, scheme, frozen_today):
    second = Theme.objects.create(plan=plan, code="2", title="Capacity and culture", position=2)
    make_action(theme, "1.1").record_update(status=status(scheme, "G"), note="ok", by=lead)
    make_action(theme, "1.2").record_update(status=status(scheme, "R"), note="stuck", by=lead)
    make_action(second, "2.1", due_date=datetime.date(2012, 11, 30))

    response = client_for(viewer).get(plan_url(plan))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total == 3
    assert {row.status.code: row.count for row in summary.counts if row.status} == {
        "B": 0, "G": 1, "A": 0, "R": 1, "Gr": 0}
    assert response.context["overdue_count"] == 1
    assert response.context["missing_count"] == 1
    page = response.content.decode()
    assert "December 2012" in page
    assert "Capacity and culture" in page
    assert "33.33%" in page  # one of three actions is green


def test_outsider_gets_404_for_a_plan(plan, outsider):
    assert client_for(outsider).get(plan_url(plan)).status_code == 404


def test_plan_page_refuses_post(plan, viewer):
    assert client_for(viewer).post(plan_url(plan)).status_code == 405


def test_lead_can_read_the_plan_of_an_action_they_lead(plan, action, lead):
    assert client_for(lead).get(plan_url(plan)).status_code == 200


def test_plan_page_uses_the_same_queries_for_10_and_500_actions(plan, theme, viewer):
    client = client_for(viewer)
    make_many_actions(theme, 10)
    with_10 = count_queries(client, plan_url(plan))
    make_many_actions(theme, 490)
    assert count_queries(client, plan_url(plan)) == with_10


def test_theme_page_lists_objectives_and_actions(plan, theme, viewer, action):
    from improvement.models import Objective

    objective = Objective.objects.create(theme=theme, code="1.A", title="Strengthen the WSCB")
    make_action(theme, "1.2", description="Review governance")
    grouped = make_action(theme, "1.3", description="Audit arrangements")
    grouped.objective = objective
    grouped.save()

    response = client_for(viewer).get(reverse("improvement:theme_detail", args=[plan.pk, theme.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Strengthen the WSCB" in page
    assert "Audit arrangements" in page and "Review governance" in page


def test_theme_of_another_plan_is_404(plan, theme, viewer, council, scheme):
    from improvement.models import Plan

    other = Plan.objects.create(organisation=council, name="Other", slug="other", rag_scheme=scheme,
                                current_period=plan.current_period)
    other_theme = Theme.objects.create(plan=other, title="Elsewhere")
    url = reverse("improvement:theme_detail", args=[plan.pk, other_theme.pk])
    assert client_for(viewer).get(url).status_code == 404


def test_theme_page_for_outsider_is_404(plan, theme, outsider):
    url = reverse("improvement:theme_detail", args=[plan.pk, theme.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_theme_page_uses_the_same_queries_for_10_and_500_actions(plan, theme, viewer, lead_post):
    client = client_for(viewer)
    url = reverse("improvement:theme_detail", args=[plan.pk, theme.pk])
    make_many_actions(theme, 10, leads=[lead_post])
    with_10 = count_queries(client, url)
    make_many_actions(theme, 490, leads=[lead_post])
    assert count_queries(client, url) == with_10
