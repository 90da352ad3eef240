"""The "Two-factor authentication" pages under the account (mfa.views): set up an app with a QR
code or its key, see recovery codes once, make new ones, remove the app with the password; and
MFA_REQUIRED_FOR sending those whose role needs it to set it up before any page."""

import base64
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import policy
from tests.conftest import client_for
from tests.mfa.helpers import MOMENT, PASSWORD, code_for, enrol, sign_in, with_password

SET_UP = reverse("mfa:setup")


@pytest.fixture
def clock():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def shown_key(response) -> bytes:
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', response.content.decode()).group(1)
    return base64.b32decode(key.replace(" ", ""))


def test_the_set_up_page_shows_a_qr_code_and_the_same_key_as_text(viewer):
    client = client_for(viewer)
    response = client.get(SET_UP)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<svg role="img" aria-labelledby="qr-title"' in page and '<title id="qr-title">' in page
    assert 'style="' not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # the CSP allows no inline style
    device = TOTPDevice.objects.get(user=viewer)
    assert shown_key(response) == device.bin_key and not device.confirmed
    assert shown_key(client.get(SET_UP)) == device.bin_key  # reloading keeps the key
    assert TOTPDevice.objects.filter(user=viewer).count() == 1


def test_the_right_code_sets_up_the_app_and_shows_ten_recovery_codes_once(viewer, clock):
    client = client_for(viewer)
    key = shown_key(client.get(SET_UP))
    device = TOTPDevice.objects.get(user=viewer)
    assert key == device.bin_key
    response = client.post(SET_UP, {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("mfa:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["otp_device_id"] == device.persistent_id  # this session counts as verified
    page = client.get(response.url).content.decode()
    codes = sorted(StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True))
    assert len(codes) == 10 and all(f"<li>{code}</li>" in page for code in codes)
    assert "You will not see these codes again" in page
    again = client.get(reverse("mfa:recovery_codes"))
    assert again.status_code == 302 and again.url == reverse("mfa:overview")


@pytest.mark.parametrize(("code", "message"), [
    ("", "Enter the 6-digit code from your authenticator app"),
    ("12ab56", "The code must be 6 numbers, like 123456"),
    ("000000", "The code is not right"),
])
def test_a_missing_malformed_or_wrong_code_sets_up_nothing_and_says_what_to_fix(viewer, clock, code, message):
    client = client_for(viewer)
    client.get(SET_UP)
    response = client.post(SET_UP, {"code": code})
    assert response.status_code == 400
    assert message in response.content.decode() and "There is a problem" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=viewer, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=viewer).exists()


def test_the_overview_says_what_is_set_up(viewer):
    client = client_for(viewer)
    assert "Set up an authenticator app" in client.get(reverse("mfa:overview")).content.decode()
    enrol(viewer)
    page = client.get(reverse("mfa:overview")).content.decode()
    assert "10 left" in page and "Make new recovery codes" in page and "Remove the authenticator app" in page
    assert client.get(SET_UP).status_code == 302  # one app at a time


def test_new_recovery_codes_replace_the_old_ones_and_are_shown_once(viewer):
    _device, old = enrol(viewer)
    client = client_for(viewer)
    assert client.get(reverse("mfa:recovery_codes_new")).status_code == 405
    response = client.post(reverse("mfa:recovery_codes_new"))
    assert response.url == reverse("mfa:recovery_codes")
    new = set(StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True))
    assert len(new) == 10 and new.isdisjoint(old)
    page = client.get(response.url).content.decode()
    assert all(code in page for code in new)


def test_removing_the_app_needs_the_password(viewer):
    with_password(viewer)
    enrol(viewer)
    client = client_for(viewer)
    assert client.get(reverse("mfa:remove")).status_code == 200
    wrong = client.post(reverse("mfa:remove"), {"password": "not my password"})
    assert wrong.status_code == 400 and "Your password is not right" in wrong.content.decode()
    assert policy.has_authenticator(viewer)
    right = client.post(reverse("mfa:remove"), {"password": PASSWORD})
    assert right.url == reverse("mfa:overview")
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert not StaticToken.objects.filter(device__user=viewer).exists()
    assert sign_in(Client(), viewer).url != reverse("mfa:verify")  # the password alone again


def test_wrong_passwords_on_the_remove_page_count_against_the_sign_in_limits(viewer, settings):
    with_password(viewer)
    enrol(viewer)
    client = client_for(viewer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("mfa:remove"), {"password": "a guess"}).status_code == 400
    assert client.post(reverse("mfa:remove"), {"password": "a guess"}).status_code == 429
    assert client.post(reverse("mfa:remove"), {"password": PASSWORD}).status_code == 429
    assert policy.has_authenticator(viewer)


