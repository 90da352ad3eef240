"""The site's frame and account pages in Welsh: the sign-in page and its error summary, the 404 and
500 pages, Your account's two-factor and API token panels, the two-factor, API token and
notifications pages, the GOV.UK form components, and the password reset email in the language its
recipient chose (User.language), whatever the language of whoever asked for it."""

import re

import pytest
from django import forms
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from improvement.forms_rendering import GovukCheckboxes, GovukDateField
from notifications.models import Subscription
from notifications.teams import adaptive_card
from tests.conftest import client_for
from tests.mfa.helpers import enrol, with_password

pytestmark = pytest.mark.django_db

WELSH = {"accept-language": "cy"}


def welsh_page(client, url, **kwargs):
    response = client.get(url, headers=WELSH, **kwargs)
    page = response.content.decode()
    assert '<html lang="cy"' in page
    return response, page


def test_the_sign_in_page_is_in_welsh_for_a_browser_that_asks_for_it():
    _response, page = welsh_page(Client(), reverse("login"))
    assert "<title>Mewngofnodi – Cynlluniau gwella</title>" in page
    assert '<h1 class="govuk-heading-l">Mewngofnodi</h1>' in page
    assert "Neidio i&#x27;r prif gynnwys" in page or "Neidio i'r prif gynnwys" in page
    assert "Wedi anghofio eich cyfrinair?" in page and "Enw defnyddiwr" in page and "Cyfrinair" in page
    assert "Datganiad hygyrchedd" in page and "Preifatrwydd" in page and "Cwcis" in page
    for english in ("Forgotten your password?", "Skip to main content", "Accessibility statement", ">Sign in<"):
        assert english not in page


def test_a_failed_sign_in_is_summarised_in_welsh(viewer):
    with_password(viewer)
    response = Client().post(reverse("login"), {"username": viewer.username, "password": "not the password"},
                             headers=WELSH)
    page = response.content.decode()
    assert '<html lang="cy"' in page
    assert "<title>Gwall: Mewngofnodi – Cynlluniau gwella</title>" in page
    assert '<h2 class="govuk-error-summary__title">Mae problem wedi codi</h2>' in page
    assert "a chyfrinair cywir" in page
    assert "There is a problem" not in page and "Please enter a correct" not in page


def test_an_empty_sign_in_marks_each_field_in_welsh():
    page = Client().post(reverse("login"), {"username": "", "password": ""}, headers=WELSH).content.decode()
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in page
    assert "Error:" not in page


def test_the_frame_of_your_account_is_in_welsh_for_someone_who_chose_it(viewer):
    viewer.language = "cy"
    viewer.save()
    with_password(viewer)
    page = client_for(viewer).get(reverse("improvement:account")).content.decode()
    assert '<html lang="cy"' in page
    assert "Eich cyfrif" in page and "Allgofnodi" in page and "Cynlluniau" in page and "Byrddau" in page
    assert f"Wedi mewngofnodi fel <strong>{viewer}</strong>" in page
    # The panels of other apps on it: two-factor authentication and API tokens.
    assert "Dilysu dau gam" in page and "Gosod dilysu dau gam" in page
    assert "Tocynnau API" in page and "Nid oes gennych docynnau gweithredol." in page
    for english in ("Sign out", "Signed in as", "Set up two-factor authentication", "You have no active tokens."):
        assert english not in page


@pytest.mark.parametrize("url", ["/no-such-page/", "/plans/999999/"])
def test_a_missing_page_is_in_welsh(settings, viewer, url):
    settings.DEBUG, settings.DEBUG_ERROR_PAGES = True, False
    response = client_for(viewer).get(url, headers=WELSH)
    page = response.content.decode()
    assert response.status_code == 404 and '<html lang="cy"' in page
    assert "Heb ddod o hyd i&#x27;r dudalen" in page or "Heb ddod o hyd i'r dudalen" in page
    assert "Os gwnaethoch deipio’r cyfeiriad gwe" in page or "Os gwnaethoch deipio'r cyfeiriad gwe" in page \
        or "Os gwnaethoch deipio&#x27;r cyfeiriad gwe" in page
    assert "Page not found" not in page and "If you typed the web address" not in page


def test_the_server_error_page_is_in_the_language_of_the_request():
    with translation.override("cy"):
        page = render_to_string("500.html")
    assert '<html lang="cy"' in page and "problem gyda’r gwasanaeth" in page.replace("'", "’").replace("&#x27;", "’")
    assert "Try again later." not in page
    with translation.override("en-gb"):
        assert "Sorry, there is a problem with the service" in render_to_string("500.html")


def test_the_two_factor_pages_are_in_welsh(viewer):
    with_password(viewer)
    client = client_for(viewer)
    _response, page = welsh_page(client, reverse("mfa:overview"))
    assert "<h1 class=\"govuk-heading-l\">Dilysu dau gam</h1>" in page and "Gosod ap dilysu" in page
    assert "Set up an authenticator app" not in page
    _response, page = welsh_page(client, reverse("mfa:setup"))
    assert "Rhowch y cod 6 digid y mae eich ap yn ei ddangos" in page and "Mae’r cod yn newid bob 30 eiliad." \
        in page.replace("&#x27;", "’").replace("'", "’")
    assert "Cod QR ar gyfer eich ap dilysu" in page
    assert "Install an authenticator app" not in page


