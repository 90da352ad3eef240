"""Places where other apps add a panel to the core's pages without the core importing them.

An app registers a function ``(request, obj) -> (template_name, context) | None``; the core
view renders whatever is registered. The boards app shows open challenges this way on the
action page and on "My actions"; a plan's "Manage this plan" hub ("plan_manage") is where it
lists the boards overseeing the plan; "Your account" ("account", with the user as ``obj``) is
where two-factor authentication and API tokens are offered.
"""

from collections.abc import Callable

from django.template.loader import render_to_string

Panel = Callable[..., tuple[str, dict] | None]
_panels: dict[str, list[Panel]] = {"action_detail": [], "my_actions": [], "action_table": [], "plan_manage": [],
                                   "account": []}


def register(page: str):
    def decorator(func: Panel) -> Panel:
        _panels[page].append(func)
        return func

    return decorator


def render(page: str, request, obj) -> list[str]:
    rendered = []
    for panel in _panels[page]:
        result = panel(request, obj)
        if result is not None:
            template, context = result
            rendered.append(render_to_string(template, context, request=request))
    return rendered


# Tabs on a plan's sub-navigation after "Overview" and "All actions": (key, label, url name).
plan_tabs: list[tuple[str, str, str]] = []


def register_plan_tab(key: str, label: str, url_name: str) -> None:
    if key not in {tab[0] for tab in plan_tabs}:
        plan_tabs.append((key, label, url_name))
