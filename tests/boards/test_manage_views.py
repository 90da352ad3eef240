"""Maintaining a board: members, the plans it oversees, setting up a board, the hub panel."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from boards.models import Board, BoardMember
from improvement import panels
from improvement.models import Organisation, Plan, PlanRole
from tests.conftest import client_for, count_queries, make_user

UNKNOWN_EMAIL = "No account uses that email address. Ask your administrator to create one, then add them here."


def members_url(board):
    return reverse("boards:board_members", args=[board.pk])


def add_url(board):
    return reverse("boards:board_member_add", args=[board.pk])


def edit_url(board, membership):
    return reverse("boards:board_member_edit", args=[board.pk, membership.pk])


def remove_url(board, membership):
    return reverse("boards:board_member_remove", args=[board.pk, membership.pk])


def plans_url(board):
    return reverse("boards:board_plans", args=[board.pk])


@pytest.fixture
def second_plan(council, scheme, manager):
    """Another plan of the manager's council that the manager also manages."""
    plan = Plan.objects.create(organisation=council, name="Early Help Plan", slug="early-help", rag_scheme=scheme,
                               current_period=council.plans.first().current_period)
    PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.MANAGER)
    return plan


@pytest.fixture
def partner_plan(scheme, board):
    """A partner's plan the board also oversees, which our manager does not manage."""
    partner = Organisation.objects.create(name="Walsall Safeguarding Children Board")
    plan = Plan.objects.create(organisation=partner, name="WSCB Business Plan", slug="wscb", rag_scheme=scheme,
                               current_period=board.plans.first().current_period)
    board.plans.add(plan)
    return plan


# --- Members ---------------------------------------------------------------------------------

def test_board_members_lists_members_with_role_and_whom_they_represent(board, officer, chair, member):
    BoardMember.objects.filter(user=member).update(represents="West Midlands Police")
    response = client_for(officer).get(members_url(board))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Chair", "Member", "Officer", "West Midlands Police", "Department for Education"):
        assert text in page
    membership = board.members.get(user=member)
    assert edit_url(board, membership) in page and remove_url(board, membership) in page


def test_board_members_query_count_does_not_grow_with_members(board, officer, chair, django_assert_num_queries):
    client = client_for(officer)
    for n in range(3):
        BoardMember.objects.create(board=board, user=make_user(f"m{n}", Organisation.objects.create(name=f"Org {n}")),
                                   role="member")
    with_3 = count_queries(client, members_url(board))
    for n in range(3, 10):
        BoardMember.objects.create(board=board, user=make_user(f"m{n}", Organisation.objects.create(name=f"Org {n}")),
                                   role="member")
    # session, user, board, board role, the user's organisation and whether they hold a post (page
    # header), the members with
    # their people and organisations; and the session's save (3).
    with django_assert_num_queries(9):
        client.get(members_url(board))
    assert with_3 == 9


def test_officer_adds_a_member_of_their_own_organisation(board, officer, council):
    colleague = make_user("colleague", council)
    response = client_for(officer).post(add_url(board), {"role": "member", "represents": "Children's Services",
                                                         "person": colleague.pk})
    assert response.status_code == 302 and response.url == members_url(board)
    membership = board.members.get(user=colleague)
    assert (membership.role, membership.represents) == ("member", "Children's Services")
    assert membership.history.first().history_user == officer


def test_officer_adds_a_member_of_another_organisation_by_email(board, officer):
    police = make_user("superintendent", Organisation.objects.create(name="West Midlands Police"),
                       email="supt@wmp.police.uk")
    response = client_for(officer).post(add_url(board), {"role": "member", "email": "supt@wmp.police.uk",
                                                         "represents": "West Midlands Police"})
    assert response.status_code == 302
    assert board.members.filter(user=police, role="member").exists()


def test_an_unknown_email_says_to_ask_the_administrator(board, officer):
    response = client_for(officer).post(add_url(board), {"role": "member", "email": "nobody@example.org"})
    assert response.status_code == 400
    assert UNKNOWN_EMAIL in response.content.decode()


def test_the_member_select_never_lists_other_organisations_people(board, officer, council, chair, member, outsider):
    import re

    make_user("colleague", council)
    make_user("superintendent", Organisation.objects.get(name="West Midlands Police"))
    page = client_for(officer).get(add_url(board)).content.decode()
    assert "Person in Walsall Council" in page and "Accounts are created by administrators" in page
    select = re.search(r'<select name="person".*?</select>', page, re.S).group()
    assert re.findall(r">([^<]+)</option>", select) == ["Choose a person", "Colleague", "Manager"]
    assert "Outsider" not in page and "Superintendent" not in page


