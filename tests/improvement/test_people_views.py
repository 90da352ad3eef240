"""The plan manager's people pages: posts and holders, plan roles."""

import pytest
from django.urls import reverse

from improvement.models import Organisation, PlanRole, Post
from tests.conftest import client_for, count_queries, make_action, make_user

UNKNOWN_EMAIL = "No account uses that email address. Ask your administrator to create one, then add them here."


def posts_url(plan):
    return reverse("improvement:post_list", args=[plan.pk])


def edit_url(plan, post):
    return reverse("improvement:post_edit", args=[plan.pk, post.pk])


def delete_url(plan, post):
    return reverse("improvement:post_delete", args=[plan.pk, post.pk])


def roles_url(plan):
    return reverse("improvement:plan_roles", args=[plan.pk])


def add_role_url(plan):
    return reverse("improvement:plan_role_add", args=[plan.pk])


def remove_role_url(plan, role):
    return reverse("improvement:plan_role_remove", args=[plan.pk, role.pk])


@pytest.fixture
def vacant_post(council):
    return Post.objects.create(organisation=council, title="Head of Corporate Parenting (to be appointed)")


@pytest.fixture
def partner():
    return Organisation.objects.create(name="Walsall Healthcare NHS Trust", kind=Organisation.Kind.NHS)


@pytest.fixture
def partner_post(partner, theme):
    """A post of another organisation that leads one of the plan's actions."""
    post = Post.objects.create(organisation=partner, title="Designated Nurse")
    make_action(theme, "2.1", leads=[post])
    return post


# --- Posts and holders -----------------------------------------------------------------------

