"""The "API tokens" page: a signed-in person's own tokens, created (the token shown once, on the
answer to the form, never again) and revoked."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .access import get_token_or_404, user_tokens
from .forms import TokenForm
from .models import ApiToken


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST if request.method == "POST" else None, user=request.user)
    created = key = None
    if request.method == "POST" and form.is_valid():
        created, key = ApiToken.issue(owner=request.user, name=form.cleaned_data["name"],
                                      plans=form.cleaned_data["plans"], expires_at=form.expires_at())
        form = TokenForm(user=request.user)
    tokens = user_tokens(request.user).prefetch_related("plans").order_by("-created_at", "-pk")
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "api/token_list.html", {
        "form": form, "tokens": tokens, "created": created, "key": key,
        "has_plans": form.fields["plans"].queryset.exists(),
    }, status=status)


@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id):
    token = get_token_or_404(request.user, token_id)
    if request.method == "POST":
        token.revoke()
        messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"token": token})