def test_another_organisations_user_id_as_member_is_refused(board, officer, outsider):
    response = client_for(officer).post(add_url(board), {"role": "member", "person": outsider.pk})
    assert response.status_code == 400
    assert "Choose a person from the list" in response.content.decode()
    assert not board.members.filter(user=outsider).exists()


def test_someone_already_on_the_board_is_refused_with_a_clear_message(board, officer, council):
    response = client_for(officer).post(add_url(board), {"role": "member", "person": officer.pk})
    assert response.status_code == 400
    assert "Manager is already on this board: change their role instead" in response.content.decode()


def test_officer_changes_a_members_role_and_whom_they_represent(board, officer, member):
    membership = board.members.get(user=member)
    response = client_for(officer).post(edit_url(board, membership), {"role": "observer",
                                                                      "represents": "DfE observer"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.represents) == ("observer", "DfE observer")
    latest = membership.history.first()
    assert (latest.history_user, latest.prev_record.role) == (officer, "member")


def test_the_last_chair_or_officer_cannot_lose_that_role(board, chair):
    membership = board.members.get(user=chair)
    response = client_for(chair).post(edit_url(board, membership), {"role": "member", "represents": ""})
    assert response.status_code == 400
    assert "Chair is the board&#x27;s only chair or officer" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "chair"


def test_a_member_is_removed_after_confirmation(board, officer, chair, member):
    membership = board.members.get(user=member)
    client = client_for(officer)
    page = client.get(remove_url(board, membership)).content.decode()
    assert "Are you sure you want to remove Member from Improvement Board?" in page
    assert "govuk-button--warning" in page
    assert client.post(remove_url(board, membership)).status_code == 302
    assert not board.members.filter(user=member).exists()
    assert BoardMember.history.filter(id=membership.pk, history_type="-").get().history_user == officer


def test_the_last_chair_or_officer_cannot_be_removed(board, chair, member):
    membership = board.members.get(user=chair)
    client = client_for(chair)
    page = client.get(remove_url(board, membership)).content.decode()
    assert "only chair or officer" in page and "govuk-button--warning" not in page
    assert client.post(remove_url(board, membership)).status_code == 400
    assert board.members.filter(user=chair).exists()


def test_a_chair_may_remove_the_officer_while_they_remain(board, officer, chair):
    membership = board.members.get(user=officer)
    assert client_for(chair).post(remove_url(board, membership)).status_code == 302
    assert not board.members.filter(user=officer).exists()


def test_a_membership_of_another_board_is_404(board, officer, chair):
    other = Board.objects.create(name="Other board", kind="improvement_board")
    elsewhere = BoardMember.objects.create(board=other, user=chair, role="chair")
    assert client_for(officer).get(edit_url(board, elsewhere)).status_code == 404
    assert client_for(officer).post(remove_url(board, elsewhere)).status_code == 404


@pytest.mark.parametrize("persona", ["member", "viewer", "scrutiny", "manager"])
def test_only_the_chair_and_officers_manage_members(request, board, chair, persona):
    """The plan's manager is not its board's manager unless they are its officer."""
    client = client_for(request.getfixturevalue(persona))
    membership = board.members.get(user=chair)
    assert client.get(members_url(board)).status_code == 403
    assert client.post(add_url(board), {"role": "member", "person": chair.pk}).status_code == 403
    assert client.post(edit_url(board, membership), {"role": "member"}).status_code == 403
    assert client.post(remove_url(board, membership)).status_code == 403
    assert client.post(plans_url(board), {}).status_code == 403


def test_an_outsider_gets_404_on_the_board_pages(board, outsider, chair):
    client = client_for(outsider)
    assert client.get(members_url(board)).status_code == 404
    assert client.get(plans_url(board)).status_code == 404


def test_board_members_refuses_post(board, officer):
    assert client_for(officer).post(members_url(board)).status_code == 405


# --- Plans it oversees -----------------------------------------------------------------------

def test_board_plans_offers_the_plans_the_user_manages_and_lists_others_read_only(board, officer, plan, second_plan,
                                                                                  partner_plan, other_manager):
    page = client_for(officer).get(plans_url(board)).content.decode()
    assert f'value="{plan.pk}"' in page and f'value="{second_plan.pk}"' in page
    assert "WSCB Business Plan" in page and f'value="{partner_plan.pk}"' not in page
    assert "Wiltshire plan" not in page


def test_officer_adds_a_plan_they_manage_and_others_are_kept(board, officer, plan, second_plan, partner_plan):
    response = client_for(officer).post(plans_url(board), {"plans": [second_plan.pk]})
    assert response.status_code == 302 and response.url == board.get_absolute_url()
    assert set(board.plans.all()) == {second_plan, partner_plan}
    latest = board.history.first()
    assert latest.history_user == officer
    assert {row.plan for row in latest.plans.all()} == {second_plan, partner_plan}


def test_a_plan_the_user_does_not_manage_is_refused_and_nothing_changes(board, officer, plan, other_manager):
    wiltshire = Plan.objects.get(slug="wilts")
    response = client_for(officer).post(plans_url(board), {"plans": [plan.pk, wiltshire.pk]})
    assert response.status_code == 400
    assert "Choose only plans you manage" in response.content.decode()
    assert list(board.plans.all()) == [plan]


def test_a_board_keeps_at_least_one_plan(board, officer, plan):
    response = client_for(officer).post(plans_url(board), {})
    assert response.status_code == 400
    assert "Choose at least one plan" in response.content.decode()
    assert list(board.plans.all()) == [plan]


def test_a_chair_who_manages_no_plan_cannot_change_them(board, chair, plan):
    client = client_for(chair)
    assert "You manage none of the plans" in client.get(plans_url(board)).content.decode()
    assert client.post(plans_url(board), {"plans": [plan.pk]}).status_code == 400


# --- Setting up a board ----------------------------------------------------------------------

def create_url():
    return reverse("boards:board_create")


def test_a_plan_manager_sets_up_a_board_and_becomes_its_officer(manager, plan):
    response = client_for(manager).post(create_url(), {"name": "Corporate Parenting Board",
                                                       "kind": "partnership_board", "description": "",
                                                       "plans": [plan.pk]})
    board = Board.objects.get(name="Corporate Parenting Board")
    assert response.status_code == 302 and response.url == members_url(board)
    assert list(board.plans.all()) == [plan]
    assert board.members.get().user == manager and board.members.get().role == "officer"
    assert board.history.first().history_user == manager
    assert board.members.get().history.first().history_user == manager


def test_a_new_board_needs_a_name_a_kind_and_a_plan_the_user_manages(manager, plan, other_manager):
    wiltshire = Plan.objects.get(slug="wilts")
    response = client_for(manager).post(create_url(), {"name": "", "plans": [wiltshire.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    for text in ("Enter the name of the board", "Select the kind of board", "Choose only plans you manage"):
        assert text in page
    assert not Board.objects.exists()


@pytest.mark.parametrize("persona", ["lead", "viewer", "chair", "outsider"])
def test_only_plan_managers_set_up_boards(request, action, persona):
    assert client_for(request.getfixturevalue(persona)).get(create_url()).status_code == 403


# --- Links: board page, board list, the plan-manage hub panel --------------------------------

def test_board_page_links_to_members_and_plans_for_its_managers_only(board, officer, member):
    manage_links = (members_url(board), plans_url(board))
    page = client_for(officer).get(board.get_absolute_url()).content.decode()
    assert all(link in page for link in manage_links)
    page = client_for(member).get(board.get_absolute_url()).content.decode()
    assert not any(link in page for link in manage_links)


def test_board_list_offers_setting_up_a_board_to_plan_managers(manager, viewer):
    assert create_url() in client_for(manager).get(reverse("boards:board_list")).content.decode()
    assert create_url() not in client_for(viewer).get(reverse("boards:board_list")).content.decode()


def render_hub_panel(user, plan):
    request = RequestFactory().get("/")
    request.user = user
    return "".join(panels.render("plan_manage", request, plan))


def test_hub_panel_lists_boards_overseeing_the_plan_with_links_for_those_the_user_manages(board, officer, plan):
    other = Board.objects.create(name="Scrutiny Panel", kind="scrutiny_panel")
    other.plans.add(plan)
    html = render_hub_panel(officer, plan)
    assert "Boards overseeing this plan" in html
    assert "Improvement Board" in html and "Scrutiny Panel" in html
    assert members_url(board) in html and plans_url(board) in html
    assert members_url(other) not in html
    assert create_url() in html


def test_hub_panel_says_when_no_board_oversees_the_plan(manager, plan):
    assert "No board oversees this plan yet" in render_hub_panel(manager, plan)
