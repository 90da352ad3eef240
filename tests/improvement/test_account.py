"""Your account (improvement.views.account): who you are, your password, and the panels other apps
add (two-factor authentication, API tokens)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from tests.conftest import client_for

URL = reverse("improvement:account")


def test_the_account_page_says_who_you_are_and_offers_password_two_factor_and_tokens(lead):
    page = client_for(lead).get(URL).content.decode()
    assert '<h1 class="govuk-heading-xl">Your account</h1>' in page and lead.username in page
    assert "Change your password" in page
    assert "Two-factor authentication" in page and "Set up two-factor authentication" in page
    assert "API tokens" in page and "You have no active tokens." in page
    assert 'aria-current="page"' in page  # "Your account" in the header is this page


def test_the_account_page_counts_only_usable_tokens(lead, plan):
    ApiToken.issue(owner=lead, name="Power BI", plans=[plan], expires_at=timezone.now() + datetime.timedelta(days=30))
    revoked, _key = ApiToken.issue(owner=lead, name="Old", plans=[plan],
                                   expires_at=timezone.now() + datetime.timedelta(days=30))
    revoked.revoke()
    assert "You have 1 active token." in client_for(lead).get(URL).content.decode()


def test_an_account_without_a_password_here_is_offered_no_password_or_two_factor(lead):
    lead.set_unusable_password()
    lead.save()
    page = client_for(lead).get(URL).content.decode()
    assert "You sign in with your organisation’s account, so you have no password here." in page
    assert "Change your password" not in page and "two-factor authentication" not in page.lower()
    assert "API tokens" in page


def test_signed_out_people_are_sent_to_sign_in():
    from django.test import Client

    response = Client().get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
