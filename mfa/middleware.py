"""Someone whose role needs a second factor (``MFA_REQUIRED_FOR``) uses no page until this
session has one: without an authenticator app they are sent to set one up, with one to enter a
code. Pages open without signing in (sign-in, published pages) and the pages that get them there
stay open."""

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import urlencode

from . import policy

OPEN_TO_UNVERIFIED = {"mfa:setup", "mfa:recovery_codes", "mfa:verify", "logout"}


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR or not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated or policy.is_verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_TO_UNVERIFIED:
            return None
        if not policy.must_use_two_factor(user):
            return None
        target = "mfa:verify" if policy.has_authenticator(user) else "mfa:setup"
        url = redirect(target).url
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
