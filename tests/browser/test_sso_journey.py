"""A council officer signs in with the council's account at a real OpenID Connect provider (the
test provider of tests/identity/, on loopback), reads the plan their group gives them, and signs
out, offered the provider's sign-out too; axe and the HTML checker on every page of ours."""

import re

import pytest

from identity.models import RoleFromClaim, SignInProvider
from tests.identity.conftest import COUNCIL_PEOPLE, start
from tests.identity.oidc import use_providers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The provider's own development sign-in page asks for a web font: nothing leaves the machine.
NOT_LOOPBACK = re.compile(r"^https?://(?!(?:127\.0\.0\.1|localhost)[:/])")


@pytest.fixture
def council_idp(live_server):
    provider = start("walsall", COUNCIL_PEOPLE, base=live_server.url)
    yield provider
    provider.stop()


def test_an_officer_signs_in_with_the_councils_account_and_out_again(
        page, live_server, council_idp, settings, council, plan, assert_page_ok):
    page.route(NOT_LOOPBACK, lambda route: route.abort())
    use_providers(settings, council_idp.configuration("walsall", "Walsall Council"))
    provider = SignInProvider.objects.create(key="walsall", organisation=council)
    RoleFromClaim.objects.create(provider=provider, value="plan-viewers", plan=plan, role="viewer")

    page.goto("/sign-in/")
    assert_page_ok(page)
    page.get_by_role("button", name="Sign in with Walsall Council").click()

    page.wait_for_url(f"{council_idp.issuer}/**")
    page.locator("input[name=login]").fill("alice")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()

    page.wait_for_url(f"{live_server.url}/**")
    page.get_by_role("link", name=plan.name).wait_for()
    assert_page_ok(page)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    link = page.get_by_role("link", name="Sign out of Walsall Council too")
    assert link.get_attribute("href").startswith(f"{council_idp.issuer}/session/end?")
    assert_page_ok(page)
