"""Signing in with an OpenID Connect provider (identity/views.py), against real providers started on
loopback (tests/identity/conftest.py): the code flow with PKCE, nonce and state; ID tokens that are
expired or wrongly signed; verified and unverified emails; accounts made or linked by verified
email, never by name; roles from groups; a partner's provider; providers that are down or
misconfigured; signing out; and django-axes still limiting local sign-in."""

import datetime
import re
import socket
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from identity.models import GrantedRole
from improvement.models import PlanRole, User
from tests.conftest import make_user

from .conftest import COUNCIL_PEOPLE, start
from .oidc import Browser, path_of, use_providers

pytestmark = pytest.mark.django_db


def start_sign_in(client, provider_id="walsall", **query):
    url = reverse("identity:sign_in_with", args=[provider_id])
    response = client.get(f"{url}?{urlencode(query)}" if query else url)
    assert response.status_code == 302, response.status_code
    return response


def sign_in(client, login, provider_id="walsall", **query):
    """The whole journey: this site, the provider's sign-in page as ``login``, back here."""
    authorize = start_sign_in(client, provider_id, **query)["Location"]
    return client.get(path_of(Browser().sign_in(authorize, login)))


def banner(client) -> str:
    """The sign-in page's text after a redirect to it."""
    page = client.get(reverse("login"))
    assert page.status_code == 200
    return page.content.decode()


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


# The sign-in page


def test_sign_in_page_offers_each_configured_provider_above_the_local_form(client, providers):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Walsall Council" in page and "Sign in with Walsall Healthcare NHS Trust" in page
    assert f'href="{reverse("identity:sign_in_with", args=["walsall"])}"' in page
    assert page.index("Sign in with Walsall Council") < page.index('name="username"')


def test_sign_in_page_without_providers_is_the_local_form_alone(client, settings):
    settings.OIDC_PROVIDERS = []
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page and 'name="username"' in page


