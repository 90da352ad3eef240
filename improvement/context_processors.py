from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject

from . import clock, panels
from .models import Post, User


def service(request):
    """What the base layout shows on every page. The signed-in person's organisation (for the
    header of pages without a plan) and whether they hold a post (for the "My actions" link)
    come from one query, and only when a page shows them."""
    user = getattr(request, "user", None)
    header = SimpleLazyObject(lambda: _header(user))
    return {
        "header_organisation": SimpleLazyObject(lambda: header["organisation"]),
        "holds_a_post": SimpleLazyObject(lambda: header["holds_a_post"]),
        "plan_tabs": panels.plan_tabs,
        "site_as_at": clock.as_at(),
        # The language switch's names, each in its own language: settings.LANGUAGES as written
        # ({% get_available_languages %} translates them, so Welsh pages would offer "Saesneg").
        "site_languages": settings.LANGUAGES,
    }


def _header(user) -> dict:
    if user is None or not user.is_authenticated:
        return {"organisation": "", "holds_a_post": False}
    organisation, holds_a_post = (
        User.objects.filter(pk=user.pk)
        .annotate(holds_a_post=Exists(Post.objects.filter(holders=OuterRef("pk"))))
        .values_list("organisation__name", "holds_a_post")
        .get()
    )
    return {"organisation": organisation or "", "holds_a_post": holds_a_post}
