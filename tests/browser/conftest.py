"""Browser tests: Playwright driving the system Chromium (never a downloaded browser), with the
axe-core accessibility check on every page visited, and the W3C Nu HTML checker (the vnu-jar npm
package, run with the machine's Java as a server on loopback) on the pages a test checks.

Without /usr/bin/chromium these tests are skipped, and the run says so; with REQUIRE_BROWSER
set (as CI does) a missing browser fails the run instead.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)

# Playwright's sync API runs an event loop in the test's thread; Django would otherwise refuse
# the test's own database calls as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM} and REQUIRE_BROWSER is set")
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM}: not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_axe_clean(axe):
    """Run axe-core (WCAG 2.2 A and AA rules) on the page and fail with its report."""

    def check(page):
        results = axe.run(page, options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]},
            "resultTypes": ["violations"],
        })
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def html_checker():
    """The Nu HTML checker as a server on 127.0.0.1, started once for the session."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        message = f"the HTML checker needs Java and {VNU_JAR} (npm ci installs it)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, our own jar
        [java, "-Xss16m", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU_JAR),
         "nu.validator.servlet.Main", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/?out=json"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()  # noqa: S310 - loopback
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the Nu HTML checker did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def assert_valid_html(html_checker):
    """Check the page's HTML (as the browser holds it) with the Nu checker: no errors."""

    def check(page):
        html = page.content()
        request = urllib.request.Request(html_checker, data=html.encode(),  # noqa: S310 - loopback
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            messages = json.load(response)["messages"]
        errors = [f"line {m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]
        assert errors == [], f"{page.url}\n" + "\n".join(errors)

    return check


@pytest.fixture
def assert_page_ok(assert_axe_clean, assert_valid_html):
    """axe and the HTML checker on the page: every page a browser test checks gets both."""

    def check(page):
        assert_axe_clean(page)
        assert_valid_html(page)

    return check


@pytest.fixture
def assert_accessible(assert_page_ok):
    """The name the older journeys use: axe and the HTML checker, as assert_page_ok."""
    return assert_page_ok


@pytest.fixture
def demo(transactional_db, settings):
    """The demo as `make run` serves it: its data, and its dates judged as at the demo's date."""
    from django.core.management import call_command

    from improvement.management.commands.demo import DEMO_AS_AT

    settings.DEBUG = True
    settings.SITE_AS_AT = DEMO_AS_AT
    call_command("demo", stdout=io.StringIO())
    return "improvement-demo-2012"


@pytest.fixture
def sign_in(page, demo):
    def as_user(username):
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(demo)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return as_user