def test_the_provider_button_carries_next_through_the_sign_in(client, providers, plan):
    page = client.get(reverse("login") + f"?next=/plans/{plan.pk}/").content.decode()
    assert f"{reverse('identity:sign_in_with', args=['walsall'])}?next=%2Fplans%2F{plan.pk}%2F" in page
    response = sign_in(client, "alice", next=f"/plans/{plan.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"


# The code flow


def test_sign_in_goes_to_the_provider_with_pkce_a_nonce_and_state(client, providers, council_idp):
    location = start_sign_in(client)["Location"]
    assert location.startswith(f"{council_idp.issuer}/auth?")
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["improvement-plans-walsall"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 12
    assert query["redirect_uri"] == ["http://testserver/sign-in/with/walsall/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}


def test_first_sign_in_makes_an_account_in_the_providers_organisation_with_the_groups_role(
        client, providers, council, plan):
    response = sign_in(client, "alice")
    assert response.status_code == 302 and response["Location"] == reverse("improvement:plan_list")
    user = signed_in_user(client)
    assert (user.email, user.first_name, user.last_name) == ("alice.ashdown@walsall.gov.uk", "Alice", "Ashdown")
    assert user.username == "alice.ashdown@walsall.gov.uk" and not user.has_usable_password()
    assert user.organisation == council
    assert list(PlanRole.objects.filter(user=user).values_list("plan", "role")) == [(plan.pk, "viewer")]
    assert GrantedRole.objects.get(plan_role__user=user).provider.key == "walsall"
    assert SocialAccount.objects.get(user=user).uid == "alice"
    assert client.get(reverse("improvement:plan_detail", args=[plan.pk])).status_code == 200


def test_a_second_sign_in_finds_the_same_account_by_the_providers_subject(client, providers):
    sign_in(client, "alice")
    first = signed_in_user(client)
    first.email = "changed@walsall.gov.uk"  # the provider's subject, not the email, finds it from now on
    first.save()
    other = Client()
    sign_in(other, "alice")
    assert signed_in_user(other) == first
    assert User.objects.filter(email__iendswith="walsall.gov.uk").count() == 1


def test_a_tampered_state_signs_nobody_in(client, providers):
    callback = Browser().sign_in(start_sign_in(client)["Location"], "alice")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = ["not-the-state-this-site-sent"]
    response = client.get(path_of(urlunsplit(parts._replace(query=urlencode(query, doseq=True)))))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "did not match one started here" in banner(client)
    assert signed_in_user(client) is None and not User.objects.filter(email__icontains="alice").exists()


def test_a_code_swapped_into_another_sign_in_is_refused_by_pkce(client, providers, caplog):
    first = start_sign_in(client)["Location"]
    second = parse_qs(urlsplit(start_sign_in(client)["Location"]).query)["state"][0]
    parts = urlsplit(Browser().sign_in(first, "alice"))
    query = {**parse_qs(parts.query), "state": [second]}  # a state this session holds, another verifier
    client.get(path_of(urlunsplit(parts._replace(query=urlencode(query, doseq=True)))))
    assert "did not accept this site&#x27;s sign-in request" in banner(client)
    assert "invalid_grant" in caplog.text  # the provider checked the verifier against the code's challenge
    assert signed_in_user(client) is None


def test_a_next_address_on_another_site_is_ignored(client, providers):
    response = sign_in(client, "alice", next="https://elsewhere.example/")
    assert response["Location"] == reverse("improvement:plan_list")


def test_a_callback_from_another_browser_session_signs_nobody_in(client, providers):
    callback = Browser().sign_in(start_sign_in(client)["Location"], "alice")
    stranger = Client()
    response = stranger.get(path_of(callback))
    assert response["Location"] == reverse("login") and signed_in_user(stranger) is None


def test_an_expired_id_token_signs_nobody_in(client, providers):
    callback = Browser().sign_in(start_sign_in(client)["Location"], "alice")
    # The provider's ID tokens last two minutes; this site reads this one five minutes later
    # (within the ten minutes that a sign-in started here is kept).
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=5)):
        response = client.get(path_of(callback))
    assert response["Location"] == reverse("login")
    assert "answer could not be checked" in banner(client)
    assert signed_in_user(client) is None


@pytest.fixture(scope="module")
def wrong_keys_idp():
    """A provider that signs its ID tokens with one key and publishes another under the same id."""
    provider = start("forged", COUNCIL_PEOPLE, publish_wrong_keys=True)
    yield provider
    provider.stop()


def test_a_wrongly_signed_id_token_signs_nobody_in(client, providers, settings, wrong_keys_idp, council):
    from identity.models import SignInProvider

    use_providers(settings, wrong_keys_idp.configuration("forged", "Forged Council"))
    SignInProvider.objects.create(key="forged", organisation=council)
    response = sign_in(client, "alice", provider_id="forged")
    assert response["Location"] == reverse("login")
    assert "Forged Council&#x27;s answer could not be checked" in banner(client)
    assert signed_in_user(client) is None and not SocialAccount.objects.exists()


# Emails


def test_an_unverified_email_makes_no_account_and_says_why(client, providers):
    response = sign_in(client, "carl")
    assert response["Location"] == reverse("login")
    assert "did not give a verified email address" in banner(client)
    assert signed_in_user(client) is None and not User.objects.filter(email="carl.cole@walsall.gov.uk").exists()


def test_no_email_at_all_makes_no_account(client, providers):
    sign_in(client, "nomail")
    assert "did not give a verified email address" in banner(client)
    assert not SocialAccount.objects.exists()


def test_an_email_in_a_domain_the_administrator_vouches_for_counts_as_verified(client, providers, settings,
                                                                               council_idp, partner_idp):
    # Microsoft Entra ID sends no email_verified: the council's own domain is listed instead.
    use_providers(settings, council_idp.configuration("walsall", "Walsall Council",
                                                      verified_email_domains=["walsall.gov.uk"]))
    sign_in(client, "dee")
    assert signed_in_user(client).email == "dee.dean@walsall.gov.uk"


def test_without_that_domain_the_same_email_is_refused(client, providers):
    sign_in(client, "dee")
    assert signed_in_user(client) is None


def test_a_verified_email_links_the_existing_local_account(client, providers, viewer):
    viewer.email = "Viewer@Walsall.gov.uk"
    viewer.save()
    sign_in(client, "vic")
    assert signed_in_user(client) == viewer
    assert SocialAccount.objects.get(provider="walsall", uid="vic").user == viewer
    viewer.refresh_from_db()
    assert viewer.has_usable_password()  # the local password still works beside the provider


def test_an_account_is_never_linked_by_name(client, providers, council):
    namesake = make_user("alice", council)  # same user name as the provider's login, no email
    sign_in(client, "alice")
    user = signed_in_user(client)
    assert user != namesake and user.username == "alice.ashdown@walsall.gov.uk"


def test_two_local_accounts_with_the_email_link_neither(client, providers, council):
    make_user("twin1", council, email="twin@walsall.gov.uk")
    make_user("twin2", council, email="TWIN@walsall.gov.uk")
    sign_in(client, "twin")
    assert "More than one account here has the email address twin@walsall.gov.uk" in banner(client)
    assert signed_in_user(client) is None and not SocialAccount.objects.exists()


def test_a_closed_account_is_not_opened_by_its_email(client, providers, viewer):
    User.objects.filter(pk=viewer.pk).update(email="viewer@walsall.gov.uk", is_active=False)
    sign_in(client, "vic")
    assert "Your account here has been closed" in banner(client)
    assert signed_in_user(client) is None


# Roles


def test_a_person_whose_groups_map_to_no_role_is_signed_in_and_told(client, providers, council):
    response = sign_in(client, "bea")
    assert response["Location"] == reverse("improvement:plan_list")
    user = signed_in_user(client)
    assert user.organisation == council and not PlanRole.objects.filter(user=user).exists()
    page = client.get(response["Location"]).content.decode()
    assert "you have no role on any plan yet" in page
    assert "Successfully signed in" not in page  # allauth's own messages are not shown
    assert "Change your password" not in page  # the account has no password here


def test_a_partners_provider_makes_accounts_in_the_partner_organisation(client, providers, plan):
    sign_in(client, "nurse", provider_id="nhs")
    user = signed_in_user(client)
    assert user.organisation.name == "Walsall Healthcare NHS Trust"
    assert list(PlanRole.objects.filter(user=user).values_list("plan", "role")) == [(plan.pk, "viewer")]
    assert SocialAccount.objects.get(user=user).provider == "nhs"


def test_a_partners_provider_cannot_open_a_council_account_by_its_address(client, providers, viewer):
    viewer.email = "viewer@walsall.gov.uk"
    viewer.save()
    sign_in(client, "impostor", provider_id="nhs")
    message = re.search(r'id="app-message-1">(.*?)</p>', banner(client), re.DOTALL).group(1)
    assert "belongs to another organisation than Walsall Healthcare NHS Trust" in message
    assert "Walsall Council" not in message
    assert signed_in_user(client) is None and not SocialAccount.objects.exists()


def test_the_same_subject_at_two_providers_is_two_people(client, providers, settings, council_idp, partner_idp):
    sign_in(client, "alice")
    partner = Client()
    sign_in(partner, "nurse", provider_id="nhs")
    assert signed_in_user(client) != signed_in_user(partner)
    assert set(SocialAccount.objects.values_list("provider", "uid")) == {("walsall", "alice"), ("nhs", "nurse")}


# Providers that are down, misconfigured or not set up


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_provider_that_is_down_sends_people_back_to_sign_in_locally(client, providers, settings, lead):
    use_providers(settings, {"id": "walsall", "name": "Walsall Council", "issuer": f"http://127.0.0.1:{closed_port()}",
                             "client_id": "improvement-plans-walsall", "secret_env": "TEST_OIDC_SECRET"})
    response = client.get(reverse("identity:sign_in_with", args=["walsall"]))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = banner(client)
    assert "Signing in with Walsall Council is not working at the moment" in page
    assert 'name="username"' in page
    response = client.post(reverse("login"), {"username": "lead", "password": "not-used-in-tests"})
    assert response.status_code == 302 and signed_in_user(client) == lead


def test_a_wrong_client_secret_is_a_message_not_an_error_page(client, providers, settings, council_idp):
    entry = council_idp.configuration("walsall", "Walsall Council")
    use_providers(settings, entry)
    settings.SOCIALACCOUNT_PROVIDERS["oidc"]["APPS"][0]["secret"] = "not-the-secret"
    sign_in(client, "alice")
    assert "Walsall Council did not accept this site&#x27;s sign-in request" in banner(client)
    assert signed_in_user(client) is None


def test_a_discovery_document_naming_another_issuer_is_refused(client, providers, settings, council_idp):
    # localhost and 127.0.0.1 reach the same provider, whose documents name 127.0.0.1.
    issuer = council_idp.issuer.replace("127.0.0.1", "localhost")
    use_providers(settings, {**council_idp.configuration("walsall", "Walsall Council"), "issuer": issuer})
    response = client.get(reverse("identity:sign_in_with", args=["walsall"]))
    assert response["Location"] == reverse("login")
    assert "is not working at the moment" in banner(client)


def test_a_provider_not_yet_given_an_organisation_makes_no_account(client, providers):
    providers["walsall"].delete()
    sign_in(client, "alice")
    assert "Signing in with Walsall Council is not set up yet" in banner(client)
    assert not User.objects.filter(email__icontains="alice").exists()


def test_cancelling_at_the_provider_says_so(client, providers, council_idp):
    authorize = start_sign_in(client)["Location"]
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    callback = reverse("identity:callback", args=["walsall"])
    client.get(f"{callback}?{urlencode({'error': 'access_denied', 'state': state})}")
    assert "You did not finish signing in with Walsall Council" in banner(client)


def test_an_unknown_provider_is_not_found(client, providers):
    assert client.get(reverse("identity:sign_in_with", args=["nowhere"])).status_code == 404
    assert client.post(reverse("identity:sign_in_with", args=["walsall"])).status_code == 405


# Signing out


def test_signing_out_ends_the_session_here_and_offers_the_providers_sign_out(client, providers, council_idp):
    sign_in(client, "alice")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and signed_in_user(client) is None
    page = client.get(reverse("login")).content.decode()
    assert "You have signed out." in page
    start = page.index(f'href="{council_idp.issuer}/session/end?')
    url = page[start + 6:page.index('"', start + 6)].replace("&amp;", "&")
    link = parse_qs(urlsplit(url).query)
    assert link == {"client_id": ["improvement-plans-walsall"], "post_logout_redirect_uri": ["http://testserver/sign-in/"]}
    # The provider accepts it: its own "do you want to sign out" page.
    assert Browser().session.get(url, timeout=10).status_code == 200
    assert "Sign out of Walsall Council too" not in client.get(reverse("login")).content.decode()  # once


def test_signing_out_of_a_local_session_offers_no_provider(client, providers, lead):
    client.post(reverse("login"), {"username": "lead", "password": "not-used-in-tests"})
    client.post(reverse("logout"))
    assert "too</a>" not in client.get(reverse("login")).content.decode()


# django-axes


def test_local_sign_in_is_still_locked_after_too_many_failures(client, providers, settings, lead):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lead", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "lead", "password": "not-used-in-tests"})
    assert response.status_code == 429 and signed_in_user(client) is None


def test_a_failed_provider_sign_in_is_not_counted_as_a_password_failure(client, providers, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, "carl")
    assert not AccessAttempt.objects.exists()
    sign_in(client, "alice")
    assert signed_in_user(client) is not None
