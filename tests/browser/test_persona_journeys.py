"""Each demo account's main journey: where they land after signing in and the pages their work
takes them to, each checked with axe and the W3C Nu HTML checker (zero errors)."""

import pytest
from django.urls import reverse

from boards.models import Meeting, ScrutinyReview, UpdateRound
from improvement.models import Action, Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALSALL = "walsall-sip-2012"


def walsall_pages():
    plan = Plan.objects.get(slug=WALSALL)
    action = Action.objects.get(plan=plan, number="3.15")
    meeting = Meeting.objects.filter(plan=plan).order_by("date").first()
    review = ScrutinyReview.objects.order_by("pk").first()  # the demo's review is of the Wiltshire plan
    return {
        "plan": reverse("improvement:plan_detail", args=[plan.pk]),
        "theme": reverse("improvement:theme_detail", args=[plan.pk, action.theme_id]),
        "table": reverse("improvement:action_table", args=[plan.pk]),
        "action": reverse("improvement:action_detail", args=[action.pk]),
        "update": reverse("improvement:record_update", args=[action.pk]),
        "changes": reverse("improvement:action_changes", args=[action.pk]),
        "dashboard": reverse("boards:dashboard", args=[plan.pk]),
        "rounds": reverse("boards:round_list", args=[plan.pk]),
        "round": UpdateRound.objects.filter(plan=plan).order_by("-period").first().get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "pack": reverse("reports:pack_page", args=[meeting.pk]),
        "reviews": reverse("boards:review_list", args=[review.plan_id]),
        "review": review.get_absolute_url(),
        "boards": reverse("boards:board_list"),
        "board": meeting.board.get_absolute_url(),
        "manage": reverse("improvement:plan_manage", args=[plan.pk]),
        "posts": reverse("improvement:post_list", args=[plan.pk]),
        "roles": reverse("improvement:plan_roles", args=[plan.pk]),
        "my_actions": reverse("improvement:my_actions"),
        "password": reverse("password_change"),
    }


JOURNEYS = {
    "lead": ["my_actions", "action", "update", "changes", "meeting"],
    "lead2": ["my_actions", "action", "plan"],
    "manager": ["plan", "rounds", "round", "table", "dashboard", "manage", "posts", "roles", "pack"],
    "chair": ["meeting", "pack", "board", "boards", "plan"],
    "member": ["meeting", "theme", "action"],
    "scrutiny": ["reviews", "review", "plan"],
    "viewer": ["plan", "theme", "table", "dashboard", "password"],
}


@pytest.mark.parametrize("persona", sorted(JOURNEYS))
def test_each_persona_lands_where_their_work_is_and_every_page_on_the_way_is_valid(
        page, sign_in, assert_page_ok, persona):
    sign_in(persona)
    assert_page_ok(page)  # the landing page
    pages = walsall_pages()
    for name in JOURNEYS[persona]:
        response = page.goto(pages[name])
        assert response.status == 200, f"{persona} {name}: {response.status}"
        assert_page_ok(page)
