"""The accessibility statement, privacy notice and cookies page, reached from the footer without
signing in, pass axe and the HTML checker."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anyone_reaches_the_published_pages_from_the_footer(page, assert_page_ok):
    page.goto("/sign-in/")
    footer = page.locator("footer")
    for link, heading in [("Accessibility statement", "Accessibility statement for Improvement plans"),
                          ("Privacy", "Privacy notice"), ("Cookies", "Cookies")]:
        footer.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert_page_ok(page)
