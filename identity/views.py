"""The two steps of "Sign in with <provider>": off to the provider, and back from it. django-allauth
does the work; these views add what the site needs around it: a provider that is down or
misconfigured sends the person back to the sign-in page with a message, never an error page."""

import logging

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.views.decorators.http import require_GET
from requests import RequestException

from .adapters import back_to_sign_in, unavailable_message
from .provider import SignInAdapter

logger = logging.getLogger(__name__)
# What a provider that is down (connection refused, a timeout, an HTML page where JSON should be)
# or misconfigured (a discovery document without its endpoints, or naming another issuer) raises.
PROVIDER_FAILURES = (RequestException, ValueError, KeyError, OAuth2Error)


def _provider_name(request, provider_id) -> str:
    try:
        return get_adapter(request).get_provider(request, provider_id).app.name
    except SocialApp.DoesNotExist:
        raise Http404("No such sign-in provider") from None


def _run(view_class, request, provider_id):
    name = _provider_name(request, provider_id)
    try:
        return view_class.adapter_view(SignInAdapter(request, provider_id))(request)
    except PROVIDER_FAILURES as error:
        logger.warning("Sign-in with %s failed: %r", provider_id, error)
        return back_to_sign_in(request, unavailable_message(name))


@login_not_required
@require_GET
def sign_in_with(request, provider_id):
    """Off to the provider (a link, so it works without JavaScript and within the site's
    Content-Security-Policy, whose form-action allows only this site)."""
    return _run(OAuth2LoginView, request, provider_id)


@login_not_required
@require_GET
def callback(request, provider_id):
    return _run(OAuth2CallbackView, request, provider_id)
