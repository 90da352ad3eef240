"""Reading OIDC_PROVIDERS (identity/configuration.py): a Microsoft Entra ID tenant or any issuer,
the client secret from the environment or a file, and a clear stop for every mistake."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from identity.configuration import allauth_apps, read_providers

ENTRA = {"id": "walsall", "name": "Walsall Council", "tenant": "0c0a4d6f-1b4e-4a5e-9d7c-2f0a8e6b1c3d",
         "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e", "secret_env": "WALSALL_OIDC_SECRET",
         "verified_email_domains": ["Walsall.gov.uk"]}
ENVIRON = {"WALSALL_OIDC_SECRET": " s3cret \n"}


def read(*entries, environ=ENVIRON):
    return read_providers(json.dumps(list(entries)), environ=environ)


def test_nothing_set_means_no_providers():
    assert read_providers("", environ={}) == [] and read_providers("  ", environ={}) == []


def test_an_entra_tenant_becomes_its_v2_issuer_with_the_secret_from_the_environment():
    (provider,) = read(ENTRA)
    assert provider == {
        "id": "walsall", "name": "Walsall Council",
        "issuer": "https://login.microsoftonline.com/0c0a4d6f-1b4e-4a5e-9d7c-2f0a8e6b1c3d/v2.0",
        "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e", "secret": "s3cret",
        "verified_email_domains": ["walsall.gov.uk"], "scope": ["openid", "profile", "email"], "fetch_userinfo": False}


def test_the_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    entry = {**ENTRA, "secret_file": str(secret)}
    del entry["secret_env"]
    assert read(entry)[0]["secret"] == "from-a-file"


def test_any_other_provider_is_named_by_its_https_issuer():
    entry = {"id": "nhs", "name": "Walsall Healthcare NHS Trust", "issuer": "https://id.example.nhs.uk/realms/staff/",
             "client_id": "plans", "secret_env": "WALSALL_OIDC_SECRET"}
    assert read(entry)[0]["issuer"] == "https://id.example.nhs.uk/realms/staff"


def test_allauth_gets_each_provider_as_an_app_with_pkce():
    (app,) = allauth_apps(read(ENTRA))
    assert app["provider_id"] == "walsall" and app["secret"] == "s3cret"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["server_url"].endswith("/v2.0")


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "OIDC_PROVIDERS is not valid JSON"),
    ('{"id": "walsall"}', "must be a JSON list of providers"),
    ('["walsall"]', "provider 1 must be a JSON object"),
])
def test_text_that_is_not_a_list_of_providers_stops_the_site(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        read_providers(text, environ=ENVIRON)


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "Walsall Council"}, "id must be lower-case letters, digits and hyphens"),
    ({"name": ""}, "needs a name"),
    ({"client_id": None}, "needs a client_id"),
    ({"issuer": "https://login.example"}, "either tenant .* or issuer"),
    ({"tenant": "a/b"}, "tenant must be the directory"),
    ({"secret_file": "/run/secrets/x"}, "either secret_env .* or secret_file"),
    ({"secret_env": "UNSET_VARIABLE"}, "the environment variable UNSET_VARIABLE is not set"),
    ({"verified_email_domains": "walsall.gov.uk"}, "verified_email_domains must be a list"),
    ({"scope": ["email"]}, 'scope must be a list that includes "openid"'),
    ({"fetch_userinfo": "yes"}, "fetch_userinfo must be true or false"),
    ({"secret": "inline"}, "fields this site does not know: secret"),
])
def test_each_mistake_in_a_provider_is_named(change, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        read({**ENTRA, **change})


def test_an_issuer_must_be_https_except_on_loopback():
    entry = {**ENTRA, "issuer": "http://id.example.gov.uk"}
    del entry["tenant"]
    with pytest.raises(ImproperlyConfigured, match="issuer must be an https:// URL"):
        read(entry)
    assert read({**entry, "issuer": "http://127.0.0.1:9000"})[0]["issuer"] == "http://127.0.0.1:9000"


def test_a_missing_secret_file_is_named():
    entry = {**ENTRA, "secret_file": "/nonexistent/secret"}
    del entry["secret_env"]
    with pytest.raises(ImproperlyConfigured, match="cannot read secret_file /nonexistent/secret"):
        read(entry)


def test_two_providers_with_one_id_are_refused():
    with pytest.raises(ImproperlyConfigured, match="two providers with the id 'walsall'"):
        read(ENTRA, ENTRA)
