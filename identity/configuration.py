"""Reading ``OIDC_PROVIDERS``: the OpenID Connect providers people may sign in with.

Read by config/settings.py at start-up, so it imports nothing of Django's but the exception: a
bad value stops the site with a message that names the provider and the field to fix, as the
other settings do. The format, with a Microsoft Entra ID example, is in docs/sso.md.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

ENTRA_ISSUER = "https://login.microsoftonline.com/{tenant}/v2.0"
FIELDS = {"id", "name", "tenant", "issuer", "client_id", "secret_env", "secret_file", "verified_email_domains",
          "scope", "fetch_userinfo"}
PROVIDER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def read_providers(text: str, environ=os.environ) -> list[dict]:
    """The providers described by ``text`` (a JSON list), each checked and with its secret read."""
    if not text.strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON ({error}); see docs/sso.md") from None
    if not isinstance(data, list):
        raise ImproperlyConfigured('OIDC_PROVIDERS must be a JSON list of providers: [{"id": "walsall", ...}]')
    providers, seen = [], set()
    for number, item in enumerate(data, 1):
        provider = _read_provider(item, f"OIDC_PROVIDERS provider {number}", environ)
        if provider["id"] in seen:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS has two providers with the id {provider['id']!r}")
        seen.add(provider["id"])
        providers.append(provider)
    return providers


def _read_provider(item, where: str, environ) -> dict:
    if not isinstance(item, dict):
        raise ImproperlyConfigured(f"{where} must be a JSON object with id, name, client_id, ...")
    if unknown := sorted(set(item) - FIELDS):
        raise ImproperlyConfigured(f"{where} has fields this site does not know: {', '.join(unknown)} "
                                   f"(known: {', '.join(sorted(FIELDS))})")
    provider_id = item.get("id")
    if not isinstance(provider_id, str) or not PROVIDER_ID.fullmatch(provider_id):
        raise ImproperlyConfigured(f"{where}: id must be lower-case letters, digits and hyphens, like "
                                   f'"walsall", not {provider_id!r}')
    where = f"OIDC_PROVIDERS provider {provider_id!r}"
    for field in ("name", "client_id"):
        if not isinstance(item.get(field), str) or not item[field].strip():
            raise ImproperlyConfigured(f"{where} needs a {field}")
    if ("tenant" in item) == ("issuer" in item):
        raise ImproperlyConfigured(f"{where} needs either tenant (Microsoft Entra ID's tenant id) or issuer "
                                   "(any other provider's issuer URL), not both")
    if "tenant" in item:
        if not isinstance(item["tenant"], str) or not re.fullmatch(r"[A-Za-z0-9.-]+", item["tenant"]):
            raise ImproperlyConfigured(f"{where}: tenant must be the directory (tenant) id, like "
                                       "0c0a4d6f-1b4e-4a5e-9d7c-2f0a8e6b1c3d")
        issuer = ENTRA_ISSUER.format(tenant=item["tenant"])
    else:
        issuer = item["issuer"]
        parts = urlsplit(issuer) if isinstance(issuer, str) else None
        if not parts or not parts.hostname or not (
                parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)):
            raise ImproperlyConfigured(f"{where}: issuer must be an https:// URL, not {issuer!r}")
    domains = item.get("verified_email_domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) and "." in d for d in domains):
        raise ImproperlyConfigured(f'{where}: verified_email_domains must be a list like ["walsall.gov.uk"]')
    scope = item.get("scope", ["openid", "profile", "email"])
    if not isinstance(scope, list) or "openid" not in scope or not all(isinstance(s, str) for s in scope):
        raise ImproperlyConfigured(f'{where}: scope must be a list that includes "openid"')
    fetch_userinfo = item.get("fetch_userinfo", False)
    if not isinstance(fetch_userinfo, bool):
        raise ImproperlyConfigured(f"{where}: fetch_userinfo must be true or false")
    return {"id": provider_id, "name": item["name"].strip(), "issuer": issuer.rstrip("/"),
            "client_id": item["client_id"].strip(), "secret": _read_secret(item, where, environ),
            "verified_email_domains": [d.strip().lower() for d in domains], "scope": scope,
            "fetch_userinfo": fetch_userinfo}


def _read_secret(item, where: str, environ) -> str:
    if ("secret_env" in item) == ("secret_file" in item):
        raise ImproperlyConfigured(f"{where} needs either secret_env (the name of an environment variable holding "
                                   "the client secret) or secret_file (a file holding it), not both")
    if "secret_env" in item:
        secret = environ.get(str(item["secret_env"]), "").strip()
        if not secret:
            raise ImproperlyConfigured(f"{where}: the environment variable {item['secret_env']} is not set")
        return secret
    try:
        secret = Path(str(item["secret_file"])).read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{where}: cannot read secret_file {item['secret_file']} "
                                   f"({error.strerror})") from None
    if not secret:
        raise ImproperlyConfigured(f"{where}: secret_file {item['secret_file']} is empty")
    return secret


def allauth_apps(providers: list[dict]) -> list[dict]:
    """The providers as django-allauth's settings-backed apps (``SOCIALACCOUNT_PROVIDERS``)."""
    return [{
        "provider_id": provider["id"], "name": provider["name"], "client_id": provider["client_id"],
        "secret": provider["secret"],
        "settings": {"server_url": provider["issuer"], "oauth_pkce_enabled": True, "scope": provider["scope"],
                     "fetch_userinfo": provider["fetch_userinfo"],
                     "verified_email_domains": provider["verified_email_domains"]},
    } for provider in providers]