def test_pages_for_an_app_nobody_has_go_back_to_the_overview(viewer):
    client = client_for(viewer)
    for response in (client.get(reverse("mfa:remove")), client.post(reverse("mfa:recovery_codes_new"))):
        assert response.status_code == 302 and response.url == reverse("mfa:overview")
    assert not StaticToken.objects.exists()


def test_your_account_links_to_the_two_factor_page(viewer):
    page = client_for(viewer).get(reverse("improvement:account")).content.decode()
    assert f'href="{reverse("mfa:overview")}"' in page and "Not set up: signing in needs only your password." in page


# MFA_REQUIRED_FOR

def test_a_required_manager_is_sent_to_set_up_an_app_before_any_page(manager, viewer, plan, settings, clock):
    settings.MFA_REQUIRED_FOR = frozenset({"managers"})
    client = client_for(manager)
    plan_page = reverse("improvement:plan_detail", args=[plan.pk])
    response = client.get(plan_page)
    assert response.status_code == 302 and response.url == f"{SET_UP}?next={plan_page.replace('/', '%2F')}"
    assert client.post(reverse("improvement:plan_edit", args=[plan.pk])).url.startswith(SET_UP)
    assert "Your role needs two-factor authentication" in client.get(SET_UP).content.decode()
    assert client_for(viewer).get(plan_page).status_code == 200  # a viewer is not required
    # Set up, then on to where they were going.
    client.get(response.url)
    device = TOTPDevice.objects.get(user=manager)
    codes = client.post(response.url, {"code": code_for(device)})
    assert codes.url == reverse("mfa:recovery_codes")
    assert f'href="{plan_page}"' in client.get(codes.url).content.decode()
    assert client.get(plan_page).status_code == 200


def test_a_required_person_with_an_app_but_no_code_this_session_is_asked_for_one(manager, plan, settings, clock):
    settings.MFA_REQUIRED_FOR = frozenset({"managers"})
    device, _codes = enrol(manager)
    client = client_for(manager)  # signed in some other way than the two steps
    plan_page = reverse("improvement:plan_detail", args=[plan.pk])
    response = client.get(plan_page)
    assert response.url.startswith(reverse("mfa:verify"))
    assert "Your role needs two-factor authentication" in client.get(response.url).content.decode()
    assert client.post(response.url, {"code": code_for(device)}).url == plan_page
    assert client.get(plan_page).status_code == 200


@pytest.mark.parametrize("requirement", ["everyone", "administrators", "leads"])
def test_each_requirement_names_its_people(requirement, lead, viewer, settings):
    from tests.conftest import make_user

    administrator = make_user("administrator", is_superuser=True)
    settings.MFA_REQUIRED_FOR = frozenset({requirement})
    required = {name for name, user in [("lead", lead), ("viewer", viewer), ("administrator", administrator)]
                if policy.must_use_two_factor(user)}
    assert required == {"everyone": {"lead", "viewer", "administrator"}, "administrators": {"administrator"},
                        "leads": {"lead"}}[requirement]


def test_an_account_without_a_password_is_left_to_its_identity_provider(viewer, settings):
    settings.MFA_REQUIRED_FOR = frozenset({"everyone"})
    viewer.set_unusable_password()
    viewer.save()
    client = client_for(viewer)
    assert client.get(reverse("improvement:plan_list")).status_code == 200
    assert "There is nothing to set up here" in client.get(reverse("mfa:overview")).content.decode()
    assert client.get(SET_UP).url == reverse("mfa:overview")


def test_sign_out_and_the_published_pages_stay_open_to_a_required_person(viewer, settings):
    settings.MFA_REQUIRED_FOR = frozenset({"everyone"})
    client = client_for(viewer)
    assert client.get(reverse("improvement:accessibility")).status_code == 200
    assert client.get(reverse("improvement:plan_list")).url.startswith(SET_UP)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_required_person_who_removes_the_app_sets_up_a_new_one_next(manager, settings, clock):
    settings.MFA_REQUIRED_FOR = frozenset({"managers"})
    with_password(manager)
    device, _codes = enrol(manager)
    client = client_for(manager)
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    assert client.get(reverse("mfa:overview")).status_code == 200
    response = client.post(reverse("mfa:remove"), {"password": PASSWORD})
    assert response.url == SET_UP
    assert client.get(reverse("improvement:plan_list")).url.startswith(SET_UP)


def test_an_unknown_requirement_stops_start_up_with_a_message(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tests.improvement.test_security import settings_module_with

    with pytest.raises(ImproperlyConfigured, match="MFA_REQUIRED_FOR must list some of administrators"):
        settings_module_with(monkeypatch, MFA_REQUIRED_FOR="managers,chairs")
    assert settings_module_with(monkeypatch, MFA_REQUIRED_FOR="managers, leads")["MFA_REQUIRED_FOR"] == {
        "managers", "leads"}

