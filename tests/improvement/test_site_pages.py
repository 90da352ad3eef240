"""The accessibility statement, privacy notice and cookies page: public, linked from every
page's footer, and saying what the service keeps, from its settings."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

PAGES = {
    "improvement:accessibility": "Accessibility statement for Improvement plans",
    "improvement:privacy": "Privacy notice",
    "improvement:cookies": "Cookies",
}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_is_public_and_has_one_h1(client, db, name):
    response = client.get(reverse(name))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1 and f">{PAGES[name]}</h1>" in page


@pytest.mark.parametrize("name", PAGES)
def test_the_page_refuses_post(client, db, name):
    assert client.post(reverse(name)).status_code == 405


def test_every_page_links_to_them_from_the_footer(client, db, viewer, plan):
    for page in [client.get(reverse("login")), client_for(viewer).get(reverse("improvement:plan_detail",
                                                                              args=[plan.pk]))]:
        footer = page.content.decode().split('<footer class="govuk-template__footer">')[1]
        for name, text in [("improvement:accessibility", "Accessibility statement"),
                           ("improvement:privacy", "Privacy"), ("improvement:cookies", "Cookies")]:
            assert f'href="{reverse(name)}">{text}</a>' in footer


def test_the_cookies_page_names_the_cookies_and_their_limits(client, db, settings):
    settings.SESSION_COOKIE_AGE = 20 * 60
    settings.SESSION_MAX_HOURS = 8
    page = client.get(reverse("improvement:cookies")).content.decode()
    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in page and f"<code>{settings.CSRF_COOKIE_NAME}</code>" in page
    assert "After 20 minutes without using the service, and 8 hours after you signed in" in page


def test_the_privacy_notice_says_what_is_kept_and_for_how_long(client, db, settings):
    settings.PRIVACY_CONTACT = "dpo@walsall.example"
    page = client.get(reverse("improvement:privacy")).content.decode()
    for kept in ["name, email address, job title, organisation", "Sign-in attempts", "for the life of the plan",
                 "append-only", "Audit trail", "deleted 24 hours after it was asked for", "the response status",
                 'href="mailto:dpo@walsall.example"']:
        assert kept in page, kept


def test_the_accessibility_statement_gives_the_standard_tests_and_contact(client, db, settings):
    settings.ACCESSIBILITY_CONTACT = "access@walsall.example"
    page = client.get(reverse("improvement:accessibility")).content.decode()
    for said in ["Web Content Accessibility Guidelines version 2.2", "We believe this service meets the", "axe",
                 "W3C Nu HTML checker", "PDF/UA-1", "Non-accessible content", 'href="mailto:access@walsall.example"']:
        assert said in page, said


def test_the_contacts_default_to_the_security_contact(settings):
    from pathlib import Path

    security = (Path(__file__).resolve().parents[2] / "SECURITY.md").read_text()
    assert settings.ACCESSIBILITY_CONTACT in security and settings.PRIVACY_CONTACT == settings.ACCESSIBILITY_CONTACT