def test_the_two_factor_overview_counts_recovery_codes_in_welsh(viewer):
    with_password(viewer)
    enrol(viewer)
    _response, page = welsh_page(client_for(viewer), reverse("mfa:overview"))
    assert "10 ar ôl" in page and "Gwneud codau adfer newydd" in page
    assert "Make new recovery codes" not in page


def test_the_api_tokens_page_and_its_form_are_in_welsh(viewer, plan):
    client = client_for(viewer)
    _response, page = welsh_page(client, reverse("api:token_list"))
    assert "Tocynnau API" in page and "Creu tocyn" in page and "Cynlluniau y caiff eu darllen" in page
    assert "30 diwrnod" in page and "1 flwyddyn" in page and "(dewisol)" not in page
    assert "Create a token" not in page and "Plans it may read" not in page
    response = client.post(reverse("api:token_list"), {"name": "", "expires_in": "30"}, headers=WELSH)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mae problem wedi codi" in page and "Rhowch enw ar gyfer y tocyn" in page
    assert "Dewiswch o leiaf un cynllun i" in page


def test_a_managers_notifications_pages_are_in_welsh(manager, plan):
    subscription = Subscription.objects.create(plan=plan, name="Board channel", kind="json",
                                               url="https://example.org/hook", events=["update.recorded"])
    client = client_for(manager)
    _response, page = welsh_page(client, reverse("notifications:subscription_list", args=[plan.pk]))
    assert "<h1 class=\"govuk-heading-xl\">Hysbysiadau</h1>" in page and "JSON wedi" in page
    assert "Mae diweddariad yn cael ei gofnodi ar gam gweithredu" in page and "Ychwanegu tanysgrifiad" in page
    assert "Add a subscription" not in page and "An update is recorded on an action" not in page
    _response, page = welsh_page(client, subscription.get_absolute_url())
    assert "Cyfrinach lofnodi" in page and "Anfon hysbysiad prawf" in page and "Log anfon" in page
    assert "Signing secret" not in page
    _response, page = welsh_page(client, reverse("notifications:subscription_create", args=[plan.pk]))
    assert "Beth i’w anfon" in page.replace("&#x27;", "’").replace("'", "’")
    assert "What to send" not in page


def test_the_password_reset_email_is_in_the_language_its_recipient_chose(viewer):
    viewer.email, viewer.language = "viewer@walsall.example", "cy"
    viewer.save()
    with_password(viewer)
    Client().post(reverse("mfa:password_reset"), {"email": viewer.email}, headers={"accept-language": "en"})
    message = mail.outbox[0]
    assert message.subject == "Ailosod eich cyfrinair ar gyfer Cynlluniau gwella"
    assert "Mae’r ddolen yn gweithio unwaith, am 60 munud." in message.body.replace("'", "’")
    assert "The link works once" not in message.body


def test_the_password_reset_email_is_in_english_for_someone_who_chose_no_language(viewer):
    viewer.email = "viewer@walsall.example"
    viewer.save()
    with_password(viewer)
    Client().post(reverse("mfa:password_reset"), {"email": viewer.email}, headers=WELSH)
    assert mail.outbox[0].subject == "Reset your password for Improvement plans"


class DateForm(forms.Form):
    when = GovukDateField(label="Revised due date")


def test_the_govuk_date_field_says_what_is_missing_in_welsh():
    with translation.override("cy"):
        form = DateForm({"when_0": "3", "when_1": "", "when_2": "2013"})
        assert form.errors["when"] == ["Rhaid i Revised due date gynnwys mis"]
        html = str(form["when"])
        assert "Diwrnod" in html and "Mis" in html and "Blwyddyn" in html


def test_the_checkbox_filters_status_words_come_from_the_page_in_welsh():
    widget = GovukCheckboxes(choices=[("1", "One"), ("2", "Two")], filter_label="Filter")
    with translation.override("cy"):
        html = widget.render("items", [], attrs={"id": "id_items"})
    assert re.search(r'data-i18n-status="Yn dangos \{shown\} o \{total\}"', html)
    with translation.override("en-gb"):
        html = widget.render("items", [], attrs={"id": "id_items"})
    assert 'data-i18n-status="{shown} of {total} shown"' in html


def test_a_welsh_page_offers_english_by_its_own_name():
    _response, page = welsh_page(Client(), reverse("login"))
    assert 'lang="en-gb">English</button>' in page and 'lang="cy">Cymraeg</span>' in page
    assert "Saesneg" not in page


def test_sign_in_with_an_organisations_account_is_offered_in_welsh(settings):
    settings.OIDC_PROVIDERS = [{**provider, "name": "Walsall Council"} for provider in settings.OIDC_PROVIDERS] or [
        {"id": "walsall", "name": "Walsall Council"}]
    _response, page = welsh_page(Client(), reverse("login"))
    assert "Gyda chyfrif eich sefydliad" in page and "Mewngofnodi gyda Walsall Council" in page
    assert "Gydag enw defnyddiwr a chyfrinair" in page
    assert "Sign in with Walsall Council" not in page


def test_a_teams_card_is_in_the_sites_language_whoever_caused_it():
    payload = {"summary": "Action 1.1: Green for December 2012", "plan": {"name": "Walsall", "url": "https://x/"}}
    with translation.override("cy"):
        card = adaptive_card(payload)["attachments"][0]["content"]
    assert card["body"][1]["facts"] == [{"title": "Plan", "value": "Walsall"}]
    assert card["actions"][0]["title"] == "Open in the improvement plan"
