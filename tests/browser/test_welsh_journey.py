"""The lead's core journey in Welsh, in a real browser: they switch the interface to Cymraeg with
the language switch on the page, then record an update on their action (a first try with nothing
chosen, then a good one), and every page of it passes axe and the HTML checker. The links are
followed by where they go, and the checks are on the core pages' own Welsh words, so that the test
holds whichever other parts of the interface are translated yet."""

import re

import pytest
from django.urls import reverse

from improvement.models import Action, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_switches_to_welsh_and_records_an_update_in_welsh(page, sign_in, assert_page_ok):
    action = Action.objects.get(plan__slug="walsall-sip-2012", number="3.15")
    amber = action.plan.rag_scheme.statuses.get(code="A")
    updates_before = action.updates.count()
    sign_in("lead")
    assert page.locator("html").get_attribute("lang") == "en-gb"

    page.get_by_role("button", name="Cymraeg").click()
    page.wait_for_selector('html[lang="cy"]')
    assert_page_ok(page)
    assert User.objects.get(username="lead").language == "cy"

    page.locator(f"a[href='{reverse('improvement:my_actions')}']").first.click()
    page.get_by_role("heading", name="Fy nghamau gweithredu", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("columnheader", name="Cynllun a chyfnod").first.is_visible()
    assert_page_ok(page)

    page.locator(f"a[href='{reverse('improvement:record_update', args=[action.pk])}']").first.click()
    page.get_by_role("heading", name="Cofnodi diweddariad ar gyfer cam gweithredu 3.15").wait_for()
    assert page.get_by_role("heading", name="Tystiolaeth").is_visible()
    assert_page_ok(page)

    # Nothing chosen: the page comes back with the error, still in Welsh, and nothing is saved.
    page.get_by_role("button", name="Cadw'r diweddariad").click()
    page.locator(".govuk-error-summary").wait_for()
    assert re.match(r"Gwall: Cofnodi diweddariad ar gyfer cam gweithredu 3\.15", page.title())
    assert page.locator("html").get_attribute("lang") == "cy"
    assert_page_ok(page)
    assert action.updates.count() == updates_before

    page.locator(f"input[name='status'][value='{amber.pk}']").check()
    page.locator("textarea[name='note']").fill(
        "Early help pathway agreed in principle; recruitment to the team is slipping.")
    page.get_by_role("button", name="Cadw'r diweddariad").click()

    page.get_by_role("heading", name="Hanes RAG").wait_for()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", name="Statws presennol").is_visible()
    assert "recruitment to the team is slipping" in page.locator(".moj-timeline").inner_text()
    assert_page_ok(page)
    action.refresh_from_db()
    assert action.current_status.code == "A"
    assert action.updates.count() == updates_before + 1
