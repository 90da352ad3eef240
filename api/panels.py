"""On "Your account": the person's API tokens for the read API."""

from improvement import panels

from .access import user_tokens


@panels.register("account")
def api_tokens(request, user):
    return "api/panels/account.html", {"active": user_tokens(user).usable().count()}
