"""The OpenID Connect sign-in, as django-allauth's ``openid_connect`` provider with three checks
more (docs/decisions/0024-single-sign-on-with-allauth.md):

- the ID token's signature is always checked against the provider's published keys (allauth skips
  it for a token fetched straight from the token endpoint, which OpenID Connect allows over TLS;
  a wrongly signed token is refused here whatever the transport);
- a ``nonce`` is sent and must come back in the ID token, beside allauth's ``state`` and PKCE;
- the discovery document must name the issuer that ``OIDC_PROVIDERS`` configured.

An email counts as verified only if the provider says so (``email_verified``) or it is in one of
the provider's ``verified_email_domains`` (Microsoft Entra ID sends no ``email_verified``).
"""

import secrets

import jwt
from allauth.account.models import EmailAddress
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.urls import reverse
from django.utils.http import urlencode

# Asymmetric algorithms only: a token naming "none" or HS256 is refused before any key is looked up.
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


class IdTokenRejected(OAuth2Error):
    """The provider's ID token failed a check: its signature, dates, audience, issuer or nonce."""


def claims_of(extra_data: dict) -> dict:
    """The claims of a sign-in: the user info (when fetched) overlaid by the signed ID token's."""
    return {**(extra_data.get("userinfo") or {}), **(extra_data.get("id_token") or {})}


class SignInAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self):
        config = super().openid_config
        expected = self.get_provider().app.settings["server_url"].rstrip("/")
        if str(config.get("issuer", "")).rstrip("/") != expected:
            raise OAuth2Error(f"the discovery document names the issuer {config.get('issuer')!r}, "
                              f"not {expected!r}")
        return config

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise IdTokenRejected("the token response has no ID token")
        return super().complete_login(request, app, token, **kwargs)

    def _decode_id_token(self, app, id_token: str) -> dict:
        config = self.openid_config
        try:
            algorithm = jwt.get_unverified_header(id_token).get("alg")
            if algorithm not in SIGNING_ALGORITHMS:
                raise IdTokenRejected(f"the ID token is signed with {algorithm!r}")
            algorithm, key = jwtkit.fetch_key(id_token, config["jwks_uri"], jwtkit.lookup_kid_jwk)
            return jwt.decode(id_token, key=key, algorithms=[algorithm], audience=app.client_id,
                              issuer=config["issuer"], options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except (jwt.PyJWTError, KeyError) as error:
            raise IdTokenRejected(f"the ID token is not valid: {error!r}") from error

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("identity:callback", kwargs={"provider_id": self.provider_id}),
                                  self.redirect_uri_protocol)


class OpenIDConnectSignIn(OpenIDConnectProvider):
    id = "oidc"
    oauth2_adapter_class = SignInAdapter

    def get_login_url(self, request, **kwargs):
        url = reverse("identity:sign_in_with", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("identity:callback", kwargs={"provider_id": self.app.provider_id})

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)

    def extract_common_fields(self, data):
        # Names fill in the account's name only; the provider's user name is never used to find
        # or name an account.
        fields = super().extract_common_fields(data)
        fields.pop("username", None)
        fields["email"] = (claims_of(data).get("email") or "").strip() or None
        return fields

    def extract_email_addresses(self, data):
        email = self.verified_email(claims_of(data))
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []

    def verified_email(self, claims: dict) -> str | None:
        """The claims' email if the provider vouches for it, else None."""
        email = str(claims.get("email") or "").strip()
        if "@" not in email:
            return None
        domain = email.rpartition("@")[2].lower()
        if parse_bool_safely(claims.get("email_verified")) or domain in self.app.settings.get(
                "verified_email_domains", []):
            return email
        return None


provider_classes = [OpenIDConnectSignIn]
