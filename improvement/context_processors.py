from . import clock, panels


def service(request):
    user = getattr(request, "user", None)
    organisation = getattr(user, "organisation", None) if user and user.is_authenticated else None
    return {
        "header_organisation": organisation.name if organisation else "",
        "plan_tabs": panels.plan_tabs,
        "site_as_at": clock.as_at(),
    }
