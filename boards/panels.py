"""Panels the boards app adds to the core's action page, "My actions" and the plan-manage hub."""

from django.utils.translation import gettext_lazy as _

from improvement import panels

from . import access
from .models import ReviewNote, UpdateRound


def _open_notes(actions):
    # By id: Django turns each instance of a long list (My actions) into its id slowly.
    return (ReviewNote.objects.filter(action_id__in=[action.pk for action in actions])
            .exclude(status=ReviewNote.Status.RESOLVED)
            .select_related("action", "author", "meeting__board")
            .prefetch_related("responses__author").order_by("-created_at"))


@panels.register("action_detail")
def open_challenges_on_action(request, action):
    notes = list(_open_notes([action]))
    if not notes:
        return None
    return "boards/panels/open_notes.html", {"notes": notes, "show_action": False}


@panels.register("my_actions")
def rounds_and_challenges_for_lead(request, actions):
    if not actions:
        return None
    plan_ids = {action.plan_id for action in actions}
    rounds = list(UpdateRound.objects.open().filter(plan_id__in=plan_ids).select_related("plan")
                  .order_by("deadline"))
    notes = list(_open_notes(actions))
    if not rounds and not notes:
        return None
    return "boards/panels/my_actions.html", {"rounds": rounds, "notes": notes, "show_action": True}


@panels.register("plan_manage")
def boards_overseeing_plan(request, plan):
    """On "Manage this plan": the boards overseeing it, with links to maintain those the user
    chairs or is an officer of, and to set up a new board."""
    boards = list(plan.boards.order_by("name"))
    managed = set(access.managed_boards(request.user).filter(pk__in=[board.pk for board in boards])
                  .values_list("pk", flat=True)) if boards else set()
    return "boards/panels/plan_manage.html", {"plan": plan, "boards": boards, "managed": managed}


panels.register_plan_tab("dashboard", _("Dashboard"), "boards:dashboard")
panels.register_plan_tab("rounds", _("Update rounds"), "boards:round_list")
panels.register_plan_tab("scrutiny", _("Scrutiny"), "boards:review_list")
panels.register_plan_tab("assurance", _("Assurance"), "boards:assurance")
