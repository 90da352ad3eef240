"""What an API token may read: what its owner may read (``improvement.access.visible_plans``,
with every rule other apps register there), narrowed to the token's plans. No rule of its own:
a plan the owner can no longer read drops out of every token at once."""

from django.shortcuts import get_object_or_404

from improvement import access

from .models import ApiToken


def token_plans(token):
    """The plans an API request made with ``token`` may read."""
    return access.visible_plans(token.owner).filter(pk__in=token.plans.values("pk"))


def scope_choices(user):
    """The plans a user may put in a new token's scope: those they may read."""
    return access.visible_plans(user).select_related("organisation").order_by("name")


def user_tokens(user):
    return ApiToken.objects.filter(owner=user)


def get_token_or_404(user, pk) -> ApiToken:
    """A token is its owner's alone: anyone else's is not found."""
    return get_object_or_404(user_tokens(user), pk=pk)
