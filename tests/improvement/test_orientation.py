"""Orientation: who is signed in, signing out, where each person lands after signing in, the
navigation they see, the organisation in the header and the page for a missing page."""

import datetime

import pytest
from django.urls import reverse

from boards.models import Meeting, ScrutinyReview
from tests.conftest import client_for

PASSWORD = "not-used-in-tests"  # make_user's


def sign_in(client, user, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD})


def landing_for(client, user):
    response = sign_in(client, user)
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url


def test_a_lead_lands_on_my_actions(client, lead, action):
    assert landing_for(client, lead) == reverse("improvement:my_actions")


def test_a_chair_lands_on_their_boards_next_meeting(client, chair, meeting, frozen_today):
    later = Meeting.objects.create(board=meeting.board, plan=meeting.plan, round=meeting.round,
                                   date=datetime.date(2013, 1, 21))
    Meeting.objects.create(board=meeting.board, plan=meeting.plan, round=meeting.round,
                           date=datetime.date(2013, 2, 18))
    assert landing_for(client, chair) == later.get_absolute_url()


def test_a_board_member_with_only_past_meetings_lands_on_the_latest(client, member, meeting, frozen_today):
    assert landing_for(client, member) == meeting.get_absolute_url()


def test_a_scrutiny_officer_lands_on_the_reviews_of_their_plan(client, scrutiny, plan, board):
    ScrutinyReview.objects.create(board=board, plan=plan, title="Review", scope="All", date=datetime.date(2012, 10, 1))
    assert landing_for(client, scrutiny) == reverse("boards:review_list", args=[plan.pk])


def test_a_scrutiny_officer_with_no_review_yet_lands_on_the_scrutiny_page(client, scrutiny, plan):
    assert landing_for(client, scrutiny) == reverse("boards:review_list", args=[plan.pk])


def test_a_manager_of_one_plan_lands_on_it_and_of_several_on_the_list(client, manager, plan, scheme):
    from improvement.models import Plan, PlanRole

    assert landing_for(client, manager) == reverse("improvement:plan_detail", args=[plan.pk])
    client.logout()
    other = Plan.objects.create(organisation=plan.organisation, name="Second plan", slug="second", rag_scheme=scheme,
                                current_period=plan.current_period)
    PlanRole.objects.create(plan=other, user=manager, role=PlanRole.Role.MANAGER)
    assert landing_for(client, manager) == reverse("improvement:plan_list")


def test_anyone_else_lands_on_the_plan_list(client, viewer):
    assert landing_for(client, viewer) == reverse("improvement:plan_list")


def test_a_next_address_wins_over_the_landing_page(client, lead, plan, action):
    target = reverse("improvement:action_table", args=[plan.pk])
    assert sign_in(client, lead, next_url=target).url == target


def test_someone_already_signed_in_is_sent_to_their_landing_page(lead, action):
    response = client_for(lead).get(reverse("login"))
    assert response.status_code == 302 and response.url == reverse("improvement:my_actions")


def test_the_header_says_who_is_signed_in(lead, action):
    lead.first_name, lead.last_name = "Demo", "Lead"
    lead.save()
    page = client_for(lead).get(reverse("improvement:my_actions")).content.decode()
    assert "Signed in as <strong>Demo Lead</strong>" in page


def test_after_signing_out_the_sign_in_page_says_so(client, lead):
    sign_in(client, lead)
    response = client.post(reverse("logout"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have signed out" in page and "Signed in as" not in page


def test_my_actions_is_in_the_navigation_only_for_someone_holding_a_post(lead, viewer, plan):
    url = reverse("improvement:plan_list")
    my_actions = f'href="{reverse("improvement:my_actions")}"'
    assert my_actions in client_for(lead).get(url).content.decode()
    assert my_actions not in client_for(viewer).get(url).content.decode()


def test_plan_pages_show_the_plans_organisation_in_the_header(chair, plan, action):
    client = client_for(chair)
    header = '<a href="/" class="govuk-generic-header__homepage-link">{}</a>'
    for url in (reverse("improvement:plan_detail", args=[plan.pk]), action.get_absolute_url(),
                reverse("improvement:action_table", args=[plan.pk])):
        assert header.format("Walsall Council") in client.get(url).content.decode(), url
    assert header.format("Department for Education") in client.get(reverse("improvement:plan_list")).content.decode()


@pytest.mark.parametrize("url", ["/no-such-page/", "/plans/999999/"])
def test_a_missing_page_under_make_run_is_the_projects_own_page(settings, viewer, url):
    settings.DEBUG, settings.DEBUG_ERROR_PAGES = True, False
    response = client_for(viewer).get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert "If you typed the web address, check it is correct." in page and "URLconf" not in page
    assert "Signed in as" in page


def test_a_developer_can_still_ask_for_djangos_technical_404_page(settings, viewer):
    settings.DEBUG, settings.DEBUG_ERROR_PAGES = True, True
    response = client_for(viewer).get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()
