"""Panels the boards app adds to the core's action page and "My actions"."""

from improvement import panels

from .models import ReviewNote, UpdateRound


def _open_notes(actions):
    return (ReviewNote.objects.filter(action__in=actions)
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


panels.register_plan_tab("dashboard", "Dashboard", "boards:dashboard")
panels.register_plan_tab("rounds", "Update rounds", "boards:round_list")
panels.register_plan_tab("scrutiny", "Scrutiny", "boards:review_list")
