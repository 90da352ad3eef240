"""How django-allauth's sign-in flow fits this site (``ACCOUNT_ADAPTER``, ``SOCIALACCOUNT_ADAPTER``).

The site keeps its own sign-in page and local sign-in (``improvement.views.SignInView``, with
django-axes); allauth is used only for "Sign in with <provider>". Every way a sign-in with a
provider can fail ends back on the sign-in page with a message saying what happened and what to
do, and the local sign-in form beneath it.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from requests import RequestException

from improvement import landing
from improvement.models import User

from .models import SignInProvider
from .provider import IdTokenRejected, claims_of
from .signals import after_sign_in_with_provider

logger = logging.getLogger(__name__)


def back_to_sign_in(request, message: str):
    """The sign-in page, showing ``message``."""
    messages.error(request, message)
    return redirect("login")


def refuse(request, message: str):
    raise ImmediateHttpResponse(back_to_sign_in(request, message))


def unavailable_message(name: str) -> str:
    return _("Signing in with %(name)s is not working at the moment. Sign in with your username and password "
             "instead, or try again later. If it keeps happening, tell the site's administrator.") % {"name": name}


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request, user):
        # The first backend with get_user would otherwise be axes's, which finds no one.
        user.backend = "django.contrib.auth.backends.ModelBackend"
        super().login(request, user)

    def post_login(self, request, user, **kwargs):
        if sociallogin := (kwargs.get("signal_kwargs") or {}).get("sociallogin"):
            after_sign_in_with_provider(request, user, sociallogin)
        return super().post_login(request, user, **kwargs)

    def add_message(self, *args, **kwargs):
        pass  # the site's own pages say what happened ("You have signed out."), not allauth's

    def get_login_redirect_url(self, request):
        return landing.landing_url(request.user)

    def is_open_for_signup(self, request):
        return False  # local accounts are made by administrators and plan managers, never by sign-up


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        name = provider.app.name
        logger.warning("Sign-in with %s failed: %s %r", provider.app.provider_id, error, exception)
        if error == AuthError.CANCELLED:
            refuse(request, _("You did not finish signing in with %(name)s. Start again, or sign in with your "
                              "username and password.") % {"name": name})
        if isinstance(exception, IdTokenRejected):
            refuse(request, _("%(name)s's answer could not be checked (its signature, dates or sign-in code were "
                              "not valid), so you have not been signed in. Try again; if it keeps happening, tell "
                              "the site's administrator.") % {"name": name})
        if exception is None and not (extra_context or {}).get("state"):
            refuse(request, _("The sign-in with %(name)s did not match one started here (it may have been started "
                              "in another tab or taken too long), so you have not been signed in. Start again.")
                   % {"name": name})
        if isinstance(exception, RequestException):
            refuse(request, unavailable_message(name))
        refuse(request, _("%(name)s did not accept this site's sign-in request, so you have not been signed in (the "
                          "site's settings for it may be wrong). Sign in with your username and password, or try "
                          "again later. If it keeps happening, tell the site's administrator.") % {"name": name})

    def pre_social_login(self, request, sociallogin):
        provider = sociallogin.provider
        name = provider.app.name
        claims = claims_of(sociallogin.account.extra_data)
        if not claims.get("nonce") or claims.get("nonce") != sociallogin.state.get("nonce"):
            logger.warning("Sign-in with %s: the ID token's nonce does not match", provider.app.provider_id)
            refuse(request, _("%(name)s's answer did not belong to the sign-in started here, so you have not been "
                              "signed in. Start again.") % {"name": name})
        mapping = sign_in_provider(request, provider)
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                refuse(request, _("Your account here has been closed. Ask the site's administrator if you still "
                                  "need it."))
            return
        email = provider.verified_email(claims)
        if not email:
            refuse(request, _("%(name)s did not give a verified email address for you, so no account here can be "
                              "found or made for you. Ask whoever runs your %(name)s account to verify your email "
                              "address, or sign in with your username and password.") % {"name": name})
        users = list(User.objects.filter(email__iexact=email).select_related("organisation")[:2])
        if len(users) > 1:
            refuse(request, _("More than one account here has the email address %(email)s, so signing in with "
                              "%(name)s cannot tell which is yours. Ask the site's administrator to give each "
                              "account its own address.") % {"email": email, "name": name})
        if users:
            user = users[0]
            if not user.is_active:
                refuse(request, _("Your account here has been closed. Ask the site's administrator if you still "
                                  "need it."))
            if user.organisation_id not in (None, mapping.organisation_id):
                # Not named: a partner's directory learns no more of the council's accounts than this.
                refuse(request, _("The account here with the email address %(email)s belongs to another "
                                  "organisation than %(organisation)s, so it cannot be signed in to with %(name)s. "
                                  "Sign in with your username and password, or ask the site's administrator.")
                       % {"email": email, "organisation": mapping.organisation, "name": name})
            sociallogin.connect(request, user)  # linked by the verified email, once; by the provider's id after

    def is_open_for_signup(self, request, sociallogin):
        return True  # a provider's people get an account at their first sign-in (pre_social_login checked them)

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def populate_user(self, request, sociallogin, data):
        # Runs before pre_social_login, which refuses a sign-in without a verified email or a set-up
        # provider: nothing is saved until then.
        user = super().populate_user(request, sociallogin, data)
        mapping = SignInProvider.objects.filter(key=sociallogin.provider.app.provider_id).first()
        user.organisation_id = mapping.organisation_id if mapping else None
        if sociallogin.email_addresses:
            email = sociallogin.email_addresses[0].email.lower()
            if not User.objects.filter(username__iexact=email).exists():
                user.username = email
        return user


def sign_in_provider(request, provider) -> SignInProvider:
    """The provider's row here (its organisation and roles), or back to sign-in: a provider with
    none is configured but not yet set up, and would make accounts that belong nowhere."""
    mapping = SignInProvider.objects.select_related("organisation").filter(key=provider.app.provider_id).first()
    if mapping is None:
        logger.warning("Sign-in with %s: no sign-in provider in the admin names it", provider.app.provider_id)
        refuse(request, _("Signing in with %(name)s is not set up yet: the site's administrator must choose the "
                          "organisation its people belong to. Sign in with your username and password.")
               % {"name": provider.app.name})
    return mapping
