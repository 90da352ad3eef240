"""API requests authenticate by a personal token in the Authorization header, and by nothing else:
no session (so no CSRF question), and never a token in the address, where server logs, proxies
and browser history would keep it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, status

from .models import KEY_PREFIX, ApiToken

SCHEME = "Bearer"
NOT_AUTHENTICATED = _("Send a valid API token in the Authorization header, as “Authorization: Bearer <token>”. "
                      "Create one on the API tokens page.")
# Query parameters that clients use for credentials: refused whatever their value.
CREDENTIAL_PARAMETERS = {"token", "access_token", "api_token", "api_key", "apikey", "key", "auth",
                         "authorization", "bearer"}


class TokenInQueryString(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "token_in_query_string"
    default_detail = _("API tokens are accepted only in the Authorization header, never in the address: remove it "
                       "from the address, send “Authorization: Bearer <token>”, and revoke a token that was sent "
                       "in an address (server and proxy logs may have kept it).")


def has_token_in_query(request) -> bool:
    return any(name.lower() in CREDENTIAL_PARAMETERS or any(v.strip().startswith(KEY_PREFIX) for v in values)
               for name, values in request.query_params.lists())


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer ipt_…``. Missing, malformed, unknown, revoked and expired tokens
    all get the same 401, so an answer says nothing about which tokens exist."""

    def authenticate(self, request):
        if has_token_in_query(request):
            raise TokenInQueryString()
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != SCHEME.lower() or not key.strip():
            raise exceptions.NotAuthenticated(NOT_AUTHENTICATED)
        token = ApiToken.find(key.strip())
        if token is None:
            raise exceptions.AuthenticationFailed(NOT_AUTHENTICATED)
        token.mark_used()
        return token.owner, token

    def authenticate_header(self, request):
        return f'{SCHEME} realm="api"'
