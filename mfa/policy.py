"""Who must use a second factor, and whether a session has given one.

``MFA_REQUIRED_FOR`` (settings) names the people who must set up an authenticator app before
they may use any page: ``administrators`` (superusers), ``managers`` (a plan manager of any
plan), ``leads`` (anyone holding a post, who records updates) or ``everyone``. It applies to
local accounts only (those with a password): an account made by single sign-on signs in at the
council's identity provider, which asks for its own second factor.
"""

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from improvement.models import PlanRole

RECOVERY_CODES = 10


def must_use_two_factor(user) -> bool:
    required = settings.MFA_REQUIRED_FOR
    if not required or not user.is_authenticated or not user.has_usable_password():
        return False
    if "everyone" in required:
        return True
    if "administrators" in required and user.is_superuser:
        return True
    if "managers" in required and PlanRole.objects.filter(user=user, role=PlanRole.Role.MANAGER).exists():
        return True
    return "leads" in required and user.holds_a_post


def is_verified(user) -> bool:
    """Whether this session's sign-in gave a second factor (django-otp's middleware says so)."""
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def has_authenticator(user) -> bool:
    """Whether they have a confirmed app (recovery codes alone, left after an administrator
    deleted the app, do not count: they set up a new app instead)."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device per person, kept while they set it up so the
    QR code and key stay the same if they reload the page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with new ones (the old stop working) and return them:
    the only time they are shown."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Recovery codes",
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_two_factor(user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


class TooSoon(Exception):
    """django-otp slows a device down after a wrong code (1, 2, 4, 8... seconds)."""


@transaction.atomic
def verify_code(user, code: str):
    """The device that accepts ``code`` (6 digits: the app; else a recovery code, used up), or None.
    Each kind is asked only about its own kind of code, so a recovery code never counts as a
    failure of the app. Raises TooSoon while the device is slowed down after a wrong code."""
    code = "".join(code.split()).lower()
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices.select_for_update():
        if not device.verify_is_allowed()[0]:
            raise TooSoon
        if device.verify_token(code):
            return device
    return None
