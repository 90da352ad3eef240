"""Browser tests: Playwright driving the system Chromium (never a downloaded browser), with the
axe-core accessibility check on every page visited.

Without /usr/bin/chromium these tests are skipped, and the run says so; with REQUIRE_BROWSER
set (as CI does) a missing browser fails the run instead.
"""

import io
import os
import shutil

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
def assert_accessible(axe):
    """Run axe-core (WCAG 2.2 A and AA rules) on the page and fail with its report."""

    def check(page):
        results = axe.run(page, options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]},
            "resultTypes": ["violations"],
        })
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def demo(transactional_db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
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
