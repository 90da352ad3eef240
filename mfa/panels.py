"""On "Your account": whether two-factor authentication is set up, for accounts with a password here."""

from improvement import panels

from . import policy


@panels.register("account")
def two_factor(request, user):
    if not user.has_usable_password():
        return None  # signing in with a provider: the provider's own second factor applies
    device = policy.authenticator(user)
    return "mfa/panels/account.html", {"device": device, "required": policy.must_use_two_factor(user),
                                       "codes_left": policy.recovery_codes_left(user) if device else 0}
