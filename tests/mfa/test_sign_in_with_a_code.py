"""The second step at sign-in (mfa.views.verify): a code from the authenticator app or a
recovery code, after the password; django-axes' limits on the code step as on the password."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.mfa.helpers import MOMENT, code_for, enrol, enter_code, sign_in, with_password


@pytest.fixture
def clock():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolled(viewer):
    with_password(viewer)
    device, codes = enrol(viewer)
    return viewer, device, codes


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_someone_without_an_app_is_signed_in_by_their_password(viewer):
    with_password(viewer)
    client = Client()
    response = sign_in(client, viewer)
    assert response.status_code == 302 and response.url != reverse("mfa:verify")
    assert signed_in_user_id(client) == str(viewer.pk)


def test_someone_with_an_app_is_not_signed_in_by_their_password_alone(enrolled):
    viewer, _device, _codes = enrolled
    client = Client()
    response = sign_in(client, viewer)
    assert response.status_code == 302 and response.url == reverse("mfa:verify")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("improvement:plan_list")).status_code == 302  # still signed out
    page = client.get(reverse("mfa:verify"))
    assert page.status_code == 200
    assert "Enter a security code" in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_the_code_from_the_app_signs_them_in_and_marks_the_session_verified(enrolled, clock, plan):
    viewer, device, _codes = enrolled
    client = Client()
    sign_in(client, viewer, query=f"?next={reverse('improvement:plan_detail', args=[plan.pk])}")
    response = enter_code(client, code_for(device))
    assert response.status_code == 302 and response.url == reverse("improvement:plan_detail", args=[plan.pk])
    assert signed_in_user_id(client) == str(viewer.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_code_one_step_old_is_accepted_but_not_one_two_steps_old(enrolled, clock):
    """The app's clock may be a little behind: the previous 30-second step still counts."""
    viewer, device, _codes = enrolled
    client = Client()
    sign_in(client, viewer)
    assert enter_code(client, code_for(device, steps_ago=2)).status_code == 400
    clock.shift(datetime.timedelta(seconds=5))  # django-otp waits a second after a wrong code
    assert enter_code(client, code_for(device, steps_ago=1)).status_code == 302
    assert signed_in_user_id(client) == str(viewer.pk)


def test_a_code_cannot_be_used_twice(enrolled, clock):
    viewer, device, _codes = enrolled
    code = code_for(device)
    first = Client()
    sign_in(first, viewer)
    assert enter_code(first, code).status_code == 302
    second = Client()
    sign_in(second, viewer)
    response = enter_code(second, code)
    assert response.status_code == 400
    assert "The security code is not right" in response.content.decode()
    assert signed_in_user_id(second) is None
    clock.shift(datetime.timedelta(seconds=30))  # the next step's code works
    assert enter_code(second, code_for(device)).status_code == 302


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(enrolled):
    viewer, _device, codes = enrolled
    client = Client()
    sign_in(client, viewer)
    response = enter_code(client, codes[0].upper())
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(viewer.pk)
    landing = client.get(response.url, follow=True)
    assert "You used a recovery code: you have 9 left" in landing.content.decode()
    again = Client()
    sign_in(again, viewer)
    assert enter_code(again, codes[0]).status_code == 400
    assert signed_in_user_id(again) is None


def test_an_empty_or_wrong_code_is_refused_with_a_message_that_says_what_to_do(enrolled, clock):
    viewer, _device, _codes = enrolled
    client = Client()
    sign_in(client, viewer)
    empty = enter_code(client, "")
    assert empty.status_code == 400
    assert "Enter the security code from your authenticator app" in empty.content.decode()
    assert "There is a problem" in empty.content.decode()
    wrong = enter_code(client, "000000")
    assert wrong.status_code == 400 and signed_in_user_id(client) is None
    too_soon = enter_code(client, "000001")
    assert "Wait a few seconds" in too_soon.content.decode()


def test_the_code_step_lasts_five_minutes_then_they_sign_in_again(enrolled, clock):
    viewer, device, _codes = enrolled
    client = Client()
    sign_in(client, viewer)
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    response = enter_code(client, code_for(device))
    assert response.status_code == 302 and response.url == reverse("login")
    assert signed_in_user_id(client) is None
    assert "You took too long" in client.get(reverse("login")).content.decode()


def test_nobody_reaches_the_code_step_without_their_password_first(enrolled, clock):
    _viewer, device, _codes = enrolled
    client = Client()
    response = enter_code(client, code_for(device))
    assert response.status_code == 302 and response.url == reverse("login")
    assert signed_in_user_id(client) is None


def test_wrong_codes_lock_the_account_out_as_wrong_passwords_do(enrolled, clock, settings):
    viewer, device, _codes = enrolled
    client = Client(REMOTE_ADDR="10.0.0.1")
    sign_in(client, viewer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert enter_code(client, "000000").status_code == 400
        clock.shift(datetime.timedelta(seconds=20))
    locked = enter_code(client, "000000")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # Locked for the account, from anywhere, with the right password and the right code.
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    assert sign_in(elsewhere, viewer).status_code == 429
    assert enter_code(client, code_for(device)).status_code == 429
    assert signed_in_user_id(client) is None and signed_in_user_id(elsewhere) is None
    clock.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))
    fresh = Client(REMOTE_ADDR="10.0.0.3")
    sign_in(fresh, viewer)
    assert enter_code(fresh, code_for(device)).status_code == 302


def test_the_sign_in_page_offers_a_forgotten_password_link(db):
    page = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("mfa:password_reset")}">Forgotten your password?' in page


def test_recovery_codes_left_after_an_administrator_deleted_the_app_ask_for_no_code(viewer):
    from mfa import policy

    with_password(viewer)
    policy.new_recovery_codes(viewer)
    client = Client()
    assert sign_in(client, viewer).url != reverse("mfa:verify")
    assert signed_in_user_id(client) == str(viewer.pk)
    assert client.get(reverse("mfa:setup")).status_code == 200  # they set up a new app
