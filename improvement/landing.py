"""Where a person lands after signing in: the page where their work is.

``landing_url(user)`` asks each registered rule in turn (lowest order first) and takes the
first page one gives: a lead lands on My actions, a plan manager on their plan (or their plans,
when they manage several); the boards app adds a board member's next meeting and a scrutiny
officer's reviews, so this module never imports it. With no rule answering, the plan list.
A ``next`` parameter on the sign-in page wins over all of them (Django's LoginView).
"""

from collections.abc import Callable

from django.urls import reverse

from . import access

LandingRule = Callable[[object], str | None]
_rules: list[tuple[int, LandingRule]] = []

# Orders of the rules, so that someone with several roles lands on their most frequent work.
LEAD, BOARD_MEMBER, SCRUTINY, MANAGER = 10, 20, 30, 40


def landing_rule(order: int):
    """Register ``rule(user) -> url | None`` (used as a decorator)."""

    def decorator(rule: LandingRule) -> LandingRule:
        _rules.append((order, rule))
        _rules.sort(key=lambda item: item[0])
        return rule

    return decorator


def landing_url(user) -> str:
    for _order, rule in _rules:
        url = rule(user)
        if url:
            return url
    return reverse("improvement:plan_list")


@landing_rule(LEAD)
def _my_actions(user):
    return reverse("improvement:my_actions") if user.holds_a_post else None


@landing_rule(MANAGER)
def _managed_plans(user):
    plans = list(access.managed_plans(user).order_by("pk").values_list("pk", flat=True)[:2])
    if len(plans) == 1:
        return reverse("improvement:plan_detail", args=[plans[0]])
    return reverse("improvement:plan_list") if plans else None
