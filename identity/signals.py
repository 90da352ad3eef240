"""After a sign-in with a provider: the account's organisation and plan roles from its claims,
and, at sign-out, the offer to sign out of the provider too."""

import logging

import requests
from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.dispatch import receiver
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from improvement import access

from .models import SignInProvider, configured_provider
from .provider import claims_of

logger = logging.getLogger(__name__)
SIGNED_IN_WITH = "identity_signed_in_with"  # session key: the provider this session signed in with
SIGNED_OUT_OF = "identity_signed_out_of"  # kept for the sign-in page after sign-out: name and link


def after_sign_in_with_provider(request, user, sociallogin) -> None:
    """Called by ``AccountAdapter.post_login``, before the person is sent where their work is."""
    mapping = SignInProvider.objects.select_related("organisation").get(key=sociallogin.account.provider)
    if user.organisation_id is None:
        user.organisation = mapping.organisation
        user.save(update_fields=["organisation"])
    mapping.grant_roles(user, claims_of(sociallogin.account.extra_data))
    access.forget_plan_roles(user)
    request.session[SIGNED_IN_WITH] = mapping.key
    if not access.visible_plans(user).exists():
        messages.info(request, _("You have signed in, but you have no role on any plan yet. Ask the plan's manager "
                                 "to add you, or whoever runs your %(name)s account to add you to the right group.")
                      % {"name": sociallogin.provider.app.name})


@receiver(user_logged_out)
def _offer_sign_out_of_provider(sender, request, user, **kwargs):
    key = request.session.get(SIGNED_IN_WITH) if request is not None else None
    provider = configured_provider(key) if key else None
    if provider is None:
        return
    endpoint = end_session_endpoint(provider["issuer"])
    url = None
    if endpoint:
        query = {"client_id": provider["client_id"],
                 "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
        url = f"{endpoint}?{urlencode(query)}"
    # The session is about to be flushed: improvement.views.SignOutView keeps this for the next page.
    request.keep_after_sign_out = {SIGNED_OUT_OF: {"name": provider["name"], "url": url}}


def end_session_endpoint(issuer: str) -> str | None:
    """The provider's sign-out address from its discovery document (kept an hour), or None if it
    has none or cannot be reached now."""
    key = f"identity:end_session:{issuer}"
    if (found := cache.get(key)) is not None:
        return found or None
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
        response.raise_for_status()
        found = str(response.json().get("end_session_endpoint") or "")
    except (requests.RequestException, ValueError, AttributeError) as error:
        logger.warning("The sign-out address of %s could not be read: %r", issuer, error)
        return None
    cache.set(key, found, 3600)
    return found or None
