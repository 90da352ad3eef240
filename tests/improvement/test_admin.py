"""The Django admin is for administrators only: plan managers, staff or not, of this council or
another, are sent to the admin's sign-in page for every admin URL, whatever the object, and
nothing they post there is saved. Administrators use it with the audit trail and stale-edit
protection, and nobody edits the RAG history there."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from boards.models import Board, Meeting, ReviewNote
from improvement.models import Action, Organisation, Plan, Post, Theme
from tests.conftest import client_for, make_action, make_user, status


@pytest.fixture
def administrator(db):
    return make_user("administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_manager(manager):
    """A plan manager who was made staff (as the demo's manager used to be)."""
    manager.is_staff = True
    manager.save()
    return manager


@pytest.fixture
def other_plan(scheme, plan):
    council = Organisation.objects.create(name="Wiltshire Council")
    other = Plan.objects.create(organisation=council, name="Wiltshire plan", slug="wilts",
                                rag_scheme=scheme, current_period=plan.current_period)
    theme = Theme.objects.create(plan=other, title="Elsewhere")
    make_action(theme, "PA1", description="Another council's action")
    return other


def sent_to_admin_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_an_administrator_uses_the_admin(administrator, action):
    client = client_for(administrator)
    assert client.get(reverse("admin:index")).status_code == 200
    page = client.get(reverse("admin:improvement_action_change", args=[action.pk]))
    assert page.status_code == 200 and "Measures of success" in page.content.decode()
    assert client.get(reverse("admin:improvement_action_history", args=[action.pk])).status_code == 200


@pytest.mark.parametrize("url_name", ["admin:index", "admin:improvement_action_changelist",
                                      "admin:improvement_plan_changelist", "admin:auth_group_changelist"])
def test_a_staff_plan_manager_is_sent_to_the_admin_sign_in(staff_manager, url_name):
    assert sent_to_admin_sign_in(client_for(staff_manager).get(reverse(url_name)))


def test_the_admin_answers_the_same_for_an_object_that_exists_and_one_that_does_not(staff_manager, other_plan):
    """No existence oracle: another organisation's action and a missing one look alike."""
    other_action = other_plan.actions.get()
    client = client_for(staff_manager)
    for suffix in ("change", "history", "delete"):
        real = client.get(reverse(f"admin:improvement_action_{suffix}", args=[other_action.pk]))
        missing = client.get(reverse(f"admin:improvement_action_{suffix}", args=[999999]))
        assert sent_to_admin_sign_in(real) and sent_to_admin_sign_in(missing), suffix
    content_type = ContentType.objects.get_for_model(Action)
    view_on_site = client.get(reverse("admin:view_on_site", args=[content_type.pk, other_action.pk]))
    assert sent_to_admin_sign_in(view_on_site)


def test_adding_another_councils_plan_to_your_board_in_the_admin_is_refused(staff_manager, plan, other_plan):
    """Finding 1: a board officer posted another council's plan into their board's plans."""
    board = Board.objects.create(name="Our board", kind=Board.Kind.IMPROVEMENT_BOARD)
    board.plans.add(plan)
    board.members.create(user=staff_manager, role="officer")
    response = client_for(staff_manager).post(
        reverse("admin:boards_board_change", args=[board.pk]),
        {"name": board.name, "kind": board.kind, "plans": [plan.pk, other_plan.pk]})
    assert sent_to_admin_sign_in(response)
    assert list(board.plans.all()) == [plan]
    assert client_for(staff_manager).get(reverse("improvement:plan_detail", args=[other_plan.pk])).status_code == 404


def test_moving_your_plan_into_another_organisation_in_the_admin_is_refused(staff_manager, plan, other_plan):
    """Finding 2: a manager moved their plan into another organisation to take over its posts."""
    response = client_for(staff_manager).post(
        reverse("admin:improvement_plan_change", args=[plan.pk]),
        {"name": plan.name, "slug": plan.slug, "organisation": other_plan.organisation_id,
         "rag_scheme": plan.rag_scheme_id, "current_period": "2012-12-01", "read_version": plan.version})
    assert sent_to_admin_sign_in(response)
    plan.refresh_from_db()
    assert plan.organisation_id != other_plan.organisation_id
    post = Post.objects.create(organisation=other_plan.organisation, title="Their post")
    client_for(staff_manager).post(reverse("admin:improvement_post_change", args=[post.pk]),
                                   {"organisation": post.organisation_id, "title": post.title,
                                    "holders": [staff_manager.pk]})
    assert not post.holders.exists()


def test_a_review_note_about_another_councils_action_cannot_be_added_in_the_admin(
        staff_manager, meeting, other_plan):
    """Finding 3: a note on your own meeting about another organisation's action."""
    response = client_for(staff_manager).post(
        reverse("admin:boards_reviewnote_add"),
        {"meeting": meeting.pk, "action": other_plan.actions.get().pk, "author": staff_manager.pk,
         "kind": "comment", "text": "Seen from elsewhere", "status": "open"})
    assert sent_to_admin_sign_in(response)
    assert not ReviewNote.objects.exists()
    assert Meeting.objects.count() == 1


def test_the_admin_link_shows_for_administrators_only(administrator, staff_manager, plan):
    assert 'href="/admin/"' in client_for(administrator).get(reverse("improvement:plan_list")).content.decode()
    assert 'href="/admin/"' not in client_for(staff_manager).get(reverse("improvement:plan_list")).content.decode()


def test_rag_history_is_read_only_in_the_admin(administrator, action, lead, scheme):
    update = action.record_update(status=status(scheme, "G"), note="As reported", by=lead)
    client = client_for(administrator)
    change = client.post(reverse("admin:improvement_update_change", args=[update.pk]), {"note": "Rewritten"})
    delete = client.post(reverse("admin:improvement_update_delete", args=[update.pk]), {"post": "yes"})
    assert change.status_code == 403
    assert delete.status_code == 403
    update.refresh_from_db()
    assert update.note == "As reported"
    assert client.get(reverse("admin:improvement_update_add")).status_code == 403


def test_non_staff_are_sent_to_the_admin_sign_in(viewer):
    assert sent_to_admin_sign_in(client_for(viewer).get(reverse("admin:index")))


def _theme_post(theme, read_version, title):
    data = {"plan": theme.plan_id, "code": theme.code, "title": title, "lead": "", "outcomes": "",
            "position": theme.position, "read_version": read_version}
    for prefix in ("objectives", "actions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0,
                     f"{prefix}-MAX_NUM_FORMS": 1000})
    return data


def test_admin_refuses_to_save_over_a_newer_version(administrator, theme):
    client = client_for(administrator)
    url = reverse("admin:improvement_theme_change", args=[theme.pk])
    first = client.post(url, _theme_post(theme, 1, "First edit"))
    assert first.status_code == 302
    theme.refresh_from_db()
    assert (theme.title, theme.version) == ("First edit", 2)
    stale = client.post(url, _theme_post(theme, 1, "Stale edit"), follow=True)
    assert "since you opened it" in stale.content.decode()
    theme.refresh_from_db()
    assert (theme.title, theme.version) == ("First edit", 2)
