from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from ..signals import SIGNED_OUT_OF

register = template.Library()


@register.inclusion_tag("identity/sign_in_with.html", takes_context=True)
def sign_in_with_providers(context):
    """The "Sign in with <provider>" buttons of the sign-in page, and after signing out of a
    session that began at a provider, the offer to sign out there too (shown once)."""
    request = context["request"]
    next_url = context.get("next")
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return {
        "providers": [{"name": provider["name"],
                       "url": reverse("identity:sign_in_with", args=[provider["id"]]) + query}
                      for provider in settings.OIDC_PROVIDERS],
        "signed_out_of": request.session.pop(SIGNED_OUT_OF, None),
    }
