"""improvement/access.py's helpers beyond what the permission matrix covers."""

from improvement import access
from improvement.models import PlanRole


def test_a_users_roles_on_a_plan_are_read_once_for_all_the_questions_a_page_asks(manager, plan,
                                                                                django_assert_num_queries):
    with django_assert_num_queries(1):
        assert access.can_manage_plan(manager, plan)
        assert access.has_plan_role(manager, plan, PlanRole.Role.MANAGER)
        assert not access.has_plan_role(manager, plan, PlanRole.Role.SCRUTINY)


def test_after_forget_plan_roles_a_changed_role_shows(manager, plan):
    assert access.can_manage_plan(manager, plan)
    PlanRole.objects.filter(plan=plan, user=manager).delete()
    access.forget_plan_roles(manager)
    assert not access.can_manage_plan(manager, plan)


def test_a_signed_out_visitor_has_no_roles(plan, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert access.plan_roles(AnonymousUser(), plan) == frozenset()
