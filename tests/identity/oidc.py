"""Real OpenID Connect providers for the tests: the certified `oidc-provider` npm package run by
node (tests/identity/provider/provider.mjs) on an ephemeral loopback port, and a person's side of
the sign-in (the provider's own sign-in page, submitted over HTTP as a browser would).

`make test` and `.ci/run` install the package from tests/identity/provider/package-lock.json
(`npm ci`), so nothing is downloaded while the tests run.
"""

import html
import json
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from django.urls import reverse

from identity.configuration import allauth_apps, read_providers

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
SECRET = "test-client-secret-not-used-anywhere-else"


class Provider:
    """One running provider: its issuer URL and process."""

    def __init__(self, *, client_id, redirect_uris, post_logout_redirect_uris=(), accounts, **options):
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
            raise RuntimeError("oidc-provider is not installed: run `npm ci --prefix tests/identity/provider` "
                               "(make test does)")
        self.client_id = client_id
        config = {"clients": [{"client_id": client_id, "client_secret": SECRET, "redirect_uris": list(redirect_uris),
                               "post_logout_redirect_uris": list(post_logout_redirect_uris)}],
                  "accounts": accounts, **options}
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (the provider's log, closed by stop())
        self.process = subprocess.Popen(  # noqa: S603 (the project's own script, fixed arguments)
            ["node", str(PROVIDER_DIR / "provider.mjs"), json.dumps(config)],  # noqa: S607
            stdout=subprocess.PIPE, stderr=self._log, text=True, cwd=PROVIDER_DIR)
        self.issuer = self.process.stdout.readline().strip()
        if not self.issuer.startswith("http://127.0.0.1:"):
            self.stop()
            self._log.seek(0)
            raise RuntimeError(f"the test provider did not start: {self._log.read()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()

    def configuration(self, provider_id, name, **extra) -> dict:
        """This provider as an OIDC_PROVIDERS entry."""
        return {"id": provider_id, "name": name, "issuer": self.issuer, "client_id": self.client_id,
                "secret_env": "TEST_OIDC_SECRET", **extra}


def use_providers(settings, *entries) -> None:
    """Configure the site with these OIDC_PROVIDERS entries, read as config/settings.py reads them."""
    providers = read_providers(json.dumps(list(entries)), environ={"TEST_OIDC_SECRET": SECRET})
    settings.OIDC_PROVIDERS = providers
    settings.SOCIALACCOUNT_PROVIDERS = {"oidc": {"APPS": allauth_apps(providers)}}


def callback_uri(base, provider_id):
    return base + reverse("identity:callback", args=[provider_id])


class Browser:
    """The person's side at the provider: its cookies, its sign-in page."""

    def __init__(self):
        self.session = requests.Session()

    def sign_in(self, url: str, login: str, stop_at: str = "http://testserver") -> str:
        """Follow the provider from ``url`` through its sign-in page as ``login`` until it sends the
        browser back to ``stop_at``; that address (the callback, with code and state)."""
        for _ in range(10):
            if url.startswith(stop_at):
                return url
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', response.text)
            assert response.status_code == 200 and form, (response.status_code, response.text[:500])
            response = self.session.post(urljoin(url, html.unescape(form.group(1))), allow_redirects=False,
                                         data={"prompt": "login", "login": login, "password": "any"}, timeout=10)
            assert response.is_redirect, (response.status_code, response.text[:500])
            url = urljoin(url, response.headers["location"])
        raise AssertionError(f"the provider never sent the browser back (last at {url})")


def path_of(url: str) -> str:
    """The path and query of an absolute URL, as Django's test client takes them."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
