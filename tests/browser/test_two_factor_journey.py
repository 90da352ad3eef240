"""Two-factor authentication and password recovery in the browser: set up an authenticator app
(the test computes the code from the key shown as text, as an app would), sign in with it, use
and remove it; ask for a reset link and use it. axe and the HTML checker on every new page."""

import base64
import re
import time

import pytest
from django.core import mail
from django_otp.oath import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from(key_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key (``steps_ahead`` 30-second steps later)."""
    key = base64.b32decode(key_text.replace(" ", ""))
    return f"{totp(key, step=30, t0=-30 * steps_ahead, digits=6):06d}"


def test_a_viewer_sets_up_an_app_signs_in_with_it_and_removes_it(page, sign_in, demo, assert_page_ok):
    sign_in("viewer")
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_role("heading", level=1, name="Two-factor authentication").wait_for()
    assert_page_ok(page)

    page.get_by_role("button", name="Set up an authenticator app").click()
    page.get_by_role("heading", level=1, name="Set up an authenticator app").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_page_ok(page)
    key = page.locator("#secret-key").inner_text()

    page.get_by_label("Enter the 6-digit code your app shows").fill("12345")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "The code must be 6 numbers" in page.locator(".govuk-error-summary").inner_text()
    assert_page_ok(page)

    page.get_by_label("Enter the 6-digit code your app shows").fill(code_from(key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", level=1, name="Save your recovery codes").wait_for()
    assert_page_ok(page)
    codes = page.get_by_role("list", name="Recovery codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.get_by_text("10 left").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Enter a security code").wait_for()
    assert_page_ok(page)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_page_ok(page)
    time.sleep(1.1)  # django-otp waits a second after a wrong code
    # The set-up code's time step is used up; the app's next code is within the allowed drift.
    page.get_by_label("Security code").fill(code_from(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Your account").click()
    page.get_by_text("10 recovery codes left").wait_for()
    assert_page_ok(page)
    page.get_by_role("link", name="Manage two-factor authentication").click()
    page.get_by_text("10 left").wait_for()

    page.get_by_role("link", name="Remove the authenticator app").click()
    page.get_by_role("heading", level=1, name="Remove two-factor authentication").wait_for()
    assert_page_ok(page)
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Remove two-factor authentication").click()
    page.get_by_text("Two-factor authentication is removed").wait_for()
    assert_page_ok(page)


def test_someone_who_forgot_their_password_resets_it_from_the_sign_in_page(page, demo, assert_page_ok):
    page.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("heading", level=1, name="Reset your password").wait_for()
    assert_page_ok(page)
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_page_ok(page)
    page.get_by_label("Email address").fill("viewer@example.org")
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", level=1, name="Check your email").wait_for()
    assert_page_ok(page)

    link = re.search(r"https?://\S+?(/account/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("heading", level=1, name="Choose a new password").wait_for()
    assert_page_ok(page)
    page.get_by_label("New password", exact=True).fill("a brand new walsall passphrase")
    page.get_by_label("Confirm new password").fill("a brand new walsall passphrase")
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("heading", level=1, name="Your password has been reset").wait_for()
    assert_page_ok(page)

    page.goto(link)  # used: it works once
    page.get_by_role("heading", level=1, name="This link does not work").wait_for()
    assert_page_ok(page)
