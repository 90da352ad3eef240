"""The admin is scoped by the same access helpers: a plan manager sees and changes only the
plans they manage, and nobody edits the RAG history there."""

import pytest
from django.urls import reverse

from improvement.models import Plan, PlanRole, Theme
from tests.conftest import client_for, make_action, make_user, status


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


@pytest.fixture
def other_plan(scheme, plan):
    from improvement.models import Organisation

    council = Organisation.objects.create(name="Wiltshire Council")
    other = Plan.objects.create(organisation=council, name="Wiltshire plan", slug="wilts",
                                rag_scheme=scheme, current_period=plan.current_period)
    theme = Theme.objects.create(plan=other, title="Elsewhere")
    make_action(theme, "PA1", description="Another council's action")
    return other


def test_plan_manager_sees_only_their_plans_actions(staff_manager, action, other_plan):
    response = client_for(staff_manager).get(reverse("admin:improvement_action_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Do the thing" in page
    assert "Another council" not in page


def test_plan_manager_cannot_open_another_plans_action(staff_manager, other_plan):
    other_action = other_plan.actions.get()
    url = reverse("admin:improvement_action_change", args=[other_action.pk])
    response = client_for(staff_manager).get(url)
    assert response.status_code in (302, 403, 404)
    assert "Another council" not in response.content.decode()


def test_plan_manager_can_edit_their_action(staff_manager, action):
    url = reverse("admin:improvement_action_change", args=[action.pk])
    response = client_for(staff_manager).get(url)
    assert response.status_code == 200
    assert "Measures of success" in response.content.decode()


def test_plan_manager_sees_plan_with_theme_inlines(staff_manager, plan, theme):
    response = client_for(staff_manager).get(reverse("admin:improvement_plan_change", args=[plan.pk]))
    assert response.status_code == 200
    assert "Partnership and governance" in response.content.decode()


def test_rag_history_is_read_only_in_the_admin(staff_manager, action, lead, scheme):
    update = action.record_update(status=status(scheme, "G"), note="As reported", by=lead)
    client = client_for(staff_manager)
    change = client.post(reverse("admin:improvement_update_change", args=[update.pk]), {"note": "Rewritten"})
    delete = client.post(reverse("admin:improvement_update_delete", args=[update.pk]), {"post": "yes"})
    assert change.status_code == 403
    assert delete.status_code == 403
    update.refresh_from_db()
    assert update.note == "As reported"
    assert client.get(reverse("admin:improvement_update_add")).status_code == 403


def test_staff_without_a_managed_plan_sees_nothing(plan, action):
    clerk = make_user("clerk", plan.organisation, is_staff=True)
    PlanRole.objects.create(plan=plan, user=clerk, role=PlanRole.Role.VIEWER)
    client = client_for(clerk)
    assert client.get(reverse("admin:improvement_action_changelist")).status_code == 403
    assert client.get(reverse("admin:improvement_action_change", args=[action.pk])).status_code in (302, 403)


def test_non_staff_are_sent_to_the_admin_sign_in(viewer):
    response = client_for(viewer).get(reverse("admin:index"))
    assert response.status_code == 302


def _theme_post(theme, read_version, title):
    data = {"plan": theme.plan_id, "code": theme.code, "title": title, "lead": "", "outcomes": "",
            "position": theme.position, "read_version": read_version}
    for prefix in ("objectives", "actions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0,
                     f"{prefix}-MAX_NUM_FORMS": 1000})
    return data


def test_admin_refuses_to_save_over_a_newer_version(staff_manager, theme):
    client = client_for(staff_manager)
    url = reverse("admin:improvement_theme_change", args=[theme.pk])
    first = client.post(url, _theme_post(theme, 1, "First edit"))
    assert first.status_code == 302
    theme.refresh_from_db()
    assert (theme.title, theme.version) == ("First edit", 2)
    stale = client.post(url, _theme_post(theme, 1, "Stale edit"), follow=True)
    assert "since you opened it" in stale.content.decode()
    theme.refresh_from_db()
    assert (theme.title, theme.version) == ("First edit", 2)