def test_post_list_shows_holders_vacant_posts_and_actions_led(plan, manager, action, lead, vacant_post, partner_post):
    response = client_for(manager).get(posts_url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Assistant Director Specialist Services" in page and "Lead" in page
    assert "Head of Corporate Parenting (to be appointed)" in page and "Vacant" in page
    assert 'Change<span class="govuk-visually-hidden"> Assistant Director Specialist Services</span>' in page
    # The other organisation's post is listed read-only: no Change link for it.
    assert "Designated Nurse" in page and "Walsall Healthcare NHS Trust" in page
    assert "Ask an administrator to change them" in page
    assert edit_url(plan, partner_post) not in page


def test_post_list_counts_only_the_actions_led_in_this_plan(plan, manager, action, lead_post, scheme, theme):
    from improvement.models import Plan, Theme

    other_plan = Plan.objects.create(organisation=plan.organisation, name="Other plan", slug="other",
                                     rag_scheme=scheme, current_period=plan.current_period)
    make_action(Theme.objects.create(plan=other_plan, title="Other"), "1.1", leads=[lead_post])
    make_action(theme, "1.2", leads=[lead_post])
    posts = client_for(manager).get(posts_url(plan)).context["posts"]
    assert {post.title: post.plan_action_count for post in posts} == {"Assistant Director Specialist Services": 2}


def test_post_list_query_count_does_not_grow_with_posts(plan, council, manager, theme):
    client = client_for(manager)

    def add_posts(start, count):
        for n in range(start, start + count):
            post = Post.objects.create(organisation=council, title=f"Post {n}")
            post.holders.add(make_user(f"holder{n}", council))
            make_action(theme, f"5.{n}", leads=[post])

    add_posts(0, 3)
    with_3 = count_queries(client, posts_url(plan))
    add_posts(3, 6)
    assert count_queries(client, posts_url(plan)) == with_3


def test_post_list_query_count_is_pinned(plan, manager, action, partner_post, django_assert_num_queries):
    client = client_for(manager)
    client.get(posts_url(plan))
    # session, user, plan, manager role, the user's organisation (page header), own posts, their
    # holders, other organisations' posts, their holders; and the session's save (3).
    with django_assert_num_queries(12):
        assert client.get(posts_url(plan)).status_code == 200


def test_manager_fills_a_vacant_post_with_a_holder_of_their_organisation(plan, council, manager, vacant_post):
    newcomer = make_user("newcomer", council)
    response = client_for(manager).post(edit_url(plan, vacant_post),
                                        {"title": vacant_post.title, "holders": [newcomer.pk]})
    assert response.status_code == 302 and response.url == posts_url(plan)
    assert list(vacant_post.holders.all()) == [newcomer]
    latest = vacant_post.history.first()
    assert latest.history_user == manager
    assert [row.user for row in latest.holders.all()] == [newcomer]


def test_holder_checkboxes_offer_only_active_people_of_the_posts_organisation(plan, council, manager, vacant_post,
                                                                              outsider):
    make_user("departed", council, is_active=False)
    make_user("colleague", council)
    page = client_for(manager).get(edit_url(plan, vacant_post)).content.decode()
    assert "Colleague" in page and 'type="checkbox"' in page
    assert "Outsider" not in page and "Departed" not in page


def test_another_organisations_user_as_holder_is_refused_and_nothing_changes(plan, manager, vacant_post, outsider):
    response = client_for(manager).post(edit_url(plan, vacant_post),
                                        {"title": "Renamed", "holders": [outsider.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Choose holders from the list" in page
    assert "<title>Error: " in page
    vacant_post.refresh_from_db()
    assert vacant_post.title == "Head of Corporate Parenting (to be appointed)"
    assert not vacant_post.holders.exists()


def test_saving_a_post_keeps_holders_the_form_does_not_offer(plan, council, manager, lead_post, lead, outsider):
    lead_post.holders.add(outsider)  # set by an administrator
    response = client_for(manager).get(edit_url(plan, lead_post))
    assert "Also held by Outsider: ask an administrator" in response.content.decode()
    client_for(manager).post(edit_url(plan, lead_post), {"title": lead_post.title, "holders": []})
    assert list(lead_post.holders.all()) == [outsider]


def test_manager_adds_a_post_to_the_plans_organisation(plan, council, manager, lead):
    response = client_for(manager).post(reverse("improvement:post_create", args=[plan.pk]),
                                        {"title": "  Head of   Safeguarding ", "holders": [lead.pk]})
    assert response.status_code == 302
    post = Post.objects.get(title="Head of Safeguarding")
    assert post.organisation == council and list(post.holders.all()) == [lead]
    assert post.history.first().history_user == manager


def test_a_post_title_already_used_in_the_organisation_is_refused_with_a_clear_message(plan, manager, lead_post):
    response = client_for(manager).post(reverse("improvement:post_create", args=[plan.pk]),
                                        {"title": "assistant director specialist services"})
    assert response.status_code == 400
    assert ("Walsall Council already has a post called “assistant director specialist services”"
            in response.content.decode())
    assert Post.objects.count() == 1


def test_a_post_of_another_organisation_leading_the_plan_is_403(plan, manager, partner_post):
    client = client_for(manager)
    assert client.get(edit_url(plan, partner_post)).status_code == 403
    assert client.post(edit_url(plan, partner_post), {"title": "Mine now"}).status_code == 403
    partner_post.refresh_from_db()
    assert partner_post.title == "Designated Nurse"


def test_a_post_of_another_organisation_unrelated_to_the_plan_is_404(plan, manager, outsider):
    elsewhere = Post.objects.create(organisation=outsider.organisation, title="Director of Children's Services")
    assert client_for(manager).get(edit_url(plan, elsewhere)).status_code == 404
    assert client_for(manager).post(delete_url(plan, elsewhere)).status_code == 404
    assert Post.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize("persona", ["lead", "viewer", "scrutiny", "chair"])
def test_only_plan_managers_manage_posts(request, plan, action, lead_post, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(posts_url(plan)).status_code == 403
    assert client.post(edit_url(plan, lead_post), {"title": "x"}).status_code == 403
    assert client.post(reverse("improvement:post_create", args=[plan.pk]), {"title": "x"}).status_code == 403


def test_another_councils_manager_gets_404(plan, lead_post, other_manager):
    assert client_for(other_manager).get(posts_url(plan)).status_code == 404
    assert client_for(other_manager).get(edit_url(plan, lead_post)).status_code == 404


def test_post_list_refuses_post(plan, manager):
    assert client_for(manager).post(posts_url(plan)).status_code == 405


def test_a_post_that_leads_nothing_is_deleted_after_confirmation(plan, manager, vacant_post):
    client = client_for(manager)
    page = client.get(delete_url(plan, vacant_post)).content.decode()
    assert "Are you sure you want to delete the post" in page and "govuk-button--warning" in page
    response = client.post(delete_url(plan, vacant_post))
    assert response.status_code == 302
    assert not Post.objects.filter(pk=vacant_post.pk).exists()
    assert Post.history.filter(id=vacant_post.pk, history_type="-").get().history_user == manager


def test_a_post_that_leads_an_action_or_theme_cannot_be_deleted(plan, manager, action, lead_post, theme, vacant_post):
    theme.lead = vacant_post
    theme.save()
    client = client_for(manager)
    page = client.get(delete_url(plan, lead_post)).content.decode()
    assert "You cannot delete this post because it leads 1 action" in page
    assert "govuk-button--warning" not in page
    assert client.post(delete_url(plan, lead_post)).status_code == 400
    response = client.post(delete_url(plan, vacant_post))
    assert response.status_code == 400 and "it leads 1 theme" in response.content.decode()
    assert Post.objects.filter(pk__in=[lead_post.pk, vacant_post.pk]).count() == 2


# --- People and roles ------------------------------------------------------------------------

def test_plan_roles_lists_who_has_which_role(plan, manager, viewer, scrutiny):
    page = client_for(manager).get(roles_url(plan)).content.decode()
    for text in ("Manager", "Plan manager", "Viewer", "Scrutiny officer", "Walsall Council"):
        assert text in page
    assert "Only manager" in page
    viewer_role = plan.roles.get(user=viewer)
    assert remove_role_url(plan, viewer_role) in page


def test_plan_roles_query_count_does_not_grow_with_roles(plan, council, manager, partner,
                                                        django_assert_num_queries):
    client = client_for(manager)
    for n in range(3):
        PlanRole.objects.create(plan=plan, user=make_user(f"viewer{n}", partner), role=PlanRole.Role.VIEWER)
    with_3 = count_queries(client, roles_url(plan))
    for n in range(3, 10):
        PlanRole.objects.create(plan=plan, user=make_user(f"viewer{n}", partner), role=PlanRole.Role.VIEWER)
    # session, user, plan, manager role, the user's organisation (page header), the roles with
    # their people and organisations; and the session's save (3).
    with django_assert_num_queries(9):
        client.get(roles_url(plan))
    assert with_3 == 9


def test_manager_adds_a_role_for_a_person_of_the_plans_organisation(plan, council, manager):
    colleague = make_user("colleague", council)
    response = client_for(manager).post(add_role_url(plan), {"role": "scrutiny", "person": colleague.pk})
    assert response.status_code == 302 and response.url == roles_url(plan)
    role = PlanRole.objects.get(plan=plan, user=colleague)
    assert role.role == "scrutiny"
    assert role.history.first().history_user == manager


def test_manager_adds_a_role_by_the_email_address_of_another_organisations_account(plan, manager, partner):
    adviser = make_user("adviser", partner, email="Adviser@Education.gov.uk")
    response = client_for(manager).post(add_role_url(plan), {"role": "viewer", "email": "adviser@education.gov.uk"})
    assert response.status_code == 302
    assert PlanRole.objects.filter(plan=plan, user=adviser, role="viewer").exists()


def test_an_unknown_email_address_says_to_ask_the_administrator(plan, manager):
    response = client_for(manager).post(add_role_url(plan), {"role": "viewer", "email": "nobody@example.org"})
    assert response.status_code == 400
    assert UNKNOWN_EMAIL in response.content.decode()
    assert not PlanRole.objects.filter(role="viewer").exists()


def test_an_inactive_account_counts_as_unknown(plan, manager, partner):
    make_user("gone", partner, email="gone@example.org", is_active=False)
    response = client_for(manager).post(add_role_url(plan), {"role": "viewer", "email": "gone@example.org"})
    assert response.status_code == 400 and UNKNOWN_EMAIL in response.content.decode()


def test_the_person_select_never_lists_other_organisations_people(plan, council, manager, outsider, partner):
    make_user("partnerperson", partner)
    make_user("colleague", council)
    page = client_for(manager).get(add_role_url(plan)).content.decode()
    assert "Colleague" in page
    assert "Outsider" not in page and "Partnerperson" not in page
    assert "Accounts are created by administrators" in page


def test_another_organisations_user_id_as_person_is_refused(plan, manager, outsider):
    response = client_for(manager).post(add_role_url(plan), {"role": "manager", "person": outsider.pk})
    assert response.status_code == 400
    assert "Choose a person from the list" in response.content.decode()
    assert not PlanRole.objects.filter(user=outsider).exists()


def test_a_duplicate_role_is_refused_with_a_clear_message(plan, manager, viewer):
    response = client_for(manager).post(add_role_url(plan), {"role": "viewer", "person": viewer.pk})
    assert response.status_code == 400
    assert "Viewer is already a viewer of this plan" in response.content.decode()


def test_adding_a_role_needs_a_person_and_a_role(plan, manager):
    response = client_for(manager).post(add_role_url(plan), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select a role" in page and "Choose a person, or enter the email address of their account" in page


def test_a_role_is_removed_after_confirmation_and_the_history_records_who(plan, manager, viewer):
    role = plan.roles.get(user=viewer)
    client = client_for(manager)
    page = client.get(remove_role_url(plan, role)).content.decode()
    assert "Are you sure you want to remove Viewer’s role as viewer?" in page
    assert client.post(remove_role_url(plan, role)).status_code == 302
    assert not plan.roles.filter(user=viewer).exists()
    assert PlanRole.history.filter(id=role.pk, history_type="-").get().history_user == manager


def test_the_last_manager_cannot_be_removed(plan, manager):
    role = plan.roles.get(user=manager)
    client = client_for(manager)
    page = client.get(remove_role_url(plan, role)).content.decode()
    assert "Manager is the plan&#x27;s only manager. Add another plan manager first." in page
    assert "govuk-button--warning" not in page
    response = client.post(remove_role_url(plan, role))
    assert response.status_code == 400
    assert plan.roles.filter(user=manager, role="manager").exists()


def test_a_manager_may_remove_their_own_role_when_another_manager_remains(plan, council, manager):
    PlanRole.objects.create(plan=plan, user=make_user("deputy", council), role=PlanRole.Role.MANAGER)
    role = plan.roles.get(user=manager)
    client = client_for(manager)
    assert "You will no longer be able to manage this plan" in client.get(remove_role_url(plan, role)).content.decode()
    response = client.post(remove_role_url(plan, role))
    assert response.status_code == 302 and response.url == reverse("improvement:plan_list")
    assert not plan.roles.filter(user=manager).exists()


def test_a_role_of_another_plan_is_404(plan, manager, other_manager):
    elsewhere = PlanRole.objects.get(user=other_manager)
    assert client_for(manager).post(remove_role_url(plan, elsewhere)).status_code == 404
    assert PlanRole.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize("persona", ["lead", "viewer", "scrutiny", "chair"])
def test_only_plan_managers_manage_roles(request, plan, action, manager, persona):
    client = client_for(request.getfixturevalue(persona))
    role = plan.roles.get(user=manager)
    assert client.get(roles_url(plan)).status_code == 403
    assert client.post(add_role_url(plan), {"role": "manager", "person": manager.pk}).status_code == 403
    assert client.post(remove_role_url(plan, role)).status_code == 403


def test_an_outsider_gets_404_on_the_roles_pages(plan, manager, outsider):
    assert client_for(outsider).get(roles_url(plan)).status_code == 404
    assert client_for(outsider).post(add_role_url(plan), {}).status_code == 404
