"""Small helpers for the two-factor tests: an enrolled authenticator app, and its current code
computed from the key as an authenticator app computes it."""

import datetime

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import policy

PASSWORD = "a long walsall passphrase"
# 20 December 2012, 12:00:00 UTC, on a 30-second step boundary.
MOMENT = datetime.datetime(2012, 12, 20, 12, 0, tzinfo=datetime.UTC)


def code_for(device: TOTPDevice, *, steps_ago: int = 0) -> str:
    """The app's 6-digit code now (or as it was ``steps_ago`` 30-second steps before)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 + steps_ago * device.step, digits=6):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Give ``user`` a confirmed authenticator app and recovery codes, as the set-up page does."""
    device = policy.pending_authenticator(user)
    device.confirmed = True
    device.save()
    return device, policy.new_recovery_codes(user)


def with_password(user, password=PASSWORD):
    user.set_password(password)
    user.save()
    return user


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(reverse("login") + extra.pop("query", ""),
                       {"username": user.get_username(), "password": password}, **extra)


def enter_code(client, code):
    return client.post(reverse("mfa:verify"), {"code": code})
