"""The language switch (config/language.py) and the language a page is in: the cookie or the
browser's Accept-Language for anyone, and a signed-in person's own choice, kept on their account
(config.middleware.UserLanguageMiddleware)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

WELSH_SWITCH = 'aria-label="Dewis iaith"'


def test_the_sign_in_page_is_in_english_with_a_switch_to_cymraeg():
    page = Client().get(reverse("login")).content.decode()
    assert '<html lang="en-gb"' in page
    assert 'lang="cy">Cymraeg</button>' in page


def test_a_browser_that_asks_for_welsh_gets_welsh():
    page = Client().get(reverse("login"), headers={"accept-language": "cy"})
    assert '<html lang="cy"' in page.content.decode() and WELSH_SWITCH in page.content.decode()
    assert page["Content-Language"] == "cy" and "Accept-Language" in page["Vary"]


def test_switching_to_welsh_signed_out_sets_the_cookie_and_returns_to_the_page():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "cy", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    assert '<html lang="cy"' in client.get(reverse("login")).content.decode()


def test_switching_signed_in_keeps_the_choice_on_the_account_for_any_browser(viewer, plan):
    url = reverse("improvement:plan_detail", args=[plan.pk])
    client_for(viewer).post(reverse("set_language"), {"language": "cy", "next": url})
    viewer.refresh_from_db()
    assert viewer.language == "cy"
    elsewhere = client_for(viewer)  # another browser: no language cookie, English Accept-Language
    page = elsewhere.get(url, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="cy"' in page and WELSH_SWITCH in page


def test_switching_back_to_english_is_kept_too(viewer, plan):
    viewer.language = "cy"
    viewer.save()
    client = client_for(viewer)
    client.post(reverse("set_language"), {"language": "en-gb", "next": "/"})
    viewer.refresh_from_db()
    assert viewer.language == "en-gb"
    assert '<html lang="en-gb"' in client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()


def test_a_language_we_do_not_offer_changes_nothing(viewer):
    client = client_for(viewer)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.language == ""


def test_the_switch_never_returns_to_another_site():
    response = Client().post(reverse("set_language"), {"language": "cy", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_switch_only_takes_a_post():
    assert Client().get(reverse("set_language")).status_code == 405
